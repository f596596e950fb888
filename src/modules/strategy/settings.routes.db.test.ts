import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { Agent } from '../../../test/helpers/agent.js';
import { PASSWORD } from '../../../test/helpers/fixtures.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import { makePlan, person, type Plan } from './progress.test-support.js';
import { STATUSES } from './strategy.tables.js';
import { DEFAULT_STATUS_LABELS } from './status.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

async function signedIn(email: string) {
  const agent = new Agent(t.app);
  await agent.signIn(email, PASSWORD);
  return agent;
}

/** The whole form as it stands by default, with some fields changed. */
function form(changes: Record<string, string> = {}) {
  const fields: Record<string, string> = {};
  for (const s of STATUSES) {
    fields[`${s}-label`] = DEFAULT_STATUS_LABELS[s].label;
    fields[`${s}-rag`] = DEFAULT_STATUS_LABELS[s].rag;
    fields[`${s}-hint`] = '';
  }
  return { ...fields, ...changes };
}

async function settingsEvents(orgId: string) {
  return withTenant(t.database.db, orgId, null, (trx) =>
    trx
      .selectFrom('audit_events')
      .select(['action', 'before', 'after'])
      .where('action', '=', 'strategy_settings.status_words_updated')
      .execute(),
  );
}

describe('status words', () => {
  let plan: Plan;
  let admin: Agent;
  beforeAll(async () => {
    plan = await makePlan(t.database.db);
    const a = await person(t.database.db, plan.orgId, 'admin');
    admin = await signedIn(a.email);
  });

  it('shows each status with its word, colour and hint to an administrator', async () => {
    const res = await admin.get('/admin/status-words');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<h1 class="govuk-heading-l">Status words</h1>');
    expect(res.body).toContain('The status Waymark calls “On track”');
    expect(res.body).toMatch(
      /id="on_track-label" name="on_track-label" type="text"[^>]*value="On track"/,
    );
    expect(res.body).toMatch(/<option value="green" selected>Green<\/option>/);
    expect(res.body).toContain('<strong class="govuk-tag govuk-tag--green">On track</strong>');
  });

  it('is for administrators only', async () => {
    for (const role of ['editor', 'contributor', 'viewer', 'board'] as const) {
      const someone = await person(t.database.db, plan.orgId, role);
      const agent = await signedIn(someone.email);
      expect((await agent.get('/admin/status-words')).statusCode).toBe(403);
      const res = await agent.post('/admin/status-words', form({ 'on_track-label': 'Fine' }), {
        from: '/my-actions',
      });
      expect(res.statusCode).toBe(403);
    }
    expect(await settingsEvents(plan.orgId)).toHaveLength(0);
  });

  it('explains what is wrong: an empty word, a word used twice, an unknown colour', async () => {
    const res = await admin.post(
      '/admin/status-words',
      form({ 'at_risk-label': '', 'off_track-label': 'On Track', 'complete-rag': 'purple' }),
      { from: '/admin/status-words' },
    );
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('href="#at_risk-label">Enter a word for “at risk”</a>');
    expect(res.body).toContain(
      'href="#off_track-label">“off track” needs a different word from “on track”: each status must have its own</a>',
    );
    expect(res.body).toContain('href="#complete-rag">Select a colour for “complete”</a>');
    // What was typed comes back.
    expect(res.body).toMatch(/id="off_track-label"[^>]*value="On Track"/);
    expect(await settingsEvents(plan.orgId)).toHaveLength(0);
  });

  it('saves new words and colours (audited) and every page uses them, colour always with the word', async () => {
    const res = await admin.post(
      '/admin/status-words',
      form({
        'on_track-label': 'Going well',
        'on_track-rag': 'green',
        'at_risk-label': 'Some concerns',
        'at_risk-rag': 'amber',
        'at_risk-hint': 'Needs watching at the next board.',
        'not_started-rag': 'blue',
      }),
      { from: '/admin/status-words' },
    );
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/admin/status-words');
    const page = await admin.get('/admin/status-words');
    expect(page.body).toContain('The status words have been saved.');
    expect(page.body).toContain('<strong class="govuk-tag govuk-tag--green">Going well</strong>');

    const stored = await withTenant(t.database.db, plan.orgId, null, (trx) =>
      trx.selectFrom('strategy_settings').select('status_labels').executeTakeFirstOrThrow(),
    );
    expect(stored.status_labels).toMatchObject({
      on_track: { label: 'Going well', rag: 'green' },
      at_risk: { label: 'Some concerns', rag: 'amber', hint: 'Needs watching at the next board.' },
      not_started: { label: 'Not started', rag: 'blue' },
    });
    const events = await settingsEvents(plan.orgId);
    expect(events).toHaveLength(1);
    expect(events[0]!.after).toMatchObject({ on_track: { label: 'Going well' } });

    // The owner's pages speak the organisation's words.
    const owner = await signedIn(plan.owner.email);
    const mine = await owner.get('/my-actions');
    expect(mine.body).toContain('<strong class="govuk-tag govuk-tag--green">Going well</strong>');
    expect(mine.body).toContain('<strong class="govuk-tag govuk-tag--blue">Not started</strong>');
    const record = await owner.get(`/actions/${plan.actions['1.1']!.id}/progress`);
    expect(record.body).toMatch(/value="at_risk"[^>]*>\s*<label[^>]*>\s*Some concerns\s*<\/label>/);
    expect(record.body).toContain('Needs watching at the next board.');

    // Saving the same again changes nothing and writes no event.
    const again = await admin.post(
      '/admin/status-words',
      form({
        'on_track-label': 'Going well',
        'at_risk-label': 'Some concerns',
        'at_risk-hint': 'Needs watching at the next board.',
        'not_started-rag': 'blue',
      }),
      { from: '/admin/status-words' },
    );
    expect(again.statusCode).toBe(303);
    expect((await admin.get('/admin/status-words')).body).toContain('Nothing was changed.');
    expect(await settingsEvents(plan.orgId)).toHaveLength(1);
  });
});

describe('the priority scale', () => {
  let plan: Plan;
  let admin: Agent;
  beforeAll(async () => {
    plan = await makePlan(t.database.db);
    const a = await person(t.database.db, plan.orgId, 'admin');
    admin = await signedIn(a.email);
  });

  async function priorityEvents() {
    return withTenant(t.database.db, plan.orgId, null, (trx) =>
      trx
        .selectFrom('audit_events')
        .select(['after'])
        .where('action', '=', 'strategy_settings.priorities_updated')
        .execute(),
    );
  }

  it('shows High, Medium and Low until the organisation sets its own', async () => {
    const res = await admin.get('/admin/priorities');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Now: High, Medium, Low.');
    expect(res.body).toMatch(/id="level-0-code"[^>]*value="high"/);
    expect(res.body).toContain('Level 4 (leave empty if not needed)');
    const editor = await person(t.database.db, plan.orgId, 'editor');
    expect((await (await signedIn(editor.email)).get('/admin/priorities')).statusCode).toBe(403);
  });

  it('explains what is wrong with a level', async () => {
    const res = await admin.post(
      '/admin/priorities',
      {
        'level-0-label': 'Critical',
        'level-0-code': 'Crit ical',
        'level-1-label': 'High',
        'level-1-code': 'high',
        'level-1-aliases': 'h, 1',
        'level-2-label': '',
        'level-2-code': 'medium',
        'level-2-aliases': 'm, h',
      },
      { from: '/admin/priorities' },
    );
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(
      'href="#level-0-code">The code for Critical must be up to 20 lower-case letters, digits or hyphens, like high</a>',
    );
    expect(res.body).toContain('href="#level-2-label">Enter the name of medium, like High</a>');
    expect(res.body).toContain(
      'href="#level-2-aliases">“h” is used for both High and medium: a plan’s words must lead to one level</a>',
    );
    expect(res.body).toMatch(/id="level-0-code"[^>]*value="Crit ical"/);
    expect(await priorityEvents()).toHaveLength(0);
  });

  it('saves the organisation’s own scale, audited', async () => {
    const res = await admin.post(
      '/admin/priorities',
      {
        'level-0-label': 'Essential',
        'level-0-code': 'essential',
        'level-0-aliases': 'E, P1',
        'level-1-label': 'Desirable',
        'level-1-code': 'desirable',
        'level-1-aliases': 'd, p2',
        'level-2-label': '',
        'level-2-code': '',
      },
      { from: '/admin/priorities' },
    );
    expect(res.statusCode).toBe(303);
    const page = await admin.get('/admin/priorities');
    expect(page.body).toContain('The priority scale has been saved.');
    expect(page.body).toContain('Now: Essential, Desirable.');
    const stored = await withTenant(t.database.db, plan.orgId, null, (trx) =>
      trx.selectFrom('strategy_settings').select('priorities').executeTakeFirstOrThrow(),
    );
    expect(stored.priorities).toEqual({
      levels: [
        { code: 'essential', label: 'Essential', aliases: ['e', 'p1'] },
        { code: 'desirable', label: 'Desirable', aliases: ['d', 'p2'] },
      ],
    });
    expect(await priorityEvents()).toHaveLength(1);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import { createAction } from './action.service.js';
import { createTerm } from './glossary.service.js';
import { actionInput, strategyInput } from './strategy.schemas.js';
import { addArea, createStrategy } from './strategy.service.js';
import {
  auditOf,
  errorSummary,
  locationId,
  makeOrg,
  type Org,
} from './strategy-pages.test-support.js';

let t: TestApp;
let org: Org;
let other: Org;
beforeAll(async () => {
  t = await createTestApp();
  org = await makeOrg(t);
  other = await makeOrg(t);
}, 60_000);
afterAll(async () => t.close());

const READERS = ['viewer', 'board', 'contributor'] as const;

async function strategyOf(o: Org, title = 'ICT Strategy 2005-2007') {
  return createStrategy(
    t.database.db,
    await o.ctx('editor'),
    strategyInput.parse({ title, periodLabel: '2005–2007', documentDate: '2005-04-01' }),
  );
}

async function strategyRow(tenantId: string, id: string) {
  return withTenant(t.database.db, tenantId, null, (trx) =>
    trx.selectFrom('strategies').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
  );
}

describe('the list of strategies', () => {
  it('shows each strategy with period, status, version, approval, actions and next review', async () => {
    const s = await createStrategy(
      t.database.db,
      await org.ctx('editor'),
      strategyInput.parse({
        title: 'Digital Strategy 2025',
        periodLabel: '2025–2028',
        status: 'approved',
        approvedBy: 'Cabinet',
        approvedOn: '2025-03-18',
        nextReviewOn: '2026-03-17',
      }),
    );
    await createAction(
      t.database.db,
      await org.ctx('editor'),
      s.id,
      actionInput.parse({ ref: '1.1', title: 'Set up the programme office' }),
    );
    const hidden = await strategyOf(other, 'Another council’s plan');

    const res = await (await org.as('viewer')).get('/strategies');
    expect(res.statusCode).toBe(200);
    const row = res.body.slice(res.body.indexOf(`/strategies/${s.id}`));
    expect(row).toMatch(/Digital Strategy 2025/);
    expect(row).toMatch(/2025–2028/);
    expect(row).toMatch(/govuk-tag--green">\s*Approved/);
    expect(row).toContain('Cabinet, <time datetime="2025-03-18">18 March 2025</time>');
    expect(row).toContain('<time datetime="2026-03-17">17 March 2026</time>');
    expect(row).toMatch(/govuk-table__cell--numeric">1<\/td>/);
    expect(res.body).not.toContain(hidden.id);
    expect(res.body).not.toContain('Create a strategy');

    const asEditor = await (await org.as('editor')).get('/strategies');
    expect(asEditor.body).toContain('href="/strategies/new"');
  });
});

describe('creating and editing a strategy', () => {
  it('refuses readers: viewer, board and contributor get 403 on every managing page', async () => {
    const s = await strategyOf(org);
    for (const role of READERS) {
      const agent = await org.as(role);
      for (const url of [
        '/strategies/new',
        `/strategies/${s.id}/edit`,
        `/strategies/${s.id}/archive`,
        `/strategies/${s.id}/areas/new`,
        `/strategies/${s.id}/roll-forward`,
      ]) {
        expect((await agent.get(url)).statusCode, `${role} GET ${url}`).toBe(403);
        expect((await agent.post(url, { title: 'x' })).statusCode, `${role} POST ${url}`).toBe(403);
      }
    }
    expect((await strategyRow(org.id, s.id)).status).toBe('draft');
  });

  it('says what is wrong with each field, keeping what was typed', async () => {
    const agent = await org.as('editor');
    const form = await agent.get('/strategies/new');
    expect(form.statusCode).toBe(200);
    for (const id of ['title', 'periodLabel', 'periodStart-day', 'status', 'approvedOn-day']) {
      expect(form.body).toContain(`id="${id}"`);
    }
    // The document date's hint says what it anchors.
    expect(form.body).toContain('are read from this date');

    const empty = await agent.post('/strategies/new', { status: 'draft' });
    expect(empty.statusCode).toBe(400);
    expect(errorSummary(empty.body)).toEqual(['title: Enter the strategy’s title']);

    const bad = await agent.post('/strategies/new', {
      title: 'Plan with bad dates',
      'periodStart-day': '1',
      'periodStart-month': '4',
      'periodStart-year': '2007',
      'periodEnd-day': '31',
      'periodEnd-month': '3',
      'periodEnd-year': '2006',
      'approvedOn-day': '31',
      'approvedOn-month': '2',
      'approvedOn-year': '2007',
      status: 'sideways',
    });
    expect(bad.statusCode).toBe(400);
    expect(errorSummary(bad.body)).toEqual([
      'status: Select a status',
      'approvedOn-day: Approval date must be a real date',
    ]);
    // What was typed comes back, each date in its own boxes.
    expect(bad.body).toContain('value="Plan with bad dates"');
    expect(bad.body).toMatch(/name="periodEnd-year"[^>]*value="2006"/);
    expect(bad.body).toContain('govuk-form-group govuk-form-group--error');

    // The period's order is checked once each field is right on its own.
    const order = await agent.post('/strategies/new', {
      title: 'Plan with a backwards period',
      status: 'draft',
      'periodStart-day': '1',
      'periodStart-month': '4',
      'periodStart-year': '2007',
      'periodEnd-day': '31',
      'periodEnd-month': '3',
      'periodEnd-year': '2006',
    });
    expect(order.statusCode).toBe(400);
    expect(errorSummary(order.body)).toEqual([
      'periodEnd-day: End of the period must be the same as or after its start',
    ]);
    expect(order.body).toContain('href="#periodEnd-day"');
    expect(order.body).toContain('id="periodEnd-day"');
  });

  it('creates a strategy with every field, audited, and shows it', async () => {
    const agent = await org.as('editor');
    const res = await agent.post('/strategies/new', {
      title: 'ICT Strategy 2007',
      periodLabel: '2007–2009',
      'periodStart-day': '1',
      'periodStart-month': '4',
      'periodStart-year': '2007',
      'periodEnd-day': '31',
      'periodEnd-month': '3',
      'periodEnd-year': '2009',
      status: 'consultation',
      approvedBy: 'Policy committee',
      'approvedOn-day': '',
      'approvedOn-month': '',
      'approvedOn-year': '',
      'nextReviewOn-day': '1',
      'nextReviewOn-month': '3',
      'nextReviewOn-year': '2008',
      leadOfficer: 'AD, ICT',
      summary: 'Sets out **how** ICT supports services.',
      'documentDate-day': '2',
      'documentDate-month': '4',
      'documentDate-year': '2007',
    });
    expect(res.statusCode).toBe(303);
    const id = locationId(res, '/strategies');
    expect(await strategyRow(org.id, id)).toMatchObject({
      title: 'ICT Strategy 2007',
      period_label: '2007–2009',
      period_start: '2007-04-01',
      period_end: '2009-03-31',
      status: 'consultation',
      approved_by: 'Policy committee',
      approved_on: null,
      next_review_on: '2008-03-01',
      lead_officer: 'AD, ICT',
      document_date: '2007-04-02',
      version: 1,
      lineage_id: id,
    });
    const audit = await auditOf(t, org.id, id);
    expect(audit.map((a) => a.action)).toEqual(['strategy.created']);
    expect(audit[0]!.actor_user_id).toBe(await org.userId('editor'));

    const page = await agent.get(`/strategies/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Strategy created: ICT Strategy 2007');
    expect(page.body).toContain('<strong>how</strong> ICT supports services.');
    expect(page.body).toContain('2 April 2007');
  });

  it('edits a strategy: the form is filled in, the change is saved and audited', async () => {
    const s = await strategyOf(org);
    const agent = await org.as('admin');
    const form = await agent.get(`/strategies/${s.id}/edit`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('value="ICT Strategy 2005-2007"');
    expect(form.body).toMatch(/name="documentDate-year"[^>]*value="2005"/);
    expect(form.body).toMatch(/id="status-3"[^>]*value="approved"/);

    const res = await agent.post(`/strategies/${s.id}/edit`, {
      title: 'ICT Strategy 2005 to 2007',
      status: 'approved',
      approvedBy: 'Executive',
      'approvedOn-day': '15',
      'approvedOn-month': '3',
      'approvedOn-year': '2005',
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/strategies/${s.id}`);
    const row = await strategyRow(org.id, s.id);
    expect(row).toMatchObject({
      title: 'ICT Strategy 2005 to 2007',
      status: 'approved',
      approved_by: 'Executive',
      approved_on: '2005-03-15',
      // Fields left empty on the form are cleared: the form holds every field of the record.
      document_date: null,
    });
    const audit = await auditOf(t, org.id, s.id);
    const updated = audit.find((a) => a.action === 'strategy.updated');
    expect(updated?.before).toMatchObject({ title: 'ICT Strategy 2005-2007' });
    expect(updated?.after).toMatchObject({ title: 'ICT Strategy 2005 to 2007' });
  });

  it('finds nothing at another organisation’s strategy', async () => {
    const theirs = await strategyOf(other);
    const agent = await org.as('editor');
    for (const url of [
      `/strategies/${theirs.id}`,
      `/strategies/${theirs.id}/edit`,
      `/strategies/${theirs.id}/archive`,
      `/strategies/${theirs.id}/areas/new`,
      `/strategies/${theirs.id}/roll-forward`,
      `/strategies/${theirs.id}/changes`,
      '/strategies/not-an-id',
    ]) {
      expect((await agent.get(url)).statusCode, url).toBe(404);
    }
    expect(
      (await agent.post(`/strategies/${theirs.id}/edit`, { title: 'Mine now' })).statusCode,
    ).toBe(404);
    expect((await agent.post(`/strategies/${theirs.id}/archive`)).statusCode).toBe(404);
    expect((await strategyRow(other.id, theirs.id)).title).toBe('ICT Strategy 2005-2007');
  });

  it('archives rather than deletes: status archived, audited, still readable', async () => {
    const s = await strategyOf(org);
    const agent = await org.as('editor');
    const confirm = await agent.get(`/strategies/${s.id}/archive`);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('Archive this strategy?');
    const res = await agent.post(`/strategies/${s.id}/archive`);
    expect(res.statusCode).toBe(303);
    expect((await strategyRow(org.id, s.id)).status).toBe('archived');
    const audit = await auditOf(t, org.id, s.id);
    expect(audit.at(-1)).toMatchObject({
      action: 'strategy.archived',
      before: { status: 'draft' },
      after: { status: 'archived' },
    });
    const page = await (await org.as('viewer')).get(`/strategies/${s.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/govuk-tag--grey">\s*Archived/);
  });
});

describe('the strategy page', () => {
  it('shows the record, the areas’ gap analysis as safe Markdown, and the action plan by area', async () => {
    const ctx = await org.ctx('editor');
    const s = await strategyOf(org);
    const first = await addArea(t.database.db, ctx, s.id, {
      number: '1',
      title: 'Strategic direction',
      vision: '1.1.1 Customers will expect 24x7 access.\n\n- by telephone\n- by web',
      currentPosition: '1.2.1 Office hours only <script>alert("x")</script>',
      gettingThere: 'Report to **BoD** quarterly.',
    });
    const second = await addArea(t.database.db, ctx, s.id, { number: '4', title: 'Best Value' });
    await createTerm(t.database.db, ctx, null, { code: 'BoD', expansion: 'Board of Directors' });
    const a1 = await createAction(
      t.database.db,
      ctx,
      s.id,
      actionInput.parse({
        ref: '4.3',
        title: 'Review ICT support',
        areaId: second.id,
        priority: 'H',
        timescale: "Aug '05",
        lead: 'AD, ICT (BoD)',
        status: 'on_track',
        forecastStatus: 'at_risk',
      }),
    );
    const a2 = await createAction(
      t.database.db,
      ctx,
      s.id,
      actionInput.parse({ ref: '1.1', title: 'Agree the vision', areaId: first.id }),
    );

    const viewer = await org.as('viewer');
    const res = await viewer.get(`/strategies/${s.id}`);
    expect(res.statusCode).toBe(200);
    const body = res.body;
    // The record
    expect(body).toContain('<h1 class="govuk-heading-l">ICT Strategy 2005-2007</h1>');
    expect(body).toContain('1 April 2005');
    // Areas in order, with their gap analysis: numbering kept, script escaped, codes abbreviated
    expect(body.indexOf('1. Strategic direction')).toBeLessThan(body.indexOf('4. Best Value'));
    expect(body).toContain('<p class="govuk-body">1.1.1 Customers will expect 24x7 access.</p>');
    expect(body).toContain('<li>by telephone</li>');
    expect(body).toContain('Office hours only &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(body).not.toContain('<script>alert');
    expect(body).toContain('<strong><abbr title="Board of Directors">BoD</abbr></strong>');
    // The action plan, grouped by area, each action linking to its page
    expect(body).toContain(`href="/actions/${a1.id}">Review ICT support</a>`);
    expect(body).toContain(`href="/actions/${a2.id}">Agree the vision</a>`);
    expect(body).toContain(`href="/strategies/${s.id}/actions"`);
    const plan = body.slice(body.indexOf('id="action-plan"'));
    expect(plan.indexOf('Agree the vision')).toBeLessThan(plan.indexOf('Review ICT support'));
    expect(plan).toContain('AD, ICT (<abbr title="Board of Directors">BoD</abbr>)');
    expect(plan).toContain('High');
    expect(plan).toContain("Aug '05".replace("'", '&#39;'));
    expect(plan).toMatch(
      /On track<\/strong> <span class="govuk-body-s">forecast<\/span> <strong[^>]*>At risk/,
    );
    // Readers see no editing controls
    expect(body).not.toContain('Add an area');
    expect(body).not.toContain('Roll forward');

    const editor = await (await org.as('editor')).get(`/strategies/${s.id}`);
    expect(editor.body).toContain(`href="/strategies/${s.id}/areas/new"`);
    expect(editor.body).toContain(`href="/strategies/${s.id}/actions/new"`);
    expect(editor.body).toContain(`href="/strategies/${s.id}/roll-forward"`);
    expect(editor.body).toContain(`href="/strategies/${s.id}/glossary"`);
    expect(editor.body).toContain(
      `href="/strategies/${s.id}/areas/${first.id}/edit">Edit<span class="govuk-visually-hidden"> area 1. Strategic direction</span>`,
    );
  });
});

describe('areas', () => {
  it('adds an area with its gap analysis, audited; validation names the field', async () => {
    const s = await strategyOf(org);
    const agent = await org.as('editor');
    expect((await agent.get(`/strategies/${s.id}/areas/new`)).statusCode).toBe(200);
    const bad = await agent.post(`/strategies/${s.id}/areas/new`, { number: '7', title: ' ' });
    expect(bad.statusCode).toBe(400);
    expect(errorSummary(bad.body)).toEqual(['title: Enter the area’s title']);
    expect(bad.body).toContain('value="7"');

    const res = await agent.post(`/strategies/${s.id}/areas/new`, {
      number: '7',
      title: 'Technology architecture',
      vision: 'A resilient network.',
      currentPosition: '',
      gettingThere: '',
    });
    expect(res.statusCode).toBe(303);
    const areaId = /#area-([0-9a-f-]+)$/.exec(String(res.headers.location))?.[1];
    const area = await withTenant(t.database.db, org.id, null, (trx) =>
      trx
        .selectFrom('strategy_areas')
        .selectAll()
        .where('id', '=', areaId!)
        .executeTakeFirstOrThrow(),
    );
    expect(area).toMatchObject({
      strategy_id: s.id,
      number: '7',
      title: 'Technology architecture',
      vision: 'A resilient network.',
      current_position: null,
      position: 1,
    });
    expect((await auditOf(t, org.id, area.id)).map((a) => a.action)).toEqual(['area.created']);
  });

  it('edits an area, and an area of another strategy is not found through this one', async () => {
    const s = await strategyOf(org);
    const elsewhere = await strategyOf(org, 'Another strategy');
    const ctx = await org.ctx('editor');
    const area = await addArea(t.database.db, ctx, s.id, { title: 'Governance', number: '3' });
    const agent = await org.as('editor');
    const form = await agent.get(`/strategies/${s.id}/areas/${area.id}/edit`);
    expect(form.body).toContain('value="Governance"');
    expect((await agent.get(`/strategies/${elsewhere.id}/areas/${area.id}/edit`)).statusCode).toBe(
      404,
    );
    expect(
      (await agent.post(`/strategies/${elsewhere.id}/areas/${area.id}/edit`, { title: 'x' }))
        .statusCode,
    ).toBe(404);

    const res = await agent.post(`/strategies/${s.id}/areas/${area.id}/edit`, {
      number: '3',
      title: 'Governance for ICT',
      gettingThere: '3.3.1 Set up a steering group.',
    });
    expect(res.statusCode).toBe(303);
    const audit = await auditOf(t, org.id, area.id);
    expect(audit.at(-1)).toMatchObject({
      action: 'area.updated',
      before: { title: 'Governance' },
      after: { title: 'Governance for ICT', getting_there: '3.3.1 Set up a steering group.' },
    });
  });

  it('reorders areas with move up and move down buttons (POST, audited)', async () => {
    const s = await strategyOf(org);
    const ctx = await org.ctx('editor');
    const [a, b, c] = [
      await addArea(t.database.db, ctx, s.id, { title: 'Alpha' }),
      await addArea(t.database.db, ctx, s.id, { title: 'Bravo' }),
      await addArea(t.database.db, ctx, s.id, { title: 'Charlie' }),
    ];
    const agent = await org.as('editor');
    const page = await agent.get(`/strategies/${s.id}`);
    expect(page.body).toContain(`action="/strategies/${s.id}/areas/${c.id}/move"`);
    expect(page.body).toContain('Move up<span class="govuk-visually-hidden"> area Charlie</span>');
    expect(page.body).not.toContain(
      'Move up<span class="govuk-visually-hidden"> area Alpha</span>',
    );

    const res = await agent.post(`/strategies/${s.id}/areas/${c.id}/move`, { direction: 'up' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/strategies/${s.id}#area-${c.id}`);
    await agent.post(`/strategies/${s.id}/areas/${a.id}/move`, { direction: 'down' });
    // First stays first when moved up: nothing changes.
    await agent.post(`/strategies/${s.id}/areas/${b.id}/move`, { direction: 'up' });
    await agent.post(`/strategies/${s.id}/areas/${b.id}/move`, { direction: 'up' });
    const order = await withTenant(t.database.db, org.id, null, (trx) =>
      trx
        .selectFrom('strategy_areas')
        .select('title')
        .where('strategy_id', '=', s.id)
        .orderBy('position')
        .execute(),
    );
    expect(order.map((o) => o.title)).toEqual(['Bravo', 'Charlie', 'Alpha']);
    const moves = (await auditOf(t, org.id, c.id)).filter((e) => e.action === 'area.moved');
    expect(moves).toHaveLength(1);
    expect(moves[0]!.after).toMatchObject({ position: 2, direction: 'up' });
    expect(
      (
        await (
          await org.as('viewer')
        ).post(`/strategies/${s.id}/areas/${a.id}/move`, { direction: 'up' })
      ).statusCode,
    ).toBe(403);
  });
});

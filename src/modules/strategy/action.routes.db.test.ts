import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../../test/helpers/agent.js';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { makeOrganisation, makeUser, PASSWORD } from '../../../test/helpers/fixtures.js';
import type { TenantContext } from '../../kernel/auth/plugin.js';
import { newId } from '../../kernel/db/ids.js';
import type { Role } from '../../kernel/db/schema.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import { createAction } from './action.service.js';
import { assignPostHolder } from './posts.service.js';
import { recordProgress } from './progress.service.js';
import { actionInput, progressInput, strategyInput } from './strategy.schemas.js';
import { addArea, createStrategy } from './strategy.service.js';
import type { Action } from './strategy.tables.js';

/**
 * The action plan table, its downloads, an action's page, and adding, changing and archiving
 * actions, through the real app with CSRF on, as each role.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
}, 60_000);
afterAll(async () => t.close());

interface Council {
  tenantId: string;
  users: Record<Role, { id: string; email: string }>;
  editorCtx: TenantContext;
  strategyId: string;
  areas: { direction: string; value: string; secure: string };
  actions: Record<string, Action>;
}

/** Part of the sample 2007 action plan, plus a few rows that exercise the edges. */
const ROWS = [
  // ref, area, title, priority, timescale, lead, resources, status
  [
    '1.1',
    'direction',
    'Establish a review format for the ICT strategy',
    'H',
    "Apr '07",
    'AD, ICT (Cabinet member and BoD)',
    'CR',
    'on_track',
  ],
  [
    '1.3',
    'direction',
    'Establish measures linking ICT to business priorities',
    'M',
    "Apr '07",
    'AD, ICT (Asst Chief Executive)',
    'CR',
    'not_started',
  ],
  [
    '2.3',
    'direction',
    'Devise standards of data and information management',
    'H',
    "Jan '08",
    'AD, ICT (HR, T&D Mgr)',
    'AR',
    'not_started',
  ],
  [
    '3.6',
    'value',
    'Cost plans for ICT support over full business hours',
    'H',
    "Apr '07",
    'ICT BS Mgr',
    '£7,000',
    'complete',
  ],
  [
    '4.2',
    'value',
    'Benchmark ICT cost and user satisfaction',
    'M',
    'Annually',
    'AD, ICT',
    '£2,000 p.a.',
    'on_track',
  ],
  [
    '4.7',
    'value',
    'Review the ICT Support Centre for first time fix',
    'H',
    "Aug '07",
    'ICT BS Mgr',
    'CR',
    'at_risk',
  ],
  [
    '4.10',
    'value',
    'Review and record training for all ICT roles',
    'M',
    "Jan '08",
    'AD, ICT (HR, T&D Mgr)',
    'CR',
    'not_started',
  ],
  [
    '4.14',
    'value',
    'Review current use of corporate applications',
    'M',
    "Start Apr '07, complete Aug '09",
    'ICT BD Mgr',
    'CR',
    'on_track',
  ],
  [
    '5.2',
    'secure',
    'Devise a training programme for managing change',
    'L',
    "Dec '07",
    'ICT BD Mgr (HR T&D Mgr)',
    'AR',
    'not_started',
  ],
  [
    '6.9',
    'secure',
    'Replace the firewall when the budget allows',
    'H',
    'When the budget allows',
    'ICT Infrastructure Mgr',
    'AR',
    'not_started',
  ],
] as const;

async function makeCouncil(): Promise<Council> {
  const { db } = t.database;
  const org = await makeOrganisation(db);
  const users = {} as Council['users'];
  for (const role of ['admin', 'editor', 'contributor', 'board', 'viewer'] as const) {
    const u = await makeUser(db, org.id, role);
    users[role] = { id: u.id, email: u.email };
  }
  const editorCtx: TenantContext = {
    tenantId: org.id,
    role: 'editor',
    actor: { userId: users.editor.id, label: `Test editor <${users.editor.email}>` },
  };
  const strategy = await createStrategy(
    db,
    editorCtx,
    strategyInput.parse({
      title: 'ICT Strategy 2007',
      periodLabel: '2007–2009',
      documentDate: '2007-04-01',
    }),
  );
  const direction = await addArea(db, editorCtx, strategy.id, {
    number: '1',
    title: 'Strategic Direction',
  });
  const value = await addArea(db, editorCtx, strategy.id, { number: '4', title: 'Best Value' });
  const secure = await addArea(db, editorCtx, strategy.id, {
    number: '6',
    title: 'Reliable and secure',
  });
  const areas = { direction: direction.id, value: value.id, secure: secure.id };
  const actions: Record<string, Action> = {};
  for (const [ref, area, title, priority, timescale, lead, resources, status] of ROWS) {
    actions[ref] = await createAction(
      db,
      editorCtx,
      strategy.id,
      actionInput.parse({
        ref,
        title,
        areaId: areas[area],
        priority,
        timescale,
        lead,
        resources,
        status,
        targets: ref === '4.10' ? '=HYPERLINK("http://evil.example","click")' : 'Done',
        comments: ref === '1.1' ? 'Agreed at BoD, “quotes” and £ signs kept' : undefined,
      }),
    );
  }
  await withTenant(db, org.id, null, async (trx) => {
    for (const [code, expansion] of [
      ['CR', 'Met within current resources'],
      ['BoD', 'Board of Directors'],
    ]) {
      await trx
        .insertInto('glossary_terms')
        .values({
          tenant_id: org.id,
          id: newId(),
          strategy_id: null,
          code: code!,
          expansion: expansion!,
        })
        .execute();
    }
  });
  return { tenantId: org.id, users, editorCtx, strategyId: strategy.id, areas, actions };
}

async function signedIn(email: string) {
  const agent = new Agent(t.app);
  await agent.signIn(email, PASSWORD);
  return agent;
}

/** The references in the plan table, in order. */
function refsIn(html: string): string[] {
  const body = /<tbody class="govuk-table__body">([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '';
  return [
    ...body.matchAll(
      /<tr class="govuk-table__row">\s*<td class="govuk-table__cell">([^<]+)<\/td>/g,
    ),
  ].map((m) => m[1]!.trim());
}

function decode(html: string) {
  return html
    .replaceAll('&amp;', '&')
    .replaceAll('&#39;', "'")
    .replaceAll('&quot;', '"')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>');
}

async function auditFor(tenantId: string, entityId: string) {
  return withTenant(t.database.db, tenantId, null, (trx) =>
    trx
      .selectFrom('audit_events')
      .select(['action', 'before', 'after', 'actor_user_id'])
      .where('entity_id', '=', entityId)
      .orderBy('seq')
      .execute(),
  );
}

let c: Council;
let board: Agent;
let editor: Agent;
beforeAll(async () => {
  c = await makeCouncil();
  board = await signedIn(c.users.board.email);
  editor = await signedIn(c.users.editor.email);
}, 120_000);

const plan = () => `/strategies/${c.strategyId}/actions`;

describe('the action plan table', () => {
  it('shows every action with the words as written beside what was derived', async () => {
    const res = await board.get(`${plan()}?asAt=2007-09-30`);
    expect(res.statusCode).toBe(200);
    expect(refsIn(res.body)).toEqual([
      '1.1',
      '1.3',
      '2.3',
      '3.6',
      '4.2',
      '4.7',
      '4.10',
      '4.14',
      '5.2',
      '6.9',
    ]);
    const html = decode(res.body);
    expect(html).toContain(
      '<caption class="govuk-table__caption govuk-table__caption--s" id="plan-caption">',
    );
    expect(html).toContain('10 actions');
    // Priority as written with its level; timescale as written with the derived due date.
    expect(html).toMatch(/H <span class="govuk-body-s">\(High\)<\/span>/);
    expect(html).toContain('Due <time datetime="2007-08-31">31 August 2007</time>');
    // The unreadable timescale is kept and flagged.
    expect(html).toMatch(
      /When the budget allows <strong class="govuk-tag govuk-tag--orange">Needs checking<\/strong>/,
    );
    // Glossary codes are abbreviations with their meaning.
    expect(html).toContain('<abbr title="Board of Directors">BoD</abbr>');
    expect(html).toContain('Within current resources');
    expect(html).toContain('£2,000 a year');
    // Overdue in words, status and forecast as words, staleness in words.
    expect(html).toContain('Overdue</strong>');
    expect(html).toContain('At risk');
    expect(html).toContain('No progress recorded yet');
    // Sortable headings are links with aria-sort; the reference is the default sort.
    expect(html).toMatch(
      /<th scope="col" class="govuk-table__header " aria-sort="ascending">\s*<a[^>]*>Ref/,
    );
    expect(html).toMatch(
      /aria-sort="none">\s*<a class="govuk-link govuk-link--no-visited-state" href="\/strategies\/[^"]+\/actions\?asAt=2007-09-30&sort=due">Timescale/,
    );
    // Downloads carry the same filters.
    expect(html).toContain(`href="/strategies/${c.strategyId}/actions.csv?asAt=2007-09-30"`);
    expect(html).toContain(`href="/strategies/${c.strategyId}/actions.xlsx?asAt=2007-09-30"`);
    // Readers do not get the editor's button.
    expect(html).not.toContain('Add an action');
  });

  it('says how long ago progress was recorded, and marks stale actions in words', async () => {
    const long = new Date(Date.now() - 120 * 86_400_000);
    const { db } = t.database;
    await withTenant(db, c.tenantId, null, (trx) =>
      trx
        .updateTable('actions')
        .set({ last_update_at: long, created_at: long })
        .where('id', '=', c.actions['4.14']!.id)
        .execute(),
    );
    const res = await board.get(`${plan()}?q=corporate`);
    expect(refsIn(res.body)).toEqual(['4.14']);
    expect(res.body).toMatch(
      />120 days ago<\/time> <strong class="govuk-tag govuk-tag--orange">Needs an update<\/strong>/,
    );
  });

  it('gives editors "Add an action"', async () => {
    const res = await editor.get(plan());
    expect(res.body).toContain(`href="/strategies/${c.strategyId}/actions/new"`);
  });

  it.each([
    ['area', (x: Council) => `area=${x.areas.secure}`, ['5.2', '6.9']],
    ['one priority', () => 'priority=low', ['5.2']],
    ['two priorities', () => 'priority=low&priority=medium', ['1.3', '4.2', '4.10', '4.14', '5.2']],
    ['status', () => 'status=at_risk&status=complete', ['3.6', '4.7']],
    ['due from', () => 'dueFrom=2008-01-01', ['2.3', '4.10', '4.14']],
    ['due between', () => 'dueFrom=2007-08-01&dueTo=2007-12-31', ['4.7', '5.2']],
    ['overdue at the as-at date', () => 'overdue=1&asAt=2007-09-30', ['1.1', '1.3', '4.7']],
    [
      'overdue later',
      () => 'overdue=1&asAt=2008-02-01',
      ['1.1', '1.3', '2.3', '4.7', '4.10', '5.2'],
    ],
    ['needs checking', () => 'needsReview=1', ['6.9']],
    ['free text', () => 'q=training', ['4.10', '5.2']],
  ] as const)('narrows by %s', async (_name, query, expected) => {
    const res = await board.get(`${plan()}?${query(c)}`);
    expect(res.statusCode).toBe(200);
    expect(refsIn(res.body)).toEqual(expected);
    expect(res.body).toContain(`${expected.length} action${expected.length === 1 ? '' : 's'}: `);
  });

  it('narrows by owner or post, lead or supporter', async () => {
    const post = await withTenant(t.database.db, c.tenantId, null, (trx) =>
      trx
        .selectFrom('posts')
        .select('id')
        .where('tenant_id', '=', c.tenantId)
        .where('short_name', '=', 'ICT BS Mgr')
        .executeTakeFirstOrThrow(),
    );
    const res = await board.get(`${plan()}?post=${post.id}`);
    expect(refsIn(res.body)).toEqual(['3.6', '4.7']);
    expect(res.body).toContain('owned by ICT BS Mgr');
    // The select offers it, selected.
    expect(res.body).toMatch(new RegExp(`<option value="${post.id}" selected>ICT BS Mgr</option>`));
  });

  it('summarises the filters above the table: high priority, overdue', async () => {
    const res = await board.get(`${plan()}?priority=high&overdue=1&asAt=2007-09-30`);
    expect(refsIn(res.body)).toEqual(['1.1', '4.7']);
    expect(decode(res.body)).toContain('2 actions: high priority, overdue at 30 September 2007');
    expect(res.body).toContain('Clear filters');
  });

  it.each([
    ['due', 'asc', ['1.1', '1.3', '3.6', '4.7', '5.2', '2.3', '4.10', '4.14', '4.2', '6.9']],
    ['due', 'desc', ['4.14', '2.3', '4.10', '5.2', '4.7', '1.1', '1.3', '3.6', '4.2', '6.9']],
    ['priority', 'asc', ['1.1', '2.3', '3.6', '4.7', '6.9', '1.3', '4.2', '4.10', '4.14', '5.2']],
    ['ref', 'desc', ['6.9', '5.2', '4.14', '4.10', '4.7', '4.2', '3.6', '2.3', '1.3', '1.1']],
    ['status', 'asc', ['4.7', '1.3', '2.3', '4.10', '5.2', '6.9', '1.1', '4.2', '4.14', '3.6']],
    ['area', 'desc', ['5.2', '6.9', '3.6', '4.2', '4.7', '4.10', '4.14', '1.1', '1.3', '2.3']],
  ] as const)('sorts by %s %s, and says so with aria-sort', async (sort, dir, expected) => {
    const res = await board.get(`${plan()}?sort=${sort}&dir=${dir}`);
    expect(refsIn(res.body)).toEqual(expected);
    const sorted = [...res.body.matchAll(/aria-sort="(ascending|descending)"/g)].map((m) => m[1]);
    expect(sorted).toEqual([dir === 'asc' ? 'ascending' : 'descending']);
  });

  it('keeps filters in the sort links, and the URL reproduces the same table (round trip)', async () => {
    // As the filter form sends it: date boxes and ticked boxes.
    const fromForm = await board.get(
      `${plan()}?q=&area=&post=&priority=high&overdue=1&asAt-day=30&asAt-month=9&asAt-year=2007&dueFrom-day=&dueFrom-month=&dueFrom-year=`,
    );
    expect(fromForm.statusCode).toBe(200);
    expect(refsIn(fromForm.body)).toEqual(['1.1', '4.7']);
    // The date boxes show what was asked for.
    expect(fromForm.body).toMatch(/id="asAt-day" name="asAt-day" type="text" value="30"/);
    const sortLink = /href="(\/strategies\/[^"]+\/actions\?[^"]*sort=due[^"]*)">Timescale/.exec(
      fromForm.body,
    )?.[1];
    expect(decode(sortLink!)).toBe(`${plan()}?priority=high&overdue=1&asAt=2007-09-30&sort=due`);
    const followed = await board.get(decode(sortLink!));
    expect(refsIn(followed.body)).toEqual(['1.1', '4.7']);
    expect(followed.body).toMatch(/aria-sort="ascending">\s*<a[^>]*>Timescale/);
    // The sort survives filtering again: the form carries it in hidden fields.
    expect(followed.body).toContain('<input type="hidden" name="sort" value="due">');
  });

  it('reports a filter that is not valid, and still shows the plan without it', async () => {
    const res = await board.get(
      `${plan()}?dueFrom-day=31&dueFrom-month=2&dueFrom-year=2007&priority=high`,
    );
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('<title>Error: ');
    expect(res.body).toContain('The earliest due date must be a real date');
    expect(res.body).toContain('href="#dueFrom-day"');
    expect(refsIn(res.body)).toEqual(['1.1', '2.3', '3.6', '4.7', '6.9']);
  });

  it('answers 404 for a strategy that is not there or belongs to another organisation', async () => {
    const other = await makeCouncil();
    expect((await board.get(`/strategies/${other.strategyId}/actions`)).statusCode).toBe(404);
    expect((await board.get(`/strategies/${other.strategyId}/actions.csv`)).statusCode).toBe(404);
    expect((await board.get(`/strategies/${other.strategyId}/actions.xlsx`)).statusCode).toBe(404);
    expect((await board.get('/strategies/not-an-id/actions')).statusCode).toBe(404);
    expect((await board.get(`/actions/${other.actions['1.1']!.id}`)).statusCode).toBe(404);
    expect((await editor.get(`/actions/${other.actions['1.1']!.id}/edit`)).statusCode).toBe(404);
    expect((await editor.get(`/strategies/${other.strategyId}/actions/new`)).statusCode).toBe(404);
    const post = await editor.post(
      `/actions/${other.actions['1.1']!.id}/archive`,
      { reason: 'Not mine' },
      { from: plan() },
    );
    expect(post.statusCode).toBe(404);
    const untouched = await withTenant(t.database.db, other.tenantId, null, (trx) =>
      trx
        .selectFrom('actions')
        .select('archived_at')
        .where('id', '=', other.actions['1.1']!.id)
        .executeTakeFirstOrThrow(),
    );
    expect(untouched.archived_at).toBeNull();
  });
});

describe('pagination', () => {
  it('shows 50 a page with GOV.UK pagination that keeps the filters', async () => {
    const strategy = await createStrategy(
      t.database.db,
      c.editorCtx,
      strategyInput.parse({ title: 'Long plan', documentDate: '2010-04-01' }),
    );
    for (let i = 1; i <= 55; i++) {
      await createAction(
        t.database.db,
        c.editorCtx,
        strategy.id,
        actionInput.parse({
          ref: `7.${i}`,
          title: `Action number ${i}`,
          priority: i % 2 ? 'H' : 'L',
        }),
      );
    }
    const base = `/strategies/${strategy.id}/actions`;
    const first = await board.get(base);
    expect(refsIn(first.body)).toHaveLength(50);
    expect(first.body).toContain('Showing 1 to 50 of 55');
    expect(first.body).toContain('aria-label="Pages of actions"');
    expect(first.body).toContain(`href="${base}?page=2"`);
    const second = await board.get(`${base}?page=2`);
    expect(refsIn(second.body)).toEqual(['7.51', '7.52', '7.53', '7.54', '7.55']);
    expect(second.body).toContain('Showing 51 to 55 of 55');
    // Filters and sort stay in the page links; filtering to fewer than a page drops the pagination.
    const sorted = await board.get(`${base}?sort=title&dir=desc`);
    expect(decode(sorted.body)).toContain(`href="${base}?sort=title&dir=desc&page=2"`);
    const high = await board.get(`${base}?priority=high`);
    expect(refsIn(high.body)).toHaveLength(28);
    expect(high.body).not.toContain('aria-label="Pages of actions"');
    // A page past the end shows the last page.
    const past = await board.get(`${base}?page=9`);
    expect(refsIn(past.body)).toHaveLength(5);
  });
});

describe('downloads', () => {
  it('gives a CSV of the filtered, sorted actions with the council’s column names', async () => {
    const res = await board.get(
      `${plan()}.csv?priority=high&priority=medium&area=${c.areas.value}&sort=due&dir=desc`,
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="ict-strategy-2007-action-plan-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    expect(res.body.charCodeAt(0)).toBe(0xfeff);
    const lines = res.body.slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'Ref,Area,Action/task,Priority,Timescale,By who (with),Resources,Targets,Status,Forecast,Due date,Last updated,Comments',
    );
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual([
      '4.14',
      '4.10',
      '4.7',
      '3.6',
      '4.2',
    ]);
    const row410 = lines.find((l) => l.startsWith('4.10,'))!;
    // A formula is never a formula in the file.
    expect(row410).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(row410).toContain('"AD, ICT (HR, T&D Mgr)"');
    expect(row410).toContain('2008-01-31');
    expect(lines.find((l) => l.startsWith('4.2,'))).toContain('£2,000 p.a.');
  });

  it('gives an Excel workbook: bold frozen header, autofilter, real dates, an About sheet', async () => {
    const res = await board.get(`${plan()}.xlsx?priority=high&overdue=1&asAt=2007-09-30`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="ict-strategy-2007-action-plan-2007-09-30.xlsx"',
    );
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.rawPayload as unknown as ExcelJS.Buffer);
    const sheet = book.getWorksheet('Action plan')!;
    const header = sheet.getRow(1).values as unknown[];
    expect(header.slice(1)).toEqual([
      'Ref',
      'Area',
      'Action/task',
      'Priority',
      'Timescale',
      'By who (with)',
      'Resources',
      'Targets',
      'Status',
      'Forecast',
      'Due date',
      'Last updated',
      'Comments',
    ]);
    expect(sheet.getRow(1).font.bold).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.autoFilter).toBeTruthy();
    expect(sheet.rowCount).toBe(3);
    expect(sheet.getCell('A2').value).toBe('1.1');
    expect(sheet.getCell('A3').value).toBe('4.7');
    const due = sheet.getCell('K3');
    expect(due.value).toBeInstanceOf(Date);
    expect((due.value as Date).toISOString()).toBe('2007-08-31T00:00:00.000Z');
    expect(due.numFmt).toMatch(/yy/);
    expect(sheet.getCell('D2').value).toBe('H');
    expect(sheet.getCell('F2').value).toBe('AD, ICT (Cabinet member and BoD)');
    expect(sheet.getCell('I3').value).toBe('At risk');
    expect(sheet.getColumn(3).width).toBeGreaterThan(30);
    const about = book.getWorksheet('About')!;
    const facts = new Map<string, unknown>();
    about.eachRow((row) => facts.set(row.getCell(1).text, row.getCell(2).value));
    expect(facts.get('Strategy')).toBe('ICT Strategy 2007');
    expect(String(facts.get('Filters applied'))).toBe(
      'high priority; overdue at 30 September 2007',
    );
    expect((facts.get('As at') as Date).toISOString()).toBe('2007-09-30T00:00:00.000Z');
    expect(facts.get('Generated at')).toBeInstanceOf(Date);
  });

  it('refuses a download whose filters are not valid', async () => {
    const res = await board.get(`${plan()}.csv?dueTo=2007-02-30`);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('The latest due date must be a real date');
  });
});

describe('adding an action', () => {
  it('is for editors and admins only: contributor, board and viewer get 403', async () => {
    for (const role of ['contributor', 'board', 'viewer'] as const) {
      const agent = await signedIn(c.users[role].email);
      expect((await agent.get(`${plan()}/new`)).statusCode).toBe(403);
      const res = await agent.post(
        `${plan()}/new`,
        { ref: '9.1', title: 'Sneaky' },
        { from: plan() },
      );
      expect(res.statusCode).toBe(403);
      expect((await agent.get(`/actions/${c.actions['1.3']!.id}/edit`)).statusCode).toBe(403);
      const edit = await agent.post(
        `/actions/${c.actions['1.3']!.id}/edit`,
        { ref: '1.3', title: 'Changed' },
        { from: plan() },
      );
      expect(edit.statusCode).toBe(403);
      expect((await agent.get(`/actions/${c.actions['1.3']!.id}/archive`)).statusCode).toBe(403);
      const archive = await agent.post(
        `/actions/${c.actions['1.3']!.id}/archive`,
        { reason: 'No' },
        { from: plan() },
      );
      expect(archive.statusCode).toBe(403);
    }
    const count = await withTenant(t.database.db, c.tenantId, null, (trx) =>
      trx
        .selectFrom('actions')
        .select(['title', 'archived_at'])
        .where('id', '=', c.actions['1.3']!.id)
        .executeTakeFirstOrThrow(),
    );
    expect(count.title).not.toBe('Changed');
    expect(count.archived_at).toBeNull();
  });

  it('says what is wrong with each field', async () => {
    const form = await editor.get(`${plan()}/new`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('CR, AR or an amount like £7,000 or £2,000 p.a.');
    expect(form.body).toContain('Strategic Direction');
    const res = await editor.post(`${plan()}/new`, { ref: '', title: '', status: 'nonsense' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('<title>Error: ');
    expect(res.body).toContain('href="#ref">Enter a reference, like 4.7');
    expect(res.body).toContain('href="#title">Enter what the action is');
    expect(res.body).toContain('href="#status">Select the status');
    const duplicate = await editor.post(`${plan()}/new`, {
      ref: '4.7',
      title: 'Again',
      status: 'not_started',
    });
    expect(duplicate.statusCode).toBe(400);
    expect(duplicate.body).toContain(
      'href="#ref">Another action in this strategy already has the reference 4.7',
    );
    // What was typed comes back.
    expect(duplicate.body).toContain('>Again</textarea>');
    const missing = await editor.post(`${plan()}/new`, {
      ref: '9.9',
      title: 'Depends on nothing real',
      dependsOn: '99.1',
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain(
      'href="#dependsOn">There is no other action with the reference 99.1',
    );
  });

  it('adds an action with every field, derives what it can and audits it', async () => {
    const res = await editor.post(`${plan()}/new`, {
      ref: '4.16',
      title: 'Move the service desk to the new ITSM tool',
      description: 'Replaces the old call logging system.',
      areaId: c.areas.value,
      priority: 'H',
      timescale: 'Q3 2011/12',
      lead: 'ICT BS Mgr',
      with: 'HR, T&D Mgr\nProc Officer',
      resources: '£12,500',
      targets: 'Tool live',
      outcome: 'Faster fixes',
      comments: 'Agreed at SMT',
      status: 'on_track',
      forecastStatus: 'complete',
      tags: 'Customer first, Value for money',
      dependsOn: '4.7',
    });
    expect(res.statusCode).toBe(303);
    const id = /^\/actions\/([0-9a-f-]{36})$/.exec(String(res.headers.location))?.[1];
    expect(id).toBeDefined();
    const page = await editor.get(`/actions/${id}`);
    expect(decode(page.body)).toContain(
      'Action 4.16 added. Waymark read the timescale “Q3 2011/12” as October to December 2011',
    );
    const stored = await withTenant(t.database.db, c.tenantId, null, async (trx) => ({
      action: await trx
        .selectFrom('actions')
        .selectAll()
        .where('id', '=', id!)
        .executeTakeFirstOrThrow(),
      supporters: await trx
        .selectFrom('action_supporters')
        .select('text')
        .where('action_id', '=', id!)
        .orderBy('position')
        .execute(),
      deps: await trx
        .selectFrom('action_dependencies')
        .select('depends_on_id')
        .where('action_id', '=', id!)
        .execute(),
    }));
    expect(stored.action).toMatchObject({
      ref: '4.16',
      priority: 'high',
      priority_text: 'H',
      start_on: '2011-10-01',
      due_on: '2011-12-31',
      resources_kind: 'amount',
      status: 'on_track',
      forecast_status: 'complete',
      tags: ['Customer first', 'Value for money'],
      area_id: c.areas.value,
    });
    expect(Number(stored.action.resources_amount_pence)).toBe(1_250_000);
    // "HR, T&D Mgr" is one name: the box is one per line.
    expect(stored.supporters.map((s) => s.text)).toEqual(['HR, T&D Mgr', 'Proc Officer']);
    expect(stored.deps.map((d) => d.depends_on_id)).toEqual([c.actions['4.7']!.id]);
    const audit = await auditFor(c.tenantId, id!);
    expect(audit.map((a) => a.action)).toEqual(['action.created']);
    expect(audit[0]!.actor_user_id).toBe(c.users.editor.id);
  });
});

describe('changing an action', () => {
  it('shows the form filled in, with what Waymark understood from the timescale', async () => {
    const res = await editor.get(`/actions/${c.actions['1.1']!.id}/edit`);
    expect(res.statusCode).toBe(200);
    const html = decode(res.body);
    expect(html).toContain('value="1.1"');
    // The lead alone in Lead, supporters one per line in With.
    expect(html).toContain('name="lead" type="text" value="AD, ICT"');
    expect(html).toContain('Cabinet member\nBoD</textarea>');
    expect(html).toContain("When last saved, Waymark understood “Apr '07” as: April 2007");
  });

  it('saves changes, keeps the council’s own words for owners, and audits before and after', async () => {
    const action = c.actions['1.1']!;
    const form = await editor.get(`/actions/${action.id}/edit`);
    const fields: Record<string, string> = Object.fromEntries(
      [
        ...decode(form.body).matchAll(
          /name="(ref|priority|timescale|lead|resources|status)" type="text" value="([^"]*)"/g,
        ),
      ].map((m) => [m[1]!, m[2]!]),
    );
    const res = await editor.post(`/actions/${action.id}/edit`, {
      ...fields,
      ref: '1.1',
      title: 'Establish an annual review format for the ICT strategy',
      areaId: c.areas.direction,
      priority: 'H',
      timescale: "Sept '07",
      lead: 'AD, ICT',
      with: 'Cabinet member\nBoD',
      resources: 'CR',
      status: 'on_track',
      forecastStatus: '',
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/actions/${action.id}`);
    const after = await withTenant(t.database.db, c.tenantId, null, (trx) =>
      trx.selectFrom('actions').selectAll().where('id', '=', action.id).executeTakeFirstOrThrow(),
    );
    expect(after.title).toBe('Establish an annual review format for the ICT strategy');
    expect(after.due_on).toBe('2007-09-30');
    expect(after.lead_text).toBe('AD, ICT (Cabinet member and BoD)');
    const audit = await auditFor(c.tenantId, action.id);
    const updated = audit.find((a) => a.action === 'action.updated')!;
    expect(updated.before).toMatchObject({ timescale_text: "Apr '07" });
    expect(updated.after).toMatchObject({ timescale_text: "Sept '07" });
    const page = await editor.get(`/actions/${action.id}`);
    expect(decode(page.body)).toContain('Changed: action or task, timescale');
    expect(decode(page.body)).toContain("Timescale: “Apr '07” to “Sept '07”");
  });

  it('reports a duplicate reference on the reference field', async () => {
    const res = await editor.post(`/actions/${c.actions['1.3']!.id}/edit`, {
      ref: '4.7',
      title: 'Measures',
      status: 'not_started',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(
      'href="#ref">Another action in this strategy already has the reference 4.7',
    );
  });
});

describe('archiving an action', () => {
  it('needs a reason, then hides the action from the plan but keeps it reachable', async () => {
    const action = c.actions['1.3']!;
    const confirm = await editor.get(`/actions/${action.id}/archive`);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('Why is this action being archived?');
    const empty = await editor.post(`/actions/${action.id}/archive`, { reason: '  ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('href="#reason">Enter why the action is being archived');
    const done = await editor.post(`/actions/${action.id}/archive`, { reason: 'Merged into 1.1' });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe(plan());
    const stored = await withTenant(t.database.db, c.tenantId, null, (trx) =>
      trx
        .selectFrom('actions')
        .select(['archived_at', 'archive_reason'])
        .where('id', '=', action.id)
        .executeTakeFirstOrThrow(),
    );
    expect(stored.archived_at).not.toBeNull();
    expect(stored.archive_reason).toBe('Merged into 1.1');
    const audit = await auditFor(c.tenantId, action.id);
    expect(audit.at(-1)).toMatchObject({
      action: 'action.archived',
      actor_user_id: c.users.editor.id,
    });

    expect(refsIn((await board.get(plan())).body)).not.toContain('1.3');
    const withArchived = await board.get(`${plan()}?archived=1`);
    expect(refsIn(withArchived.body)).toContain('1.3');
    expect(withArchived.body).toContain('Archived</strong>');
    const page = await board.get(`/actions/${action.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Merged into 1.1');
    expect(page.body).toContain('Action archived');
    // No more changes.
    expect((await editor.get(`/actions/${action.id}/edit`)).statusCode).toBe(409);
    expect((await editor.get(`/actions/${action.id}/archive`)).statusCode).toBe(409);
  });
});

describe('an action’s page', () => {
  it('lists every field as written beside what was derived, and a timeline of updates and changes', async () => {
    const action = c.actions['4.2']!;
    await recordProgress(
      t.database.db,
      c.editorCtx,
      action.id,
      progressInput.parse({
        status: 'on_track',
        forecastStatus: 'complete',
        percentComplete: '40',
        happened: 'Survey sent to all staff.',
        nextSteps: 'Analyse the answers.',
      }),
    );
    await withTenant(t.database.db, c.tenantId, null, (trx) =>
      trx
        .updateTable('actions')
        .set({
          extra: JSON.stringify({ 'Cost centre': 'ICT-01' }),
          source: JSON.stringify({ file: 'ict-action-plan-2007.docx', row: 14 }),
        })
        .where('id', '=', action.id)
        .execute(),
    );
    const res = await board.get(`/actions/${action.id}`);
    expect(res.statusCode).toBe(200);
    const html = decode(res.body);
    expect(html).toContain('<h1 class="govuk-heading-l">Action 4.2</h1>');
    expect(html).toContain('As written: “Annually”');
    expect(html).toContain('Recurs every year');
    expect(html).toContain('£2,000 a year');
    expect(html).toContain('Level: Medium');
    expect(html).toContain('Cost centre');
    expect(html).toContain('ict-action-plan-2007.docx');
    // Timeline: newest first, dated and signed.
    const updateAt = html.indexOf('Progress update as at');
    const createdAt = html.indexOf('Action created');
    expect(updateAt).toBeGreaterThan(0);
    expect(createdAt).toBeGreaterThan(updateAt);
    expect(html).toContain('Survey sent to all staff.');
    expect(html).toContain('40% complete');
    expect(html).toContain(', by Test editor');
    // A board member reads; they do not record, edit or archive.
    expect(html).not.toContain(`href="/actions/${action.id}/progress"`);
    expect(html).not.toContain(`href="/actions/${action.id}/edit"`);
  });

  it('offers "Record progress" to editors and to the contributor who holds the lead post', async () => {
    const action = c.actions['4.7']!;
    const asEditor = await editor.get(`/actions/${action.id}`);
    expect(asEditor.body).toContain(`href="/actions/${action.id}/progress"`);
    expect(asEditor.body).toContain(`href="/actions/${action.id}/edit"`);
    expect(asEditor.body).toContain(`href="/actions/${action.id}/archive"`);
    const contributor = await signedIn(c.users.contributor.email);
    expect((await contributor.get(`/actions/${action.id}`)).body).not.toContain(
      `href="/actions/${action.id}/progress"`,
    );
    await withTenant(t.database.db, c.tenantId, null, (trx) =>
      assignPostHolder(
        trx,
        c.editorCtx.actor,
        c.tenantId,
        action.lead_post_id!,
        { userId: c.users.contributor.id, personName: null },
        '2007-01-01',
      ),
    );
    const page = await contributor.get(`/actions/${action.id}`);
    expect(page.body).toContain(`href="/actions/${action.id}/progress"`);
    expect(page.body).not.toContain(`href="/actions/${action.id}/edit"`);
  });

  it('links the actions it depends on', async () => {
    const dependent = await createAction(
      t.database.db,
      c.editorCtx,
      c.strategyId,
      actionInput.parse({ ref: '4.8', title: 'Procurement standards', dependsOn: ['4.7'] }),
    );
    const res = await board.get(`/actions/${dependent.id}`);
    expect(res.body).toContain(
      `<a class="govuk-link" href="/actions/${c.actions['4.7']!.id}">4.7 `,
    );
    const other = await board.get(`/actions/${c.actions['4.7']!.id}`);
    expect(other.body).toContain('Needed by');
  });
});

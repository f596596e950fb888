import ExcelJS from 'exceljs';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODES, START_TIMEOUT, startHarness, type Harness, type Session } from './harness.js';
import { makeOrganisation, makeUser, PASSWORD } from '../helpers/fixtures.js';
import type { TenantContext } from '../../src/kernel/auth/plugin.js';
import { createAction } from '../../src/modules/strategy/action.service.js';
import { actionInput, strategyInput } from '../../src/modules/strategy/strategy.schemas.js';
import { addArea, createStrategy } from '../../src/modules/strategy/strategy.service.js';

/**
 * The action plan in a real browser, JavaScript on and off, axe on every page: a board member
 * filters to overdue high-priority actions, sorts, and downloads the Excel file (which the test
 * opens and checks); an editor adds an action, correcting a mistake on the way.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, START_TIMEOUT);
afterAll(async () => h.close(), START_TIMEOUT);

const PLAN = [
  [
    '1.1',
    'Establish a review format for the ICT strategy',
    'H',
    "Apr '07",
    'AD, ICT (BoD)',
    'on_track',
  ],
  [
    '1.3',
    'Establish measures linking ICT to business priorities',
    'M',
    "Apr '07",
    'AD, ICT',
    'not_started',
  ],
  [
    '3.6',
    'Cost plans for ICT support over full business hours',
    'H',
    "Apr '07",
    'ICT BS Mgr',
    'complete',
  ],
  [
    '4.7',
    'Review the ICT Support Centre for first time fix',
    'H',
    "Aug '07",
    'ICT BS Mgr',
    'at_risk',
  ],
  [
    '4.11',
    'Produce standards for ICT supplier management',
    'L',
    "Aug '08",
    'AD, ICT',
    'not_started',
  ],
  [
    '4.14',
    'Review current use of corporate applications',
    'H',
    "Start Apr '07, complete Aug '09",
    'ICT BD Mgr',
    'on_track',
  ],
] as const;

async function setUp() {
  const { db } = h.t.database;
  const org = await makeOrganisation(db);
  const board = await makeUser(db, org.id, 'board');
  const editor = await makeUser(db, org.id, 'editor');
  const ctx: TenantContext = {
    tenantId: org.id,
    role: 'editor',
    actor: { userId: editor.id, label: 'Set-up' },
  };
  const strategy = await createStrategy(
    db,
    ctx,
    strategyInput.parse({ title: 'ICT Strategy 2007', documentDate: '2007-04-01' }),
  );
  const area = await addArea(db, ctx, strategy.id, { number: '4', title: 'Best Value' });
  for (const [ref, title, priority, timescale, lead, status] of PLAN) {
    await createAction(
      db,
      ctx,
      strategy.id,
      actionInput.parse({
        ref,
        title,
        priority,
        timescale,
        lead,
        status,
        areaId: area.id,
        resources: 'CR',
      }),
    );
  }
  return { board, editor, strategyId: strategy.id, areaId: area.id };
}

async function refsShown(s: Session): Promise<string[]> {
  const cells = s.page.locator('table.govuk-table tbody tr td:first-child');
  return (await cells.allInnerTexts()).map((r) => r.trim());
}

describe.each(MODES)('the action plan (JavaScript %s)', (mode) => {
  let setup: Awaited<ReturnType<typeof setUp>>;
  beforeAll(async () => {
    setup = await setUp();
  }, START_TIMEOUT);

  it('a board member filters to overdue high-priority actions and downloads them as Excel', async () => {
    const s = await h.newSession(mode);
    await s.signIn(setup.board.email, PASSWORD);
    await s.goto(`/strategies/${setup.strategyId}/actions`);
    expect(await s.heading()).toBe('Action plan');
    expect(await refsShown(s)).toEqual(['1.1', '1.3', '3.6', '4.7', '4.11', '4.14']);
    expect(await s.mainText()).not.toContain('Add an action');

    await s.tick('High');
    await s.tick('Overdue only');
    await s.page.locator('#asAt-day').fill('30');
    await s.page.locator('#asAt-month').fill('9');
    await s.page.locator('#asAt-year').fill('2007');
    await s.submit('Apply filters');
    expect(await refsShown(s)).toEqual(['1.1', '4.7']);
    expect(await s.mainText()).toContain('2 actions: high priority, overdue at 30 September 2007');

    // The filters are in the address: a reload (or a shared link) shows the same.
    const url = s.path();
    expect(url).toContain('priority=high');
    expect(url).toContain('overdue=1');
    await s.page.reload();
    await s.arrived();
    expect(await refsShown(s)).toEqual(['1.1', '4.7']);

    // Sorting by a column heading keeps the filters.
    await s.followLink(/^Timescale/);
    expect(s.path()).toContain('sort=due');
    expect(await refsShown(s)).toEqual(['1.1', '4.7']);
    await s.followLink(/^Timescale/);
    expect(await refsShown(s)).toEqual(['4.7', '1.1']);
    expect(await s.page.locator('th[aria-sort="descending"]').innerText()).toContain('Timescale');

    const [download] = await Promise.all([
      s.page.waitForEvent('download'),
      s.page.getByRole('link', { name: /^Download as Excel/ }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('ict-strategy-2007-action-plan-2007-09-30.xlsx');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await readFile(await download.path())) as unknown as ExcelJS.Buffer);
    const sheet = book.getWorksheet('Action plan')!;
    expect((sheet.getRow(1).values as unknown[]).slice(1, 4)).toEqual([
      'Ref',
      'Area',
      'Action/task',
    ]);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.rowCount).toBe(3);
    expect([sheet.getCell('A2').value, sheet.getCell('A3').value]).toEqual(['4.7', '1.1']);
    expect(sheet.getCell('K2').value).toBeInstanceOf(Date);
    expect((sheet.getCell('K2').value as Date).toISOString().slice(0, 10)).toBe('2007-08-31');
    expect(book.getWorksheet('About')).toBeDefined();

    // From the table to an action's page.
    await s.followLink('Review the ICT Support Centre for first time fix');
    expect(await s.heading()).toBe('Action 4.7');
    expect(await s.mainText()).toContain('Overdue');
    s.done();
  });

  it('an editor adds an action, correcting a mistake on the way', async () => {
    const s = await h.newSession(mode);
    await s.signIn(setup.editor.email, PASSWORD);
    await s.goto(`/strategies/${setup.strategyId}/actions`);
    await s.followLink('Add an action');
    expect(await s.heading()).toBe('Add an action');

    await s.fill({ Reference: '4.7', 'Action or task': 'Replace the call logging system' });
    await s.submit('Add action');
    expect(await s.page.title()).toMatch(/^Error: /);
    expect(await s.errorSummary()).toEqual([
      'Another action in this strategy already has the reference 4.7',
    ]);

    await s.fill({
      Reference: '4.16',
      'Priority (optional)': 'H',
      'Timescale (optional)': 'Q3 2011/12',
      'Lead, by who (optional)': 'ICT BS Mgr',
      'With (optional)': 'HR, T&D Mgr',
      'Resources (optional)': '£12,500',
    });
    await s.page.getByLabel('Area or theme').selectOption({ label: '4 Best Value' });
    await s.submit('Add action');
    expect(s.path()).toMatch(/^\/actions\/[0-9a-f-]{36}$/);
    expect(await s.flash()).toContain('Action 4.16 added');
    expect(await s.flash()).toContain('October to December 2011');
    const text = await s.mainText();
    expect(text).toContain('Replace the call logging system');
    expect(text).toContain('HR, T&D Mgr');
    expect(text).toContain('£12,500');

    await s.followLink('Action plan');
    expect(await refsShown(s)).toContain('4.16');
    s.done();
  });
});

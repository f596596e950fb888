import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODES, START_TIMEOUT, startHarness, type Harness, type Session } from './harness.js';
import { makeOrganisation, makeUser, PASSWORD } from '../helpers/fixtures.js';
import { withTenant } from '../../src/kernel/db/tenancy.js';
import { createStrategyInTx, strategyInput } from '../../src/modules/strategy/index.js';

/**
 * The programme office's governance journey in a real browser, JavaScript on and off, axe on
 * every page: create a board (after being told what is missing), add a councillor as a member,
 * add a meeting with an agenda item, record the board's decision, and find the meeting on the
 * forward plan.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, START_TIMEOUT);
afterAll(async () => h.close(), START_TIMEOUT);

describe.each(MODES)('boards and meetings (JavaScript %s)', (mode) => {
  let s: Session;
  let strategyTitle: string;

  beforeAll(async () => {
    const org = await makeOrganisation(h.t.database.db);
    const editor = await makeUser(h.t.database.db, org.id, 'editor');
    strategyTitle = `Digital Strategy (${mode})`;
    await withTenant(h.t.database.db, org.id, editor.id, (trx) =>
      createStrategyInTx(
        trx,
        { tenantId: org.id, role: 'editor', actor: { userId: editor.id, label: editor.email } },
        strategyInput.parse({ title: strategyTitle, approvedBy: 'Cabinet', status: 'approved' }),
      ),
    );
    s = await h.newSession(mode);
    await s.signIn(editor.email, PASSWORD);
  }, START_TIMEOUT);

  it('creates a board and adds a councillor', async () => {
    await s.followLink('Boards');
    expect(await s.heading()).toBe('Boards');
    await s.followLink('Create a board');
    await s.submit('Create board');
    expect(await s.page.title()).toMatch(/^Error: /);
    expect(await s.errorSummary()).toEqual([
      'Enter the board’s name',
      'Select what kind of board it is',
    ]);
    await s.fill({ Name: 'Scrutiny Commission' });
    await s.choose('Scrutiny commission or committee');
    await s.choose('Every six months');
    await s.submit('Create board');
    expect(await s.flash()).toContain('Board created: Scrutiny Commission');
    expect(await s.heading()).toBe('Scrutiny Commission');

    await s.followLink('Add a member');
    await s.fill({ 'Or name of a member without an account': 'Cllr Jane Morgan' });
    await s.fill({ 'Role on the board (optional)': 'Chair' });
    await s.submit('Add member');
    expect(await s.flash()).toContain('Member added');
    const text = await s.mainText();
    expect(text).toContain('Cllr Jane Morgan');
    expect(text).toContain('Chair');

    await s.followLink('Choose the strategies it oversees');
    await s.tick(strategyTitle);
    await s.submit('Save strategies');
    expect(await s.flash()).toContain('Strategies overseen saved');
    s.done();
  });

  it('adds a meeting with an agenda item and records a decision', async () => {
    await s.followLink('Add a meeting');
    await s.page.locator('#meetsOn-day').fill('14');
    await s.page.locator('#meetsOn-month').fill('7');
    await s.page.locator('#meetsOn-year').fill('2099');
    await s.fill({ 'Start time (optional)': '18:00', 'Location (optional)': 'Council Chamber' });
    await s.submit('Add meeting');
    expect(await s.flash()).toContain('Meeting added: 14 July 2099 at 18:00');

    await s.followLink('Add an agenda item');
    await s.fill({ Title: 'ICT Strategy progress report' });
    await s.choose('Report');
    await s.page
      .getByLabel('Strategy (optional)')
      .selectOption({ label: `${strategyTitle} (version 1)` });
    await s.submit('Add item');
    expect(await s.flash()).toContain('Agenda item added: ICT Strategy progress report');

    await s.followLink(/Record a decision/);
    expect(await s.heading()).toBe('Record a decision');
    await s.submit('Record decision');
    expect(await s.errorSummary()).toEqual(['Select the decision']);
    await s.choose('Noted');
    await s.fill({ 'Wording of the decision (optional)': 'The Commission noted the report.' });
    await s.submit('Record decision');
    expect(await s.flash()).toContain('Decision recorded on ICT Strategy progress report');
    expect(await s.mainText()).toContain('The Commission noted the report.');
    s.done();
  });

  it('finds the meeting on the forward plan', async () => {
    await s.followLink('Boards');
    await s.followLink('Forward plan');
    expect(await s.heading()).toBe('Forward plan');
    const text = await s.mainText();
    expect(text).toContain('14 July 2099 at 18:00: Scrutiny Commission');
    expect(text).toContain('ICT Strategy progress report');
    s.done();
  });

  it('reads the strategy’s governance history', async () => {
    await s.followLink('Strategies');
    await s.followLink(strategyTitle);
    await s.followLink('Governance history');
    expect(await s.heading()).toBe('Governance history');
    const text = await s.mainText();
    expect(text).toContain('Cabinet');
    expect(text).toContain('Scrutiny Commission');
    expect(text).toContain('The Commission noted the report.');
    s.done();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  JOURNEY_TIMEOUT,
  MODES,
  START_TIMEOUT,
  startHarness,
  type Harness,
  type Session,
} from './harness.js';
import { makeOrganisation, makeUser, PASSWORD } from '../helpers/fixtures.js';
import {
  makeBoard,
  makePlan,
  recordUpdate,
} from '../../src/modules/governance/report.test-support.js';

/**
 * A programme officer drafts a progress report from the record, writes the background, sends it
 * for sign-off; the named board member approves it; the officer publishes it and opens the web
 * version — in a real browser with JavaScript on and off, axe on every page.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, START_TIMEOUT);
afterAll(async () => h.close(), START_TIMEOUT);

async function setUp() {
  const { db } = h.t.database;
  const org = await makeOrganisation(db);
  const editor = await makeUser(db, org.id, 'editor');
  const approver = await makeUser(db, org.id, 'board');
  await db
    .updateTable('users')
    .set({ display_name: 'Cllr Ann Approver' })
    .where('id', '=', approver.id)
    .execute();
  const ctx = {
    tenantId: org.id,
    role: 'editor' as const,
    actor: { userId: editor.id, label: `${editor.display_name} <${editor.email}>` },
  };
  const plan = await makePlan(
    h.t,
    ctx,
    {
      title: 'Corporate ICT Strategy',
      periodStart: '2025-04-01',
      documentDate: '2025-04-01',
      areas: [
        {
          number: '6',
          title: 'Reliable and secure',
          actions: [
            { ref: '6.1', title: 'Test the disaster recovery plan', timescale: 'Sept 2025' },
            { ref: '6.2', title: 'Assess compliance with ISO 27001', timescale: 'March 2026' },
          ],
        },
      ],
    },
    { fromDocument: true },
  );
  await recordUpdate(h.t, ctx, plan.actions['6.1']!.id, {
    status: 'at_risk',
    happened: 'The standby site is not yet ready',
    nextSteps: 'Book a new test date',
    asAt: '2025-06-20',
  });
  await makeBoard(h.t, org.id, { name: 'Scrutiny Commission', kind: 'scrutiny' });
  return { editor, approver, strategyTitle: plan.strategy.title };
}

describe.each(MODES)('a progress report from draft to the web (JavaScript %s)', (mode) => {
  let data: Awaited<ReturnType<typeof setUp>>;
  let officer: Session;
  let board: Session;
  let reportPath: string;

  beforeAll(async () => {
    data = await setUp();
    officer = await h.newSession(mode);
    await officer.signIn(data.editor.email, PASSWORD);
    board = await h.newSession(mode);
    await board.signIn(data.approver.email, PASSWORD);
  }, START_TIMEOUT);

  afterAll(async () => {
    await officer.context.close();
    await board.context.close();
  });

  it(
    'drafts the report from the record and edits a section',
    async () => {
      await officer.goto('/reports');
      expect(await officer.heading()).toBe('Reports');
      await officer.followLink('Create a progress report');
      await officer.page
        .getByLabel('Strategy', { exact: true })
        .selectOption({ label: `${data.strategyTitle}, version 1` });
      await officer.page
        .getByLabel('Board or committee (optional)')
        .selectOption({ label: 'Scrutiny Commission' });
      await officer.page.locator('#asAt-day').fill('30');
      await officer.page.locator('#asAt-month').fill('6');
      await officer.page.locator('#asAt-year').fill('2025');
      await officer.fill({ Title: 'ICT strategy progress report' });
      await officer.submit('Create and draft the report');
      expect(await officer.heading()).toBe('ICT strategy progress report');
      expect(await officer.flash()).toContain('Report created');
      reportPath = officer.path();
      const preview = await officer.mainText();
      expect(preview).toContain('The standby site is not yet ready');
      expect(preview).toContain('The Commission is asked to NOTE this report.');

      await officer.page
        .getByLabel('Background', { exact: true })
        .fill('The strategy was approved by Cabinet in March.');
      await officer.submit('Save and preview');
      expect(await officer.flash()).toContain('Report saved');
      expect(await officer.mainText()).toContain('The strategy was approved by Cabinet in March.');

      await officer.page
        .getByLabel('Who is to approve it')
        .selectOption({ label: 'Cllr Ann Approver (board member)' });
      await officer.submit('Submit for sign-off');
      expect(await officer.flash()).toContain('submitted for sign-off');
      expect(await officer.mainText()).toContain('Awaiting sign-off');
      officer.done();
    },
    JOURNEY_TIMEOUT,
  );

  it(
    'is approved by the named board member',
    async () => {
      await board.goto(reportPath);
      expect(await board.heading()).toBe('ICT strategy progress report');
      await board.submit('Approve the report');
      expect(await board.flash()).toContain('Report approved');
      board.done();
    },
    JOURNEY_TIMEOUT,
  );

  it(
    'is published and read as a web page',
    async () => {
      await officer.goto(reportPath);
      await officer.submit('Publish the report');
      expect(await officer.flash()).toContain('Report published as version 1');
      await officer.followLink(/^Version 1/);
      expect(officer.path()).toBe(`${reportPath}/versions/1`);
      const text = await officer.mainText();
      expect(text).toContain('Published version 1');
      expect(text).toContain('The strategy was approved by Cabinet in March.');
      expect(text).toContain('The standby site is not yet ready');
      expect(text).toContain('Cllr Ann Approver');

      // The correction form and the template page pass axe too.
      await officer.goto(`${reportPath}/correct`);
      expect(await officer.heading()).toBe('Publish a corrected version');
      await officer.goto('/settings/report-template');
      expect(await officer.heading()).toBe('Report template');
      officer.done();
    },
    JOURNEY_TIMEOUT,
  );
});

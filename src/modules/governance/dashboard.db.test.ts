import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { newId } from '../../kernel/db/ids.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import { todayInLondon } from '../strategy/index.js';
import {
  makeBoard,
  makePlan,
  makeReportOrg,
  recordUpdate,
  type ReportOrg,
} from './report.test-support.js';
import { insertReport, insertVersion, snapshotFor } from './public.test-support.js';
import { sampleSnapshot } from './render/sample-snapshot.js';

let t: TestApp;
let org: ReportOrg;
let other: ReportOrg;
let strategyId: string;
let otherStrategyId: string;
const today = todayInLondon();

function addDays(date: string, days: number) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

beforeAll(async () => {
  t = await createTestApp();
  org = await makeReportOrg(t);
  other = await makeReportOrg(t);
  const editor = await org.ctx('editor');
  const plan = await makePlan(t, editor, {
    title: 'ICT Strategy 2025–2028',
    areas: [
      {
        number: '1',
        title: 'Infrastructure',
        actions: [
          {
            ref: '1.1',
            title: 'Replace the core switches',
            lead: 'ICT Infrastructure Manager',
            timescale: 'March 2020',
          },
          { ref: '1.2', title: 'Second data centre', lead: 'ICT Infrastructure Manager' },
        ],
      },
      {
        number: '2',
        title: 'Information <security>',
        actions: [
          {
            ref: '2.1',
            title: 'Multi-factor authentication',
            lead: 'Information Governance Manager',
          },
          { ref: '2.2', title: 'Asset register', lead: 'Information Governance Manager' },
        ],
      },
    ],
  });
  strategyId = plan.strategy.id;
  const ids = Object.fromEntries(Object.entries(plan.actions).map(([ref, a]) => [ref, a.id]));
  await recordUpdate(t, editor, ids['1.2']!, {
    status: 'off_track',
    forecastStatus: 'at_risk',
    happened: 'Supplier late',
    asAt: today,
  });
  await recordUpdate(t, editor, ids['2.1']!, { status: 'complete', happened: 'Done', asAt: today });
  // 2.2 has heard nothing for 200 days.
  await withTenant(t.database.db, org.id, null, (trx) =>
    trx
      .updateTable('actions')
      .set({ created_at: new Date(Date.now() - 200 * 86_400_000), last_update_at: null })
      .where('id', '=', ids['2.2']!)
      .execute(),
  );

  // A board overseeing the strategy, with a meeting soon and an agenda item; an action due before it.
  const board = await makeBoard(t, org.id, { name: 'ICT Steering Group', kind: 'steering_group' });
  const meetsOn = addDays(today, 20);
  await withTenant(t.database.db, org.id, null, async (trx) => {
    await trx
      .insertInto('board_strategies')
      .values({ tenant_id: org.id, board_id: board, strategy_lineage_id: plan.strategy.lineage_id })
      .execute();
    const meetingId = newId();
    await trx
      .insertInto('meetings')
      .values({
        tenant_id: org.id,
        id: meetingId,
        board_id: board,
        meets_on: meetsOn,
        starts_at: null,
        location: 'Committee Room 2',
        minutes_url: null,
      })
      .execute();
    // A meeting already held is not "next".
    await trx
      .insertInto('meetings')
      .values({
        tenant_id: org.id,
        id: newId(),
        board_id: board,
        meets_on: addDays(today, -30),
        starts_at: null,
        location: 'Old room',
        minutes_url: null,
      })
      .execute();
    await trx
      .insertInto('agenda_items')
      .values({
        tenant_id: org.id,
        id: newId(),
        meeting_id: meetingId,
        position: 1,
        title: 'Quarterly progress on the ICT Strategy',
        kind: 'paper',
        strategy_id: null,
        report_id: null,
        paper_url: null,
      })
      .execute();
    await trx
      .updateTable('actions')
      .set({ due_on: addDays(today, 10) })
      .where('id', '=', ids['1.2']!)
      .execute();
  });

  // Two published reports for the trend: the older one with a correction (its latest version counts).
  const editorId = await org.userId('editor');
  const base = sampleSnapshot(0).progressSummary.byStatus;
  const counts = (onTrack: number, offTrack: number) =>
    base.map((c) => ({
      ...c,
      current: c.status === 'on_track' ? onTrack : c.status === 'off_track' ? offTrack : 0,
    }));
  const r1 = await insertReport(t, org.id, {
    strategyId,
    title: 'Q1',
    status: 'superseded',
    asAt: '2026-03-31',
    createdBy: editorId,
  });
  await insertVersion(t, org.id, {
    reportId: r1,
    version: 1,
    public: false,
    snapshot: snapshotFor(
      { organisation: 'x', strategyTitle: 'x', title: 'Q1', asAt: '2026-03-31' },
      counts(9, 9),
    ),
    publishedBy: editorId,
  });
  await insertVersion(t, org.id, {
    reportId: r1,
    version: 2,
    public: false,
    snapshot: snapshotFor(
      { organisation: 'x', strategyTitle: 'x', title: 'Q1', asAt: '2026-03-31' },
      counts(3, 1),
    ),
    publishedBy: editorId,
    changeNote: 'Fixed',
  });
  const r2 = await insertReport(t, org.id, {
    strategyId,
    title: 'Q2',
    status: 'published',
    asAt: '2026-06-30',
    createdBy: editorId,
  });
  await insertVersion(t, org.id, {
    reportId: r2,
    version: 1,
    public: false,
    snapshot: snapshotFor(
      { organisation: 'x', strategyTitle: 'x', title: 'Q2', asAt: '2026-06-30' },
      counts(2, 2),
    ),
    publishedBy: editorId,
  });
  // A draft report does not count.
  await insertReport(t, org.id, {
    strategyId,
    title: 'Q3 draft',
    status: 'draft',
    asAt: '2026-09-30',
    createdBy: editorId,
  });

  const otherPlan = await makePlan(t, await other.ctx('editor'), {
    title: 'Other council strategy',
    areas: [{ number: '1', title: 'Theirs', actions: [{ ref: '1.1', title: 'Their action' }] }],
  });
  otherStrategyId = otherPlan.strategy.id;
}, 180_000);
afterAll(async () => t.close(), 60_000);

describe('a strategy’s dashboard', () => {
  it('shows status now and forecast as a chart with shapes and a data table', async () => {
    const res = await (await org.as('viewer')).get(`/strategies/${strategyId}/dashboard`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<h1 class="govuk-heading-l">Dashboard</h1>');
    expect(res.body).toMatch(
      /<svg [^>]*role="img"[^>]*aria-labelledby="dashboard-status-title dashboard-status-desc"/,
    );
    expect(res.body).toContain('Data for the chart: Actions by status, now and forecast');
    expect(res.body).toMatch(
      /<th scope="row" class="govuk-table__header">Off track<\/th><td[^>]*>1<\/td><td[^>]*>0<\/td>/,
    );
    expect(res.body).toMatch(
      /<th scope="row" class="govuk-table__header">At risk<\/th><td[^>]*>0<\/td><td[^>]*>1<\/td>/,
    );
    expect(res.body).toContain('4 live actions');
  });

  it('shows the trend at each published report (latest version of each) and now', async () => {
    const res = await (await org.as('viewer')).get(`/strategies/${strategyId}/dashboard`);
    const trend = res.body.slice(
      res.body.indexOf('Data for the chart: Actions by status at each report'),
    );
    expect(trend).toMatch(
      /<th scope="row" class="govuk-table__header">31 March 2026 \(version 2\)<\/th>/,
    );
    expect(trend).toMatch(/<th scope="row" class="govuk-table__header">30 June 2026<\/th>/);
    expect(trend).toContain('Now (');
    // Version 1 of the first report (9 on track) was corrected: its figures are not shown.
    const rows = trend.slice(0, trend.indexOf('</table>'));
    expect(rows).not.toContain('>9<');
    expect(rows).not.toContain('Q3 draft');
  });

  it('shows actions by theme and by lead, escaped', async () => {
    const res = await (await org.as('viewer')).get(`/strategies/${strategyId}/dashboard`);
    expect(res.body).toContain('Data for the chart: Actions by theme and status');
    expect(res.body).toContain('2. Information &lt;security&gt;');
    expect(res.body).not.toContain('Information <security>');
    expect(res.body).toContain('Data for the chart: Actions by lead and status');
    expect(res.body).toContain('ICT Infrastructure Manager');
  });

  it('lists overdue and stale actions', async () => {
    const res = await (await org.as('viewer')).get(`/strategies/${strategyId}/dashboard`);
    const overdue = res.body.slice(
      res.body.indexOf('id="overdue"'),
      res.body.indexOf('id="stale"'),
    );
    expect(overdue).toContain('Replace the core switches');
    expect(overdue).toContain('<time datetime="2020-03-31">31 March 2020</time>');
    const stale = res.body.slice(
      res.body.indexOf('id="stale"'),
      res.body.indexOf('id="next-meeting"'),
    );
    expect(stale).toContain('Asset register');
    expect(stale).not.toContain('Multi-factor authentication');
  });

  it('shows the next meeting of an overseeing board, its agenda and what falls due before it', async () => {
    const res = await (await org.as('viewer')).get(`/strategies/${strategyId}/dashboard`);
    const next = res.body.slice(res.body.indexOf('id="next-meeting"'));
    expect(next).toContain('ICT Steering Group');
    expect(next).toContain('Committee Room 2');
    expect(next).not.toContain('Old room');
    expect(next).toContain('Quarterly progress on the ICT Strategy');
    expect(next).toContain('Second data centre');
  });

  it('is readable by every role and linked from the strategy page', async () => {
    for (const role of ['admin', 'editor', 'contributor', 'board', 'viewer'] as const) {
      const res = await (await org.as(role)).get(`/strategies/${strategyId}/dashboard`);
      expect(res.statusCode, role).toBe(200);
    }
    const page = await (await org.as('viewer')).get(`/strategies/${strategyId}`);
    expect(page.body).toContain(`href="/strategies/${strategyId}/dashboard"`);
  });

  it('is not found for another organisation’s strategy or a guess', async () => {
    const agent = await org.as('admin');
    for (const id of [otherStrategyId, randomUUID(), 'nope']) {
      const res = await agent.get(`/strategies/${id}/dashboard`);
      expect(res.statusCode, id).toBe(404);
      expect(res.body).not.toContain('Their action');
    }
  });

  it('works for a strategy with no actions, reports or meetings', async () => {
    const empty = await makePlan(t, await org.ctx('editor'), {
      title: 'Empty strategy',
      areas: [],
    });
    const res = await (await org.as('viewer')).get(`/strategies/${empty.strategy.id}/dashboard`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('No progress report has been published for this strategy yet');
    expect(res.body).toContain('No actions are overdue.');
    expect(res.body).toContain('No meeting is planned for a board that oversees this strategy.');
  });
});

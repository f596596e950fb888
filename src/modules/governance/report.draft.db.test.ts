import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { newId } from '../../kernel/db/ids.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import { todayInLondon } from '../strategy/index.js';
import { draftSnapshot } from './report.draft.js';
import { approveReport, createReport, publishReport, submitReport } from './report.service.js';
import {
  makeBoard,
  makePlan,
  makeReportOrg,
  recordUpdate,
  type ReportOrg,
} from './report.test-support.js';
import type { ReportSnapshot } from './report.types.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
}, 120_000);
afterAll(async () => t.close(), 60_000);

const refs = (list: { ref: string }[]) => list.map((a) => a.ref);

async function draft(org: ReportOrg, input: Parameters<typeof draftSnapshot>[2]) {
  return withTenant(t.database.db, org.id, null, (trx) => draftSnapshot(trx, org.id, input));
}

describe('drafting a report from the record as at a date', () => {
  let org: ReportOrg;
  let plan: Awaited<ReturnType<typeof makePlan>>;
  let boardId: string;
  let second: ReportSnapshot;

  beforeAll(async () => {
    org = await makeReportOrg(t);
    const editor = await org.ctx('editor');
    plan = await makePlan(
      t,
      editor,
      {
        title: 'ICT Strategy 2024-2026',
        periodLabel: '2024-2026',
        periodStart: '2024-04-01',
        documentDate: '2024-04-01',
        approvedBy: 'Cabinet',
        approvedOn: '2024-03-15',
        areas: [
          {
            number: '1',
            title: 'Strategic direction',
            actions: [
              {
                ref: '1.1',
                title: 'Agree the architecture',
                timescale: 'Sept 2024',
                resources: '£25,000',
                lead: 'Head of ICT',
              },
              {
                ref: '1.2',
                title: 'Replace the finance system',
                timescale: 'Dec 2024',
                resources: 'AR',
              },
              {
                ref: '1.3',
                title: 'Publish the data strategy',
                timescale: 'March 2025',
                resources: 'CR',
              },
            ],
          },
          {
            number: '2',
            title: 'Reliable and secure',
            actions: [
              { ref: '2.1', title: 'Test disaster recovery', timescale: 'July 2024' },
              { ref: '2.2', title: 'Renew the firewall', timescale: 'Oct 2024' },
            ],
          },
        ],
      },
      { fromDocument: true },
    );
    const a = plan.actions;
    // Period 1, to 30 June 2024.
    await recordUpdate(t, editor, a['1.1']!.id, {
      status: 'on_track',
      happened: 'Options drafted',
      asAt: '2024-06-10',
    });
    await recordUpdate(t, editor, a['1.2']!.id, {
      status: 'at_risk',
      forecastStatus: 'off_track',
      happened: 'Supplier slow to respond',
      asAt: '2024-06-15',
    });
    await recordUpdate(t, editor, a['2.1']!.id, {
      status: 'on_track',
      happened: 'Test booked',
      asAt: '2024-06-20',
    });
    boardId = await makeBoard(t, org.id, {
      name: 'Scrutiny Commission',
      kind: 'scrutiny',
      cycle: 'quarterly',
    });
    const first = await createReport(t.database.db, editor, {
      strategyId: plan.strategy.id,
      boardId,
      asAt: '2024-06-30',
      title: 'First progress report',
    });
    const approverId = await org.userId('board');
    await submitReport(t.database.db, editor, first.id, approverId);
    await approveReport(t.database.db, await org.ctx('board'), first.id);
    await publishReport(t.database.db, editor, first.id, { public: false });

    // Period 2, to 30 September 2024.
    await recordUpdate(t, editor, a['1.1']!.id, {
      status: 'complete',
      happened: 'Architecture agreed',
      asAt: '2024-09-01',
    });
    await recordUpdate(t, editor, a['1.2']!.id, {
      status: 'off_track',
      happened: 'Supplier withdrew',
      nextSteps: 'Go back to the market',
      asAt: '2024-09-10',
    });
    // Recorded after the date: not part of this report.
    await recordUpdate(t, editor, a['1.3']!.id, {
      status: 'complete',
      happened: 'Published early',
      asAt: '2024-10-15',
    });
    // A new action, begun in the period, and one keyed in today with no history (not yet in the plan then).
    const late = await withTenant(t.database.db, org.id, null, async (trx) => {
      const { createActionInTx, actionInput } = await import('../strategy/index.js');
      const added = await createActionInTx(
        trx,
        editor,
        plan.strategy.id,
        actionInput.parse({
          ref: '2.3',
          title: 'Add multi-factor sign-in',
          areaId: plan.areas['2'],
          timescale: 'Nov 2024',
        }),
      );
      await createActionInTx(
        trx,
        editor,
        plan.strategy.id,
        actionInput.parse({ ref: '9.9', title: 'Something for later' }),
      );
      return added;
    });
    await recordUpdate(t, editor, late.id, {
      status: 'on_track',
      happened: 'Started',
      asAt: '2024-08-01',
    });
    // 2.2 re-dated after the first report.
    await withTenant(t.database.db, org.id, null, (trx) =>
      trx
        .updateTable('actions')
        .set({ due_on: '2024-11-30' })
        .where('id', '=', a['2.2']!.id)
        .execute(),
    );
    // A decision taken on the first report.
    await withTenant(t.database.db, org.id, null, async (trx) => {
      const meetingId = newId();
      const itemId = newId();
      await trx
        .insertInto('meetings')
        .values({
          tenant_id: org.id,
          id: meetingId,
          board_id: boardId,
          meets_on: '2024-07-10',
          starts_at: null,
          location: null,
          minutes_url: null,
        })
        .execute();
      await trx
        .insertInto('agenda_items')
        .values({
          tenant_id: org.id,
          id: itemId,
          meeting_id: meetingId,
          position: 1,
          title: 'ICT strategy progress',
          strategy_id: plan.strategy.id,
          report_id: first.id,
          paper_url: null,
        })
        .execute();
      await trx
        .insertInto('decisions')
        .values({
          tenant_id: org.id,
          id: newId(),
          agenda_item_id: itemId,
          outcome: 'noted',
          note: 'Asked for more on the finance system',
          recorded_by: editor.actor.userId!,
        })
        .execute();
    });

    second = await draft(org, {
      strategyId: plan.strategy.id,
      boardId,
      meetingId: null,
      asAt: '2024-09-30',
      title: 'Second progress report',
      narrative: { purpose: 'To update the Commission.', notASection: 'ignored' },
    });
  }, 180_000);

  it('covers the period since the last report published to the board', () => {
    expect(second.periodStart).toBe('2024-06-30');
    expect(second.previousReport).toMatchObject({
      title: 'First progress report',
      asAt: '2024-06-30',
    });
    expect(second.board).toMatchObject({ name: 'Scrutiny Commission', kind: 'scrutiny' });
    expect(second.narrative).toEqual({ purpose: 'To update the Commission.' });
    expect(second.published).toBeNull();
  });

  it('reads each action’s status from its latest update on or before the date', () => {
    const byRef = new Map(second.actions.map((a) => [a.ref, a]));
    expect(byRef.get('1.1')?.status).toBe('complete');
    expect(byRef.get('1.2')).toMatchObject({ status: 'off_track', statusLabel: 'Off track' });
    expect(byRef.get('1.2')?.latest).toMatchObject({
      happened: 'Supplier withdrew',
      nextSteps: 'Go back to the market',
      on: '2024-09-10',
    });
    // Its only update is after the date: it had not started.
    expect(byRef.get('1.3')?.status).toBe('not_started');
    // No updates at all: the status it was given.
    expect(byRef.get('2.2')?.status).toBe('not_started');
    // Keyed in today with no history: not in the plan in 2024.
    expect(byRef.has('9.9')).toBe(false);
    expect(refs(second.actions)).toEqual(['1.1', '1.2', '1.3', '2.1', '2.2', '2.3']);
  });

  it('summarises by status and by theme, current and forecast side by side', () => {
    const { progressSummary } = second;
    expect(progressSummary.total).toBe(6);
    const offTrack = progressSummary.byStatus.find((s) => s.status === 'off_track');
    expect(offTrack).toMatchObject({ label: 'Off track', rag: 'red', current: 1, forecast: 1 });
    expect(progressSummary.byTheme.map((th) => [th.theme, th.total])).toEqual([
      ['1. Strategic direction', 3],
      ['2. Reliable and secure', 3],
    ]);
  });

  it('lists what was completed, the exceptions and the changes since the last report', () => {
    expect(refs(second.completed)).toEqual(['1.1']);
    // Off track first, then the overdue one (due July, still open).
    expect(refs(second.exceptions)).toEqual(['1.2', '2.1']);
    expect(second.exceptions[1]?.overdue).toBe(true);
    expect(refs(second.changes.added)).toEqual(['2.3']);
    expect(second.changes.statusMoves.map((m) => [m.action.ref, m.from, m.to])).toEqual([
      ['1.1', 'on_track', 'complete'],
      ['1.2', 'at_risk', 'off_track'],
    ]);
    expect(second.changes.redated.map((r) => [r.action.ref, r.fromDue, r.toDue])).toEqual([
      ['2.2', '2024-10-31', '2024-11-30'],
    ]);
  });

  it('shows the milestones of the next quarter and the resources', () => {
    // Both due at the end of November: in reference order.
    expect(refs(second.milestones)).toEqual(['2.2', '2.3']);
    expect(second.resources.totalPence).toBe(2_500_000);
    expect(refs(second.resources.withAmounts)).toEqual(['1.1']);
    expect(refs(second.resources.needingAdditional)).toEqual(['1.2']);
  });

  it('recalls the strategy’s approval and the decisions taken since', () => {
    expect(second.previousDecisions).toEqual([
      {
        meetsOn: '2024-03-15',
        board: 'Cabinet',
        item: 'ICT Strategy 2024-2026',
        outcome: 'Approved',
        note: null,
      },
      {
        meetsOn: '2024-07-10',
        board: 'Scrutiny Commission',
        item: 'ICT strategy progress',
        outcome: 'Noted',
        note: 'Asked for more on the finance system',
      },
    ]);
  });

  it('follows the template’s order and headings', () => {
    expect(second.sections[0]).toEqual({ key: 'purpose', heading: 'Purpose of the report' });
    expect(second.sections.map((s) => s.key)).toContain('exceptions');
    expect(second.sections).toHaveLength(15);
  });

  it('reports an action archived in the period as dropped, with the reason', async () => {
    const editor = await org.ctx('editor');
    await withTenant(t.database.db, org.id, null, (trx) =>
      trx
        .updateTable('actions')
        .set({ archived_at: new Date(), archive_reason: 'Overtaken by the shared service' })
        .where('id', '=', plan.actions['1.3']!.id)
        .execute(),
    );
    const today = todayInLondon();
    const now = await draft(org, {
      strategyId: plan.strategy.id,
      boardId: null,
      meetingId: null,
      asAt: today,
      title: 'Today',
      narrative: {},
    });
    expect(now.periodStart).toBe('2024-04-01');
    expect(now.changes.dropped.map((d) => [d.action.ref, d.reason])).toEqual([
      ['1.3', 'Overtaken by the shared service'],
    ]);
    expect(refs(now.actions)).not.toContain('1.3');
    expect(editor.tenantId).toBe(org.id);
  });

  it('drafts a plan of 500 actions in a handful of queries', async () => {
    const editor = await org.ctx('editor');
    const big = await makePlan(t, editor, {
      title: 'Big plan',
      periodStart: '2024-04-01',
      documentDate: '2024-04-01',
      areas: [{ number: '1', title: 'Everything', actions: [] }],
    });
    await withTenant(t.database.db, org.id, null, async (trx) => {
      const rows = Array.from({ length: 500 }, (_, i) => ({
        tenant_id: org.id,
        id: newId(),
        strategy_id: big.strategy.id,
        lineage_id: '',
        area_id: big.areas['1']!,
        ref: `1.${String(i + 1)}`,
        ref_sort: `0001.${String(i + 1).padStart(4, '0')}`,
        title: `Action ${String(i + 1)}`,
        source: JSON.stringify({ kind: 'test' }),
      }));
      for (const r of rows) r.lineage_id = r.id;
      await trx.insertInto('actions').values(rows).execute();
      const ids = rows.map((r) => r.id);
      await trx
        .insertInto('progress_updates')
        .values(
          ids.map((id, i) => ({
            tenant_id: org.id,
            id: newId(),
            action_id: id,
            action_lineage_id: id,
            status: i % 3 === 0 ? ('at_risk' as const) : ('on_track' as const),
            happened: 'Progress',
            as_at: '2024-05-01',
            recorded_by_label: 'Test',
          })),
        )
        .execute();
    });
    let queries = 0;
    const counted = t.database.db.withPlugin({
      transformQuery: (args) => {
        queries++;
        return args.node;
      },
      transformResult: async (args) => args.result,
    });
    const snapshot = await withTenant(counted, org.id, null, (trx) =>
      draftSnapshot(trx, org.id, {
        strategyId: big.strategy.id,
        boardId: null,
        meetingId: null,
        asAt: '2024-06-30',
        title: 'Big',
        narrative: {},
      }),
    );
    expect(snapshot.progressSummary.total).toBe(500);
    expect(snapshot.exceptions).toHaveLength(167);
    expect(queries).toBeLessThan(20);
  });
});

/**
 * An organisation's governance records for the benchmark, so the strategy dashboard has what a
 * real one has: a steering group overseeing the largest strategy and reporting to the corporate
 * management team, quarterly meetings (six held, the rest planned to the end of the plan), a
 * published progress report with its frozen snapshot for each held meeting, a draft report on the
 * next agenda, and the decisions taken.
 *
 * A snapshot is the size and shape the application stores (the renderers' sample report, as many
 * actions as the strategy has live ones), with this organisation's names and dates and the status
 * counts its generated progress history gives at each report's "as at" date, which is what the
 * dashboard's trend reads.
 */
import type { Insertable } from 'kysely';
import type { DB } from '../src/kernel/db/schema.js';
import { sampleSnapshot } from '../src/modules/governance/render/sample-snapshot.js';
import type { Status } from '../src/modules/strategy/strategy.tables.js';
import type { Random } from './random.js';

type Row<T extends keyof DB> = Insertable<DB[T]>;

export interface GovernanceRows {
  boards: Row<'boards'>[];
  board_members: Row<'board_members'>[];
  board_strategies: Row<'board_strategies'>[];
  meetings: Row<'meetings'>[];
  reports: Row<'reports'>[];
  report_versions: Row<'report_versions'>[];
  agenda_items: Row<'agenda_items'>[];
  decisions: Row<'decisions'>[];
}

/** In the order they must be inserted (foreign keys). */
export const GOVERNANCE_TABLES: readonly (keyof GovernanceRows)[] = [
  'boards',
  'board_members',
  'board_strategies',
  'meetings',
  'reports',
  'report_versions',
  'agenda_items',
  'decisions',
];

export interface GovernanceInput {
  rng: Random;
  tenantId: string;
  organisationName: string;
  strategy: { id: string; lineageId: string; title: string; periodLabel: string };
  /** Chairs the steering group, approves reports. */
  admin: { id: string; name: string };
  /** Prepares and publishes reports, records decisions. */
  editor: { id: string; name: string };
  /** Other members with accounts (the board role). */
  members: { id: string; name: string }[];
  /** Every live action of the strategy: its progress updates, oldest first. */
  history: { status: Status; forecast: Status | null; asAt: string }[][];
}

const HELD = ['2025-06-17', '2025-09-16', '2025-12-16', '2026-03-17', '2026-06-16', '2026-09-15'];
const PLANNED = [
  '2026-12-15',
  '2027-03-16',
  '2027-06-15',
  '2027-09-14',
  '2027-12-14',
  '2028-03-14',
];
const CMT_MEETINGS: [string, 'held' | 'planned'][] = [
  ['2025-07-08', 'held'],
  ['2026-01-13', 'held'],
  ['2026-07-14', 'held'],
  ['2027-01-12', 'planned'],
  ['2027-07-13', 'planned'],
];

const dayMs = 86_400_000;
const ms = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);
const at = (iso: string, hour: number) => new Date(ms(iso) + hour * 3_600_000);

function monthYear(iso: string): string {
  return new Date(ms(iso)).toLocaleDateString('en-GB', {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

export function buildGovernance(out: GovernanceRows, input: GovernanceInput): void {
  const { rng, tenantId, strategy, admin, editor } = input;
  const created = ms('2025-04-01');
  const cmt = { id: rng.uuid(created), name: 'Corporate Management Team' };
  const steering = { id: rng.uuid(created + 1), name: 'ICT Steering Group' };
  out.boards.push(
    {
      tenant_id: tenantId,
      id: cmt.id,
      name: cmt.name,
      kind: 'corporate_management_team',
      purpose: 'Leads the council and takes decisions on strategy and resources.',
      reporting_cycle: 'six_monthly',
      reports_to_board_id: null,
      created_at: new Date(created),
      updated_at: new Date(created),
    },
    {
      tenant_id: tenantId,
      id: steering.id,
      name: steering.name,
      kind: 'steering_group',
      purpose: 'Oversees delivery of the ICT strategy and its action plan.',
      reporting_cycle: 'quarterly',
      reports_to_board_id: cmt.id,
      created_at: new Date(created),
      updated_at: new Date(created),
    },
  );
  const members = [admin, editor, ...input.members.slice(0, 3)];
  members.forEach((m, position) => {
    out.board_members.push({
      tenant_id: tenantId,
      id: rng.uuid(created),
      board_id: steering.id,
      user_id: m.id,
      person_name: null,
      member_role: position === 0 ? 'Chair' : null,
      position,
    });
  });
  out.board_members.push({
    tenant_id: tenantId,
    id: rng.uuid(created),
    board_id: steering.id,
    user_id: null,
    person_name: 'Councillor for Resources',
    member_role: 'Portfolio holder',
    position: members.length,
  });
  for (const board of [steering, cmt]) {
    out.board_strategies.push({
      tenant_id: tenantId,
      board_id: board.id,
      strategy_lineage_id: strategy.lineageId,
    });
  }
  for (const [meetsOn, status] of CMT_MEETINGS) {
    out.meetings.push({
      tenant_id: tenantId,
      id: rng.uuid(ms(meetsOn)),
      board_id: cmt.id,
      meets_on: meetsOn,
      starts_at: '09:30',
      location: 'Council Chamber',
      minutes_url: null,
      status,
      created_at: new Date(created),
      updated_at: new Date(created),
    });
  }

  const base = sampleSnapshot(Math.max(1, input.history.length));
  let previous: { id: string; title: string; asAt: string } | null = null;
  [...HELD, ...PLANNED].forEach((meetsOn, i) => {
    const held = i < HELD.length;
    const meetingId = rng.uuid(ms(meetsOn));
    out.meetings.push({
      tenant_id: tenantId,
      id: meetingId,
      board_id: steering.id,
      meets_on: meetsOn,
      starts_at: '14:00',
      location: 'Committee Room 2',
      minutes_url: held ? `https://democracy.example.gov.uk/minutes/${meetsOn}` : null,
      status: held ? 'held' : 'planned',
      created_at: new Date(created),
      updated_at: new Date(created),
    });
    // A report for every held meeting and a draft for the next one; papers only after that.
    const withReport = i <= HELD.length;
    let reportId: string | null = null;
    if (withReport) {
      reportId = rng.uuid(ms(meetsOn) - 30 * dayMs);
      const asAt = isoDay(ms(meetsOn) - 17 * dayMs);
      const title = `${strategy.title}: progress report, ${monthYear(meetsOn)}`;
      out.reports.push({
        tenant_id: tenantId,
        id: reportId,
        strategy_id: strategy.id,
        board_id: steering.id,
        meeting_id: meetingId,
        title,
        as_at: asAt,
        status: held ? 'published' : 'draft',
        narrative: JSON.stringify({
          purpose: `To report progress on the ${strategy.title} to the ${steering.name}.`,
          recommendation: `The ${steering.name} is asked to NOTE this report.`,
        }),
        approver_user_id: admin.id,
        submitted_by: held ? editor.id : null,
        submitted_at: held ? at(isoDay(ms(meetsOn) - 12 * dayMs), 10) : null,
        approved_by: held ? admin.id : null,
        approved_at: held ? at(isoDay(ms(meetsOn) - 10 * dayMs), 15) : null,
        created_by: editor.id,
        created_at: at(isoDay(ms(meetsOn) - 30 * dayMs), 9),
        updated_at: at(isoDay(ms(meetsOn) - 10 * dayMs), 15),
      });
      if (held) {
        const publishedAt = at(isoDay(ms(meetsOn) - 7 * dayMs), 11);
        out.report_versions.push({
          tenant_id: tenantId,
          id: rng.uuid(publishedAt.getTime()),
          report_id: reportId,
          version: 1,
          snapshot: JSON.stringify({
            ...base,
            organisation: { id: tenantId, name: input.organisationName },
            strategy: { id: strategy.id, title: strategy.title, periodLabel: strategy.periodLabel },
            board: { id: steering.id, name: steering.name, kind: 'steering_group' },
            meeting: { id: meetingId, meetsOn },
            title,
            asAt,
            periodStart: previous?.asAt ?? '2025-04-01',
            previousReport: previous,
            progressSummary: {
              ...base.progressSummary,
              total: input.history.length,
              byStatus: countsAt(base.progressSummary.byStatus, input.history, asAt),
            },
            approval: {
              submittedBy: editor.name,
              submittedAt: at(isoDay(ms(meetsOn) - 12 * dayMs), 10).toISOString(),
              approvedBy: admin.name,
              approvedAt: at(isoDay(ms(meetsOn) - 10 * dayMs), 15).toISOString(),
            },
            published: { version: 1, at: publishedAt.toISOString(), supersedes: null },
          }),
          change_note: null,
          published_by: editor.id,
          published_at: publishedAt,
        });
        previous = { id: reportId, title, asAt };
      }
    }
    const reportItem = rng.uuid(ms(meetsOn));
    out.agenda_items.push(
      {
        tenant_id: tenantId,
        id: reportItem,
        meeting_id: meetingId,
        position: 1,
        title: `${strategy.title}: progress report`,
        kind: withReport ? 'report' : 'paper',
        strategy_id: strategy.id,
        report_id: reportId,
        paper_url: null,
      },
      {
        tenant_id: tenantId,
        id: rng.uuid(ms(meetsOn)),
        meeting_id: meetingId,
        position: 2,
        title: 'Cyber security assurance update',
        kind: 'paper',
        strategy_id: null,
        report_id: null,
        paper_url: null,
      },
    );
    if (held) {
      out.decisions.push({
        tenant_id: tenantId,
        id: rng.uuid(ms(meetsOn)),
        agenda_item_id: reportItem,
        outcome: rng.chance(0.8) ? 'noted' : 'approved_with_changes',
        note: null,
        recorded_by: editor.id,
        recorded_at: at(meetsOn, 16),
      });
    }
  });
}

/** The status counts of the strategy's actions on a day, from their progress histories. */
function countsAt<T extends { status: Status; current: number; forecast: number }>(
  template: readonly T[],
  history: GovernanceInput['history'],
  asAt: string,
): T[] {
  const current = new Map<Status, number>();
  const forecast = new Map<Status, number>();
  for (const updates of history) {
    let latest: GovernanceInput['history'][number][number] | undefined;
    for (const u of updates) if (u.asAt <= asAt) latest = u;
    const status = latest?.status ?? 'not_started';
    current.set(status, (current.get(status) ?? 0) + 1);
    const f = latest?.forecast ?? status;
    forecast.set(f, (forecast.get(f) ?? 0) + 1);
  }
  return template.map((s) => ({
    ...s,
    current: current.get(s.status) ?? 0,
    forecast: forecast.get(s.status) ?? 0,
  }));
}

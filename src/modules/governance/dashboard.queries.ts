/** The SQL behind a strategy's dashboard: a handful of set-based queries, none per action. */
import { sql } from 'kysely';
import type { Tx } from '../../kernel/db/tenancy.js';
import type { Status } from '../strategy/index.js';
import type { StatusCount } from './report.types.js';

export async function findDashboardStrategy(trx: Tx, tenantId: string, id: string) {
  return trx
    .selectFrom('strategies')
    .select(['id', 'lineage_id', 'title', 'version', 'period_label', 'status'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export interface DashboardAction {
  id: string;
  ref: string;
  title: string;
  status: Status;
  forecast_status: Status | null;
  due_on: string | null;
  last_update_at: Date | null;
  created_at: Date;
  area_number: string | null;
  area_title: string | null;
  area_position: number | null;
  post_name: string | null;
  lead_text: string | null;
}

/** Every live action of the strategy, with its area and lead post, in plan order. */
export async function dashboardActions(
  trx: Tx,
  tenantId: string,
  strategyId: string,
): Promise<DashboardAction[]> {
  return trx
    .selectFrom('actions as a')
    .leftJoin('strategy_areas as ar', (j) =>
      j.onRef('ar.tenant_id', '=', 'a.tenant_id').onRef('ar.id', '=', 'a.area_id'),
    )
    .leftJoin('posts as p', (j) =>
      j.onRef('p.tenant_id', '=', 'a.tenant_id').onRef('p.id', '=', 'a.lead_post_id'),
    )
    .select([
      'a.id',
      'a.ref',
      'a.title',
      'a.status',
      'a.forecast_status',
      'a.due_on',
      'a.last_update_at',
      'a.created_at',
      'ar.number as area_number',
      'ar.title as area_title',
      'ar.position as area_position',
      'p.title as post_name',
      'a.lead_text',
    ])
    .where('a.tenant_id', '=', tenantId)
    .where('a.strategy_id', '=', strategyId)
    .where('a.archived_at', 'is', null)
    .orderBy('a.ref_sort')
    .execute();
}

export interface TrendPoint {
  report_id: string;
  title: string;
  as_at: string;
  version: number;
  by_status: StatusCount[] | null;
}

/**
 * Status counts at each published report for any version of the strategy: the latest published
 * version of each report, reading only the counts the database keeps beside the snapshot.
 */
export async function trendPoints(
  trx: Tx,
  tenantId: string,
  lineageId: string,
): Promise<TrendPoint[]> {
  const rows = await sql<TrendPoint>`
    select distinct on (v.report_id)
      v.report_id, r.title, r.as_at, v.version,
      v.status_counts as by_status
    from report_versions v
    join reports r on r.tenant_id = v.tenant_id and r.id = v.report_id
    join strategies s on s.tenant_id = r.tenant_id and s.id = r.strategy_id
    where v.tenant_id = ${tenantId} and s.lineage_id = ${lineageId}
      and r.status in ('published', 'superseded')
    order by v.report_id, v.version desc`.execute(trx);
  return rows.rows.sort((a, b) => (a.as_at < b.as_at ? -1 : a.as_at > b.as_at ? 1 : 0));
}

export interface NextMeeting {
  id: string;
  meets_on: string;
  starts_at: string | null;
  location: string | null;
  board_id: string;
  board_name: string;
}

/** The next planned meeting of any board overseeing the strategy's lineage. */
export async function nextMeeting(
  trx: Tx,
  tenantId: string,
  lineageId: string,
  today: string,
): Promise<NextMeeting | undefined> {
  return trx
    .selectFrom('meetings as m')
    .innerJoin('board_strategies as bs', (j) =>
      j.onRef('bs.tenant_id', '=', 'm.tenant_id').onRef('bs.board_id', '=', 'm.board_id'),
    )
    .innerJoin('boards as b', (j) =>
      j.onRef('b.tenant_id', '=', 'm.tenant_id').onRef('b.id', '=', 'm.board_id'),
    )
    .select([
      'm.id',
      'm.meets_on',
      'm.starts_at',
      'm.location',
      'b.id as board_id',
      'b.name as board_name',
    ])
    .where('m.tenant_id', '=', tenantId)
    .where('bs.strategy_lineage_id', '=', lineageId)
    .where('m.status', '=', 'planned')
    .where('m.meets_on', '>=', today)
    .where('b.archived_at', 'is', null)
    .orderBy('m.meets_on')
    .orderBy('m.starts_at')
    .limit(1)
    .executeTakeFirst();
}

/** The agenda of a meeting, with each report's state. */
export async function meetingAgenda(trx: Tx, tenantId: string, meetingId: string) {
  return trx
    .selectFrom('agenda_items as i')
    .leftJoin('reports as r', (j) =>
      j.onRef('r.tenant_id', '=', 'i.tenant_id').onRef('r.id', '=', 'i.report_id'),
    )
    .select(['i.id', 'i.position', 'i.title', 'i.kind', 'i.report_id', 'r.status as report_status'])
    .where('i.tenant_id', '=', tenantId)
    .where('i.meeting_id', '=', meetingId)
    .orderBy('i.position')
    .execute();
}

/** The SQL of progress reports: the report rows, their versions, and the record a draft reads. */
import { sql } from 'kysely';
import type { Tx } from '../../kernel/db/tenancy.js';
import { isUuid } from '../../kernel/db/ids.js';
import type { ReportStatus } from './governance.tables.js';

// ---------------------------------------------------------------------------------------------
// The record as a draft reads it

export async function strategyForReport(trx: Tx, tenantId: string, strategyId: string) {
  if (!isUuid(strategyId)) return undefined;
  return trx
    .selectFrom('strategies as s')
    .innerJoin('organisations as o', 'o.id', 's.tenant_id')
    .select([
      's.id',
      's.lineage_id',
      's.title',
      's.period_label',
      's.period_start',
      's.document_date',
      's.approved_by',
      's.approved_on',
      's.status',
      'o.name as organisation_name',
    ])
    .where('s.tenant_id', '=', tenantId)
    .where('s.id', '=', strategyId)
    .executeTakeFirst();
}

export async function boardById(trx: Tx, tenantId: string, boardId: string) {
  if (!isUuid(boardId)) return undefined;
  return trx
    .selectFrom('boards')
    .select(['id', 'name', 'kind', 'reporting_cycle', 'archived_at'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', boardId)
    .executeTakeFirst();
}

export async function meetingById(trx: Tx, tenantId: string, meetingId: string) {
  if (!isUuid(meetingId)) return undefined;
  return trx
    .selectFrom('meetings')
    .select(['id', 'board_id', 'meets_on', 'status'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', meetingId)
    .executeTakeFirst();
}

/**
 * The latest report published before this one's "as at" date, to the same board (or to no board
 * when this has none), on any version of the same strategy, with its latest version's snapshot.
 */
export async function previousPublishedReport(
  trx: Tx,
  tenantId: string,
  lineageId: string,
  boardId: string | null,
  asAt: string,
  excludeReportId: string | null,
) {
  let q = trx
    .selectFrom('reports as r')
    .innerJoin('strategies as s', (j) =>
      j.onRef('s.id', '=', 'r.strategy_id').onRef('s.tenant_id', '=', 'r.tenant_id'),
    )
    .innerJoin('report_versions as v', (j) =>
      j.onRef('v.report_id', '=', 'r.id').onRef('v.tenant_id', '=', 'r.tenant_id'),
    )
    .select(['r.id', 'r.title', 'r.as_at', 'v.version', 'v.snapshot'])
    .where('r.tenant_id', '=', tenantId)
    .where('s.lineage_id', '=', lineageId)
    .where('r.as_at', '<', asAt)
    .where('r.status', 'in', ['published', 'superseded']);
  q = boardId ? q.where('r.board_id', '=', boardId) : q.where('r.board_id', 'is', null);
  if (excludeReportId) q = q.where('r.id', '<>', excludeReportId);
  return q
    .orderBy('r.as_at', 'desc')
    .orderBy('r.created_at', 'desc')
    .orderBy('v.version', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Actions with what a report shows beside them: their theme and their lead post. */
function reportActionRows(trx: Tx, tenantId: string) {
  return trx
    .selectFrom('actions as a')
    .leftJoin('strategy_areas as ar', (j) =>
      j.onRef('ar.id', '=', 'a.area_id').onRef('ar.tenant_id', '=', 'a.tenant_id'),
    )
    .leftJoin('posts as p', (j) =>
      j.onRef('p.id', '=', 'a.lead_post_id').onRef('p.tenant_id', '=', 'a.tenant_id'),
    )
    .select([
      'a.id',
      'a.lineage_id',
      'a.ref',
      'a.ref_sort',
      'a.title',
      'a.status',
      'a.forecast_status',
      'a.timescale_text',
      'a.due_on',
      'a.lead_text',
      'a.resources_kind',
      'a.resources_amount_pence',
      'a.resources_text',
      'a.source',
      'a.carried_from_id',
      'a.created_at',
      'a.archived_at',
      'a.archive_reason',
      'ar.id as area_id',
      'ar.number as area_number',
      'ar.title as area_title',
      'ar.position as area_position',
      'p.title as post_title',
    ])
    .where('a.tenant_id', '=', tenantId);
}

/** Every action of a strategy version (archived ones too), with its theme and lead post. */
export async function actionsForReport(trx: Tx, tenantId: string, strategyId: string) {
  return reportActionRows(trx, tenantId)
    .where('a.strategy_id', '=', strategyId)
    .orderBy('a.ref_sort')
    .execute();
}

/** The actions left behind by a roll forward live in the earlier version: read them by id. */
export async function actionsForReportByIds(trx: Tx, tenantId: string, ids: string[]) {
  const rows = await reportActionRows(trx, tenantId).where('a.id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r]));
}

export type ReportActionRow = Awaited<ReturnType<typeof actionsForReport>>[number];

function lineagesOf(trx: Tx, tenantId: string, strategyId: string) {
  return trx
    .selectFrom('actions')
    .select('lineage_id')
    .where('tenant_id', '=', tenantId)
    .where('strategy_id', '=', strategyId);
}

/** Each action's latest update on or before a date (by its "as at" date, then when recorded). */
export async function latestUpdatesOnOrBefore(
  trx: Tx,
  tenantId: string,
  strategyId: string,
  date: string,
) {
  return trx
    .selectFrom('progress_updates')
    .distinctOn('action_lineage_id')
    .select([
      'action_lineage_id',
      'status',
      'forecast_status',
      'happened',
      'next_steps',
      'as_at',
      'recorded_by_label',
    ])
    .where('tenant_id', '=', tenantId)
    .where('action_lineage_id', 'in', lineagesOf(trx, tenantId, strategyId))
    .where('as_at', '<=', date)
    .orderBy('action_lineage_id')
    .orderBy('as_at', 'desc')
    .orderBy('recorded_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

export type LatestUpdate = Awaited<ReturnType<typeof latestUpdatesOnOrBefore>>[number];

/** Each action's first update date, to tell when an action imported or keyed in late began. */
export async function firstUpdateDates(trx: Tx, tenantId: string, strategyId: string) {
  return trx
    .selectFrom('progress_updates')
    .select(['action_lineage_id', (eb) => eb.fn.min<string>('as_at').as('first_on')])
    .where('tenant_id', '=', tenantId)
    .where('action_lineage_id', 'in', lineagesOf(trx, tenantId, strategyId))
    .groupBy('action_lineage_id')
    .execute();
}

/** Actions left out when this version was rolled forward from the last, with the reasons. */
export async function versionDrops(trx: Tx, tenantId: string, strategyId: string) {
  return trx
    .selectFrom('strategy_version_drops as d')
    .innerJoin('actions as a', (j) =>
      j.onRef('a.id', '=', 'd.action_id').onRef('a.tenant_id', '=', 'd.tenant_id'),
    )
    .select(['d.action_id', 'd.reason', 'd.dropped_at'])
    .where('d.tenant_id', '=', tenantId)
    .where('d.strategy_id', '=', strategyId)
    .execute();
}

export async function userNames(trx: Tx, ids: (string | null)[]) {
  const wanted = [...new Set(ids.filter((i): i is string => Boolean(i)))];
  if (!wanted.length) return new Map<string, string>();
  const rows = await trx
    .selectFrom('users')
    .select(['id', 'display_name'])
    .where('id', 'in', wanted)
    .execute();
  return new Map(rows.map((r) => [r.id, r.display_name]));
}

// ---------------------------------------------------------------------------------------------
// Reports and their versions

export async function reportById(trx: Tx, tenantId: string, id: string) {
  if (!isUuid(id)) return undefined;
  return trx
    .selectFrom('reports')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function reportForUpdate(trx: Tx, tenantId: string, id: string) {
  if (!isUuid(id)) return undefined;
  return trx
    .selectFrom('reports')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

/** Reports with their strategy, board and latest version, newest "as at" first. */
export function reportListQuery(trx: Tx, tenantId: string) {
  return trx
    .selectFrom('reports as r')
    .innerJoin('strategies as s', (j) =>
      j.onRef('s.id', '=', 'r.strategy_id').onRef('s.tenant_id', '=', 'r.tenant_id'),
    )
    .leftJoin('boards as b', (j) =>
      j.onRef('b.id', '=', 'r.board_id').onRef('b.tenant_id', '=', 'r.tenant_id'),
    )
    .leftJoin('meetings as m', (j) =>
      j.onRef('m.id', '=', 'r.meeting_id').onRef('m.tenant_id', '=', 'r.tenant_id'),
    )
    .selectAll('r')
    .select((eb) => [
      's.title as strategy_title',
      'b.name as board_name',
      'm.meets_on',
      eb
        .selectFrom('report_versions as v')
        .select((e) => e.fn.max<number>('v.version').as('n'))
        .whereRef('v.report_id', '=', 'r.id')
        .whereRef('v.tenant_id', '=', 'r.tenant_id')
        .as('latest_version'),
    ])
    .where('r.tenant_id', '=', tenantId);
}

export async function listReports(trx: Tx, tenantId: string, limit = 500) {
  return reportListQuery(trx, tenantId)
    .orderBy('r.as_at', 'desc')
    .orderBy('r.created_at', 'desc')
    .limit(limit)
    .execute();
}

export async function versionsOf(trx: Tx, tenantId: string, reportId: string) {
  return trx
    .selectFrom('report_versions as v')
    .leftJoin('users as u', 'u.id', 'v.published_by')
    .select([
      'v.id',
      'v.version',
      'v.change_note',
      'v.published_at',
      'v.public',
      'v.published_by',
      'u.display_name as published_by_name',
    ])
    .where('v.tenant_id', '=', tenantId)
    .where('v.report_id', '=', reportId)
    .orderBy('v.version')
    .execute();
}

export async function versionSnapshot(
  trx: Tx,
  tenantId: string,
  reportId: string,
  version: number,
) {
  return trx
    .selectFrom('report_versions')
    .select(['id', 'version', 'snapshot', 'change_note', 'published_at', 'public'])
    .where('tenant_id', '=', tenantId)
    .where('report_id', '=', reportId)
    .where('version', '=', version)
    .executeTakeFirst();
}

export async function latestVersionNumber(trx: Tx, tenantId: string, reportId: string) {
  const row = await trx
    .selectFrom('report_versions')
    .select((eb) => eb.fn.max<number>('version').as('n'))
    .where('tenant_id', '=', tenantId)
    .where('report_id', '=', reportId)
    .executeTakeFirst();
  return row?.n ?? 0;
}

/** Members who may approve reports (administrators and board members), by name. */
export async function approvers(trx: Tx, tenantId: string) {
  return trx
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.display_name', 'u.email', 'm.role'])
    .where('m.tenant_id', '=', tenantId)
    .where('m.role', 'in', ['admin', 'board'])
    .where('u.disabled_at', 'is', null)
    .orderBy('u.display_name')
    .execute();
}

/** The strategies, boards and meetings a new report can be for. */
export async function reportChoices(trx: Tx, tenantId: string) {
  const strategies = await trx
    .selectFrom('strategies')
    .select(['id', 'title', 'version', 'period_label', 'status'])
    .where('tenant_id', '=', tenantId)
    .where('status', '<>', 'archived')
    .orderBy('title')
    .orderBy('version', 'desc')
    .execute();
  const boards = await trx
    .selectFrom('boards')
    .select(['id', 'name', 'kind'])
    .where('tenant_id', '=', tenantId)
    .where('archived_at', 'is', null)
    .orderBy('name')
    .execute();
  const meetings = await trx
    .selectFrom('meetings as m')
    .innerJoin('boards as b', (j) =>
      j.onRef('b.id', '=', 'm.board_id').onRef('b.tenant_id', '=', 'm.tenant_id'),
    )
    .select(['m.id', 'm.meets_on', 'm.board_id', 'b.name as board_name'])
    .where('m.tenant_id', '=', tenantId)
    .where('m.status', '<>', 'cancelled')
    .where('b.archived_at', 'is', null)
    .orderBy('m.meets_on', 'desc')
    .limit(200)
    .execute();
  return { strategies, boards, meetings };
}

/** The workflow events of a report, oldest first, for its history and the latest return note. */
export async function reportEvents(trx: Tx, tenantId: string, reportId: string) {
  return trx
    .selectFrom('audit_events')
    .select(['action', 'actor_label', 'occurred_at', 'after'])
    .where('tenant_id', '=', tenantId)
    .where('entity_type', '=', 'report')
    .where('entity_id', '=', reportId)
    .orderBy('seq')
    .execute();
}

export async function setStatus(
  trx: Tx,
  tenantId: string,
  id: string,
  values: {
    status: ReportStatus;
    approver_user_id?: string | null;
    submitted_by?: string | null;
    submitted_at?: Date | null;
    approved_by?: string | null;
    approved_at?: Date | null;
  },
) {
  return trx
    .updateTable('reports')
    .set({ ...values, updated_at: sql<Date>`now()` })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

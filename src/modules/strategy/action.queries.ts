import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { DB } from '../../kernel/db/schema.js';
import type { Tx } from '../../kernel/db/tenancy.js';
import { CLOSED_STATUSES } from './status.js';
import type { Status } from './strategy.tables.js';

export interface ActionFilters {
  areaId?: string | undefined;
  priority?: string | undefined;
  statuses?: Status[] | undefined;
  postId?: string | undefined;
  dueFrom?: string | undefined;
  dueTo?: string | undefined;
  overdue?: boolean | undefined;
  needsReview?: boolean | undefined;
  q?: string | undefined;
  includeArchived?: boolean | undefined;
}

export const ACTION_SORTS = ['ref', 'due', 'priority', 'status', 'updated', 'title'] as const;
export type ActionSort = (typeof ACTION_SORTS)[number];

export interface ActionQuery {
  tenantId: string;
  strategyId: string;
  filters: ActionFilters;
  sort: ActionSort;
  direction: 'asc' | 'desc';
  limit: number;
  offset: number;
  /** Overdue is judged at this date (YYYY-MM-DD). */
  asAt: string;
}

type ActionsEb = ExpressionBuilder<DB & { a: DB['actions'] }, 'a'>;

function conditions(eb: ActionsEb, q: ActionQuery): Expression<SqlBool>[] {
  const f = q.filters;
  const list: Expression<SqlBool>[] = [
    eb('a.tenant_id', '=', q.tenantId),
    eb('a.strategy_id', '=', q.strategyId),
  ];
  if (!f.includeArchived) list.push(eb('a.archived_at', 'is', null));
  if (f.areaId) list.push(eb('a.area_id', '=', f.areaId));
  if (f.priority) list.push(eb('a.priority', '=', f.priority));
  if (f.statuses?.length) list.push(eb('a.status', 'in', f.statuses));
  if (f.postId) {
    list.push(
      eb.or([
        eb('a.lead_post_id', '=', f.postId),
        eb.exists(
          eb
            .selectFrom('action_supporters as s')
            .select('s.action_id')
            .whereRef('s.action_id', '=', 'a.id')
            .whereRef('s.tenant_id', '=', 'a.tenant_id')
            .where('s.post_id', '=', f.postId),
        ),
      ]),
    );
  }
  if (f.dueFrom) list.push(eb('a.due_on', '>=', f.dueFrom));
  if (f.dueTo) list.push(eb('a.due_on', '<=', f.dueTo));
  if (f.overdue) {
    list.push(eb('a.due_on', '<', q.asAt));
    list.push(eb('a.status', 'not in', CLOSED_STATUSES));
  }
  if (f.needsReview) list.push(eb('a.timescale_needs_review', '=', true));
  if (f.q) list.push(eb(sql`a.search`, '@@', sql`websearch_to_tsquery('english', ${f.q})`));
  return list;
}

const PRIORITY_ORDER = sql<number>`case a.priority when 'high' then 1 when 'medium' then 2 when 'low' then 3 else 4 end`;
const STATUS_ORDER = sql<number>`case a.status when 'off_track' then 1 when 'at_risk' then 2 when 'not_started' then 3 when 'on_track' then 4 when 'deferred' then 5 when 'complete' then 6 else 7 end`;

/** One page of a strategy's action plan, filtered and sorted, with the total for pagination. */
export async function queryActions(trx: Tx, q: ActionQuery) {
  const base = trx.selectFrom('actions as a').where((eb) => eb.and(conditions(eb, q)));
  const total = await base
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  let rows = base
    .leftJoin('strategy_areas as ar', (j) =>
      j.onRef('ar.id', '=', 'a.area_id').onRef('ar.tenant_id', '=', 'a.tenant_id'),
    )
    .leftJoin('posts as p', (j) =>
      j.onRef('p.id', '=', 'a.lead_post_id').onRef('p.tenant_id', '=', 'a.tenant_id'),
    )
    .select([
      'a.id',
      'a.ref',
      'a.title',
      'a.priority',
      'a.priority_text',
      'a.timescale_text',
      'a.start_on',
      'a.due_on',
      'a.due_precision',
      'a.ongoing',
      'a.recurrence',
      'a.timescale_needs_review',
      'a.lead_text',
      'a.lead_post_id',
      'a.resources_kind',
      'a.resources_amount_pence',
      'a.resources_period',
      'a.resources_text',
      'a.targets',
      'a.status',
      'a.forecast_status',
      'a.last_update_at',
      'a.created_at',
      'a.updated_at',
      'a.archived_at',
      'a.area_id',
      'ar.number as area_number',
      'ar.title as area_title',
      'p.short_name as lead_post_name',
      'p.title as lead_post_title',
    ]);
  const dir = q.direction;
  switch (q.sort) {
    case 'due':
      rows = rows.orderBy('a.due_on', (ob) =>
        dir === 'asc' ? ob.asc().nullsLast() : ob.desc().nullsLast(),
      );
      break;
    case 'priority':
      rows = rows.orderBy(PRIORITY_ORDER, dir);
      break;
    case 'status':
      rows = rows.orderBy(STATUS_ORDER, dir);
      break;
    case 'updated':
      rows = rows.orderBy('a.last_update_at', (ob) =>
        dir === 'asc' ? ob.asc().nullsFirst() : ob.desc().nullsLast(),
      );
      break;
    case 'title':
      rows = rows.orderBy(sql`lower(a.title)`, dir);
      break;
    case 'ref':
      break;
  }
  // The reference is always the last tie-breaker, so pages are stable.
  rows = rows.orderBy('a.ref_sort', q.sort === 'ref' ? dir : 'asc').orderBy('a.id');
  return { total: total.n, rows: await rows.limit(q.limit).offset(q.offset).execute() };
}

export type ActionRow = Awaited<ReturnType<typeof queryActions>>['rows'][number];

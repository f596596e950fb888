import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { DB } from '../../kernel/db/schema.js';
import { NotFoundError } from '../../kernel/http/errors.js';
import type { Tx } from '../../kernel/db/tenancy.js';
import { glossaryFrom, prioritiesFrom, statusLabelsFrom } from './display.js';
import { CLOSED_STATUSES } from './status.js';
import type { Action, Status } from './strategy.tables.js';

export interface ActionFilters {
  areaId?: string | undefined;
  priority?: string | undefined;
  /** Any of these priority levels (the page's checkboxes); combines with `priority`. */
  priorities?: string[] | undefined;
  statuses?: Status[] | undefined;
  postId?: string | undefined;
  dueFrom?: string | undefined;
  dueTo?: string | undefined;
  overdue?: boolean | undefined;
  needsReview?: boolean | undefined;
  q?: string | undefined;
  includeArchived?: boolean | undefined;
}

export const ACTION_SORTS = [
  'ref',
  'due',
  'priority',
  'status',
  'updated',
  'title',
  'area',
] as const;
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
  if (f.priorities?.length) list.push(eb('a.priority', 'in', f.priorities));
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

/**
 * One page of a strategy's action plan, filtered and sorted, with the total for pagination. The
 * total comes with the page (a window count), so a page costs one statement; only a page past
 * the end, which has no rows to carry it, counts apart. `supporters` adds each row's "(with)"
 * names in the order written (as supportersFor gives them), again in the same statement.
 */
export async function queryActions(
  trx: Tx,
  q: ActionQuery,
  options: { supporters?: boolean } = {},
) {
  const base = trx.selectFrom('actions as a').where((eb) => eb.and(conditions(eb, q)));
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
      'a.outcome',
      'a.comments',
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
      sql<number>`(count(*) over ())::int`.as('total_matching'),
      (options.supporters
        ? sql<
            string[] | null
          >`array(select s.text from action_supporters s where s.tenant_id = a.tenant_id and s.action_id = a.id order by s.position)`
        : sql<string[] | null>`null::text[]`
      ).as('supporters'),
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
    case 'area':
      // Actions with no area come last either way, as an unnumbered group.
      rows = rows.orderBy('ar.position', (ob) =>
        dir === 'asc' ? ob.asc().nullsLast() : ob.desc().nullsLast(),
      );
      break;
    case 'ref':
      break;
  }
  // The reference is always the last tie-breaker, so pages are stable.
  rows = rows.orderBy('a.ref_sort', q.sort === 'ref' ? dir : 'asc').orderBy('a.id');
  const page = await rows.limit(q.limit).offset(q.offset).execute();
  const total = page[0]
    ? page[0].total_matching
    : q.offset > 0
      ? (await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n
      : 0;
  return { total, rows: page };
}

export type ActionRow = Awaited<ReturnType<typeof queryActions>>['rows'][number];

/** Everything a query may be asked for in one go, for exports (no paging, same filters and sort). */
export const EXPORT_ROW_LIMIT = 20_000;

/** The "(with)" names of several actions, in the order written, keyed by action id. */
export async function supportersFor(
  trx: Tx,
  tenantId: string,
  actionIds: readonly string[],
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (!actionIds.length) return out;
  const rows = await trx
    .selectFrom('action_supporters')
    .select(['action_id', 'text'])
    .where('tenant_id', '=', tenantId)
    .where('action_id', 'in', actionIds)
    .orderBy('action_id')
    .orderBy('position')
    .execute();
  for (const r of rows) out.set(r.action_id, [...(out.get(r.action_id) ?? []), r.text]);
  return out;
}

/**
 * A strategy with what its action list displays beside the rows, in one statement: the
 * organisation's status words and priority scale (stored settings), the glossary terms that
 * apply, and for the plan page its areas and the posts that own its actions (the filters'
 * choices). A strategy that is not there (or not this organisation's) is a 404, as from findStrategy.
 */
export async function strategyForList(
  trx: Tx,
  tenantId: string,
  strategyId: string,
  include: { filterChoices: boolean },
) {
  const row = /^[0-9a-f-]{36}$/i.test(strategyId)
    ? await trx
        .selectFrom('strategies as st')
        .selectAll('st')
        .select([
          sql`(select ss.status_labels from strategy_settings ss where ss.tenant_id = st.tenant_id)`.as(
            'settings_status_labels',
          ),
          sql`(select ss.priorities from strategy_settings ss where ss.tenant_id = st.tenant_id)`.as(
            'settings_priorities',
          ),
          sql<GlossaryRow[]>`coalesce((select json_agg(json_build_object('code', g.code,
            'expansion', g.expansion, 'strategy_id', g.strategy_id)) from glossary_terms g
            where g.tenant_id = st.tenant_id and (g.strategy_id is null or g.strategy_id = st.id)),
            '[]'::json)`.as('glossary_rows'),
          (include.filterChoices
            ? sql<AreaChoice[]>`coalesce((select json_agg(json_build_object('id', ar.id,
                'number', ar.number, 'title', ar.title, 'position', ar.position) order by ar.position)
                from strategy_areas ar where ar.tenant_id = st.tenant_id and ar.strategy_id = st.id),
                '[]'::json)`
            : sql<AreaChoice[]>`'[]'::json`
          ).as('area_rows'),
          (include.filterChoices
            ? sql<PostChoice[]>`coalesce((select json_agg(json_build_object('id', p.id,
                'short_name', p.short_name, 'title', p.title) order by lower(p.short_name))
                from posts p where p.tenant_id = st.tenant_id and (
                  exists (select 1 from actions a where a.tenant_id = st.tenant_id
                    and a.strategy_id = st.id and a.lead_post_id = p.id)
                  or exists (select 1 from action_supporters s join actions a
                    on a.id = s.action_id and a.tenant_id = s.tenant_id
                    where s.tenant_id = st.tenant_id and a.strategy_id = st.id
                    and s.post_id = p.id))), '[]'::json)`
            : sql<PostChoice[]>`'[]'::json`
          ).as('post_rows'),
        ])
        .where('st.tenant_id', '=', tenantId)
        .where('st.id', '=', strategyId)
        .executeTakeFirst()
    : undefined;
  if (!row) throw new NotFoundError('There is no such strategy.');
  const {
    settings_status_labels,
    settings_priorities,
    glossary_rows,
    area_rows,
    post_rows,
    ...strategy
  } = row;
  return {
    strategy,
    labels: statusLabelsFrom(settings_status_labels),
    priorities: prioritiesFrom(settings_priorities),
    glossary: glossaryFrom(jsonRows(glossary_rows)),
    areas: jsonRows(area_rows),
    posts: jsonRows(post_rows),
  };
}

interface GlossaryRow {
  code: string;
  expansion: string;
  strategy_id: string | null;
}
interface AreaChoice {
  id: string;
  number: string | null;
  title: string;
  position: number;
}
interface PostChoice {
  id: string;
  short_name: string;
  title: string;
}

/** JSON columns come back parsed from node-postgres and PGlite; a string is parsed here. */
function jsonRows<T>(value: T[] | string): T[] {
  return typeof value === 'string' ? (JSON.parse(value) as T[]) : value;
}

/** A strategy's areas in their order, for selects and labels. */
export async function areasOf(trx: Tx, tenantId: string, strategyId: string) {
  return trx
    .selectFrom('strategy_areas')
    .select(['id', 'number', 'title', 'position'])
    .where('tenant_id', '=', tenantId)
    .where('strategy_id', '=', strategyId)
    .orderBy('position')
    .execute();
}

/** The posts that lead or support an action of this strategy: the choices of the owner filter. */
export async function postsInStrategy(trx: Tx, tenantId: string, strategyId: string) {
  return trx
    .selectFrom('posts as p')
    .select(['p.id', 'p.short_name', 'p.title'])
    .where('p.tenant_id', '=', tenantId)
    .where((eb) =>
      eb.or([
        eb.exists(
          eb
            .selectFrom('actions as a')
            .select('a.id')
            .where('a.tenant_id', '=', tenantId)
            .where('a.strategy_id', '=', strategyId)
            .whereRef('a.lead_post_id', '=', 'p.id'),
        ),
        eb.exists(
          eb
            .selectFrom('action_supporters as s')
            .innerJoin('actions as a', (j) =>
              j.onRef('a.id', '=', 's.action_id').onRef('a.tenant_id', '=', 's.tenant_id'),
            )
            .select('s.action_id')
            .where('s.tenant_id', '=', tenantId)
            .where('a.strategy_id', '=', strategyId)
            .whereRef('s.post_id', '=', 'p.id'),
        ),
      ]),
    )
    .orderBy(sql`lower(p.short_name)`)
    .execute();
}

/** One action with what its page shows beside it: strategy, area, lead post, links both ways. */
export async function actionDetail(trx: Tx, tenantId: string, action: Action) {
  // One query at a time: a transaction's connection runs them in turn anyway.
  const strategy = await trx
    .selectFrom('strategies')
    .select(['id', 'title', 'period_label', 'version', 'document_date', 'period_start'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', action.strategy_id)
    .executeTakeFirstOrThrow();
  const area = action.area_id
    ? await trx
        .selectFrom('strategy_areas')
        .select(['id', 'number', 'title'])
        .where('tenant_id', '=', tenantId)
        .where('id', '=', action.area_id)
        .executeTakeFirst()
    : undefined;
  const leadPost = action.lead_post_id
    ? await trx
        .selectFrom('posts')
        .select(['id', 'short_name', 'title', 'kind'])
        .where('tenant_id', '=', tenantId)
        .where('id', '=', action.lead_post_id)
        .executeTakeFirst()
    : undefined;
  const supporters = await trx
    .selectFrom('action_supporters as s')
    .leftJoin('posts as p', (j) =>
      j.onRef('p.id', '=', 's.post_id').onRef('p.tenant_id', '=', 's.tenant_id'),
    )
    .select(['s.text', 's.post_id', 'p.title as post_title'])
    .where('s.tenant_id', '=', tenantId)
    .where('s.action_id', '=', action.id)
    .orderBy('s.position')
    .execute();
  const dependsOn = await trx
    .selectFrom('action_dependencies as d')
    .innerJoin('actions as a', (j) =>
      j.onRef('a.id', '=', 'd.depends_on_id').onRef('a.tenant_id', '=', 'd.tenant_id'),
    )
    .select(['a.id', 'a.ref', 'a.title', 'a.status', 'a.archived_at', 'd.note'])
    .where('d.tenant_id', '=', tenantId)
    .where('d.action_id', '=', action.id)
    .orderBy('a.ref_sort')
    .execute();
  const neededBy = await trx
    .selectFrom('action_dependencies as d')
    .innerJoin('actions as a', (j) =>
      j.onRef('a.id', '=', 'd.action_id').onRef('a.tenant_id', '=', 'd.tenant_id'),
    )
    .select(['a.id', 'a.ref', 'a.title', 'a.status', 'a.archived_at'])
    .where('d.tenant_id', '=', tenantId)
    .where('d.depends_on_id', '=', action.id)
    .orderBy('a.ref_sort')
    .execute();
  const carriedFrom = action.carried_from_id
    ? await trx
        .selectFrom('actions as a')
        .innerJoin('strategies as s', (j) =>
          j.onRef('s.id', '=', 'a.strategy_id').onRef('s.tenant_id', '=', 'a.tenant_id'),
        )
        .select(['a.id', 'a.ref', 's.title as strategy_title', 's.period_label'])
        .where('a.tenant_id', '=', tenantId)
        .where('a.id', '=', action.carried_from_id)
        .executeTakeFirst()
    : undefined;
  return { action, strategy, area, leadPost, supporters, dependsOn, neededBy, carriedFrom };
}

export type ActionDetail = Awaited<ReturnType<typeof actionDetail>>;

/** Every version of an action across plan years (its lineage), with the plan each belongs to. */
export async function lineageOf(trx: Tx, tenantId: string, lineageId: string) {
  return trx
    .selectFrom('actions as a')
    .innerJoin('strategies as s', (j) =>
      j.onRef('s.id', '=', 'a.strategy_id').onRef('s.tenant_id', '=', 'a.tenant_id'),
    )
    .select(['a.id', 'a.strategy_id', 's.title as strategy_title', 's.period_label', 's.version'])
    .where('a.tenant_id', '=', tenantId)
    .where('a.lineage_id', '=', lineageId)
    .execute();
}

/** The audit trail of some actions, newest first: the changes shown in an action's timeline. */
export async function auditEventsFor(trx: Tx, tenantId: string, actionIds: readonly string[]) {
  if (!actionIds.length) return [];
  return trx
    .selectFrom('audit_events')
    .select(['id', 'occurred_at', 'actor_label', 'action', 'entity_id', 'before', 'after'])
    .where('tenant_id', '=', tenantId)
    .where('entity_type', '=', 'action')
    .where('entity_id', 'in', actionIds)
    .orderBy('seq', 'desc')
    .execute();
}

export type AuditRow = Awaited<ReturnType<typeof auditEventsFor>>[number];

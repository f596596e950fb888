import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { TenantContext } from '../../kernel/auth/plugin.js';
import type { DB } from '../../kernel/db/schema.js';
import { withTenant, type Tx } from '../../kernel/db/tenancy.js';
import { loadStatusLabels, type StatusLabels } from './display.js';
import type { Status } from './strategy.tables.js';

/**
 * Free-text search over a council's strategies, areas, actions and progress updates, with
 * PostgreSQL's English full-text search: people type words, "quoted phrases" or -exclusions
 * (websearch_to_tsquery); results are ranked (ts_rank) and the matched words marked (ts_headline).
 */

export const SEARCH_TYPES = ['strategy', 'area', 'action', 'update'] as const;
export type SearchType = (typeof SEARCH_TYPES)[number];

export const PAGE_SIZE = 20;
export const MAX_QUERY_LENGTH = 200;

/**
 * ts_headline wraps matched words in these two characters (Unicode private use: they never
 * mean anything in a council's text, and any found in the text are removed first). The text
 * between them is still raw: callers escape it before turning the markers into <mark>.
 */
export const MARK_START = '\uE000';
export const MARK_END = '\uE001';

/** What a person typed, made safe to hand to the database: no control characters, one space. */
export function normaliseQuery(raw: string): string {
  return (
    raw
      // eslint-disable-next-line no-control-regex -- removing control characters is the point
      .replace(/[\u0000-\u001F\u007F\uE000\uE001]/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

/** A query that could be an action's reference ("4.7", "A-12"), looked up exactly. */
export function referenceIn(q: string): string | null {
  return q.length <= 40 && /^[A-Za-z0-9][A-Za-z0-9.\-/ ]*$/.test(q) ? q : null;
}

export interface SearchParams {
  q: string;
  type?: SearchType | undefined;
  strategyId?: string | undefined;
  includeArchived?: boolean | undefined;
  page?: number | undefined;
  pageSize?: number | undefined;
}

export interface SearchHit {
  type: SearchType;
  id: string;
  /** The title with matched words between MARK_START and MARK_END. */
  title: string;
  /** Some of the text around the matched words, marked the same way; null when there is none. */
  snippet: string | null;
  rank: number;
  strategyId: string;
  strategyTitle: string;
  strategyPeriod: string | null;
  /** For actions, the action; for progress updates, the action they are about. */
  actionId: string | null;
  status: Status | null;
  /** For progress updates: the date the update is "as at". */
  asAt: string | null;
  archived: boolean;
}

export type SearchCounts = Record<SearchType, number> & { all: number };

export interface SearchResults {
  q: string;
  type: SearchType | null;
  /** False when the words were all too common to search on ("the", "and"). */
  searchable: boolean;
  counts: SearchCounts;
  /** Results of the chosen type (or of every type). */
  total: number;
  page: number;
  pageCount: number;
  pageSize: number;
  hits: SearchHit[];
}

export interface StrategyChoice {
  id: string;
  title: string;
  periodLabel: string | null;
  version: number;
}

/** A search ready to run: the tsquery (as text), the reference to look up, the filters. */
export interface Prepared {
  tenantId: string;
  tsquery: string;
  ref: string | null;
  filters: Pick<SearchParams, 'strategyId' | 'includeArchived'>;
}

/** Among equal ranks: actions, then strategies, areas and updates. */
const TYPE_ORDER = sql`case z.type when 'action' then 1 when 'strategy' then 2 when 'area' then 3 else 4 end`;

/** Rank 0 to 1: longer texts are not favoured for length alone (1), then scaled (32). */
const RANK_NORMALISATION = 33;

/**
 * Every result row visible under the filters: type, id, strategy and rank. The ids come from
 * strategy_search_hits (which can use the GIN indexes: see its migration); the rows themselves
 * are read here through row-level security.
 */
function filteredHits(p: Prepared): RawBuilder<unknown> {
  const tsq = sql`${p.tsquery}::tsquery`;
  const inStrategy = (column: RawBuilder<unknown>) =>
    p.filters.strategyId ? sql`and ${column} = ${p.filters.strategyId}` : sql``;
  const liveAction = p.filters.includeArchived ? sql`` : sql`and a.archived_at is null`;
  return sql`
    with hits as materialized (select h.kind, h.id from strategy_search_hits(${tsq}, ${p.ref}) h)
    select 'strategy' as type, s.id, s.id as strategy_id,
        ts_rank(s.search, ${tsq}, ${RANK_NORMALISATION}) as rank
      from hits h join strategies s on s.tenant_id = ${p.tenantId} and s.id = h.id
      where h.kind = 'strategy' ${inStrategy(sql`s.id`)}
    union all
    select 'area', ar.id, ar.strategy_id, ts_rank(ar.search, ${tsq}, ${RANK_NORMALISATION})
      from hits h join strategy_areas ar on ar.tenant_id = ${p.tenantId} and ar.id = h.id
      where h.kind = 'area' ${inStrategy(sql`ar.strategy_id`)}
    union all
    select 'action', a.id, a.strategy_id,
        ts_rank(a.search, ${tsq}, ${RANK_NORMALISATION})
          + case when lower(a.ref) = lower(${p.ref}) then 1 else 0 end
      from hits h join actions a on a.tenant_id = ${p.tenantId} and a.id = h.id
      where h.kind = 'action' ${liveAction} ${inStrategy(sql`a.strategy_id`)}
    union all
    select 'update', u.id, a.strategy_id, ts_rank(u.search, ${tsq}, ${RANK_NORMALISATION})
      from hits h
      join progress_updates u on u.tenant_id = ${p.tenantId} and u.id = h.id
      join actions a on a.tenant_id = u.tenant_id and a.id = u.action_id
      where h.kind = 'update' ${liveAction} ${inStrategy(sql`a.strategy_id`)}`;
}

interface PageRow {
  type: SearchType;
  id: string;
  strategy_id: string;
  rank: number;
  n_strategy: number;
  n_area: number;
  n_action: number;
  n_update: number;
}

/**
 * One page of results, best first, each row also carrying how many results of every type there
 * are: one pass over the matches gives both (exported for EXPLAIN in the performance check).
 */
export function pageQuery(p: Prepared, type: SearchType | null, limit: number, offset: number) {
  const n = (t: SearchType) => sql`count(*) filter (where r.type = ${t}) over ()::int`;
  return sql<PageRow>`
    select z.* from (
      select r.type, r.id, r.strategy_id, r.rank::float8 as rank,
        ${n('strategy')} as n_strategy, ${n('area')} as n_area,
        ${n('action')} as n_action, ${n('update')} as n_update
      from (${filteredHits(p)}) r
    ) z
    ${type ? sql`where z.type = ${type}` : sql``}
    order by z.rank desc, ${TYPE_ORDER}, z.id desc
    limit ${limit} offset ${offset}`;
}

/** How many results of each type, for when a page has no rows to carry the counts. */
function countQuery(p: Prepared) {
  return sql<{ type: SearchType; n: number }>`
    select r.type, count(*)::int as n from (${filteredHits(p)}) r group by r.type`;
}

function countsOf(row: Pick<PageRow, 'n_strategy' | 'n_area' | 'n_action' | 'n_update'>) {
  const counts: SearchCounts = {
    strategy: row.n_strategy,
    area: row.n_area,
    action: row.n_action,
    update: row.n_update,
    all: 0,
  };
  counts.all = counts.strategy + counts.area + counts.action + counts.update;
  return counts;
}

/** One page of results and the counts; a page past the last (an old link) gives the last. */
async function findPage(
  trx: Tx,
  p: Prepared,
  type: SearchType | null,
  wanted: number,
  size: number,
) {
  const rows = (await pageQuery(p, type, size, (wanted - 1) * size).execute(trx)).rows;
  const first = rows[0];
  if (first) return { rows, counts: countsOf(first), page: wanted };
  // No rows: nothing matches, or none of this type, or the page is past the last.
  const counted = { n_strategy: 0, n_area: 0, n_action: 0, n_update: 0 };
  for (const r of (await countQuery(p).execute(trx)).rows) counted[`n_${r.type}`] = r.n;
  const counts = countsOf(counted);
  const last = Math.ceil((type ? counts[type] : counts.all) / size);
  if (last < 1) return { rows: [], counts, page: 1 };
  return {
    rows: (await pageQuery(p, type, size, (last - 1) * size).execute(trx)).rows,
    counts,
    page: last,
  };
}

/** ts_headline's options; the markers are removed from the source text beforehand. */
const TITLE_OPTIONS = `HighlightAll=true, StartSel=${MARK_START}, StopSel=${MARK_END}`;
const SNIPPET_OPTIONS = `StartSel=${MARK_START}, StopSel=${MARK_END}, MaxWords=35, MinWords=15, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "`;
const MARKERS = MARK_START + MARK_END;

/** Marks matched words in a text, or gives it back plain when there is nothing to search on. */
function headline(text: RawBuilder<unknown>, p: Prepared, options: string, searchable: boolean) {
  const clean = sql`translate(${text}, ${MARKERS}, '')`;
  return searchable
    ? sql<string | null>`ts_headline('english', ${clean}, ${p.tsquery}::tsquery, ${options})`
    : sql<string | null>`left(${clean}, 300)`;
}

interface Detail {
  id: string;
  title: string | null;
  snippet: string | null;
  strategy_id: string;
  action_id: string | null;
  status: Status | null;
  as_at: string | null;
  archived: boolean;
}

/** Titles, marked snippets and context for one page of results (only these rows get headlines). */
async function loadDetails(
  trx: Tx,
  p: Prepared,
  ids: Record<SearchType, string[]>,
  searchable: boolean,
): Promise<Map<string, Detail>> {
  const t = p.tenantId;
  const title = (text: RawBuilder<unknown>) => headline(text, p, TITLE_OPTIONS, searchable);
  const snippet = (text: RawBuilder<unknown>) => headline(text, p, SNIPPET_OPTIONS, searchable);
  const queries: RawBuilder<Detail>[] = [];
  if (ids.strategy.length) {
    queries.push(sql<Detail>`
      select s.id, ${title(sql`s.title`)} as title, ${snippet(sql`s.summary`)} as snippet,
        s.id as strategy_id, null::uuid as action_id, null::text as status, null::date as as_at,
        false as archived
      from strategies s where s.tenant_id = ${t} and s.id = any(${ids.strategy}::uuid[])`);
  }
  if (ids.area.length) {
    queries.push(sql<Detail>`
      select ar.id, ${title(sql`concat_ws(' ', ar.number, ar.title)`)} as title,
        ${snippet(sql`concat_ws(' … ', ar.vision, ar.current_position, ar.getting_there)`)} as snippet,
        ar.strategy_id, null::uuid as action_id, null::text as status, null::date as as_at,
        false as archived
      from strategy_areas ar where ar.tenant_id = ${t} and ar.id = any(${ids.area}::uuid[])`);
  }
  if (ids.action.length) {
    queries.push(sql<Detail>`
      select a.id, ${title(sql`a.ref || ' ' || a.title`)} as title,
        ${snippet(sql`concat_ws(' … ', a.description, a.targets, a.outcome, a.comments, a.lead_text)`)} as snippet,
        a.strategy_id, a.id as action_id, a.status, null::date as as_at,
        a.archived_at is not null as archived
      from actions a where a.tenant_id = ${t} and a.id = any(${ids.action}::uuid[])`);
  }
  if (ids.update.length) {
    queries.push(sql<Detail>`
      select u.id, a.ref || ' ' || a.title as title,
        ${snippet(sql`concat_ws(' … ', u.happened, u.next_steps)`)} as snippet,
        a.strategy_id, a.id as action_id, u.status, u.as_at,
        a.archived_at is not null as archived
      from progress_updates u
      join actions a on a.tenant_id = u.tenant_id and a.id = u.action_id
      where u.tenant_id = ${t} and u.id = any(${ids.update}::uuid[])`);
  }
  const out = new Map<string, Detail>();
  for (const q of queries) {
    for (const row of (await q.execute(trx)).rows) out.set(row.id, row);
  }
  return out;
}

/** Turns what was typed into a tsquery once; `searchable` is false when it holds no words. */
async function prepare(trx: Tx, tenantId: string, params: SearchParams) {
  const q = normaliseQuery(params.q);
  const row = await sql<{ tsquery: string; nodes: number }>`
    select websearch_to_tsquery('english', ${q})::text as tsquery,
      numnode(websearch_to_tsquery('english', ${q})) as nodes`.execute(trx);
  const parsed = row.rows[0] ?? { tsquery: '', nodes: 0 };
  const prepared: Prepared = {
    tenantId,
    tsquery: parsed.tsquery,
    ref: referenceIn(q),
    filters: {
      strategyId: params.strategyId,
      includeArchived: params.includeArchived,
    },
  };
  return { q, prepared, searchable: parsed.nodes > 0 };
}

function emptyResults(q: string, params: SearchParams): SearchResults {
  return {
    q,
    type: params.type ?? null,
    searchable: false,
    counts: { strategy: 0, area: 0, action: 0, update: 0, all: 0 },
    total: 0,
    page: 1,
    pageCount: 0,
    pageSize: params.pageSize ?? PAGE_SIZE,
    hits: [],
  };
}

/** Searches inside one transaction of the caller's organisation (row-level security applies). */
export async function searchInTx(
  trx: Tx,
  tenantId: string,
  params: SearchParams,
): Promise<SearchResults> {
  const { q, prepared, searchable } = await prepare(trx, tenantId, params);
  if (!q || (!searchable && !prepared.ref)) return emptyResults(q, params);

  const pageSize = params.pageSize ?? PAGE_SIZE;
  const type = params.type ?? null;
  const { rows, counts, page } = await findPage(
    trx,
    prepared,
    type,
    Math.max(1, params.page ?? 1),
    pageSize,
  );
  const total = type ? counts[type] : counts.all;
  const pageCount = Math.ceil(total / pageSize);

  const ids: Record<SearchType, string[]> = { strategy: [], area: [], action: [], update: [] };
  for (const r of rows) ids[r.type].push(r.id);
  const details = await loadDetails(trx, prepared, ids, searchable);
  const strategies = await strategyNames(trx, tenantId, [
    ...new Set(rows.map((r) => r.strategy_id)),
  ]);

  const hits: SearchHit[] = [];
  for (const r of rows) {
    const d = details.get(r.id);
    const s = strategies.get(r.strategy_id);
    if (!d || !s) continue;
    hits.push({
      type: r.type,
      id: r.id,
      title: d.title ?? '',
      snippet: d.snippet?.trim() ? d.snippet : null,
      rank: r.rank,
      strategyId: r.strategy_id,
      strategyTitle: s.title,
      strategyPeriod: s.periodLabel,
      actionId: d.action_id,
      status: d.status,
      asAt: d.as_at,
      archived: d.archived,
    });
  }
  return { q, type, searchable, counts, total, page, pageCount, pageSize, hits };
}

async function strategyNames(trx: Tx, tenantId: string, ids: string[]) {
  const out = new Map<string, StrategyChoice>();
  if (!ids.length) return out;
  const rows = await trx
    .selectFrom('strategies')
    .select(['id', 'title', 'period_label', 'version'])
    .where('tenant_id', '=', tenantId)
    .where('id', 'in', ids)
    .execute();
  for (const r of rows)
    out.set(r.id, { id: r.id, title: r.title, periodLabel: r.period_label, version: r.version });
  return out;
}

/** The organisation's strategies, for the "search in" choice. */
export async function strategyChoicesInTx(trx: Tx, tenantId: string): Promise<StrategyChoice[]> {
  const rows = await trx
    .selectFrom('strategies')
    .select(['id', 'title', 'period_label', 'version'])
    .where('tenant_id', '=', tenantId)
    .orderBy('title')
    .orderBy('version', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    periodLabel: r.period_label,
    version: r.version,
  }));
}

/** Searches the caller's organisation. */
export async function search(
  db: Kysely<DB>,
  ctx: TenantContext,
  params: SearchParams,
): Promise<SearchResults> {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
    searchInTx(trx, ctx.tenantId, params),
  );
}

/** The search page's data: the results (when something was typed) and the strategy choice. */
export async function searchPage(
  db: Kysely<DB>,
  ctx: TenantContext,
  params: SearchParams | null,
): Promise<{
  results: SearchResults | null;
  strategies: StrategyChoice[];
  labels: StatusLabels;
}> {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => ({
    results: params?.q ? await searchInTx(trx, ctx.tenantId, params) : null,
    strategies: await strategyChoicesInTx(trx, ctx.tenantId),
    labels: await loadStatusLabels(trx, ctx.tenantId),
  }));
}

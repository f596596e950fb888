import { sql, type Kysely } from 'kysely';
import { recordAudit } from '../../kernel/audit/audit.js';
import type { TenantContext } from '../../kernel/auth/plugin.js';
import { newId } from '../../kernel/db/ids.js';
import type { DB } from '../../kernel/db/schema.js';
import { withTenant, type Tx } from '../../kernel/db/tenancy.js';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../kernel/http/errors.js';
import { findAction } from './action.service.js';
import { postsHeldBy } from './posts.service.js';
import {
  CLOSED_STATUSES,
  daysSince,
  isOverdue,
  isStale,
  STALE_AFTER_DAYS,
  todayInLondon,
} from './status.js';
import type { ProgressInput } from './strategy.schemas.js';
import type { Action, ProgressUpdate, Status } from './strategy.tables.js';

/** Editors and admins may update any action; a contributor only those whose post they hold. */
export async function mayRecordProgress(
  trx: Tx,
  ctx: TenantContext,
  action: Action,
): Promise<boolean> {
  if (ctx.role === 'admin' || ctx.role === 'editor') return true;
  if (ctx.role !== 'contributor' || !ctx.actor.userId) return false;
  if (action.lead_user_id === ctx.actor.userId) return true;
  if (!action.lead_post_id) return false;
  const held = await postsHeldBy(trx, ctx.tenantId, ctx.actor.userId, todayInLondon());
  return mayRecordGiven(ctx, action, held);
}

/** The same rule, given the posts the person holds today. */
export function mayRecordGiven(
  ctx: TenantContext,
  action: Pick<Action, 'lead_user_id' | 'lead_post_id'>,
  heldPostIds: readonly string[],
): boolean {
  if (ctx.role === 'admin' || ctx.role === 'editor') return true;
  if (ctx.role !== 'contributor' || !ctx.actor.userId) return false;
  if (action.lead_user_id === ctx.actor.userId) return true;
  return Boolean(action.lead_post_id && heldPostIds.includes(action.lead_post_id));
}

/** An action about to receive progress, with what the checks and "what's next" need beside it. */
export interface ActionForProgress {
  action: Action;
  strategyTitle: string;
  /** Its strategy is superseded or archived (its actions are no longer anyone's to deliver). */
  strategyRetired: boolean;
  /** The posts the person recording holds at the date. */
  heldPostIds: string[];
  /** The post that leads the action, if it names one. */
  leadPost: { short_name: string; title: string } | null;
}

/**
 * Reads the action, its lead post, its strategy's title and status, and the posts the person
 * holds, in one statement: recording progress needs them all, and each round trip costs more
 * than the query.
 */
export async function loadActionForProgress(
  trx: Tx,
  ctx: TenantContext,
  actionId: string,
  asAt: string,
): Promise<ActionForProgress> {
  const userId = ctx.actor.userId;
  const row = /^[0-9a-f-]{36}$/i.test(actionId)
    ? await trx
        .selectFrom('actions as a')
        .innerJoin('strategies as s', (j) =>
          j.onRef('s.id', '=', 'a.strategy_id').onRef('s.tenant_id', '=', 'a.tenant_id'),
        )
        .leftJoin('posts as lp', (j) =>
          j.onRef('lp.id', '=', 'a.lead_post_id').onRef('lp.tenant_id', '=', 'a.tenant_id'),
        )
        .selectAll('a')
        .select([
          'lp.short_name as lead_post_short_name',
          'lp.title as lead_post_title',
          's.title as strategy_title',
          's.status as strategy_status',
          (userId
            ? sql<
                string[]
              >`array(select ph.post_id::text from post_holders ph where ph.tenant_id = a.tenant_id and ph.user_id = ${userId} and ph.from_date <= ${asAt} and (ph.to_date is null or ph.to_date >= ${asAt}))`
            : sql<string[]>`'{}'::text[]`
          ).as('held_post_ids'),
        ])
        .where('a.tenant_id', '=', ctx.tenantId)
        .where('a.id', '=', actionId)
        .executeTakeFirst()
    : undefined;
  if (!row) throw new NotFoundError('There is no such action.');
  const {
    strategy_title,
    strategy_status,
    held_post_ids,
    lead_post_short_name,
    lead_post_title,
    ...action
  } = row;
  return {
    action,
    leadPost:
      lead_post_short_name !== null && lead_post_title !== null
        ? { short_name: lead_post_short_name, title: lead_post_title }
        : null,
    strategyTitle: strategy_title,
    strategyRetired: (RETIRED_STRATEGY_STATUSES as readonly string[]).includes(strategy_status),
    heldPostIds: held_post_ids,
  };
}

export async function recordProgressInTx(
  trx: Tx,
  ctx: TenantContext,
  actionId: string,
  input: ProgressInput,
  /** recordedAt: only for loading history (demo data, imports); people's updates are stamped now. */
  options: {
    asAt?: string;
    evidenceFileId?: string | null;
    recordedAt?: Date;
    /** The action, already read in this transaction and checked (archived, may record). */
    checked?: Action;
  } = {},
): Promise<ProgressUpdate> {
  let action = options.checked;
  if (!action || action.id !== actionId) {
    action = await findAction(trx, ctx.tenantId, actionId);
    if (action.archived_at)
      throw new ConflictError('This action is archived: progress can no longer be recorded on it.');
    if (!(await mayRecordProgress(trx, ctx, action))) {
      throw new ForbiddenError('You can record progress only on actions owned by a post you hold.');
    }
  }
  // A correction of an older update fixes the record, not today's position: it changes the
  // action's status only when nothing newer (other than corrections of it) has been recorded.
  let changesCurrentPosition = true;
  if (input.correctsId) {
    const corrected = await trx
      .selectFrom('progress_updates')
      .select(['id', 'recorded_at'])
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', input.correctsId)
      .where('action_lineage_id', '=', action.lineage_id)
      .executeTakeFirst();
    if (!corrected)
      throw new ValidationError([
        {
          field: 'correctsId',
          message: 'The update being corrected is not one of this action’s updates',
        },
      ]);
    const newer = await trx
      .selectFrom('progress_updates')
      .select('id')
      .where('tenant_id', '=', ctx.tenantId)
      .where('action_lineage_id', '=', action.lineage_id)
      .where('recorded_at', '>', corrected.recorded_at)
      .where((eb) => eb.or([eb('corrects_id', 'is', null), eb('corrects_id', '<>', corrected.id)]))
      .limit(1)
      .executeTakeFirst();
    changesCurrentPosition = !newer;
  }
  const now = options.recordedAt ?? new Date();
  // The update and the action's new position in one statement (two data-changing CTEs).
  const written = await trx
    .with('added', (db) =>
      db
        .insertInto('progress_updates')
        .values({
          tenant_id: ctx.tenantId,
          id: newId(),
          action_id: action.id,
          action_lineage_id: action.lineage_id,
          status: input.status,
          forecast_status: input.forecastStatus ?? null,
          percent_complete: input.percentComplete ?? null,
          happened: input.happened,
          next_steps: input.nextSteps ?? null,
          evidence_url: input.evidenceUrl ?? null,
          evidence_file_id: options.evidenceFileId ?? null,
          corrects_id: input.correctsId ?? null,
          correction_note: input.correctionNote ?? null,
          as_at: options.asAt ?? todayInLondon(now),
          recorded_by: ctx.actor.userId,
          recorded_by_label: ctx.actor.label,
          recorded_at: now,
        })
        .returningAll(),
    )
    .with('moved', (db) =>
      db
        .updateTable('actions')
        .set(
          changesCurrentPosition
            ? {
                status: input.status,
                forecast_status: input.forecastStatus ?? null,
                last_update_at: now,
                updated_at: now,
              }
            : { updated_at: now },
        )
        .where('tenant_id', '=', ctx.tenantId)
        .where('id', '=', action.id)
        .returning([
          'status as action_status',
          'forecast_status as action_forecast_status',
          'last_update_at as action_last_update_at',
        ]),
    )
    .selectFrom(['added', 'moved'])
    .selectAll()
    .executeTakeFirstOrThrow();
  const { action_status, action_forecast_status, action_last_update_at, ...update } = written;
  const after = {
    status: action_status,
    forecast_status: action_forecast_status,
    last_update_at: action_last_update_at,
  };
  await recordAudit(trx, ctx.actor, {
    tenantId: ctx.tenantId,
    action: input.correctsId ? 'progress.corrected' : 'progress.recorded',
    entityType: 'action',
    entityId: action.id,
    before: {
      status: action.status,
      forecast_status: action.forecast_status,
      last_update_at: action.last_update_at,
    },
    after: { ...after, update_id: update.id },
  });
  return update;
}

export async function recordProgress(
  db: Kysely<DB>,
  ctx: TenantContext,
  actionId: string,
  input: ProgressInput,
  options: { asAt?: string } = {},
) {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
    recordProgressInTx(trx, ctx, actionId, input, options),
  );
}

/** Every update of an action across plan years (its lineage), newest first. */
export async function listUpdates(trx: Tx, tenantId: string, lineageId: string) {
  return trx
    .selectFrom('progress_updates')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('action_lineage_id', '=', lineageId)
    .orderBy('recorded_at', 'desc')
    .execute();
}

/** One page of an action's updates across plan years, newest first, with the total. */
export async function listUpdatesPage(
  trx: Tx,
  tenantId: string,
  lineageId: string,
  page: { limit: number; offset: number },
) {
  const base = trx
    .selectFrom('progress_updates')
    .where('tenant_id', '=', tenantId)
    .where('action_lineage_id', '=', lineageId);
  const total = await base
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const rows = await base
    .selectAll()
    .orderBy('recorded_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return { total: total.n, rows };
}

// ---------------------------------------------------------------------------------------------
// My actions: what a person owns, and what needs their update first

/** The strategies whose actions are still being delivered (not superseded or archived). */
const RETIRED_STRATEGY_STATUSES = ['superseded', 'archived'] as const;

/** Every action a person owns today: through a post they hold, or named as its lead. */
export async function listOwnedActions(trx: Tx, tenantId: string, userId: string, asAt: string) {
  const held = await postsHeldBy(trx, tenantId, userId, asAt);
  const rows = await trx
    .selectFrom('actions as a')
    .innerJoin('strategies as s', (j) =>
      j.onRef('s.id', '=', 'a.strategy_id').onRef('s.tenant_id', '=', 'a.tenant_id'),
    )
    .leftJoin('posts as p', (j) =>
      j.onRef('p.id', '=', 'a.lead_post_id').onRef('p.tenant_id', '=', 'a.tenant_id'),
    )
    .select([
      'a.id',
      'a.ref',
      'a.ref_sort',
      'a.title',
      'a.status',
      'a.forecast_status',
      'a.timescale_text',
      'a.due_on',
      'a.due_precision',
      'a.ongoing',
      'a.last_update_at',
      'a.created_at',
      'a.lead_post_id',
      'a.lead_text',
      's.id as strategy_id',
      's.title as strategy_title',
      'p.short_name as lead_post_name',
      'p.title as lead_post_title',
    ])
    .where('a.tenant_id', '=', tenantId)
    .where('a.archived_at', 'is', null)
    .where('s.status', 'not in', RETIRED_STRATEGY_STATUSES)
    .where((eb) =>
      eb.or([
        eb('a.lead_user_id', '=', userId),
        ...(held.length ? [eb('a.lead_post_id', 'in', held)] : []),
      ]),
    )
    .orderBy('a.ref_sort')
    .limit(1000)
    .execute();
  const posts = held.length
    ? await trx
        .selectFrom('posts')
        .select(['id', 'short_name', 'title'])
        .where('tenant_id', '=', tenantId)
        .where('id', 'in', held)
        .where('archived_at', 'is', null)
        .orderBy('title')
        .execute()
    : [];
  return { rows, posts };
}

export type OwnedAction = Awaited<ReturnType<typeof listOwnedActions>>['rows'][number];

/** The last quarter end (31 March, 30 June, 30 September, 31 December) before a date. */
export function lastQuarterEnd(asAt: string): string {
  const year = Number(asAt.slice(0, 4));
  const ends = [`${year - 1}-12-31`, `${year}-03-31`, `${year}-06-30`, `${year}-09-30`];
  return ends.filter((d) => d < asAt).at(-1) ?? `${year - 1}-12-31`;
}

export type NeedReason = 'overdue' | 'never' | 'stale' | 'quarter';

export interface UpdateNeed {
  open: boolean;
  overdue: boolean;
  /** No update in 90 days, or none since the last quarter end. */
  stale: boolean;
  needsUpdate: boolean;
  /** Why it needs an update, the most pressing reason first; null when it does not. */
  reason: NeedReason | null;
  daysSinceUpdate: number | null;
  quarterEnd: string;
}

/**
 * Whether an owner owes an update. Open actions are reported on every quarter, so one with no
 * update since the last quarter end (or in 90 days) needs one. An overdue action needs one until
 * something has been recorded after its due date; then it waits for the next quarter like the rest.
 */
export function assessUpdateNeed(
  action: {
    status: Status;
    due_on: string | null;
    last_update_at: Date | null;
    created_at: Date;
  },
  asAt: string,
): UpdateNeed {
  const open = !CLOSED_STATUSES.includes(action.status);
  const quarterEnd = lastQuarterEnd(asAt);
  const daysSinceUpdate = daysSince(action.last_update_at, asAt);
  const lastActivity = todayInLondon(action.last_update_at ?? action.created_at);
  const overdue = isOverdue(action, asAt);
  const stale = open && (isStale(action, asAt) || lastActivity < quarterEnd);
  const unansweredOverdue =
    overdue &&
    (!action.last_update_at || todayInLondon(action.last_update_at) <= (action.due_on ?? ''));
  const needsUpdate = open && (stale || unansweredOverdue);
  let reason: NeedReason | null = null;
  if (needsUpdate) {
    if (unansweredOverdue) reason = 'overdue';
    else if (!action.last_update_at) reason = 'never';
    else if (isStale(action, asAt)) reason = 'stale';
    else reason = 'quarter';
  }
  return { open, overdue, stale, needsUpdate, reason, daysSinceUpdate, quarterEnd };
}

export type AssessedAction<T> = T & { need: UpdateNeed };

/**
 * My actions in the order they need attention: those needing an update first (overdue, then
 * stale, the oldest update first), then the rest by due date (soonest first, undated last).
 * Finished actions (complete, cancelled, superseded) are listed apart.
 */
export function orderMyActions<
  T extends {
    ref_sort: string;
    strategy_title: string;
    status: Status;
    due_on: string | null;
    last_update_at: Date | null;
    created_at: Date;
  },
>(rows: readonly T[], asAt: string): { open: AssessedAction<T>[]; finished: AssessedAction<T>[] } {
  const assessed = rows.map((r) => ({ ...r, need: assessUpdateNeed(r, asAt) }));
  const rank = (a: AssessedAction<T>) => {
    if (a.need.needsUpdate) return a.need.overdue ? 0 : 1;
    return a.need.overdue ? 2 : 3;
  };
  const lastActivity = (a: AssessedAction<T>) => (a.last_update_at ?? a.created_at).getTime();
  const byDue = (a: AssessedAction<T>, b: AssessedAction<T>) => {
    if (a.due_on === b.due_on) return 0;
    if (!a.due_on) return 1;
    if (!b.due_on) return -1;
    return a.due_on < b.due_on ? -1 : 1;
  };
  const compare = (a: AssessedAction<T>, b: AssessedAction<T>) => {
    const r = rank(a) - rank(b);
    if (r) return r;
    if (rank(a) === 1) {
      const age = lastActivity(a) - lastActivity(b);
      if (age) return age;
    }
    const due = byDue(a, b);
    if (due) return due;
    if (a.strategy_title !== b.strategy_title) return a.strategy_title < b.strategy_title ? -1 : 1;
    return a.ref_sort < b.ref_sort ? -1 : a.ref_sort > b.ref_sort ? 1 : 0;
  };
  const open = assessed.filter((a) => a.need.open).sort(compare);
  const finished = assessed
    .filter((a) => !a.need.open)
    .sort((a, b) => (a.ref_sort < b.ref_sort ? -1 : a.ref_sort > b.ref_sort ? 1 : 0));
  return { open, finished };
}

/**
 * The action to go to after this one (saved or skipped): the next one further down My actions
 * that needs an update. Never one already passed, so skipping cannot go round in circles. (For
 * an action that is not in the list, the first that needs an update.)
 */
export function nextNeedingUpdate<T extends { id: string; need: UpdateNeed }>(
  ordered: readonly T[],
  currentId: string,
): T | null {
  const index = ordered.findIndex((a) => a.id === currentId);
  return ordered.slice(index + 1).find((a) => a.id !== currentId && a.need.needsUpdate) ?? null;
}

/** The first moment of a date in London (midnight, in GMT or BST as that day keeps). */
export function londonMidnight(date: string): Date {
  const utc = Date.parse(`${date}T00:00:00Z`);
  // In summer time, London's midnight is 23:00 the day before by the clock of UTC.
  const summer = new Date(utc - 3_600_000);
  return todayInLondon(summer) === date ? summer : new Date(utc);
}

export interface WhatsNext {
  /** The action is one of the person's own (listed in My actions). */
  mine: boolean;
  next: { id: string; ref: string; title: string } | null;
  /** How many of their other open actions need an update (all before this one when next is null). */
  othersNeeding: number;
}

/**
 * Where the person goes after recording progress on (or skipping) an action: the same answer as
 * nextNeedingUpdate over the ordered My actions, found by one query that returns a single row.
 * The order of orderMyActions is written as a sort key: rank (overdue first), the oldest activity
 * (for rank 1 only), due date (undated last), strategy title, reference; the action's own key,
 * worked out here as of before this update, says which rows come after it.
 */
export async function whatsNextFor(
  trx: Tx,
  ctx: TenantContext,
  current: ActionForProgress,
  asAt: string,
): Promise<WhatsNext> {
  const userId = ctx.actor.userId;
  if (!userId) return { mine: false, next: null, othersNeeding: 0 };
  const { action, heldPostIds } = current;
  const mine =
    !action.archived_at &&
    !current.strategyRetired &&
    (action.lead_user_id === userId ||
      Boolean(action.lead_post_id && heldPostIds.includes(action.lead_post_id)));
  const need = assessUpdateNeed(action, asAt);
  const inList = mine && need.open;
  const rank = need.needsUpdate ? (need.overdue ? 0 : 1) : need.overdue ? 2 : 3;
  const activity = rank === 1 ? (action.last_update_at ?? action.created_at).getTime() : 0;
  const closed = sql.join(CLOSED_STATUSES.map((st) => sql`${st}`));
  const retired = sql.join(RETIRED_STRATEGY_STATUSES.map((st) => sql`${st}`));
  const owned = heldPostIds.length
    ? sql`(a.lead_user_id = ${userId} or a.lead_post_id in (${sql.join(heldPostIds.map((id) => sql`${id}::uuid`))}))`
    : sql`a.lead_user_id = ${userId}`;
  const staleBy = new Date(Date.parse(`${asAt}T23:59:59Z`) - (STALE_AFTER_DAYS + 1) * 86_400_000);
  const quarterStart = londonMidnight(lastQuarterEnd(asAt));
  const overdue = sql`(a.due_on is not null and a.due_on < ${asAt}::date)`;
  // Outside the list (not theirs, or finished), every action needing an update comes after it.
  const after = inList
    ? sql`(rank, activity, due, strategy_title, ref_sort, id) > (${rank}::int, ${activity}::bigint,
        ${action.due_on ?? 'infinity'}::date, ${current.strategyTitle}::text collate "C",
        ${action.ref_sort}::text collate "C", ${action.id}::uuid)`
    : sql`true`;
  const result = await sql<{
    id: string;
    ref: string;
    title: string;
    others: number;
    after_current: boolean;
  }>`
    with needing as (
      select a.id, a.ref, a.title,
        case when ${overdue} then 0 else 1 end as rank,
        case when ${overdue} then 0::bigint
          else floor(extract(epoch from coalesce(a.last_update_at, a.created_at)) * 1000)::bigint end as activity,
        coalesce(a.due_on, 'infinity'::date) as due,
        s.title collate "C" as strategy_title,
        a.ref_sort collate "C" as ref_sort
      from actions a
      join strategies s on s.tenant_id = a.tenant_id and s.id = a.strategy_id
      where a.tenant_id = ${ctx.tenantId}
        and a.id <> ${action.id}
        and a.archived_at is null
        and s.status not in (${retired})
        and ${owned}
        and a.status not in (${closed})
        and (coalesce(a.last_update_at, a.created_at) <= ${staleBy}
          or coalesce(a.last_update_at, a.created_at) < ${quarterStart}
          or (${overdue} and (a.last_update_at is null
            or (a.last_update_at at time zone 'Europe/London')::date <= a.due_on)))
    )
    select id, ref, title, (count(*) over ())::int as others,
      ${after} as after_current
    from needing
    order by after_current desc, rank, activity, due, strategy_title, ref_sort, id
    limit 1
  `.execute(trx);
  const row = result.rows[0];
  if (!row) return { mine, next: null, othersNeeding: 0 };
  return {
    mine,
    next: row.after_current ? { id: row.id, ref: row.ref, title: row.title } : null,
    othersNeeding: row.others,
  };
}

/** My actions, assessed and ordered, with the posts through which the person owns them. */
export async function myActions(
  db: Kysely<DB>,
  ctx: TenantContext,
  asAt: string = todayInLondon(),
) {
  const userId = ctx.actor.userId;
  if (!userId) return { open: [], finished: [], posts: [], asAt };
  return withTenant(db, ctx.tenantId, userId, async (trx) => {
    const { rows, posts } = await listOwnedActions(trx, ctx.tenantId, userId, asAt);
    return { ...orderMyActions(rows, asAt), posts, asAt };
  });
}

/** Marks which updates correct which, for a timeline that shows corrections as such. */
export function linkCorrections<T extends { id: string; corrects_id: string | null }>(
  updates: readonly T[],
): (T & { corrects: T | null; correctedBy: T[] })[] {
  const byId = new Map(updates.map((u) => [u.id, u]));
  return updates.map((u) => ({
    ...u,
    corrects: u.corrects_id ? (byId.get(u.corrects_id) ?? null) : null,
    correctedBy: updates.filter((other) => other.corrects_id === u.id),
  }));
}

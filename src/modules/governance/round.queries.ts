/** The SQL of update rounds. Tenant queries take the tenant's transaction; planning reads all. */
import { sql, type Kysely } from 'kysely';
import { PERMISSIONS } from '../../kernel/auth/permissions.js';
import type { DB } from '../../kernel/db/schema.js';
import type { Tx } from '../../kernel/db/tenancy.js';
import type { Status } from '../strategy/index.js';

/** Finished actions are never chased. */
const FINISHED: readonly Status[] = ['complete', 'cancelled', 'superseded'];
/** Only people who may record progress are asked for it. */
const MAY_RECORD = PERMISSIONS['progress.record'];

export async function findMeetingWithBoard(trx: Tx, tenantId: string, meetingId: string) {
  return trx
    .selectFrom('meetings as m')
    .innerJoin('boards as b', (j) =>
      j.onRef('b.id', '=', 'm.board_id').onRef('b.tenant_id', '=', 'm.tenant_id'),
    )
    .select([
      'm.id',
      'm.meets_on',
      'm.status',
      'm.board_id',
      'b.name as board_name',
      'b.reporting_cycle',
      'b.update_lead_days',
      'b.reminder_after_days',
    ])
    .where('m.tenant_id', '=', tenantId)
    .where('m.id', '=', meetingId)
    .executeTakeFirst();
}
export type MeetingWithBoard = NonNullable<Awaited<ReturnType<typeof findMeetingWithBoard>>>;

/** The report a meeting considers (named on the report, or on an agenda item): the earliest "as at". */
export async function meetingReport(trx: Tx, tenantId: string, meetingId: string) {
  return trx
    .selectFrom('reports as r')
    .select(['r.id', 'r.as_at'])
    .where('r.tenant_id', '=', tenantId)
    .where('r.status', 'not in', ['withdrawn', 'superseded'])
    .where((eb) =>
      eb.or([
        eb('r.meeting_id', '=', meetingId),
        eb.exists(
          eb
            .selectFrom('agenda_items as ai')
            .select('ai.id')
            .where('ai.tenant_id', '=', tenantId)
            .where('ai.meeting_id', '=', meetingId)
            .whereRef('ai.report_id', '=', 'r.id'),
        ),
      ]),
    )
    .orderBy('r.as_at')
    .limit(1)
    .executeTakeFirst();
}

/** The "as at" dates of the board's earlier reports and rounds, latest first. */
export async function previousAsAts(
  trx: Tx,
  tenantId: string,
  boardId: string,
  meetingId: string,
  asAt: string,
): Promise<string[]> {
  const report = await trx
    .selectFrom('reports as r')
    .select((eb) => eb.fn.max('r.as_at').as('as_at'))
    .where('r.tenant_id', '=', tenantId)
    .where('r.status', '!=', 'withdrawn')
    .where('r.as_at', '<', asAt)
    .where((eb) =>
      eb.or([
        eb('r.board_id', '=', boardId),
        eb(
          'r.meeting_id',
          'in',
          eb
            .selectFrom('meetings')
            .select('id')
            .where('tenant_id', '=', tenantId)
            .where('board_id', '=', boardId),
        ),
      ]),
    )
    .executeTakeFirst();
  const round = await trx
    .selectFrom('update_rounds')
    .select((eb) => eb.fn.max('as_at').as('as_at'))
    .where('tenant_id', '=', tenantId)
    .where('board_id', '=', boardId)
    .where('meeting_id', '!=', meetingId)
    .where('as_at', '<', asAt)
    .executeTakeFirst();
  return [report?.as_at, round?.as_at].filter((d): d is string => typeof d === 'string');
}

/** The strategy versions a board oversees: per lineage, the approved one, else the newest live one. */
export async function overseenStrategies(trx: Tx, tenantId: string, boardId: string) {
  const rows = await trx
    .selectFrom('strategies as s')
    .innerJoin('board_strategies as bs', (j) =>
      j
        .onRef('bs.strategy_lineage_id', '=', 's.lineage_id')
        .onRef('bs.tenant_id', '=', 's.tenant_id'),
    )
    .select(['s.id', 's.lineage_id', 's.version', 's.status', 's.title'])
    .where('s.tenant_id', '=', tenantId)
    .where('bs.board_id', '=', boardId)
    .where('s.status', 'not in', ['superseded', 'archived'])
    .execute();
  const chosen = new Map<string, (typeof rows)[number]>();
  const rank = (r: (typeof rows)[number]) => (r.status === 'approved' ? 1_000_000 : 0) + r.version;
  for (const r of rows) {
    const current = chosen.get(r.lineage_id);
    if (!current || rank(r) > rank(current)) chosen.set(r.lineage_id, r);
  }
  return [...chosen.values()];
}

/** The open actions of some strategies, with their latest update (on any version of the action). */
export async function openActions(trx: Tx, tenantId: string, strategyIds: readonly string[]) {
  if (!strategyIds.length) return [];
  return trx
    .selectFrom('actions as a')
    .select((eb) => [
      'a.id',
      'a.ref',
      'a.ref_sort',
      'a.title',
      'a.strategy_id',
      'a.lead_post_id',
      'a.lead_user_id',
      eb
        .selectFrom('progress_updates as pu')
        .select((e) => e.fn.max('pu.recorded_at').as('at'))
        .whereRef('pu.tenant_id', '=', 'a.tenant_id')
        .whereRef('pu.action_lineage_id', '=', 'a.lineage_id')
        .as('last_update_at'),
    ])
    .where('a.tenant_id', '=', tenantId)
    .where('a.strategy_id', 'in', strategyIds)
    .where('a.archived_at', 'is', null)
    .where('a.status', 'not in', FINISHED)
    .orderBy('a.strategy_id')
    .orderBy('a.ref_sort')
    .execute();
}

/** Latest update per action (by lineage), for the given action ids. */
export async function lastUpdates(
  trx: Tx,
  tenantId: string,
  actionIds: readonly string[],
): Promise<Map<string, Date | null>> {
  if (!actionIds.length) return new Map();
  const rows = await trx
    .selectFrom('actions as a')
    .select((eb) => [
      'a.id',
      eb
        .selectFrom('progress_updates as pu')
        .select((e) => e.fn.max('pu.recorded_at').as('at'))
        .whereRef('pu.tenant_id', '=', 'a.tenant_id')
        .whereRef('pu.action_lineage_id', '=', 'a.lineage_id')
        .as('last_update_at'),
    ])
    .where('a.tenant_id', '=', tenantId)
    .where('a.id', 'in', actionIds)
    .execute();
  return new Map(rows.map((r) => [r.id, r.last_update_at ? new Date(r.last_update_at) : null]));
}

/**
 * Who may be asked on a day: people holding the given posts that day, and named leads, who are
 * members allowed to record progress and whose account is not disabled.
 */
export async function askablePeople(
  trx: Tx,
  tenantId: string,
  postIds: readonly string[],
  userIds: readonly string[],
  onDay: string,
) {
  const holders = postIds.length
    ? await trx
        .selectFrom('post_holders')
        .select(['post_id', 'user_id'])
        .where('tenant_id', '=', tenantId)
        .where('post_id', 'in', postIds)
        .where('user_id', 'is not', null)
        .where('from_date', '<=', onDay)
        .where((eb) => eb.or([eb('to_date', 'is', null), eb('to_date', '>=', onDay)]))
        .execute()
    : [];
  const candidates = [
    ...new Set([...userIds, ...holders.flatMap((h) => (h.user_id ? [h.user_id] : []))]),
  ];
  const members = candidates.length
    ? await trx
        .selectFrom('memberships as ms')
        .innerJoin('users as u', 'u.id', 'ms.user_id')
        .select(['u.id', 'u.email', 'u.display_name'])
        .where('ms.tenant_id', '=', tenantId)
        .where('ms.user_id', 'in', candidates)
        .where('ms.role', 'in', MAY_RECORD)
        .where('u.disabled_at', 'is', null)
        .execute()
    : [];
  const askable = new Set(members.map((m) => m.id));
  const holdersByPost = new Map<string, string[]>();
  for (const h of holders) {
    if (!h.user_id || !askable.has(h.user_id)) continue;
    holdersByPost.set(h.post_id, [...(holdersByPost.get(h.post_id) ?? []), h.user_id]);
  }
  return { holdersByPost, askable, people: new Map(members.map((m) => [m.id, m])) };
}

/** Meetings in every organisation that may need a round started (the rules decide which). */
export async function meetingsWithoutRound(db: Kysely<DB>, today: string, until: string) {
  return db
    .selectFrom('meetings as m')
    .innerJoin('boards as b', (j) =>
      j.onRef('b.id', '=', 'm.board_id').onRef('b.tenant_id', '=', 'm.tenant_id'),
    )
    .innerJoin('organisations as o', 'o.id', 'm.tenant_id')
    .select((eb) => [
      'm.tenant_id',
      'm.id',
      'm.meets_on',
      'm.status',
      'b.update_lead_days',
      eb
        .selectFrom('reports as r')
        .select((e) => e.fn.min('r.as_at').as('as_at'))
        .whereRef('r.tenant_id', '=', 'm.tenant_id')
        .where('r.status', 'not in', ['withdrawn', 'superseded'])
        .where((e) =>
          e.or([
            e('r.meeting_id', '=', e.ref('m.id')),
            e.exists(
              e
                .selectFrom('agenda_items as ai')
                .select('ai.id')
                .whereRef('ai.tenant_id', '=', 'm.tenant_id')
                .whereRef('ai.meeting_id', '=', 'm.id')
                .whereRef('ai.report_id', '=', 'r.id'),
            ),
          ]),
        )
        .as('report_as_at'),
    ])
    .where('m.status', '=', 'planned')
    .where('m.meets_on', '>=', today)
    .where('m.meets_on', '<=', until)
    .where('b.archived_at', 'is', null)
    .where('o.archived_at', 'is', null)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('board_strategies as bs')
          .select(sql<number>`1`.as('one'))
          .whereRef('bs.tenant_id', '=', 'm.tenant_id')
          .whereRef('bs.board_id', '=', 'm.board_id'),
      ),
    )
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('update_rounds as ur')
            .select('ur.id')
            .whereRef('ur.tenant_id', '=', 'm.tenant_id')
            .whereRef('ur.meeting_id', '=', 'm.id'),
        ),
      ),
    )
    .orderBy('m.meets_on')
    .limit(500)
    .execute();
}

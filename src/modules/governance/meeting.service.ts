/**
 * Meetings of a board, their agenda items (reports and other papers, in order) and the forward
 * plan: what is due at each upcoming meeting.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import { recordAudit } from '../../kernel/audit/audit.js';
import type { TenantContext } from '../../kernel/auth/plugin.js';
import { newId } from '../../kernel/db/ids.js';
import type { DB } from '../../kernel/db/schema.js';
import { findOwned } from '../../kernel/db/find.js';
import { withTenant, type Tx } from '../../kernel/db/tenancy.js';
import { ConflictError, ValidationError } from '../../kernel/http/errors.js';
import type { AgendaItemInput, MeetingInput } from './board.schemas.js';
import { boardStrategies, findBoard, requirePermission, type Board } from './board.service.js';
import type { AgendaItemsTable, MeetingsTable } from './governance.tables.js';
import { decisionsForItems, type DecisionView } from './decision.service.js';
import { todayInLondon } from '../strategy/index.js';

export type Meeting = Selectable<MeetingsTable>;
export type AgendaItem = Selectable<AgendaItemsTable>;

export async function findMeeting(trx: Tx, tenantId: string, id: string): Promise<Meeting> {
  return findOwned(trx, 'meetings', { tenantId, id }, 'There is no such meeting.');
}

export async function findAgendaItem(
  trx: Tx,
  tenantId: string,
  meetingId: string,
  itemId: string,
): Promise<AgendaItem> {
  return findOwned(trx, 'agenda_items', { tenantId, id: itemId }, 'There is no such agenda item.', {
    meeting_id: meetingId,
  });
}

function meetingColumns(input: MeetingInput) {
  return {
    meets_on: input.meetsOn,
    starts_at: input.startsAt ?? null,
    location: input.location ?? null,
    minutes_url: input.minutesUrl ?? null,
  };
}

/** Times read back as HH:MM:SS; pages and the API show HH:MM. */
export function shortTime(value: string | null): string | null {
  return value ? value.slice(0, 5) : null;
}

function assertOpen(board: Board) {
  if (board.archived_at) throw new ConflictError('This board is archived: it cannot be changed.');
}

export async function createMeetingInTx(
  trx: Tx,
  ctx: TenantContext,
  boardId: string,
  input: MeetingInput,
  status: Meeting['status'] = 'planned',
): Promise<Meeting> {
  requirePermission(ctx, 'governance.manage');
  const board = await findBoard(trx, ctx.tenantId, boardId);
  assertOpen(board);
  const meeting = await trx
    .insertInto('meetings')
    .values({
      tenant_id: ctx.tenantId,
      id: newId(),
      board_id: boardId,
      status,
      ...meetingColumns(input),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx.actor, {
    tenantId: ctx.tenantId,
    action: 'meeting.created',
    entityType: 'meeting',
    entityId: meeting.id,
    after: { ...meeting, board_name: board.name },
  });
  return meeting;
}

export function createMeeting(
  db: Kysely<DB>,
  ctx: TenantContext,
  boardId: string,
  input: MeetingInput,
) {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
    createMeetingInTx(trx, ctx, boardId, input),
  );
}

export function updateMeeting(db: Kysely<DB>, ctx: TenantContext, id: string, input: MeetingInput) {
  requirePermission(ctx, 'governance.manage');
  return withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
    const before = await findMeeting(trx, ctx.tenantId, id);
    const after = await trx
      .updateTable('meetings')
      .set({ ...meetingColumns(input), updated_at: new Date() })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, {
      tenantId: ctx.tenantId,
      action: 'meeting.updated',
      entityType: 'meeting',
      entityId: id,
      before,
      after,
    });
    return after;
  });
}

export async function setMeetingStatusInTx(
  trx: Tx,
  ctx: TenantContext,
  id: string,
  status: Meeting['status'],
) {
  requirePermission(ctx, 'governance.manage');
  const before = await findMeeting(trx, ctx.tenantId, id);
  if (before.status === status) return before;
  const after = await trx
    .updateTable('meetings')
    .set({ status, updated_at: new Date() })
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx.actor, {
    tenantId: ctx.tenantId,
    action: 'meeting.status_changed',
    entityType: 'meeting',
    entityId: id,
    before: { meets_on: before.meets_on, status: before.status },
    after: { meets_on: after.meets_on, status: after.status },
  });
  return after;
}

export function setMeetingStatus(
  db: Kysely<DB>,
  ctx: TenantContext,
  id: string,
  status: Meeting['status'],
) {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
    setMeetingStatusInTx(trx, ctx, id, status),
  );
}

// ---------------------------------------------------------------------------------------------
// Agenda items

/** Strategy versions that can be chosen for an item, newest version of each first. */
export async function strategyChoices(trx: Tx, tenantId: string) {
  return trx
    .selectFrom('strategies')
    .select(['id', 'lineage_id', 'title', 'version', 'status'])
    .where('tenant_id', '=', tenantId)
    .where('status', '<>', 'archived')
    .orderBy('title')
    .orderBy('version', 'desc')
    .execute();
}

async function checkItemStrategy(trx: Tx, tenantId: string, strategyId: string | undefined) {
  if (!strategyId) return;
  const found = await trx
    .selectFrom('strategies')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', strategyId)
    .executeTakeFirst();
  if (!found) {
    throw new ValidationError([
      { field: 'strategyId', message: 'Select a strategy from the list' },
    ]);
  }
}

function itemColumns(input: AgendaItemInput) {
  return {
    title: input.title,
    kind: input.kind,
    strategy_id: input.strategyId ?? null,
    paper_url: input.paperUrl ?? null,
  };
}

export async function addAgendaItemInTx(
  trx: Tx,
  ctx: TenantContext,
  meetingId: string,
  input: AgendaItemInput,
  extra: { reportId?: string | null } = {},
): Promise<AgendaItem> {
  requirePermission(ctx, 'governance.manage');
  const meeting = await findMeeting(trx, ctx.tenantId, meetingId);
  await checkItemStrategy(trx, ctx.tenantId, input.strategyId);
  const last = await trx
    .selectFrom('agenda_items')
    .select((eb) => eb.fn.max('position').as('max'))
    .where('tenant_id', '=', ctx.tenantId)
    .where('meeting_id', '=', meetingId)
    .executeTakeFirst();
  const item = await trx
    .insertInto('agenda_items')
    .values({
      tenant_id: ctx.tenantId,
      id: newId(),
      meeting_id: meeting.id,
      position: (last?.max ?? 0) + 1,
      report_id: extra.reportId ?? null,
      ...itemColumns(input),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx.actor, {
    tenantId: ctx.tenantId,
    action: 'agenda_item.created',
    entityType: 'agenda_item',
    entityId: item.id,
    after: item,
  });
  return item;
}

export function addAgendaItem(
  db: Kysely<DB>,
  ctx: TenantContext,
  meetingId: string,
  input: AgendaItemInput,
) {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
    addAgendaItemInTx(trx, ctx, meetingId, input),
  );
}

export function updateAgendaItem(
  db: Kysely<DB>,
  ctx: TenantContext,
  meetingId: string,
  itemId: string,
  input: AgendaItemInput,
) {
  requirePermission(ctx, 'governance.manage');
  return withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
    const before = await findAgendaItem(trx, ctx.tenantId, meetingId, itemId);
    await checkItemStrategy(trx, ctx.tenantId, input.strategyId);
    const after = await trx
      .updateTable('agenda_items')
      .set(itemColumns(input))
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', itemId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, {
      tenantId: ctx.tenantId,
      action: 'agenda_item.updated',
      entityType: 'agenda_item',
      entityId: itemId,
      before,
      after,
    });
    return after;
  });
}

/** Swaps an item with its neighbour; false when it is already first (or last). */
export function moveAgendaItem(
  db: Kysely<DB>,
  ctx: TenantContext,
  meetingId: string,
  itemId: string,
  direction: 'up' | 'down',
) {
  requirePermission(ctx, 'governance.manage');
  return withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
    const item = await findAgendaItem(trx, ctx.tenantId, meetingId, itemId);
    const neighbour = await trx
      .selectFrom('agenda_items')
      .selectAll()
      .where('tenant_id', '=', ctx.tenantId)
      .where('meeting_id', '=', meetingId)
      .where('position', direction === 'up' ? '<' : '>', item.position)
      .orderBy('position', direction === 'up' ? 'desc' : 'asc')
      .limit(1)
      .executeTakeFirst();
    if (!neighbour) return false;
    for (const [row, position] of [
      [item, neighbour.position],
      [neighbour, item.position],
    ] as const) {
      await trx
        .updateTable('agenda_items')
        .set({ position })
        .where('tenant_id', '=', ctx.tenantId)
        .where('id', '=', row.id)
        .execute();
    }
    await recordAudit(trx, ctx.actor, {
      tenantId: ctx.tenantId,
      action: 'agenda_item.moved',
      entityType: 'agenda_item',
      entityId: item.id,
      before: { title: item.title, position: item.position },
      after: { title: item.title, position: neighbour.position },
    });
    return true;
  });
}

export async function agendaItems(trx: Tx, tenantId: string, meetingIds: string[]) {
  if (!meetingIds.length) return [];
  return trx
    .selectFrom('agenda_items as a')
    .leftJoin('strategies as s', (j) =>
      j.onRef('s.tenant_id', '=', 'a.tenant_id').onRef('s.id', '=', 'a.strategy_id'),
    )
    .leftJoin('reports as r', (j) =>
      j.onRef('r.tenant_id', '=', 'a.tenant_id').onRef('r.id', '=', 'a.report_id'),
    )
    .selectAll('a')
    .select([
      's.title as strategy_title',
      's.version as strategy_version',
      's.lineage_id as strategy_lineage_id',
      'r.title as report_title',
      'r.status as report_status',
    ])
    .where('a.tenant_id', '=', tenantId)
    .where('a.meeting_id', 'in', meetingIds)
    .orderBy('a.meeting_id')
    .orderBy('a.position')
    .execute();
}
export type AgendaItemView = Awaited<ReturnType<typeof agendaItems>>[number];

export interface MeetingOverview {
  meeting: Meeting;
  board: Board;
  items: (AgendaItemView & { decisions: DecisionView[] })[];
}

export function loadMeetingOverview(
  db: Kysely<DB>,
  ctx: TenantContext,
  id: string,
): Promise<MeetingOverview> {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
    const meeting = await findMeeting(trx, ctx.tenantId, id);
    const board = await findBoard(trx, ctx.tenantId, meeting.board_id);
    const items = await agendaItems(trx, ctx.tenantId, [meeting.id]);
    const decisions = await decisionsForItems(
      trx,
      ctx.tenantId,
      items.map((i) => i.id),
    );
    return {
      meeting,
      board,
      items: items.map((i) => ({ ...i, decisions: decisions.get(i.id) ?? [] })),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// The forward plan

export interface ForwardPlanMeeting {
  meeting: Meeting;
  boardName: string;
  items: AgendaItemView[];
  /** Strategies the board oversees that have no report on this meeting's agenda yet. */
  reportsDue: { lineageId: string; title: string }[];
}

/** Planned meetings from `from` on, of every board that is not archived, in date order. */
export function forwardPlan(
  db: Kysely<DB>,
  ctx: TenantContext,
  from = todayInLondon(),
  boardId?: string,
): Promise<ForwardPlanMeeting[]> {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
    const meetings = await trx
      .selectFrom('meetings as m')
      .innerJoin('boards as b', (j) =>
        j.onRef('b.tenant_id', '=', 'm.tenant_id').onRef('b.id', '=', 'm.board_id'),
      )
      .selectAll('m')
      .select('b.name as board_name')
      .where('m.tenant_id', '=', ctx.tenantId)
      .where('m.meets_on', '>=', from)
      .where('m.status', '=', 'planned')
      .where('b.archived_at', 'is', null)
      .$if(boardId !== undefined, (q) => q.where('m.board_id', '=', boardId ?? ''))
      .orderBy('m.meets_on')
      .orderBy(sql`m.starts_at nulls first`)
      .orderBy(sql`lower(b.name)`)
      .execute();
    const items = await agendaItems(
      trx,
      ctx.tenantId,
      meetings.map((m) => m.id),
    );
    const overseen = new Map<string, { lineageId: string; title: string }[]>();
    for (const id of new Set(meetings.map((m) => m.board_id))) {
      overseen.set(
        id,
        (await boardStrategies(trx, ctx.tenantId, id)).map((l) => ({
          lineageId: l.lineage_id,
          title: l.title,
        })),
      );
    }
    return meetings.map(({ board_name, ...meeting }) => {
      const mine = items.filter((i) => i.meeting_id === meeting.id);
      const reported = new Set(
        mine.filter((i) => i.kind === 'report').map((i) => i.strategy_lineage_id),
      );
      return {
        meeting,
        boardName: board_name,
        items: mine,
        reportsDue: (overseen.get(meeting.board_id) ?? []).filter(
          (s) => !reported.has(s.lineageId),
        ),
      };
    });
  });
}

/**
 * Boards: their record, members (people with accounts and named members without), the
 * strategies they oversee (by lineage, so every version of a strategy stays overseen) and the
 * board each reports to. Every change is one transaction with its audit event.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import { recordAudit } from '../../kernel/audit/audit.js';
import { can, type Permission } from '../../kernel/auth/permissions.js';
import type { TenantContext } from '../../kernel/auth/plugin.js';
import { newId } from '../../kernel/db/ids.js';
import type { DB } from '../../kernel/db/schema.js';
import { findOwned } from '../../kernel/db/find.js';
import { withTenant, type Tx } from '../../kernel/db/tenancy.js';
import { ConflictError, ForbiddenError, ValidationError } from '../../kernel/http/errors.js';
import type { BoardInput, MemberInput } from './board.schemas.js';
import type { BoardMembersTable, BoardsTable } from './governance.tables.js';
import { todayInLondon } from '../strategy/index.js';

export type Board = Selectable<BoardsTable>;
export type BoardMember = Selectable<BoardMembersTable>;

/** Services check the permission too, so a caller other than a route cannot skip it. */
export function requirePermission(ctx: TenantContext, permission: Permission) {
  if (!can(ctx.role, permission)) throw new ForbiddenError();
}

export async function findBoard(trx: Tx, tenantId: string, id: string): Promise<Board> {
  return findOwned(trx, 'boards', { tenantId, id }, 'There is no such board.');
}

export async function listBoards(trx: Tx, tenantId: string) {
  return trx
    .selectFrom('boards as b')
    .leftJoin('boards as p', (j) =>
      j.onRef('p.tenant_id', '=', 'b.tenant_id').onRef('p.id', '=', 'b.reports_to_board_id'),
    )
    .selectAll('b')
    .select('p.name as reports_to_name')
    .select((eb) =>
      eb
        .selectFrom('board_members as m')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('m.tenant_id', '=', 'b.tenant_id')
        .whereRef('m.board_id', '=', 'b.id')
        .as('member_count'),
    )
    .select((eb) =>
      eb
        .selectFrom('meetings as mt')
        .select(sql<string | null>`min(mt.meets_on)`.as('d'))
        .whereRef('mt.tenant_id', '=', 'b.tenant_id')
        .whereRef('mt.board_id', '=', 'b.id')
        .where('mt.status', '=', 'planned')
        .where('mt.meets_on', '>=', todayInLondon())
        .as('next_meeting_on'),
    )
    .where('b.tenant_id', '=', tenantId)
    .orderBy(sql`b.archived_at is not null`)
    .orderBy(sql`lower(b.name)`)
    .execute();
}

function boardColumns(input: BoardInput) {
  return {
    name: input.name,
    kind: input.kind,
    purpose: input.purpose ?? null,
    reporting_cycle: input.reportingCycle,
    reports_to_board_id: input.reportsToBoardId ?? null,
    update_lead_days: input.updateLeadDays,
    reminder_after_days: input.reminderAfterDays,
  };
}

async function checkBoardInput(trx: Tx, tenantId: string, input: BoardInput, selfId?: string) {
  const clash = await trx
    .selectFrom('boards')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where(sql<boolean>`lower(name) = lower(${input.name})`)
    .where('archived_at', 'is', null)
    .$if(selfId !== undefined, (q) => q.where('id', '<>', selfId ?? ''))
    .executeTakeFirst();
  if (clash) {
    throw new ConflictError(`There is already a board called ${input.name}.`, [
      { field: 'name', message: `There is already a board called ${input.name}` },
    ]);
  }
  const parentId = input.reportsToBoardId;
  if (!parentId) return;
  const field = 'reportsToBoardId';
  if (parentId === selfId) {
    throw new ValidationError([{ field, message: 'A board cannot report to itself' }]);
  }
  // Walk up from the chosen board: reaching this one would make a loop.
  let current: string | null = parentId;
  for (let depth = 0; current && depth < 100; depth++) {
    const row:
      { id: string; reports_to_board_id: string | null; archived_at: Date | null } | undefined =
      await trx
        .selectFrom('boards')
        .select(['id', 'reports_to_board_id', 'archived_at'])
        .where('tenant_id', '=', tenantId)
        .where('id', '=', current)
        .executeTakeFirst();
    if (!row)
      throw new ValidationError([
        { field, message: 'Select the board it reports to from the list' },
      ]);
    if (depth === 0 && row.archived_at) {
      throw new ValidationError([{ field, message: 'The board it reports to has been archived' }]);
    }
    if (row.reports_to_board_id === selfId && selfId) {
      throw new ValidationError([
        { field, message: 'A board cannot report to a board that reports to it' },
      ]);
    }
    current = row.reports_to_board_id;
  }
}

export async function createBoardInTx(
  trx: Tx,
  ctx: TenantContext,
  input: BoardInput,
): Promise<Board> {
  requirePermission(ctx, 'governance.manage');
  await checkBoardInput(trx, ctx.tenantId, input);
  const board = await trx
    .insertInto('boards')
    .values({ tenant_id: ctx.tenantId, id: newId(), ...boardColumns(input) })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx.actor, {
    tenantId: ctx.tenantId,
    action: 'board.created',
    entityType: 'board',
    entityId: board.id,
    after: board,
  });
  return board;
}

export function createBoard(db: Kysely<DB>, ctx: TenantContext, input: BoardInput) {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) => createBoardInTx(trx, ctx, input));
}

export function updateBoard(db: Kysely<DB>, ctx: TenantContext, id: string, input: BoardInput) {
  requirePermission(ctx, 'governance.manage');
  return withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
    const before = await findBoard(trx, ctx.tenantId, id);
    if (before.archived_at)
      throw new ConflictError('This board is archived: it cannot be changed.');
    await checkBoardInput(trx, ctx.tenantId, input, id);
    const after = await trx
      .updateTable('boards')
      .set({ ...boardColumns(input), updated_at: new Date() })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, {
      tenantId: ctx.tenantId,
      action: 'board.updated',
      entityType: 'board',
      entityId: id,
      before,
      after,
    });
    return after;
  });
}

/** Archived boards keep their meetings and decisions; boards reporting to it report to nobody. */
export function archiveBoard(db: Kysely<DB>, ctx: TenantContext, id: string) {
  requirePermission(ctx, 'governance.manage');
  return withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
    const before = await findBoard(trx, ctx.tenantId, id);
    if (before.archived_at) return before;
    const after = await trx
      .updateTable('boards')
      .set({ archived_at: new Date(), updated_at: new Date() })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, {
      tenantId: ctx.tenantId,
      action: 'board.archived',
      entityType: 'board',
      entityId: id,
      before: { name: before.name, archived_at: null },
      after: { name: after.name, archived_at: after.archived_at },
    });
    return after;
  });
}

// ---------------------------------------------------------------------------------------------
// Members

/** The organisation's people, who can be chosen as members. */
export async function organisationPeople(trx: Tx, tenantId: string) {
  return trx
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.display_name', 'u.email'])
    .where('m.tenant_id', '=', tenantId)
    .orderBy(sql`lower(u.display_name)`)
    .execute();
}

export async function boardMembers(trx: Tx, tenantId: string, boardId: string) {
  const rows = await trx
    .selectFrom('board_members as bm')
    .leftJoin('users as u', 'u.id', 'bm.user_id')
    .selectAll('bm')
    .select(['u.display_name', 'u.email'])
    .where('bm.tenant_id', '=', tenantId)
    .where('bm.board_id', '=', boardId)
    .orderBy('bm.position')
    .orderBy('bm.id')
    .execute();
  return rows.map((r) => ({
    ...r,
    // Someone who has left the organisation is no longer visible by name.
    name: r.person_name ?? r.display_name ?? 'A former member of the organisation',
    hasAccount: r.user_id !== null,
  }));
}
export type BoardMemberView = Awaited<ReturnType<typeof boardMembers>>[number];

export async function addMemberInTx(
  trx: Tx,
  ctx: TenantContext,
  boardId: string,
  input: MemberInput,
): Promise<BoardMember> {
  requirePermission(ctx, 'governance.manage');
  const board = await findBoard(trx, ctx.tenantId, boardId);
  if (board.archived_at) throw new ConflictError('This board is archived: it cannot be changed.');
  if (input.userId) {
    const person = await trx
      .selectFrom('memberships')
      .select('user_id')
      .where('tenant_id', '=', ctx.tenantId)
      .where('user_id', '=', input.userId)
      .executeTakeFirst();
    if (!person) {
      throw new ValidationError([{ field: 'userId', message: 'Select a person from the list' }]);
    }
    const already = await trx
      .selectFrom('board_members')
      .select('id')
      .where('tenant_id', '=', ctx.tenantId)
      .where('board_id', '=', boardId)
      .where('user_id', '=', input.userId)
      .executeTakeFirst();
    if (already) {
      throw new ConflictError('That person is already a member of this board.', [
        { field: 'userId', message: 'That person is already a member of this board' },
      ]);
    }
  }
  const last = await trx
    .selectFrom('board_members')
    .select((eb) => eb.fn.max('position').as('max'))
    .where('tenant_id', '=', ctx.tenantId)
    .where('board_id', '=', boardId)
    .executeTakeFirst();
  const member = await trx
    .insertInto('board_members')
    .values({
      tenant_id: ctx.tenantId,
      id: newId(),
      board_id: boardId,
      user_id: input.userId ?? null,
      person_name: input.userId ? null : (input.personName ?? null),
      member_role: input.memberRole ?? null,
      position: (last?.max ?? 0) + 1,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx.actor, {
    tenantId: ctx.tenantId,
    action: 'board.member_added',
    entityType: 'board',
    entityId: boardId,
    after: { name: board.name, member },
  });
  return member;
}

export function addMember(db: Kysely<DB>, ctx: TenantContext, boardId: string, input: MemberInput) {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
    addMemberInTx(trx, ctx, boardId, input),
  );
}

export async function findMember(trx: Tx, tenantId: string, boardId: string, memberId: string) {
  return findOwned(
    trx,
    'board_members',
    { tenantId, id: memberId },
    'There is no such member of this board.',
    { board_id: boardId },
  );
}

export function removeMember(
  db: Kysely<DB>,
  ctx: TenantContext,
  boardId: string,
  memberId: string,
) {
  requirePermission(ctx, 'governance.manage');
  return withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
    const board = await findBoard(trx, ctx.tenantId, boardId);
    await findMember(trx, ctx.tenantId, boardId, memberId);
    const [view] = (await boardMembers(trx, ctx.tenantId, boardId)).filter(
      (m) => m.id === memberId,
    );
    await trx
      .deleteFrom('board_members')
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', memberId)
      .execute();
    await recordAudit(trx, ctx.actor, {
      tenantId: ctx.tenantId,
      action: 'board.member_removed',
      entityType: 'board',
      entityId: boardId,
      before: {
        name: board.name,
        member: { id: memberId, name: view?.name, user_id: view?.user_id, role: view?.member_role },
      },
    });
    return view;
  });
}

// ---------------------------------------------------------------------------------------------
// Strategies overseen

/** Every strategy lineage, named by its latest version. */
export async function strategyLineages(trx: Tx, tenantId: string) {
  const rows = await trx
    .selectFrom('strategies')
    .select(['id', 'lineage_id', 'title', 'version', 'status', 'period_label'])
    .where('tenant_id', '=', tenantId)
    .orderBy('lineage_id')
    .orderBy('version', 'desc')
    .execute();
  const latest = new Map<string, (typeof rows)[number]>();
  for (const r of rows) if (!latest.has(r.lineage_id)) latest.set(r.lineage_id, r);
  return [...latest.values()].sort((a, b) => a.title.localeCompare(b.title));
}
export type Lineage = Awaited<ReturnType<typeof strategyLineages>>[number];

export async function boardStrategies(trx: Tx, tenantId: string, boardId: string) {
  const ids = await trx
    .selectFrom('board_strategies')
    .select('strategy_lineage_id')
    .where('tenant_id', '=', tenantId)
    .where('board_id', '=', boardId)
    .execute();
  const wanted = new Set(ids.map((r) => r.strategy_lineage_id));
  return (await strategyLineages(trx, tenantId)).filter((l) => wanted.has(l.lineage_id));
}

export async function setBoardStrategiesInTx(
  trx: Tx,
  ctx: TenantContext,
  boardId: string,
  lineageIds: string[],
) {
  requirePermission(ctx, 'governance.manage');
  const board = await findBoard(trx, ctx.tenantId, boardId);
  if (board.archived_at) throw new ConflictError('This board is archived: it cannot be changed.');
  const known = new Set((await strategyLineages(trx, ctx.tenantId)).map((l) => l.lineage_id));
  const wanted = [...new Set(lineageIds)];
  if (wanted.some((id) => !known.has(id))) {
    throw new ValidationError([
      { field: 'strategyLineageIds', message: 'Select strategies from the list' },
    ]);
  }
  const before = (await boardStrategies(trx, ctx.tenantId, boardId)).map((l) => l.lineage_id);
  await trx
    .deleteFrom('board_strategies')
    .where('tenant_id', '=', ctx.tenantId)
    .where('board_id', '=', boardId)
    .execute();
  if (wanted.length) {
    await trx
      .insertInto('board_strategies')
      .values(
        wanted.map((id) => ({
          tenant_id: ctx.tenantId,
          board_id: boardId,
          strategy_lineage_id: id,
        })),
      )
      .execute();
  }
  const same = before.length === wanted.length && before.every((id) => wanted.includes(id));
  if (!same) {
    await recordAudit(trx, ctx.actor, {
      tenantId: ctx.tenantId,
      action: 'board.strategies_changed',
      entityType: 'board',
      entityId: boardId,
      before: { name: board.name, strategy_lineage_ids: before },
      after: { name: board.name, strategy_lineage_ids: wanted },
    });
  }
  return wanted;
}

export function setBoardStrategies(
  db: Kysely<DB>,
  ctx: TenantContext,
  boardId: string,
  lineageIds: string[],
) {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
    setBoardStrategiesInTx(trx, ctx, boardId, lineageIds),
  );
}

// ---------------------------------------------------------------------------------------------
// The board page

export function loadBoardOverview(db: Kysely<DB>, ctx: TenantContext, id: string) {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
    const board = await findBoard(trx, ctx.tenantId, id);
    const reportsTo = board.reports_to_board_id
      ? await findBoard(trx, ctx.tenantId, board.reports_to_board_id)
      : null;
    const reportingToIt = await trx
      .selectFrom('boards')
      .select(['id', 'name', 'archived_at'])
      .where('tenant_id', '=', ctx.tenantId)
      .where('reports_to_board_id', '=', id)
      .orderBy('name')
      .execute();
    const meetings = await trx
      .selectFrom('meetings as m')
      .selectAll('m')
      .select((eb) =>
        eb
          .selectFrom('agenda_items as a')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('a.tenant_id', '=', 'm.tenant_id')
          .whereRef('a.meeting_id', '=', 'm.id')
          .as('item_count'),
      )
      .where('m.tenant_id', '=', ctx.tenantId)
      .where('m.board_id', '=', id)
      .orderBy('m.meets_on')
      .orderBy('m.starts_at')
      .execute();
    return {
      board,
      reportsTo,
      reportingToIt,
      members: await boardMembers(trx, ctx.tenantId, id),
      strategies: await boardStrategies(trx, ctx.tenantId, id),
      meetings,
    };
  });
}

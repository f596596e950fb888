/**
 * Board pages: the list, create and edit, the board page (members, strategies overseen,
 * meetings, the boards above and below it), members, strategies, archive and the calendar feed.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../kernel/auth/permissions.js';
import { tenantContext } from '../../kernel/auth/plugin.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import type { FieldError } from '../../kernel/http/errors.js';
import { parseInput } from '../../kernel/http/validation.js';
import { boardInput, boardStrategiesInput, memberInput } from './board.schemas.js';
import {
  addMember,
  archiveBoard,
  boardStrategies,
  createBoard,
  findBoard,
  listBoards,
  loadBoardOverview,
  organisationPeople,
  removeMember,
  setBoardStrategies,
  strategyLineages,
  updateBoard,
  type Board,
} from './board.service.js';
import {
  attempt,
  boardFormValues,
  cycleItems,
  CYCLE_LABELS,
  KIND_LABELS,
  kindItems,
  MEETING_STATUS_TAGS,
  meetingWhen,
  ukDate,
} from './board.view-model.js';
import { boardCalendarFor, calendarOptions } from './calendar.service.js';
import { todayInLondon } from '../strategy/index.js';

const VIEWS = 'governance/views/boards';

type Body = Record<string, unknown>;

export function bodyOf(request: FastifyRequest): Body {
  return typeof request.body === 'object' && request.body !== null ? (request.body as Body) : {};
}

export function param(request: FastifyRequest, name = 'id'): string {
  return (request.params as Record<string, string | undefined>)[name] ?? '';
}

export const boardRoutes: FastifyPluginAsync = async (app) => {
  const { db } = app.deps.database;
  const read = { access: 'org.read' } as const;
  const manage = { access: 'governance.manage' } as const;

  app.get('/boards', { config: read }, async (request, reply) => {
    const ctx = tenantContext(request);
    const boards = await withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
      listBoards(trx, ctx.tenantId),
    );
    const row = (b: (typeof boards)[number]) => ({
      id: b.id,
      name: b.name,
      kind: KIND_LABELS[b.kind],
      cycle: CYCLE_LABELS[b.reporting_cycle],
      reportsTo: b.reports_to_name,
      members: b.member_count ?? 0,
      nextMeeting: b.next_meeting_on ? ukDate(b.next_meeting_on) : null,
    });
    return reply.page(`${VIEWS}/list.njk`, {
      title: 'Boards',
      boards: boards.filter((b) => !b.archived_at).map(row),
      archived: boards.filter((b) => b.archived_at).map(row),
      canManage: can(ctx.role, 'governance.manage'),
    });
  });

  const boardForm = async (
    request: FastifyRequest,
    reply: FastifyReply,
    board: Board | null,
    data: { values: Body; errors?: FieldError[] },
    status?: number,
  ) => {
    const ctx = tenantContext(request);
    const others = await withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
      listBoards(trx, ctx.tenantId),
    );
    const selected = data.values.reportsToBoardId;
    return reply.page(
      `${VIEWS}/form.njk`,
      {
        title: board ? `Edit ${board.name}` : 'Create a board',
        action: board ? `/boards/${board.id}/edit` : '/boards/new',
        submitText: board ? 'Save changes' : 'Create board',
        cancelHref: board ? `/boards/${board.id}` : '/boards',
        breadcrumbs: [
          { text: 'Boards', href: '/boards' },
          ...(board ? [{ text: board.name, href: `/boards/${board.id}` }] : []),
        ],
        kindItems: kindItems(data.values.kind),
        cycleItems: cycleItems(data.values.reportingCycle ?? 'quarterly'),
        parentItems: [
          { value: '', text: 'It does not report to another board' },
          ...others
            .filter((o) => !o.archived_at && o.id !== board?.id)
            .map((o) => ({ value: o.id, text: o.name, selected: o.id === selected })),
        ],
        values: data.values,
        errors: data.errors,
      },
      status,
    );
  };

  app.get('/boards/new', { config: manage }, async (request, reply) =>
    boardForm(request, reply, null, {
      values: { reportingCycle: 'quarterly', updateLeadDays: '14', reminderAfterDays: '7' },
    }),
  );

  app.post('/boards/new', { config: manage }, async (request, reply) => {
    const ctx = tenantContext(request);
    const body = bodyOf(request);
    const parsed = parseInput(boardInput, body);
    if (!parsed.ok)
      return boardForm(request, reply, null, { values: body, errors: parsed.errors }, 400);
    const done = await attempt(() => createBoard(db, ctx, parsed.data));
    if (!done.ok)
      return boardForm(request, reply, null, { values: body, errors: done.errors }, done.status);
    return reply
      .flash(`Board created: ${done.value.name}`)
      .redirect(`/boards/${done.value.id}`, 303);
  });

  const loadBoard = (request: FastifyRequest) => {
    const ctx = tenantContext(request);
    return withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
      findBoard(trx, ctx.tenantId, param(request)),
    );
  };

  app.get('/boards/:id/edit', { config: manage }, async (request, reply) => {
    const board = await loadBoard(request);
    return boardForm(request, reply, board, { values: boardFormValues(board) });
  });

  app.post('/boards/:id/edit', { config: manage }, async (request, reply) => {
    const ctx = tenantContext(request);
    const board = await loadBoard(request);
    const body = bodyOf(request);
    const parsed = parseInput(boardInput, body);
    if (!parsed.ok)
      return boardForm(request, reply, board, { values: body, errors: parsed.errors }, 400);
    const done = await attempt(() => updateBoard(db, ctx, board.id, parsed.data));
    if (!done.ok)
      return boardForm(request, reply, board, { values: body, errors: done.errors }, done.status);
    return reply.flash('Board saved').redirect(`/boards/${board.id}`, 303);
  });

  app.get('/boards/:id', { config: read }, async (request, reply) => {
    const ctx = tenantContext(request);
    const o = await loadBoardOverview(db, ctx, param(request));
    const today = todayInLondon();
    const meetingRow = (m: (typeof o.meetings)[number]) => ({
      id: m.id,
      when: meetingWhen(m),
      location: m.location,
      status: MEETING_STATUS_TAGS[m.status],
      items: m.item_count ?? 0,
    });
    return reply.page(`${VIEWS}/show.njk`, {
      title: o.board.name,
      board: o.board,
      kind: KIND_LABELS[o.board.kind],
      purposeParagraphs: (o.board.purpose ?? '')
        .split(/\n\s*\n/)
        .map((p) => p.trim())
        .filter(Boolean),
      cycle: CYCLE_LABELS[o.board.reporting_cycle],
      reportsTo: o.reportsTo,
      reportingToIt: o.reportingToIt,
      members: o.members,
      strategies: o.strategies,
      upcoming: o.meetings.filter((m) => m.meets_on >= today).map(meetingRow),
      past: o.meetings
        .filter((m) => m.meets_on < today)
        .reverse()
        .map(meetingRow),
      canManage: can(ctx.role, 'governance.manage') && !o.board.archived_at,
    });
  });

  app.get('/boards/:id/archive', { config: manage }, async (request, reply) => {
    const board = await loadBoard(request);
    return reply.page(`${VIEWS}/archive.njk`, { title: `Archive ${board.name}?`, board });
  });

  app.post('/boards/:id/archive', { config: manage }, async (request, reply) => {
    const ctx = tenantContext(request);
    const board = await archiveBoard(db, ctx, param(request));
    return reply.flash(`${board.name} is archived`).redirect(`/boards/${board.id}`, 303);
  });

  // Members

  const memberForm = async (
    request: FastifyRequest,
    reply: FastifyReply,
    board: Board,
    data: { values: Body; errors?: FieldError[] },
    status?: number,
  ) => {
    const ctx = tenantContext(request);
    const people = await withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
      organisationPeople(trx, ctx.tenantId),
    );
    return reply.page(
      `${VIEWS}/member-form.njk`,
      {
        title: `Add a member to ${board.name}`,
        board,
        peopleItems: [
          { value: '', text: 'Not someone with an account' },
          ...people.map((p) => ({
            value: p.id,
            text: p.display_name,
            selected: p.id === data.values.userId,
          })),
        ],
        values: data.values,
        errors: data.errors,
      },
      status,
    );
  };

  app.get('/boards/:id/members/new', { config: manage }, async (request, reply) =>
    memberForm(request, reply, await loadBoard(request), { values: {} }),
  );

  app.post('/boards/:id/members/new', { config: manage }, async (request, reply) => {
    const ctx = tenantContext(request);
    const board = await loadBoard(request);
    const body = bodyOf(request);
    const parsed = parseInput(memberInput, body);
    if (!parsed.ok)
      return memberForm(request, reply, board, { values: body, errors: parsed.errors }, 400);
    const done = await attempt(() => addMember(db, ctx, board.id, parsed.data));
    if (!done.ok)
      return memberForm(request, reply, board, { values: body, errors: done.errors }, done.status);
    return reply.flash('Member added').redirect(`/boards/${board.id}#members`, 303);
  });

  app.post('/boards/:id/members/:memberId/remove', { config: manage }, async (request, reply) => {
    const ctx = tenantContext(request);
    const removed = await removeMember(db, ctx, param(request), param(request, 'memberId'));
    return reply
      .flash(`${removed?.name ?? 'The member'} is no longer a member`)
      .redirect(`/boards/${param(request)}#members`, 303);
  });

  // Strategies overseen

  const strategiesForm = async (
    request: FastifyRequest,
    reply: FastifyReply,
    board: Board,
    data: { chosen: string[]; errors?: FieldError[] },
    status?: number,
  ) => {
    const ctx = tenantContext(request);
    const lineages = await withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
      strategyLineages(trx, ctx.tenantId),
    );
    return reply.page(
      `${VIEWS}/strategies.njk`,
      {
        title: `Strategies ${board.name} oversees`,
        board,
        items: lineages.map((l) => ({
          value: l.lineage_id,
          text: l.title,
          hint: { text: `Version ${l.version}${l.period_label ? `, ${l.period_label}` : ''}` },
          checked: data.chosen.includes(l.lineage_id),
        })),
        errors: data.errors,
      },
      status,
    );
  };

  app.get('/boards/:id/strategies', { config: manage }, async (request, reply) => {
    const ctx = tenantContext(request);
    const board = await loadBoard(request);
    const chosen = await withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
      boardStrategies(trx, ctx.tenantId, board.id),
    );
    return strategiesForm(request, reply, board, { chosen: chosen.map((l) => l.lineage_id) });
  });

  app.post('/boards/:id/strategies', { config: manage }, async (request, reply) => {
    const ctx = tenantContext(request);
    const board = await loadBoard(request);
    const parsed = parseInput(boardStrategiesInput, bodyOf(request));
    if (!parsed.ok)
      return strategiesForm(request, reply, board, { chosen: [], errors: parsed.errors }, 400);
    const ids = parsed.data.strategyLineageIds;
    const done = await attempt(() => setBoardStrategies(db, ctx, board.id, ids));
    if (!done.ok)
      return strategiesForm(
        request,
        reply,
        board,
        { chosen: ids, errors: done.errors },
        done.status,
      );
    return reply.flash('Strategies overseen saved').redirect(`/boards/${board.id}#strategies`, 303);
  });

  // The calendar feed

  app.get('/boards/:id/calendar.ics', { config: read }, async (request, reply) => {
    const ctx = tenantContext(request);
    const { board, ics } = await boardCalendarFor(
      db,
      ctx,
      param(request),
      calendarOptions(request),
    );
    return reply
      .type('text/calendar; charset=utf-8')
      .header('content-disposition', `inline; filename="board-${board.id}.ics"`)
      .send(ics);
  });
};

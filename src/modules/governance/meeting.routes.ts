/**
 * Meeting pages: create and edit a meeting, its agenda (add, edit, reorder), record decisions,
 * mark it held or cancelled; and the forward plan of every board's upcoming meetings.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../kernel/auth/permissions.js';
import { tenantContext } from '../../kernel/auth/plugin.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import type { FieldError } from '../../kernel/http/errors.js';
import { parseInput } from '../../kernel/http/validation.js';
import { bodyOf, param } from './board.routes.js';
import {
  agendaItemInput,
  decisionInput,
  meetingInput,
  meetingStatusInput,
  moveInput,
} from './board.schemas.js';
import { findBoard, type Board } from './board.service.js';
import {
  attempt,
  ITEM_KIND_LABELS,
  MEETING_STATUS_TAGS,
  meetingFieldErrors,
  meetingFormValues,
  meetingTitle,
  meetingWhen,
  outcomeItems,
  REPORT_STATUS_LABELS,
  withMeetingDate,
} from './board.view-model.js';
import { recordDecision } from './decision.service.js';
import {
  addAgendaItem,
  createMeeting,
  findAgendaItem,
  findMeeting,
  forwardPlan,
  loadMeetingOverview,
  moveAgendaItem,
  setMeetingStatus,
  strategyChoices,
  updateAgendaItem,
  updateMeeting,
  type AgendaItem,
  type Meeting,
} from './meeting.service.js';

const VIEWS = 'governance/views/meetings';

const STATUS_WORDS = { planned: 'planned', held: 'held', cancelled: 'cancelled' } as const;

export const meetingRoutes: FastifyPluginAsync = async (app) => {
  const { db } = app.deps.database;
  const read = { access: 'org.read' } as const;
  const manage = { access: 'governance.manage' } as const;
  const decide = { access: 'decisions.record' } as const;

  const load = async (request: FastifyRequest) => {
    const ctx = tenantContext(request);
    return withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
      const meeting = await findMeeting(trx, ctx.tenantId, param(request));
      return { meeting, board: await findBoard(trx, ctx.tenantId, meeting.board_id) };
    });
  };

  const meetingForm = (
    reply: FastifyReply,
    board: Board,
    meeting: Meeting | null,
    data: { values: Record<string, unknown>; errors?: FieldError[] },
    status?: number,
  ) =>
    reply.page(
      `${VIEWS}/form.njk`,
      {
        title: meeting ? 'Edit meeting' : `Add a meeting of ${board.name}`,
        board,
        meeting,
        action: meeting ? `/meetings/${meeting.id}/edit` : `/boards/${board.id}/meetings/new`,
        submitText: meeting ? 'Save changes' : 'Add meeting',
        cancelHref: meeting ? `/meetings/${meeting.id}` : `/boards/${board.id}`,
        values: data.values,
        errors: data.errors ? meetingFieldErrors(data.errors) : undefined,
      },
      status,
    );

  app.get('/boards/:id/meetings/new', { config: manage }, async (request, reply) => {
    const ctx = tenantContext(request);
    const board = await withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
      findBoard(trx, ctx.tenantId, param(request)),
    );
    return meetingForm(reply, board, null, { values: {} });
  });

  app.post('/boards/:id/meetings/new', { config: manage }, async (request, reply) => {
    const ctx = tenantContext(request);
    const board = await withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
      findBoard(trx, ctx.tenantId, param(request)),
    );
    const body = bodyOf(request);
    const parsed = parseInput(meetingInput, withMeetingDate(body));
    if (!parsed.ok)
      return meetingForm(reply, board, null, { values: body, errors: parsed.errors }, 400);
    const meeting = await createMeeting(db, ctx, board.id, parsed.data);
    return reply
      .flash(`Meeting added: ${meetingWhen(meeting)}`)
      .redirect(`/meetings/${meeting.id}`, 303);
  });

  app.get('/meetings/:id/edit', { config: manage }, async (request, reply) => {
    const { meeting, board } = await load(request);
    return meetingForm(reply, board, meeting, { values: meetingFormValues(meeting) });
  });

  app.post('/meetings/:id/edit', { config: manage }, async (request, reply) => {
    const ctx = tenantContext(request);
    const { meeting, board } = await load(request);
    const body = bodyOf(request);
    const parsed = parseInput(meetingInput, withMeetingDate(body));
    if (!parsed.ok)
      return meetingForm(reply, board, meeting, { values: body, errors: parsed.errors }, 400);
    await updateMeeting(db, ctx, meeting.id, parsed.data);
    return reply.flash('Meeting saved').redirect(`/meetings/${meeting.id}`, 303);
  });

  app.post('/meetings/:id/status', { config: manage }, async (request, reply) => {
    const ctx = tenantContext(request);
    const { meeting } = await load(request);
    const parsed = parseInput(meetingStatusInput, request.body);
    // Only the page's own buttons send this form: without a status nothing changes.
    if (parsed.ok) {
      await setMeetingStatus(db, ctx, meeting.id, parsed.data.status);
      reply.flash(`Meeting marked as ${STATUS_WORDS[parsed.data.status]}`);
    }
    return reply.redirect(`/meetings/${meeting.id}`, 303);
  });

  app.get('/meetings/:id', { config: read }, async (request, reply) => {
    const ctx = tenantContext(request);
    const o = await loadMeetingOverview(db, ctx, param(request));
    const canManage = can(ctx.role, 'governance.manage');
    return reply.page(`${VIEWS}/show.njk`, {
      title: meetingTitle(o.board.name, o.meeting),
      meeting: o.meeting,
      board: o.board,
      when: meetingWhen(o.meeting),
      status: MEETING_STATUS_TAGS[o.meeting.status],
      items: o.items.map((i, index) => ({
        ...i,
        number: index + 1,
        kindLabel: ITEM_KIND_LABELS[i.kind],
        reportStatus: i.report_status ? REPORT_STATUS_LABELS[i.report_status] : null,
        first: index === 0,
        last: index === o.items.length - 1,
      })),
      reports: o.items
        .filter((i) => i.report_id && i.report_title)
        .map((i) => ({
          id: i.report_id,
          title: i.report_title,
          status: i.report_status ? REPORT_STATUS_LABELS[i.report_status] : '',
        })),
      canManage,
      canDecide: can(ctx.role, 'decisions.record') && o.meeting.status !== 'cancelled',
    });
  });

  // Agenda items

  const itemForm = async (
    request: FastifyRequest,
    reply: FastifyReply,
    meeting: Meeting,
    board: Board,
    item: AgendaItem | null,
    data: { values: Record<string, unknown>; errors?: FieldError[] },
    status?: number,
  ) => {
    const ctx = tenantContext(request);
    const strategies = await withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
      strategyChoices(trx, ctx.tenantId),
    );
    const selected = data.values.strategyId;
    return reply.page(
      `${VIEWS}/item-form.njk`,
      {
        title: item ? 'Edit agenda item' : 'Add an agenda item',
        meeting,
        board,
        meetingTitle: meetingTitle(board.name, meeting),
        action: item
          ? `/meetings/${meeting.id}/items/${item.id}/edit`
          : `/meetings/${meeting.id}/items/new`,
        submitText: item ? 'Save item' : 'Add item',
        kindItems: (['report', 'paper', 'other'] as const).map((value) => ({
          value,
          text: ITEM_KIND_LABELS[value],
          checked: value === (data.values.kind ?? 'paper'),
        })),
        strategyItems: [
          { value: '', text: 'Not about one strategy' },
          ...strategies.map((s) => ({
            value: s.id,
            text: `${s.title} (version ${s.version})`,
            selected: s.id === selected,
          })),
        ],
        values: data.values,
        errors: data.errors,
      },
      status,
    );
  };

  app.get('/meetings/:id/items/new', { config: manage }, async (request, reply) => {
    const { meeting, board } = await load(request);
    return itemForm(request, reply, meeting, board, null, { values: { kind: 'paper' } });
  });

  app.post('/meetings/:id/items/new', { config: manage }, async (request, reply) => {
    const ctx = tenantContext(request);
    const { meeting, board } = await load(request);
    const body = bodyOf(request);
    const parsed = parseInput(agendaItemInput, body);
    if (!parsed.ok)
      return itemForm(
        request,
        reply,
        meeting,
        board,
        null,
        { values: body, errors: parsed.errors },
        400,
      );
    const done = await attempt(() => addAgendaItem(db, ctx, meeting.id, parsed.data));
    if (!done.ok)
      return itemForm(
        request,
        reply,
        meeting,
        board,
        null,
        { values: body, errors: done.errors },
        done.status,
      );
    return reply
      .flash(`Agenda item added: ${done.value.title}`)
      .redirect(`/meetings/${meeting.id}#item-${done.value.id}`, 303);
  });

  const loadItem = async (request: FastifyRequest) => {
    const ctx = tenantContext(request);
    return withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
      const meeting = await findMeeting(trx, ctx.tenantId, param(request));
      return {
        meeting,
        board: await findBoard(trx, ctx.tenantId, meeting.board_id),
        item: await findAgendaItem(trx, ctx.tenantId, meeting.id, param(request, 'itemId')),
      };
    });
  };

  app.get('/meetings/:id/items/:itemId/edit', { config: manage }, async (request, reply) => {
    const { meeting, board, item } = await loadItem(request);
    return itemForm(request, reply, meeting, board, item, {
      values: {
        title: item.title,
        kind: item.kind,
        strategyId: item.strategy_id ?? '',
        paperUrl: item.paper_url ?? '',
      },
    });
  });

  app.post('/meetings/:id/items/:itemId/edit', { config: manage }, async (request, reply) => {
    const ctx = tenantContext(request);
    const { meeting, board, item } = await loadItem(request);
    const body = bodyOf(request);
    const parsed = parseInput(agendaItemInput, body);
    if (!parsed.ok)
      return itemForm(
        request,
        reply,
        meeting,
        board,
        item,
        { values: body, errors: parsed.errors },
        400,
      );
    const done = await attempt(() => updateAgendaItem(db, ctx, meeting.id, item.id, parsed.data));
    if (!done.ok)
      return itemForm(
        request,
        reply,
        meeting,
        board,
        item,
        { values: body, errors: done.errors },
        done.status,
      );
    return reply
      .flash('Agenda item saved')
      .redirect(`/meetings/${meeting.id}#item-${item.id}`, 303);
  });

  app.post('/meetings/:id/items/:itemId/move', { config: manage }, async (request, reply) => {
    const ctx = tenantContext(request);
    const { meeting, item } = await loadItem(request);
    const parsed = parseInput(moveInput, request.body);
    if (parsed.ok && (await moveAgendaItem(db, ctx, meeting.id, item.id, parsed.data.direction))) {
      reply.flash(`Item moved ${parsed.data.direction}`);
    }
    return reply.redirect(`/meetings/${meeting.id}#item-${item.id}`, 303);
  });

  // Decisions

  const decisionForm = (
    reply: FastifyReply,
    found: Awaited<ReturnType<typeof loadItem>>,
    data: { values: Record<string, unknown>; errors?: FieldError[] },
    status?: number,
  ) =>
    reply.page(
      `${VIEWS}/decision-form.njk`,
      {
        title: `Record a decision on ${found.item.title}`,
        meeting: found.meeting,
        board: found.board,
        item: found.item,
        meetingTitle: meetingTitle(found.board.name, found.meeting),
        outcomeItems: outcomeItems(data.values.outcome),
        values: data.values,
        errors: data.errors,
      },
      status,
    );

  app.get('/meetings/:id/items/:itemId/decisions/new', { config: decide }, async (request, reply) =>
    decisionForm(reply, await loadItem(request), { values: {} }),
  );

  app.post(
    '/meetings/:id/items/:itemId/decisions/new',
    { config: decide },
    async (request, reply) => {
      const ctx = tenantContext(request);
      const found = await loadItem(request);
      const body = bodyOf(request);
      const parsed = parseInput(decisionInput, body);
      if (!parsed.ok)
        return decisionForm(reply, found, { values: body, errors: parsed.errors }, 400);
      await recordDecision(db, ctx, found.meeting.id, found.item.id, parsed.data);
      return reply
        .flash(`Decision recorded on ${found.item.title}`)
        .redirect(`/meetings/${found.meeting.id}#item-${found.item.id}`, 303);
    },
  );

  // The forward plan

  app.get('/forward-plan', { config: read }, async (request, reply) => {
    const ctx = tenantContext(request);
    const plan = await forwardPlan(db, ctx);
    return reply.page(`${VIEWS}/forward-plan.njk`, {
      title: 'Forward plan',
      meetings: plan.map((p) => ({
        id: p.meeting.id,
        heading: meetingTitle(p.boardName, p.meeting),
        when: meetingWhen(p.meeting),
        boardId: p.meeting.board_id,
        boardName: p.boardName,
        location: p.meeting.location,
        items: p.items.map((i) => ({
          title: i.title,
          kindLabel: ITEM_KIND_LABELS[i.kind],
          strategy: i.strategy_title,
        })),
        reportsDue: p.reportsDue,
      })),
    });
  });
};

/** JSON API v1 for meetings, their agenda items and the decisions recorded against them. */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { tenantContext } from '../../kernel/auth/plugin.js';
import { isUuid } from '../../kernel/db/ids.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import { ValidationError } from '../../kernel/http/errors.js';
import { problemResponses } from '../../kernel/http/openapi.js';
import { pageQuerySchema, pageSchema, paginate } from '../../kernel/http/pagination.js';
import { fieldErrors } from '../../kernel/http/validation.js';
import { TAGS } from './board.api.js';
import {
  AGENDA_KINDS,
  agendaItemInput,
  decisionInput,
  MEETING_STATUSES,
  meetingInput,
} from './board.schemas.js';
import { findBoard } from './board.service.js';
import { decisionsForItems, recordDecision, type DecisionView } from './decision.service.js';
import { DECISION_OUTCOMES } from './governance.tables.js';
import {
  addAgendaItem,
  agendaItems,
  createMeetingInTx,
  findAgendaItem,
  findMeeting,
  setMeetingStatusInTx,
  shortTime,
  updateAgendaItem,
  updateMeeting,
  type AgendaItemView,
  type Meeting,
} from './meeting.service.js';

const date = z.string().describe('A calendar date, YYYY-MM-DD.');
const timestamp = z.string().describe('A moment in time, ISO 8601 in UTC.');

const meetingSchema = z.object({
  id: z.string(),
  boardId: z.string(),
  meetsOn: date,
  startsAt: z.string().nullable().describe('HH:MM on the UK clock, or null for no set time.'),
  location: z.string().nullable(),
  minutesUrl: z.string().nullable(),
  status: z.enum(MEETING_STATUSES),
  createdAt: timestamp,
  updatedAt: timestamp,
});

const decisionSchema = z.object({
  id: z.string(),
  agendaItemId: z.string(),
  outcome: z.enum(DECISION_OUTCOMES),
  note: z.string().nullable(),
  recordedBy: z.object({ userId: z.string(), name: z.string() }),
  recordedAt: timestamp,
  supersededById: z
    .string()
    .nullable()
    .describe('The later decision on the same item that replaces this one, if any.'),
});

const itemSchema = z.object({
  id: z.string(),
  position: z.number().int().describe('Order on the agenda, from 1.'),
  title: z.string(),
  kind: z.enum(AGENDA_KINDS),
  strategyId: z.string().nullable().describe('The strategy version the item is about.'),
  reportId: z.string().nullable(),
  paperUrl: z.string().nullable(),
  decisions: z.array(decisionSchema).describe('Oldest first; the last one stands.'),
});

const meetingDetailSchema = meetingSchema.extend({ agendaItems: z.array(itemSchema) });

function meetingJson(m: Meeting) {
  return {
    id: m.id,
    boardId: m.board_id,
    meetsOn: m.meets_on,
    startsAt: shortTime(m.starts_at),
    location: m.location,
    minutesUrl: m.minutes_url,
    status: m.status,
    createdAt: m.created_at.toISOString(),
    updatedAt: m.updated_at.toISOString(),
  };
}

function decisionJson(d: DecisionView) {
  return {
    id: d.id,
    agendaItemId: d.agenda_item_id,
    outcome: d.outcome,
    note: d.note,
    recordedBy: { userId: d.recorded_by, name: d.recordedByName },
    recordedAt: d.recorded_at.toISOString(),
    supersededById: d.supersededBy?.id ?? null,
  };
}

function itemJson(i: AgendaItemView, decisions: DecisionView[]) {
  return {
    id: i.id,
    position: i.position,
    title: i.title,
    kind: i.kind,
    strategyId: i.strategy_id,
    reportId: i.report_id,
    paperUrl: i.paper_url,
    decisions: decisions.map(decisionJson),
  };
}

function valid<T>(schema: z.ZodType<T>, candidate: unknown): T {
  const result = schema.safeParse(candidate);
  if (!result.success) {
    throw new ValidationError(
      fieldErrors(result.error).map((e) => ({ field: `body.${e.field}`, message: e.message })),
    );
  }
  return result.data;
}

async function asApi<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ValidationError) {
      throw new ValidationError(
        error.fieldErrors.map((e) => ({ field: `body.${e.field}`, message: e.message })),
      );
    }
    throw error;
  }
}

const M = meetingInput.shape;
const meetingFields = {
  meetsOn: M.meetsOn.describe('YYYY-MM-DD.'),
  startsAt: M.startsAt.describe('HH:MM on the 24-hour UK clock; leave out for no set time.'),
  location: M.location,
  minutesUrl: M.minutesUrl.describe('http:// or https:// address of the minutes.'),
};
const meetingBody = z.object({
  boardId: z.string().describe('The board that meets.'),
  ...meetingFields,
});
const meetingPatchBody = z.object({
  meetsOn: z.string().optional(),
  startsAt: z.string().nullable().optional(),
  location: z.string().nullable().optional(),
  minutesUrl: z.string().nullable().optional(),
  status: z.enum(MEETING_STATUSES).optional().describe('Mark the meeting held or cancelled.'),
});

const A = agendaItemInput.shape;
const itemBody = z.object({
  title: A.title,
  kind: A.kind.describe('Default "paper".'),
  strategyId: A.strategyId.describe('A strategy version’s id.'),
  paperUrl: A.paperUrl,
});

const idParams = z.object({ id: z.string().describe('The meeting’s id.') });
const itemParams = idParams.extend({ itemId: z.string().describe('The agenda item’s id.') });

const listQuery = pageQuerySchema.extend({
  boardId: z.string().optional().describe('Only this board’s meetings.'),
});

export const meetingApiRoutes: FastifyPluginAsync = async (app) => {
  const { db } = app.deps.database;
  const api = app.withTypeProvider<ZodTypeProvider>();

  const detail = (tenantId: string, userId: string | null, id: string) =>
    withTenant(db, tenantId, userId, async (trx) => {
      const meeting = await findMeeting(trx, tenantId, id);
      const items = await agendaItems(trx, tenantId, [meeting.id]);
      const decisions = await decisionsForItems(
        trx,
        tenantId,
        items.map((i) => i.id),
      );
      return {
        ...meetingJson(meeting),
        agendaItems: items.map((i) => itemJson(i, decisions.get(i.id) ?? [])),
      };
    });

  api.get(
    '/api/v1/meetings',
    {
      config: { access: 'org.read' },
      schema: {
        summary: 'List meetings',
        description: 'Meetings of every board (or of one), in the order they were added.',
        tags: TAGS,
        querystring: listQuery,
        response: { 200: pageSchema(meetingSchema), ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const ctx = tenantContext(request);
      const { boardId } = request.query;
      if (boardId !== undefined && !isUuid(boardId)) {
        throw new ValidationError([
          { field: 'query.boardId', message: 'boardId must be a board’s id' },
        ]);
      }
      return withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
        paginate(
          trx
            .selectFrom('meetings as m')
            .selectAll('m')
            .where('m.tenant_id', '=', ctx.tenantId)
            .$if(boardId !== undefined, (q) => q.where('m.board_id', '=', boardId ?? '')),
          {
            key: 'm.id',
            keyOf: (r) => r.id,
            page: request.query,
            url: request.url,
            map: meetingJson,
          },
        ),
      );
    },
  );

  api.post(
    '/api/v1/meetings',
    {
      config: { access: 'governance.manage' },
      schema: {
        summary: 'Add a meeting',
        tags: TAGS,
        body: meetingBody,
        response: { 201: meetingDetailSchema, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const ctx = tenantContext(request);
      const { boardId, ...rest } = request.body;
      const input = valid(meetingInput, rest);
      const meeting = await withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
        const board = await findBoard(trx, ctx.tenantId, boardId).catch(() => {
          throw new ValidationError([{ field: 'body.boardId', message: 'There is no such board' }]);
        });
        return createMeetingInTx(trx, ctx, board.id, input);
      });
      return reply
        .code(201)
        .header('location', `/api/v1/meetings/${meeting.id}`)
        .send(await detail(ctx.tenantId, ctx.actor.userId, meeting.id));
    },
  );

  api.get(
    '/api/v1/meetings/:id',
    {
      config: { access: 'org.read' },
      schema: {
        summary: 'Read a meeting',
        description: 'The meeting with its agenda items, in order, and their decisions.',
        tags: TAGS,
        params: idParams,
        response: { 200: meetingDetailSchema, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => {
      const ctx = tenantContext(request);
      return detail(ctx.tenantId, ctx.actor.userId, request.params.id);
    },
  );

  api.patch(
    '/api/v1/meetings/:id',
    {
      config: { access: 'governance.manage' },
      schema: {
        summary: 'Change a meeting',
        description:
          'Changes the properties given and leaves the rest; null clears an optional property.',
        tags: TAGS,
        params: idParams,
        body: meetingPatchBody,
        response: { 200: meetingDetailSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const ctx = tenantContext(request);
      const current = await withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
        findMeeting(trx, ctx.tenantId, request.params.id),
      );
      const { status, ...changes } = request.body;
      const merged: Record<string, unknown> = {
        meetsOn: current.meets_on,
        startsAt: shortTime(current.starts_at) ?? undefined,
        location: current.location ?? undefined,
        minutesUrl: current.minutes_url ?? undefined,
      };
      for (const [key, value] of Object.entries(changes as Record<string, unknown>)) {
        if (value !== undefined) merged[key] = value === null ? undefined : value;
      }
      const input = valid(meetingInput, merged);
      if (Object.keys(changes).length) await updateMeeting(db, ctx, current.id, input);
      if (status) {
        await withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
          setMeetingStatusInTx(trx, ctx, current.id, status),
        );
      }
      return detail(ctx.tenantId, ctx.actor.userId, current.id);
    },
  );

  api.post(
    '/api/v1/meetings/:id/agenda-items',
    {
      config: { access: 'governance.manage' },
      schema: {
        summary: 'Add an agenda item',
        description: 'Added at the end of the agenda.',
        tags: TAGS,
        params: idParams,
        body: itemBody,
        response: { 201: itemSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const ctx = tenantContext(request);
      const input = valid(agendaItemInput, request.body);
      const item = await asApi(() => addAgendaItem(db, ctx, request.params.id, input));
      const view = (await detail(ctx.tenantId, ctx.actor.userId, request.params.id)).agendaItems;
      const added = view.find((i) => i.id === item.id);
      if (!added) throw new Error('The new agenda item could not be read back');
      return reply.code(201).send(added);
    },
  );

  api.patch(
    '/api/v1/meetings/:id/agenda-items/:itemId',
    {
      config: { access: 'governance.manage' },
      schema: {
        summary: 'Change an agenda item',
        description: 'Changes the properties given; null clears strategyId or paperUrl.',
        tags: TAGS,
        params: itemParams,
        body: z.object({
          title: z.string().optional(),
          kind: z.enum(AGENDA_KINDS).optional(),
          strategyId: z.string().nullable().optional(),
          paperUrl: z.string().nullable().optional(),
        }),
        response: { 200: itemSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const ctx = tenantContext(request);
      const { id, itemId } = request.params;
      const current = await withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
        const meeting = await findMeeting(trx, ctx.tenantId, id);
        return findAgendaItem(trx, ctx.tenantId, meeting.id, itemId);
      });
      const merged: Record<string, unknown> = {
        title: current.title,
        kind: current.kind,
        strategyId: current.strategy_id ?? undefined,
        paperUrl: current.paper_url ?? undefined,
      };
      for (const [key, value] of Object.entries(request.body as Record<string, unknown>)) {
        if (value !== undefined) merged[key] = value === null ? undefined : value;
      }
      const input = valid(agendaItemInput, merged);
      await asApi(() => updateAgendaItem(db, ctx, id, itemId, input));
      const view = (await detail(ctx.tenantId, ctx.actor.userId, id)).agendaItems;
      return view.find((i) => i.id === itemId);
    },
  );

  api.get(
    '/api/v1/meetings/:id/decisions',
    {
      config: { access: 'org.read' },
      schema: {
        summary: 'List a meeting’s decisions',
        description: 'Every decision recorded at the meeting, oldest first, corrections included.',
        tags: TAGS,
        params: idParams,
        querystring: pageQuerySchema,
        response: { 200: pageSchema(decisionSchema), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const ctx = tenantContext(request);
      return withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
        const meeting = await findMeeting(trx, ctx.tenantId, request.params.id);
        const items = await agendaItems(trx, ctx.tenantId, [meeting.id]);
        const all = await decisionsForItems(
          trx,
          ctx.tenantId,
          items.map((i) => i.id),
        );
        const byId = new Map([...all.values()].flat().map((d) => [d.id, d]));
        return paginate(
          trx
            .selectFrom('decisions as d')
            .select('d.id')
            .where('d.tenant_id', '=', ctx.tenantId)
            .where(
              'd.agenda_item_id',
              'in',
              items.length ? items.map((i) => i.id) : ['00000000-0000-0000-0000-000000000000'],
            ),
          {
            key: 'd.id',
            keyOf: (r) => r.id,
            page: request.query,
            url: request.url,
            map: (r) => decisionJson(byId.get(r.id) as DecisionView),
          },
        );
      });
    },
  );

  api.post(
    '/api/v1/meetings/:id/agenda-items/:itemId/decisions',
    {
      config: { access: 'decisions.record' },
      schema: {
        summary: 'Record a decision',
        description:
          'Decisions are never changed: to correct one, record another on the same item; it supersedes the earlier one. Recorded as the token’s owner.',
        tags: TAGS,
        params: itemParams,
        body: z.object({
          outcome: decisionInput.shape.outcome,
          note: decisionInput.shape.note.describe('The wording of the decision, as minuted.'),
        }),
        response: { 201: decisionSchema, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const ctx = tenantContext(request);
      const { id, itemId } = request.params;
      const input = valid(decisionInput, request.body);
      const decision = await recordDecision(db, ctx, id, itemId, input);
      const views = await withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
        decisionsForItems(trx, ctx.tenantId, [itemId]),
      );
      const view = (views.get(itemId) ?? []).find((d) => d.id === decision.id);
      if (!view) throw new Error('The new decision could not be read back');
      return reply.code(201).send(decisionJson(view));
    },
  );
};

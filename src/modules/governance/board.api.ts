/** JSON API v1 for boards, their members and the board calendar feed. */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { tenantContext } from '../../kernel/auth/plugin.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import { ValidationError } from '../../kernel/http/errors.js';
import { problemResponses } from '../../kernel/http/openapi.js';
import { pageQuerySchema, pageSchema, paginate } from '../../kernel/http/pagination.js';
import { fieldErrors } from '../../kernel/http/validation.js';
import { boardInput, memberInput, type BoardInput } from './board.schemas.js';
import {
  addMember,
  boardMembers,
  boardStrategies,
  createBoardInTx,
  findBoard,
  removeMember,
  setBoardStrategiesInTx,
  updateBoard,
  type Board,
  type BoardMemberView,
} from './board.service.js';
import { boardCalendarFor, calendarOptions } from './calendar.service.js';
import { BOARD_KINDS, REPORTING_CYCLES } from './governance.tables.js';

export const TAGS = ['Boards and meetings'];

const timestamp = z.string().describe('A moment in time, ISO 8601 in UTC.');

const memberSchema = z.object({
  id: z.string(),
  userId: z.string().nullable().describe('The person’s account, or null for a named member.'),
  name: z.string().describe('The person’s name.'),
  role: z.string().nullable().describe('Their role on the board, e.g. "Chair".'),
});

const boardSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(BOARD_KINDS),
  purpose: z.string().nullable().describe('Purpose or terms of reference.'),
  reportingCycle: z.enum(REPORTING_CYCLES),
  reportsToBoardId: z.string().nullable(),
  updateLeadDays: z.number().int().describe('Days before a report that owners are asked.'),
  reminderAfterDays: z.number().int().describe('Days after the request that a reminder follows.'),
  archived: z.boolean(),
  createdAt: timestamp,
  updatedAt: timestamp,
});

const boardDetailSchema = boardSchema.extend({
  members: z.array(memberSchema),
  strategyLineageIds: z
    .array(z.string())
    .describe('The strategies it oversees, by lineage (every version of each).'),
});

export function boardJson(b: Board) {
  return {
    id: b.id,
    name: b.name,
    kind: b.kind,
    purpose: b.purpose,
    reportingCycle: b.reporting_cycle,
    reportsToBoardId: b.reports_to_board_id,
    updateLeadDays: b.update_lead_days,
    reminderAfterDays: b.reminder_after_days,
    archived: b.archived_at !== null,
    createdAt: b.created_at.toISOString(),
    updatedAt: b.updated_at.toISOString(),
  };
}

function memberJson(m: BoardMemberView) {
  return { id: m.id, userId: m.user_id, name: m.name, role: m.member_role };
}

const B = boardInput.shape;
const boardBody = z.object({
  name: B.name.describe('Up to 200 characters; unique among boards that are not archived.'),
  kind: B.kind,
  purpose: B.purpose,
  reportingCycle: B.reportingCycle.describe('Default "quarterly".'),
  reportsToBoardId: B.reportsToBoardId,
  updateLeadDays: B.updateLeadDays.describe('0 to 120, default 14.'),
  reminderAfterDays: B.reminderAfterDays.describe('1 to 60, default 7.'),
  strategyLineageIds: z
    .array(z.string())
    .optional()
    .describe('The strategies it oversees, by lineage id. Replaces the list when given.'),
});

const boardPatchBody = z.object({
  name: B.name.optional(),
  kind: z.enum(BOARD_KINDS).optional(),
  purpose: z.string().nullable().optional(),
  reportingCycle: z.enum(REPORTING_CYCLES).optional(),
  reportsToBoardId: z.string().nullable().optional(),
  updateLeadDays: z.number().int().optional(),
  reminderAfterDays: z.number().int().optional(),
  strategyLineageIds: z.array(z.string()).optional(),
});

/** The whole-record rules, checked on what the request leads to, with `body.` field names. */
function valid<T>(schema: z.ZodType<T>, candidate: unknown): T {
  const result = schema.safeParse(candidate);
  if (!result.success) {
    throw new ValidationError(
      fieldErrors(result.error).map((e) => ({ field: `body.${e.field}`, message: e.message })),
    );
  }
  return result.data;
}

function asInput(b: Board): Record<string, unknown> {
  return {
    name: b.name,
    kind: b.kind,
    purpose: b.purpose ?? undefined,
    reportingCycle: b.reporting_cycle,
    reportsToBoardId: b.reports_to_board_id ?? undefined,
    updateLeadDays: b.update_lead_days,
    reminderAfterDays: b.reminder_after_days,
  };
}

/** Service refusals name form fields; the API names them `body.<field>`. */
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

const idParams = z.object({ id: z.string().describe('The board’s id.') });
const memberParams = idParams.extend({ memberId: z.string().describe('The member’s id.') });

export const boardApiRoutes: FastifyPluginAsync = async (app) => {
  const { db } = app.deps.database;
  const api = app.withTypeProvider<ZodTypeProvider>();

  const detail = (tenantId: string, userId: string | null, id: string) =>
    withTenant(db, tenantId, userId, async (trx) => {
      const board = await findBoard(trx, tenantId, id);
      return {
        ...boardJson(board),
        members: (await boardMembers(trx, tenantId, id)).map(memberJson),
        strategyLineageIds: (await boardStrategies(trx, tenantId, id)).map((l) => l.lineage_id),
      };
    });

  api.get(
    '/api/v1/boards',
    {
      config: { access: 'org.read' },
      schema: {
        summary: 'List boards',
        description: 'Every board of your organisation, archived ones included, oldest first.',
        tags: TAGS,
        querystring: pageQuerySchema,
        response: { 200: pageSchema(boardSchema), ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const ctx = tenantContext(request);
      return withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
        paginate(
          trx.selectFrom('boards as b').selectAll('b').where('b.tenant_id', '=', ctx.tenantId),
          {
            key: 'b.id',
            keyOf: (r) => r.id,
            page: request.query,
            url: request.url,
            map: boardJson,
          },
        ),
      );
    },
  );

  api.post(
    '/api/v1/boards',
    {
      config: { access: 'governance.manage' },
      schema: {
        summary: 'Create a board',
        tags: TAGS,
        body: boardBody,
        response: { 201: boardDetailSchema, ...problemResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const ctx = tenantContext(request);
      const { strategyLineageIds, ...rest } = request.body;
      const input: BoardInput = valid(boardInput, rest);
      const board = await asApi(() =>
        withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
          const created = await createBoardInTx(trx, ctx, input);
          if (strategyLineageIds?.length)
            await setBoardStrategiesInTx(trx, ctx, created.id, strategyLineageIds);
          return created;
        }),
      );
      return reply
        .code(201)
        .header('location', `/api/v1/boards/${board.id}`)
        .send(await detail(ctx.tenantId, ctx.actor.userId, board.id));
    },
  );

  api.get(
    '/api/v1/boards/:id',
    {
      config: { access: 'org.read' },
      schema: {
        summary: 'Read a board',
        description: 'The board with its members and the strategies it oversees.',
        tags: TAGS,
        params: idParams,
        response: { 200: boardDetailSchema, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => {
      const ctx = tenantContext(request);
      return detail(ctx.tenantId, ctx.actor.userId, request.params.id);
    },
  );

  api.patch(
    '/api/v1/boards/:id',
    {
      config: { access: 'governance.manage' },
      schema: {
        summary: 'Change a board',
        description:
          'Changes the properties given and leaves the rest; null clears an optional property. strategyLineageIds, when given, replaces the list.',
        tags: TAGS,
        params: idParams,
        body: boardPatchBody,
        response: { 200: boardDetailSchema, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const ctx = tenantContext(request);
      const current = await withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
        findBoard(trx, ctx.tenantId, request.params.id),
      );
      const { strategyLineageIds, ...changes } = request.body;
      const merged = asInput(current);
      for (const [key, value] of Object.entries(changes as Record<string, unknown>)) {
        if (value !== undefined) merged[key] = value === null ? undefined : value;
      }
      const input = valid(boardInput, merged);
      await asApi(() => updateBoard(db, ctx, current.id, input));
      if (strategyLineageIds) {
        await asApi(() =>
          withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
            setBoardStrategiesInTx(trx, ctx, current.id, strategyLineageIds),
          ),
        );
      }
      return detail(ctx.tenantId, ctx.actor.userId, current.id);
    },
  );

  api.get(
    '/api/v1/boards/:id/members',
    {
      config: { access: 'org.read' },
      schema: {
        summary: 'List a board’s members',
        tags: TAGS,
        params: idParams,
        response: {
          200: z.object({ data: z.array(memberSchema) }),
          ...problemResponses(401, 403, 404),
        },
      },
    },
    async (request) => {
      const ctx = tenantContext(request);
      const members = await withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
        await findBoard(trx, ctx.tenantId, request.params.id);
        return boardMembers(trx, ctx.tenantId, request.params.id);
      });
      return { data: members.map(memberJson) };
    },
  );

  api.post(
    '/api/v1/boards/:id/members',
    {
      config: { access: 'governance.manage' },
      schema: {
        summary: 'Add a member to a board',
        description:
          'Either userId (a member of your organisation) or personName (someone without an account, such as a councillor).',
        tags: TAGS,
        params: idParams,
        body: z.object({
          userId: z.string().optional(),
          personName: z.string().optional(),
          memberRole: z.string().optional().describe('E.g. "Chair".'),
        }),
        response: { 201: memberSchema, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const ctx = tenantContext(request);
      const input = valid(memberInput, request.body);
      const member = await asApi(() => addMember(db, ctx, request.params.id, input));
      const view = await withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
        boardMembers(trx, ctx.tenantId, request.params.id),
      );
      const added = view.find((m) => m.id === member.id);
      return reply
        .code(201)
        .send(
          added
            ? memberJson(added)
            : { id: member.id, userId: member.user_id, name: '', role: member.member_role },
        );
    },
  );

  api.delete(
    '/api/v1/boards/:id/members/:memberId',
    {
      config: { access: 'governance.manage' },
      schema: {
        summary: 'Remove a member from a board',
        tags: TAGS,
        params: memberParams,
        response: { 204: z.null().describe('Removed.'), ...problemResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const ctx = tenantContext(request);
      await removeMember(db, ctx, request.params.id, request.params.memberId);
      return reply.code(204).send(null);
    },
  );

  api.get(
    '/api/v1/boards/:id/calendar.ics',
    {
      config: { access: 'org.read' },
      schema: {
        summary: 'A board’s meetings as a calendar feed',
        description:
          'iCalendar (text/calendar): one event per meeting, with a UID that stays the same. Meetings without a start time are all-day events.',
        tags: TAGS,
        params: idParams,
        response: {
          200: z.string().describe('The iCalendar feed.'),
          ...problemResponses(401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const ctx = tenantContext(request);
      const { board, ics } = await boardCalendarFor(
        db,
        ctx,
        request.params.id,
        calendarOptions(request),
      );
      return reply
        .type('text/calendar; charset=utf-8')
        .header('content-disposition', `inline; filename="board-${board.id}.ics"`)
        .send(ics);
    },
  );
};

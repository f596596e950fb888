/**
 * Objectives of a strategy's areas: pages to add, change and remove them, and the same in the API.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { tenantContext } from '../../kernel/auth/plugin.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import { ConflictError, ValidationError, type FieldError } from '../../kernel/http/errors.js';
import { problemResponses } from '../../kernel/http/openapi.js';
import { fieldErrors, parseInput } from '../../kernel/http/validation.js';
import {
  addObjective,
  findObjective,
  listObjectives,
  removeObjective,
  updateObjective,
} from './objective.service.js';
import { objectiveInput, type ObjectiveInput } from './strategy.schemas.js';
import { findArea, findStrategy } from './strategy.service.js';
import type { Area, Objective, Strategy } from './strategy.tables.js';

const VIEWS = 'strategy/views/strategies';
type Body = Record<string, unknown>;

function bodyOf(request: FastifyRequest): Body {
  return typeof request.body === 'object' && request.body !== null ? (request.body as Body) : {};
}

function param(request: FastifyRequest, name: string): string {
  return (request.params as Record<string, string | undefined>)[name] ?? '';
}

function areaHeading(area: Area) {
  return area.number ? `${area.number}. ${area.title}` : area.title;
}

const objectiveSchema = z.object({
  id: z.string(),
  strategyId: z.string(),
  areaId: z.string(),
  ref: z.string().nullable(),
  title: z.string(),
  position: z.number().int(),
});

function objectiveJson(o: Objective) {
  return {
    id: o.id,
    strategyId: o.strategy_id,
    areaId: o.area_id,
    ref: o.ref,
    title: o.title,
    position: o.position,
  };
}

function validObjective(candidate: unknown): ObjectiveInput {
  const result = objectiveInput.safeParse(candidate ?? {});
  if (!result.success) {
    throw new ValidationError(
      fieldErrors(result.error).map((e) => ({ field: `body.${e.field}`, message: e.message })),
    );
  }
  return result.data;
}

export const objectiveRoutes: FastifyPluginAsync = async (app) => {
  const { db } = app.deps.database;
  const manage = { access: 'strategy.manage' } as const;

  const form = (
    reply: FastifyReply,
    ctx: { strategy: Strategy; area: Area; objective: Objective | null },
    data: { values: Body; errors?: FieldError[] },
    status?: number,
  ) => {
    const base = `/strategies/${ctx.strategy.id}`;
    return reply.page(
      `${VIEWS}/objective-form.njk`,
      {
        title: ctx.objective ? 'Change objective' : 'Add an objective',
        strategy: ctx.strategy,
        areaId: ctx.area.id,
        areaHeading: areaHeading(ctx.area),
        action: ctx.objective
          ? `${base}/objectives/${ctx.objective.id}/edit`
          : `${base}/areas/${ctx.area.id}/objectives/new`,
        submitText: ctx.objective ? 'Save objective' : 'Add objective',
        ...data,
      },
      status,
    );
  };

  const loadForArea = (request: FastifyRequest) => {
    const ctx = tenantContext(request);
    return withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
      const strategy = await findStrategy(trx, ctx.tenantId, param(request, 'id'));
      const area = await findArea(trx, ctx.tenantId, strategy.id, param(request, 'areaId'));
      return { strategy, area, objective: null };
    });
  };

  const loadObjective = (request: FastifyRequest) => {
    const ctx = tenantContext(request);
    return withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
      const strategy = await findStrategy(trx, ctx.tenantId, param(request, 'id'));
      const objective = await findObjective(
        trx,
        ctx.tenantId,
        strategy.id,
        param(request, 'objectiveId'),
      );
      const area = await findArea(trx, ctx.tenantId, strategy.id, objective.area_id);
      return { strategy, area, objective };
    });
  };

  app.get(
    '/strategies/:id/areas/:areaId/objectives/new',
    { config: manage },
    async (request, reply) => form(reply, await loadForArea(request), { values: {} }),
  );

  app.post(
    '/strategies/:id/areas/:areaId/objectives/new',
    { config: manage },
    async (request, reply) => {
      const loaded = await loadForArea(request);
      const parsed = parseInput(objectiveInput, request.body);
      if (!parsed.ok)
        return form(reply, loaded, { values: bodyOf(request), errors: parsed.errors }, 400);
      const objective = await addObjective(
        db,
        tenantContext(request),
        loaded.strategy.id,
        loaded.area.id,
        parsed.data,
      );
      return reply
        .flash(`Objective added: ${objective.title}`)
        .redirect(`/strategies/${loaded.strategy.id}#area-${loaded.area.id}`, 303);
    },
  );

  app.get(
    '/strategies/:id/objectives/:objectiveId/edit',
    { config: manage },
    async (request, reply) => {
      const loaded = await loadObjective(request);
      return form(reply, loaded, {
        values: { ref: loaded.objective.ref ?? '', title: loaded.objective.title },
      });
    },
  );

  app.post(
    '/strategies/:id/objectives/:objectiveId/edit',
    { config: manage },
    async (request, reply) => {
      const loaded = await loadObjective(request);
      const parsed = parseInput(objectiveInput, request.body);
      if (!parsed.ok)
        return form(reply, loaded, { values: bodyOf(request), errors: parsed.errors }, 400);
      await updateObjective(
        db,
        tenantContext(request),
        loaded.strategy.id,
        loaded.objective.id,
        parsed.data,
      );
      return reply
        .flash(`Objective saved: ${parsed.data.title}`)
        .redirect(`/strategies/${loaded.strategy.id}#area-${loaded.area.id}`, 303);
    },
  );

  const removePage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    blockedBy: string | null,
    status?: number,
  ) => {
    const loaded = await loadObjective(request);
    return reply.page(
      `${VIEWS}/objective-remove.njk`,
      { title: 'Remove objective', ...loaded, blockedBy },
      status,
    );
  };

  app.get(
    '/strategies/:id/objectives/:objectiveId/remove',
    { config: manage },
    async (request, reply) => removePage(request, reply, null),
  );

  app.post(
    '/strategies/:id/objectives/:objectiveId/remove',
    { config: manage },
    async (request, reply) => {
      const loaded = await loadObjective(request);
      try {
        await removeObjective(db, tenantContext(request), loaded.strategy.id, loaded.objective.id);
      } catch (error) {
        if (error instanceof ConflictError) return removePage(request, reply, error.message, 409);
        throw error;
      }
      return reply
        .flash(`Objective removed: ${loaded.objective.title}`)
        .redirect(`/strategies/${loaded.strategy.id}#area-${loaded.area.id}`, 303);
    },
  );

  // -------------------------------------------------------------------------------------------
  // API

  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Strategies'];
  const strategyParams = z.object({ id: z.string().describe('The strategy’s id.') });
  const objectiveParams = strategyParams.extend({
    objectiveId: z.string().describe('The objective’s id.'),
  });

  api.get(
    '/api/v1/strategies/:id/objectives',
    {
      config: { access: 'org.read' },
      schema: {
        summary: 'List a strategy’s objectives',
        description: 'Every objective of every area, by area and then in order.',
        tags,
        params: strategyParams,
        response: {
          200: z.object({ items: z.array(objectiveSchema) }),
          ...problemResponses(401, 403, 404),
        },
      },
    },
    async (request) => {
      const ctx = tenantContext(request);
      const items = await withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
        const strategy = await findStrategy(trx, ctx.tenantId, request.params.id);
        return listObjectives(trx, ctx.tenantId, strategy.id);
      });
      return { items: items.map(objectiveJson) };
    },
  );

  api.post(
    '/api/v1/strategies/:id/objectives',
    {
      config: { access: 'strategy.manage' },
      schema: {
        summary: 'Add an objective to an area',
        tags,
        params: strategyParams,
        body: z.object({
          areaId: z.string().describe('The area it belongs to.'),
          ref: z.string().optional(),
          title: z.string(),
        }),
        response: { 201: objectiveSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const ctx = tenantContext(request);
      const objective = await addObjective(
        db,
        ctx,
        request.params.id,
        request.body.areaId,
        validObjective(request.body),
      );
      return reply.code(201).send(objectiveJson(objective));
    },
  );

  api.patch(
    '/api/v1/strategies/:id/objectives/:objectiveId',
    {
      config: { access: 'strategy.manage' },
      schema: {
        summary: 'Change an objective',
        tags,
        params: objectiveParams,
        body: z.object({ ref: z.string().nullable().optional(), title: z.string().optional() }),
        response: { 200: objectiveSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const ctx = tenantContext(request);
      const current = await withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
        findObjective(trx, ctx.tenantId, request.params.id, request.params.objectiveId),
      );
      const merged = {
        ref: request.body.ref === undefined ? (current.ref ?? undefined) : request.body.ref,
        title: request.body.title ?? current.title,
      };
      const updated = await updateObjective(
        db,
        ctx,
        request.params.id,
        current.id,
        validObjective({ ...merged, ref: merged.ref ?? undefined }),
      );
      return objectiveJson(updated);
    },
  );

  api.delete(
    '/api/v1/strategies/:id/objectives/:objectiveId',
    {
      config: { access: 'strategy.manage' },
      schema: {
        summary: 'Remove an objective',
        description: 'Refused (409) while any action belongs to it.',
        tags,
        params: objectiveParams,
        response: {
          204: z.undefined().describe('The objective is removed.'),
          ...problemResponses(401, 403, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const ctx = tenantContext(request);
      await removeObjective(db, ctx, request.params.id, request.params.objectiveId);
      return reply.code(204).send();
    },
  );
};

/**
 * Strategy pages: the list, create and edit (every field of the record), archive, the strategy
 * page (record, areas with their gap analysis, the action plan by area, versions), areas and their
 * order, roll forward and "what changed". Posts, the glossary and the JSON API are registered
 * from here too, so the module's index stays as it is.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { can } from '../../kernel/auth/permissions.js';
import { tenantContext } from '../../kernel/auth/plugin.js';
import type { FieldError } from '../../kernel/http/errors.js';
import { optionalDate, optionalText } from '../../kernel/http/fields.js';
import { parseInput } from '../../kernel/http/validation.js';
import { glossaryRoutes } from './glossary.routes.js';
import { renderMarkdown } from './markdown.js';
import { objectiveRoutes } from './objective.routes.js';
import { postsRoutes } from './posts.routes.js';
import {
  compareVersions,
  rollForward,
  rollForwardPlan,
  ROLL_FORWARD_KINDS,
} from './rollforward.service.js';
import { strategyApiRoutes } from './strategy.api.js';
import { areaInput, strategyInput } from './strategy.schemas.js';
import {
  addArea,
  archiveStrategy,
  createStrategy,
  findArea,
  findStrategy,
  lineageVersions,
  listStrategies,
  loadStrategyOverview,
  moveArea,
  updateArea,
  updateStrategy,
} from './strategy.service.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import { loadStatusLabels } from './display.js';
import {
  actionPlanGroups,
  areaFormValues,
  areaViews,
  dateFieldErrors,
  attempt,
  periodText,
  STRATEGY_DATE_FIELDS,
  strategyFormValues,
  strategyListRows,
  strategyStatusItems,
  strategyStatusTag,
  strategySummaryRows,
  versionRows,
  withDates,
} from './strategy.view-model.js';
import type { Strategy } from './strategy.tables.js';

const VIEWS = 'strategy/views/strategies';

type Body = Record<string, unknown>;

function bodyOf(request: FastifyRequest): Body {
  return typeof request.body === 'object' && request.body !== null ? (request.body as Body) : {};
}

function idParam(request: FastifyRequest, name = 'id'): string {
  return (request.params as Record<string, string | undefined>)[name] ?? '';
}

const rollForwardForm = z
  .object({
    kind: z.enum(ROLL_FORWARD_KINDS, {
      error: 'Select whether this is an annual refresh or a new period',
    }),
    supersede: z.enum(['on-approval', 'now'], {
      error: 'Select when the current version stops being current',
    }),
    title: optionalText('the title of the new version', 300),
    periodLabel: optionalText('period', 50),
    periodStart: optionalDate('start of the period'),
    periodEnd: optionalDate('end of the period'),
    documentDate: optionalDate('document date'),
  })
  .superRefine((v, ctx) => {
    if (v.kind === 'new-period' && !v.title) {
      ctx.addIssue({
        code: 'custom',
        path: ['title'],
        message: 'Enter the title of the new version',
      });
    }
    if (v.periodStart && v.periodEnd && v.periodEnd < v.periodStart) {
      ctx.addIssue({
        code: 'custom',
        path: ['periodEnd'],
        message: 'End of the period must be the same as or after its start',
      });
    }
  });

const ROLL_FORWARD_DATES = ['periodStart', 'periodEnd', 'documentDate'] as const;
const REASON_MAX = 2000;

/** The ticked "drop" boxes, each with its reason (or an error on that reason's box). */
function parseDrops(body: Body, unfinished: { id: string; ref: string }[]) {
  const ticked = [body.drop].flat().filter((v): v is string => typeof v === 'string' && v !== '');
  const byId = new Map(unfinished.map((a) => [a.id, a]));
  const drops: { actionId: string; reason: string }[] = [];
  const errors: FieldError[] = [];
  for (const id of new Set(ticked)) {
    const action = byId.get(id);
    if (!action) {
      errors.push({
        field: 'drop',
        message: 'Only unfinished actions of this version can be dropped',
      });
      continue;
    }
    const raw = body[`reason-${id}`];
    const reason = typeof raw === 'string' ? raw.trim() : '';
    if (!reason) {
      errors.push({
        field: `reason-${id}`,
        message: `Enter why action ${action.ref} is being dropped`,
      });
    } else if (reason.length > REASON_MAX) {
      errors.push({
        field: `reason-${id}`,
        message: `The reason for dropping ${action.ref} must be ${REASON_MAX} characters or fewer`,
      });
    } else drops.push({ actionId: id, reason });
  }
  return { ticked, drops, errors };
}

export const strategyRoutes: FastifyPluginAsync = async (app) => {
  const { db } = app.deps.database;
  const read = { access: 'org.read' } as const;
  const manage = { access: 'strategy.manage' } as const;

  // -------------------------------------------------------------------------------------------
  // The list, create, edit, archive

  app.get('/strategies', { config: read }, async (request, reply) => {
    const ctx = tenantContext(request);
    const rows = await listStrategies(db, ctx);
    return reply.page(`${VIEWS}/list.njk`, {
      title: 'Strategies',
      rows: strategyListRows(rows),
      canManage: can(ctx.role, 'strategy.manage'),
    });
  });

  const strategyForm = (
    reply: FastifyReply,
    strategy: Strategy | null,
    data: { values: Body; errors?: FieldError[] },
    status?: number,
  ) =>
    reply.page(
      `${VIEWS}/form.njk`,
      {
        title: strategy ? 'Edit strategy' : 'Create a strategy',
        action: strategy ? `/strategies/${strategy.id}/edit` : '/strategies/new',
        submitText: strategy ? 'Save changes' : 'Create strategy',
        cancelHref: strategy ? `/strategies/${strategy.id}` : '/strategies',
        breadcrumbs: [
          { text: 'Strategies', href: '/strategies' },
          ...(strategy ? [{ text: strategy.title, href: `/strategies/${strategy.id}` }] : []),
        ],
        statusItems: strategyStatusItems(data.values.status ?? 'draft'),
        values: data.values,
        ...(data.errors ? { errors: dateFieldErrors(data.errors, STRATEGY_DATE_FIELDS) } : {}),
      },
      status,
    );

  app.get('/strategies/new', { config: manage }, async (_request, reply) =>
    strategyForm(reply, null, { values: { status: 'draft' } }),
  );

  app.post('/strategies/new', { config: manage }, async (request, reply) => {
    const ctx = tenantContext(request);
    const body = bodyOf(request);
    const parsed = parseInput(strategyInput, withDates(body, STRATEGY_DATE_FIELDS));
    if (!parsed.ok) return strategyForm(reply, null, { values: body, errors: parsed.errors }, 400);
    const strategy = await createStrategy(db, ctx, parsed.data);
    return reply
      .flash(`Strategy created: ${strategy.title}`)
      .redirect(`/strategies/${strategy.id}`, 303);
  });

  app.get('/strategies/:id/edit', { config: manage }, async (request, reply) => {
    const ctx = tenantContext(request);
    const strategy = await withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
      findStrategy(trx, ctx.tenantId, idParam(request)),
    );
    return strategyForm(reply, strategy, { values: strategyFormValues(strategy) });
  });

  app.post('/strategies/:id/edit', { config: manage }, async (request, reply) => {
    const ctx = tenantContext(request);
    const strategy = await withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
      findStrategy(trx, ctx.tenantId, idParam(request)),
    );
    const body = bodyOf(request);
    const parsed = parseInput(strategyInput, withDates(body, STRATEGY_DATE_FIELDS));
    if (!parsed.ok)
      return strategyForm(reply, strategy, { values: body, errors: parsed.errors }, 400);
    await updateStrategy(db, ctx, strategy.id, parsed.data);
    return reply.flash('Strategy saved').redirect(`/strategies/${strategy.id}`, 303);
  });

  app.get('/strategies/:id/archive', { config: manage }, async (request, reply) => {
    const ctx = tenantContext(request);
    const strategy = await withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
      findStrategy(trx, ctx.tenantId, idParam(request)),
    );
    return reply.page(`${VIEWS}/archive.njk`, { title: 'Archive this strategy?', strategy });
  });

  app.post('/strategies/:id/archive', { config: manage }, async (request, reply) => {
    const ctx = tenantContext(request);
    const strategy = await archiveStrategy(db, ctx, idParam(request));
    return reply
      .flash(`${strategy.title} (version ${strategy.version}) is archived`)
      .redirect(`/strategies/${strategy.id}`, 303);
  });

  // -------------------------------------------------------------------------------------------
  // The strategy page

  app.get('/strategies/:id', { config: read }, async (request, reply) => {
    const ctx = tenantContext(request);
    const o = await loadStrategyOverview(db, ctx, idParam(request));
    const latest = o.versions[o.versions.length - 1];
    return reply.page(`${VIEWS}/show.njk`, {
      title: o.strategy.title,
      strategy: o.strategy,
      period: periodText(o.strategy),
      statusTag: strategyStatusTag(o.strategy.status),
      summaryRows: strategySummaryRows(o.strategy, can(ctx.role, 'strategy.manage')),
      summaryHtml: renderMarkdown(o.strategy.summary, { terms: o.glossary, headingLevel: 4 }),
      areas: areaViews(o.areas, o.glossary).map((area) => ({
        ...area,
        objectives: o.objectives.filter((x) => x.area_id === area.id),
      })),
      groups: actionPlanGroups(o.areas, o.actions, o.glossary, o.priorities, o.asAt),
      labels: o.labels,
      versions: versionRows(o.versions, o.strategy.id),
      latest,
      canManage: can(ctx.role, 'strategy.manage'),
    });
  });

  // -------------------------------------------------------------------------------------------
  // Areas

  const areaForm = (
    reply: FastifyReply,
    strategy: Strategy,
    areaId: string | null,
    data: { values: Body; errors?: FieldError[] },
    status?: number,
  ) =>
    reply.page(
      `${VIEWS}/area-form.njk`,
      {
        title: areaId ? 'Edit area' : 'Add an area',
        strategy,
        action: areaId
          ? `/strategies/${strategy.id}/areas/${areaId}/edit`
          : `/strategies/${strategy.id}/areas/new`,
        submitText: areaId ? 'Save area' : 'Add area',
        ...data,
      },
      status,
    );

  app.get('/strategies/:id/areas/new', { config: manage }, async (request, reply) => {
    const ctx = tenantContext(request);
    const strategy = await withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
      findStrategy(trx, ctx.tenantId, idParam(request)),
    );
    return areaForm(reply, strategy, null, { values: {} });
  });

  app.post('/strategies/:id/areas/new', { config: manage }, async (request, reply) => {
    const ctx = tenantContext(request);
    const strategy = await withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
      findStrategy(trx, ctx.tenantId, idParam(request)),
    );
    const parsed = parseInput(areaInput, request.body);
    if (!parsed.ok)
      return areaForm(
        reply,
        strategy,
        null,
        { values: bodyOf(request), errors: parsed.errors },
        400,
      );
    const area = await addArea(db, ctx, strategy.id, parsed.data);
    return reply
      .flash(`Area added: ${area.title}`)
      .redirect(`/strategies/${strategy.id}#area-${area.id}`, 303);
  });

  app.get('/strategies/:id/areas/:areaId/edit', { config: manage }, async (request, reply) => {
    const ctx = tenantContext(request);
    const { strategy, area } = await withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
      const strategy = await findStrategy(trx, ctx.tenantId, idParam(request));
      return {
        strategy,
        area: await findArea(trx, ctx.tenantId, strategy.id, idParam(request, 'areaId')),
      };
    });
    return areaForm(reply, strategy, area.id, { values: areaFormValues(area) });
  });

  app.post('/strategies/:id/areas/:areaId/edit', { config: manage }, async (request, reply) => {
    const ctx = tenantContext(request);
    const { strategy, area } = await withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
      const strategy = await findStrategy(trx, ctx.tenantId, idParam(request));
      return {
        strategy,
        area: await findArea(trx, ctx.tenantId, strategy.id, idParam(request, 'areaId')),
      };
    });
    const parsed = parseInput(areaInput, request.body);
    if (!parsed.ok)
      return areaForm(
        reply,
        strategy,
        area.id,
        { values: bodyOf(request), errors: parsed.errors },
        400,
      );
    await updateArea(db, ctx, area.id, parsed.data, strategy.id);
    return reply
      .flash(`Area saved: ${parsed.data.title}`)
      .redirect(`/strategies/${strategy.id}#area-${area.id}`, 303);
  });

  const moveForm = z.object({ direction: z.enum(['up', 'down'], { error: 'Choose up or down' }) });

  app.post('/strategies/:id/areas/:areaId/move', { config: manage }, async (request, reply) => {
    const ctx = tenantContext(request);
    const strategyId = idParam(request);
    const areaId = idParam(request, 'areaId');
    const parsed = parseInput(moveForm, request.body);
    if (!parsed.ok) {
      // Only the page's own buttons send this form: without a direction the order stays.
      await withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
        findArea(trx, ctx.tenantId, strategyId, areaId),
      );
    } else if (await moveArea(db, ctx, strategyId, areaId, parsed.data.direction)) {
      reply.flash(`Area moved ${parsed.data.direction}`);
    }
    return reply.redirect(`/strategies/${strategyId}#area-${areaId}`, 303);
  });

  // -------------------------------------------------------------------------------------------
  // Roll forward and what changed

  const rollForwardPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    data: { values: Body; errors?: FieldError[]; droppedIds?: string[] },
    status?: number,
  ) => {
    const ctx = tenantContext(request);
    const plan = await rollForwardPlan(db, ctx, idParam(request));
    return reply.page(
      `${VIEWS}/roll-forward.njk`,
      {
        title: `Roll forward ${plan.strategy.title}`,
        strategy: plan.strategy,
        successor: plan.successor,
        finishedCount: plan.finishedCount,
        unfinished: plan.unfinished.map((a) => ({
          id: a.id,
          ref: a.ref,
          title: a.title,
          statusLabel: plan.labels[a.status].label,
        })),
        droppedIds: data.droppedIds ?? [],
        values: data.values,
        ...(data.errors ? { errors: dateFieldErrors(data.errors, ROLL_FORWARD_DATES) } : {}),
      },
      status,
    );
  };

  app.get('/strategies/:id/roll-forward', { config: manage }, async (request, reply) =>
    rollForwardPage(request, reply, { values: { supersede: 'on-approval' } }),
  );

  app.post('/strategies/:id/roll-forward', { config: manage }, async (request, reply) => {
    const ctx = tenantContext(request);
    const body = bodyOf(request);
    const plan = await rollForwardPlan(db, ctx, idParam(request));
    const parsed = parseInput(rollForwardForm, withDates(body, ROLL_FORWARD_DATES));
    const drops = parseDrops(body, plan.unfinished);
    const errors = [...(parsed.ok ? [] : parsed.errors), ...drops.errors];
    if (!parsed.ok || errors.length) {
      return rollForwardPage(
        request,
        reply,
        { values: body, errors, droppedIds: drops.ticked },
        400,
      );
    }
    const form = parsed.data;
    const done = await attempt(() =>
      rollForward(db, ctx, plan.strategy.id, {
        kind: form.kind,
        supersedeNow: form.supersede === 'now',
        ...(form.kind === 'new-period'
          ? {
              newPeriod: {
                title: form.title ?? plan.strategy.title,
                periodLabel: form.periodLabel,
                periodStart: form.periodStart,
                periodEnd: form.periodEnd,
                documentDate: form.documentDate,
              },
            }
          : {}),
        drops: drops.drops,
      }),
    );
    if (!done.ok) {
      return rollForwardPage(
        request,
        reply,
        { values: body, errors: done.errors, droppedIds: drops.ticked },
        done.status,
      );
    }
    const result = done.value;
    const carried = `${result.carried} ${result.carried === 1 ? 'action' : 'actions'} carried forward`;
    const dropped = result.dropped ? `, ${result.dropped} dropped` : '';
    return reply
      .flash(`Version ${result.strategy.version} created as a draft: ${carried}${dropped}`)
      .redirect(`/strategies/${result.strategy.id}`, 303);
  });

  app.get('/strategies/:id/changes', { config: read }, async (request, reply) => {
    const ctx = tenantContext(request);
    const query = request.query as { from?: unknown };
    const from = typeof query.from === 'string' ? query.from : '';
    const { strategy, versions, labels } = await withTenant(
      db,
      ctx.tenantId,
      ctx.actor.userId,
      async (trx) => {
        const strategy = await findStrategy(trx, ctx.tenantId, idParam(request));
        return {
          strategy,
          versions: await lineageVersions(trx, ctx.tenantId, strategy.lineage_id),
          labels: await loadStatusLabels(trx, ctx.tenantId),
        };
      },
    );
    const others = versions.filter((v) => v.id !== strategy.id);
    // Without a choice, compare with the version before (or, for the first, the one after).
    const otherId =
      from ||
      strategy.previous_version_id ||
      others.find((v) => v.version > strategy.version)?.id ||
      null;
    const changes = otherId ? await compareVersions(db, ctx, strategy.id, otherId) : null;
    return reply.page(`${VIEWS}/changes.njk`, {
      title: changes
        ? `What changed from version ${changes.older.version} to version ${changes.newer.version}`
        : 'What changed',
      strategy,
      changes,
      labels,
      otherVersions: others.map((v) => ({
        value: v.id,
        text: `Version ${v.version}: ${v.title}${v.period_label ? ` (${v.period_label})` : ''}`,
        selected: v.id === otherId,
      })),
    });
  });

  await app.register(objectiveRoutes);
  await app.register(postsRoutes);
  await app.register(glossaryRoutes);
  await app.register(strategyApiRoutes);
};

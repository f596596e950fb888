/**
 * JSON API v1 for strategies, posts and the glossary, and the whole-strategy export
 * (/api/v1/strategies/{id}/export.json), whose shape is documented by its schema below and kept
 * stable: new properties may be added, none removed or renamed within formatVersion 1.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { tenantContext } from '../../kernel/auth/plugin.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import { ConflictError, HttpError, ValidationError } from '../../kernel/http/errors.js';
import { problemResponses } from '../../kernel/http/openapi.js';
import { pageQuerySchema, pageSchema, paginate } from '../../kernel/http/pagination.js';
import { fieldErrors } from '../../kernel/http/validation.js';
import { glossaryCode, glossaryExpansion, putTerm, removeTermByCode } from './glossary.service.js';
import { createPost, currentHolders, findPost, POST_KINDS, postInput } from './posts.service.js';
import { todayInLondon } from './status.js';
import { strategyInput, type StrategyInput } from './strategy.schemas.js';
import {
  createStrategy,
  findStrategy,
  loadStrategyExport,
  updateStrategy,
} from './strategy.service.js';
import { STATUSES, STRATEGY_STATUSES, type Post, type Strategy } from './strategy.tables.js';

const TAGS = {
  strategies: ['Strategies'],
  posts: ['Posts'],
  glossary: ['Glossary'],
};

const date = z.string().describe('A calendar date, YYYY-MM-DD.');
const timestamp = z.string().describe('A moment in time, ISO 8601 in UTC.');

// ---------------------------------------------------------------------------------------------
// Strategies

export const strategySchema = z.object({
  id: z.string().describe('The strategy version’s id.'),
  lineageId: z
    .string()
    .describe('Shared by every version of the same strategy (roll forward makes the next).'),
  version: z.number().int().describe('1 for the first version, one more at each roll forward.'),
  previousVersionId: z
    .string()
    .nullable()
    .describe('The version this one was rolled forward from.'),
  title: z.string(),
  periodLabel: z.string().nullable().describe('The period as written, e.g. "2005-2007".'),
  periodStart: date.nullable(),
  periodEnd: date.nullable(),
  status: z.enum(STRATEGY_STATUSES),
  approvedBy: z.string().nullable().describe('The body that approved it, e.g. "Cabinet".'),
  approvedOn: date.nullable(),
  nextReviewOn: date.nullable(),
  leadOfficer: z.string().nullable(),
  summary: z.string().nullable().describe('Markdown, as typed.'),
  documentDate: date
    .nullable()
    .describe('The document’s own date, from which timescales such as "NOW" are read.'),
  createdAt: timestamp,
  updatedAt: timestamp,
});

export function strategyJson(s: Strategy) {
  return {
    id: s.id,
    lineageId: s.lineage_id,
    version: s.version,
    previousVersionId: s.previous_version_id,
    title: s.title,
    periodLabel: s.period_label,
    periodStart: s.period_start,
    periodEnd: s.period_end,
    status: s.status,
    approvedBy: s.approved_by,
    approvedOn: s.approved_on,
    nextReviewOn: s.next_review_on,
    leadOfficer: s.lead_officer,
    summary: s.summary,
    documentDate: s.document_date,
    createdAt: s.created_at.toISOString(),
    updatedAt: s.updated_at.toISOString(),
  };
}

const listedStrategySchema = strategySchema.extend({
  actionCount: z.number().int().describe('Actions in its plan, archived ones not counted.'),
});

const S = strategyInput.shape;
const strategyCreateBody = z.object({
  title: S.title.describe('Up to 300 characters.'),
  periodLabel: S.periodLabel.describe('The period as written, e.g. "2005-2007".'),
  periodStart: S.periodStart.describe('YYYY-MM-DD.'),
  periodEnd: S.periodEnd.describe('YYYY-MM-DD, the same as or after periodStart.'),
  status: S.status.describe('Default "draft".'),
  approvedBy: S.approvedBy.describe('The body that approved it.'),
  approvedOn: S.approvedOn.describe('YYYY-MM-DD.'),
  nextReviewOn: S.nextReviewOn.describe('YYYY-MM-DD.'),
  leadOfficer: S.leadOfficer,
  summary: S.summary.describe('Markdown: paragraphs, bullets, bold, italic and links.'),
  documentDate: S.documentDate.describe(
    'YYYY-MM-DD: timescales such as "NOW" or "Sept \'07" in the plan are read from it.',
  ),
});

const strategyPatchBody = z.object({
  title: S.title.optional(),
  periodLabel: S.periodLabel.nullable(),
  periodStart: S.periodStart.nullable(),
  periodEnd: S.periodEnd.nullable(),
  status: z.enum(STRATEGY_STATUSES).optional(),
  approvedBy: S.approvedBy.nullable(),
  approvedOn: S.approvedOn.nullable(),
  nextReviewOn: S.nextReviewOn.nullable(),
  leadOfficer: S.leadOfficer.nullable(),
  summary: S.summary.nullable(),
  documentDate: S.documentDate.nullable(),
});

function asInput(s: Strategy): Record<string, unknown> {
  return {
    title: s.title,
    periodLabel: s.period_label ?? undefined,
    periodStart: s.period_start ?? undefined,
    periodEnd: s.period_end ?? undefined,
    status: s.status,
    approvedBy: s.approved_by ?? undefined,
    approvedOn: s.approved_on ?? undefined,
    nextReviewOn: s.next_review_on ?? undefined,
    leadOfficer: s.lead_officer ?? undefined,
    summary: s.summary ?? undefined,
    documentDate: s.document_date ?? undefined,
  };
}

/** The whole-record rules (such as the period's order) checked on what the request leads to. */
function validStrategy(candidate: Record<string, unknown>): StrategyInput {
  const result = strategyInput.safeParse(candidate);
  if (!result.success) {
    throw new ValidationError(
      fieldErrors(result.error).map((e) => ({ field: `body.${e.field}`, message: e.message })),
    );
  }
  return result.data;
}

const idParams = z.object({ id: z.string().describe('The strategy’s id.') });

// ---------------------------------------------------------------------------------------------
// The export

const exportSchema = z.object({
  format: z.literal('waymark.strategy').describe('Always "waymark.strategy".'),
  formatVersion: z
    .literal(1)
    .describe('1: properties may be added in future, none removed or renamed.'),
  exportedAt: timestamp,
  strategy: strategySchema,
  areas: z.array(
    z.object({
      id: z.string(),
      number: z.string().nullable().describe('As written, e.g. "1" or "7".'),
      title: z.string(),
      position: z.number().int().describe('Order on the strategy page, from 1.'),
      vision: z.string().nullable().describe('Markdown, as typed.'),
      currentPosition: z.string().nullable().describe('Markdown, as typed.'),
      gettingThere: z.string().nullable().describe('Markdown, as typed.'),
    }),
  ),
  objectives: z.array(
    z.object({
      id: z.string(),
      areaId: z.string(),
      ref: z.string().nullable(),
      title: z.string(),
      position: z.number().int(),
    }),
  ),
  actions: z.array(
    z.object({
      id: z.string(),
      lineageId: z.string().describe('The same action across versions (its history follows it).'),
      carriedFromId: z
        .string()
        .nullable()
        .describe('The action in the previous version this one was carried from.'),
      ref: z.string().describe('Stable reference, e.g. "4.7"; unique within the strategy.'),
      areaId: z.string().nullable(),
      objectiveId: z.string().nullable(),
      title: z.string(),
      description: z.string().nullable(),
      priority: z.string().nullable().describe('The level, e.g. "high".'),
      priorityText: z.string().nullable().describe('As written, e.g. "H".'),
      timescale: z.object({
        text: z.string().nullable().describe('As written, e.g. "Sept \'07".'),
        start: date.nullable(),
        due: date.nullable(),
        startPrecision: z.string().nullable(),
        duePrecision: z.string().nullable(),
        ongoing: z.boolean(),
        recurrence: z.string().nullable(),
        needsReview: z.boolean().describe('True when the words could not be read as dates.'),
      }),
      lead: z.object({
        text: z.string().nullable().describe('"By who" as written.'),
        postId: z.string().nullable(),
        post: z.string().nullable().describe('The lead post’s short name.'),
      }),
      with: z
        .array(z.object({ text: z.string(), postId: z.string().nullable() }))
        .describe('Supporting posts, people or bodies, in the order written.'),
      resources: z.object({
        kind: z.enum(['current', 'additional', 'amount', 'text']).nullable(),
        amountPence: z.number().int().nullable(),
        period: z.enum(['one-off', 'per-year']).nullable(),
        text: z.string().nullable(),
      }),
      targets: z.string().nullable(),
      outcome: z.string().nullable(),
      comments: z.string().nullable(),
      status: z.enum(STATUSES),
      forecastStatus: z.enum(STATUSES).nullable(),
      tags: z.array(z.string()),
      dependsOn: z.array(
        z.object({ actionId: z.string(), ref: z.string(), note: z.string().nullable() }),
      ),
      extra: z.record(z.string(), z.unknown()).describe('The council’s own extra columns.'),
      lastUpdateAt: timestamp.nullable(),
      createdAt: timestamp,
      updatedAt: timestamp,
      archived: z
        .object({ at: timestamp, reason: z.string().nullable() })
        .nullable()
        .describe('Set when the action was archived.'),
      updates: z
        .array(
          z.object({
            id: z.string(),
            actionId: z
              .string()
              .describe('The action (in this or an earlier version) it was recorded on.'),
            asAt: date,
            status: z.enum(STATUSES),
            forecastStatus: z.enum(STATUSES).nullable(),
            percentComplete: z.number().int().nullable(),
            happened: z.string(),
            nextSteps: z.string().nullable(),
            evidenceUrl: z.string().nullable(),
            evidenceFileId: z.string().nullable(),
            correctsId: z.string().nullable(),
            correctionNote: z.string().nullable(),
            recordedBy: z.string().describe('Who recorded it, as shown at the time.'),
            recordedAt: timestamp,
          }),
        )
        .describe('Every progress update of the action’s lineage, oldest first.'),
    }),
  ),
  glossary: z.array(
    z.object({
      code: z.string(),
      expansion: z.string(),
      scope: z.enum(['organisation', 'strategy']),
    }),
  ),
});

type ExportData = Awaited<ReturnType<typeof loadStrategyExport>>;

function iso(d: Date | null): string | null {
  return d ? d.toISOString() : null;
}

function exportJson(d: ExportData): z.output<typeof exportSchema> {
  return {
    format: 'waymark.strategy',
    formatVersion: 1,
    exportedAt: new Date().toISOString(),
    strategy: strategyJson(d.strategy),
    areas: d.areas.map((a) => ({
      id: a.id,
      number: a.number,
      title: a.title,
      position: a.position,
      vision: a.vision,
      currentPosition: a.current_position,
      gettingThere: a.getting_there,
    })),
    objectives: d.objectives.map((o) => ({
      id: o.id,
      areaId: o.area_id,
      ref: o.ref,
      title: o.title,
      position: o.position,
    })),
    actions: d.actions.map((a) => ({
      id: a.id,
      lineageId: a.lineage_id,
      carriedFromId: a.carried_from_id,
      ref: a.ref,
      areaId: a.area_id,
      objectiveId: a.objective_id,
      title: a.title,
      description: a.description,
      priority: a.priority,
      priorityText: a.priority_text,
      timescale: {
        text: a.timescale_text,
        start: a.start_on,
        due: a.due_on,
        startPrecision: a.start_precision,
        duePrecision: a.due_precision,
        ongoing: a.ongoing,
        recurrence: a.recurrence,
        needsReview: a.timescale_needs_review,
      },
      lead: { text: a.lead_text, postId: a.lead_post_id, post: a.lead_post_name },
      with: d.supporters
        .filter((s) => s.action_id === a.id)
        .map((s) => ({ text: s.text, postId: s.post_id })),
      resources: {
        kind: a.resources_kind,
        amountPence: a.resources_amount_pence,
        period: a.resources_period,
        text: a.resources_text,
      },
      targets: a.targets,
      outcome: a.outcome,
      comments: a.comments,
      status: a.status,
      forecastStatus: a.forecast_status,
      tags: a.tags,
      dependsOn: d.dependencies
        .filter((dep) => dep.action_id === a.id)
        .map((dep) => ({ actionId: dep.depends_on_id, ref: dep.ref, note: dep.note })),
      extra: a.extra,
      lastUpdateAt: iso(a.last_update_at),
      createdAt: a.created_at.toISOString(),
      updatedAt: a.updated_at.toISOString(),
      archived: a.archived_at
        ? { at: a.archived_at.toISOString(), reason: a.archive_reason }
        : null,
      updates: d.updates
        .filter((u) => u.action_lineage_id === a.lineage_id)
        .map((u) => ({
          id: u.id,
          actionId: u.action_id,
          asAt: u.as_at,
          status: u.status,
          forecastStatus: u.forecast_status,
          percentComplete: u.percent_complete,
          happened: u.happened,
          nextSteps: u.next_steps,
          evidenceUrl: u.evidence_url,
          evidenceFileId: u.evidence_file_id,
          correctsId: u.corrects_id,
          correctionNote: u.correction_note,
          recordedBy: u.recorded_by_label,
          recordedAt: u.recorded_at.toISOString(),
        })),
    })),
    glossary: d.glossary.map((t) => ({
      code: t.code,
      expansion: t.expansion,
      scope: t.strategy_id ? ('strategy' as const) : ('organisation' as const),
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// Posts and the glossary

const postSchema = z.object({
  id: z.string(),
  shortName: z.string().describe('As plans write it, e.g. "ICT BS Mgr".'),
  title: z.string().describe('The full title.'),
  kind: z.enum(POST_KINDS).describe('"post" (held by a person) or "body" (a group or board).'),
  currentHolder: z
    .object({
      userId: z
        .string()
        .nullable()
        .describe('Set when the holder is a member of the organisation.'),
      name: z.string(),
      from: date,
    })
    .nullable()
    .describe('Who holds it today, or null.'),
  createdAt: timestamp,
});

type Holder = { user_id: string | null; name: string; from_date: string };

function postJson(p: Post, holder: Holder | undefined) {
  return {
    id: p.id,
    shortName: p.short_name,
    title: p.title,
    kind: p.kind,
    currentHolder: holder
      ? { userId: holder.user_id, name: holder.name, from: holder.from_date }
      : null,
    createdAt: p.created_at.toISOString(),
  };
}

const termSchema = z.object({
  id: z.string(),
  code: z.string(),
  expansion: z.string(),
  strategyId: z
    .string()
    .nullable()
    .describe('The strategy whose glossary it is in, or null for the whole organisation.'),
});

const glossaryQuery = z.object({
  strategyId: z
    .string()
    .optional()
    .describe('A strategy’s glossary; leave out for the organisation’s own.'),
});

const codeParams = z.object({ code: glossaryCode.describe('The code, e.g. "CR" (URL-encoded).') });

export const strategyApiRoutes: FastifyPluginAsync = async (app) => {
  const { db } = app.deps.database;
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/api/v1/strategies',
    {
      config: { access: 'org.read' },
      schema: {
        summary: 'List strategies',
        description: 'Every version of every strategy in your organisation, oldest first.',
        tags: TAGS.strategies,
        querystring: pageQuerySchema,
        response: {
          200: pageSchema(listedStrategySchema).describe('A page of strategies.'),
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request) => {
      const ctx = tenantContext(request);
      return withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
        paginate(
          trx
            .selectFrom('strategies as s')
            .selectAll('s')
            .select((eb) =>
              eb
                .selectFrom('actions as a')
                .select(eb.fn.countAll<number>().as('n'))
                .whereRef('a.strategy_id', '=', 's.id')
                .whereRef('a.tenant_id', '=', 's.tenant_id')
                .where('a.archived_at', 'is', null)
                .as('action_count'),
            )
            .where('s.tenant_id', '=', ctx.tenantId),
          {
            key: 's.id',
            keyOf: (r) => r.id,
            page: request.query,
            url: request.url,
            map: (r) => ({ ...strategyJson(r), actionCount: r.action_count ?? 0 }),
          },
        ),
      );
    },
  );

  api.post(
    '/api/v1/strategies',
    {
      config: { access: 'strategy.manage' },
      schema: {
        summary: 'Create a strategy',
        description:
          'Creates version 1 of a new strategy. Needs an editor’s or administrator’s token.',
        tags: TAGS.strategies,
        body: strategyCreateBody,
        response: {
          201: strategySchema.describe('The new strategy.'),
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request, reply) => {
      const ctx = tenantContext(request);
      const strategy = await createStrategy(db, ctx, validStrategy(request.body));
      return reply
        .code(201)
        .header('location', `/api/v1/strategies/${strategy.id}`)
        .send(strategyJson(strategy));
    },
  );

  api.get(
    '/api/v1/strategies/:id',
    {
      config: { access: 'org.read' },
      schema: {
        summary: 'Read a strategy',
        tags: TAGS.strategies,
        params: idParams,
        response: { 200: strategySchema, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => {
      const ctx = tenantContext(request);
      const strategy = await withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
        findStrategy(trx, ctx.tenantId, request.params.id),
      );
      return strategyJson(strategy);
    },
  );

  api.patch(
    '/api/v1/strategies/:id',
    {
      config: { access: 'strategy.manage' },
      schema: {
        summary: 'Change a strategy',
        description:
          'Changes the properties given and leaves the rest; null clears an optional property. Approving a version rolled forward from another marks that other version superseded.',
        tags: TAGS.strategies,
        params: idParams,
        body: strategyPatchBody,
        response: { 200: strategySchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const ctx = tenantContext(request);
      const current = await withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
        findStrategy(trx, ctx.tenantId, request.params.id),
      );
      const merged = asInput(current);
      // Absent: unchanged; null: cleared; anything else: the new value.
      for (const [key, value] of Object.entries(request.body as Record<string, unknown>)) {
        if (value !== undefined) merged[key] = value === null ? undefined : value;
      }
      const updated = await updateStrategy(db, ctx, current.id, validStrategy(merged));
      return strategyJson(updated);
    },
  );

  api.get(
    '/api/v1/strategies/:id/export.json',
    {
      config: { access: 'org.read' },
      schema: {
        summary: 'Export a whole strategy',
        description:
          'The strategy as one JSON document: its record, areas with their gap analysis, objectives, every action (archived ones marked) with supporters, dependencies and the full history of progress updates (from earlier versions too), and the glossary that applies. formatVersion 1 is stable: properties may be added, never removed or renamed.',
        tags: TAGS.strategies,
        params: idParams,
        response: { 200: exportSchema, ...problemResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const ctx = tenantContext(request);
      const data = await loadStrategyExport(db, ctx, request.params.id);
      const name = `strategy-${data.strategy.id}-v${data.strategy.version}.json`;
      reply.header('content-disposition', `attachment; filename="${name}"`);
      return exportJson(data);
    },
  );

  // Posts

  api.get(
    '/api/v1/posts',
    {
      config: { access: 'org.read' },
      schema: {
        summary: 'List posts and bodies',
        description: 'The posts and bodies that own actions, each with who holds it today.',
        tags: TAGS.posts,
        querystring: pageQuerySchema,
        response: {
          200: pageSchema(postSchema).describe('A page of posts and bodies.'),
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request) => {
      const ctx = tenantContext(request);
      return withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
        const page = await paginate(
          trx
            .selectFrom('posts as p')
            .selectAll('p')
            .where('p.tenant_id', '=', ctx.tenantId)
            .where('p.archived_at', 'is', null),
          {
            key: 'p.id',
            keyOf: (r) => r.id,
            page: request.query,
            url: request.url,
            map: (r) => r,
          },
        );
        const holders = await currentHolders(trx, ctx.tenantId, todayInLondon());
        return { ...page, data: page.data.map((p) => postJson(p, holders.get(p.id))) };
      });
    },
  );

  api.post(
    '/api/v1/posts',
    {
      config: { access: 'strategy.manage' },
      schema: {
        summary: 'Create a post or body',
        tags: TAGS.posts,
        body: postInput,
        response: { 201: postSchema, ...problemResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const ctx = tenantContext(request);
      const post = await createPost(db, ctx, request.body).catch((error: unknown) => {
        // The API names fields as body.<property>.
        if (error instanceof HttpError && error.fieldErrors.length) {
          throw new ConflictError(
            error.message,
            error.fieldErrors.map((e) => ({ field: `body.${e.field}`, message: e.message })),
          );
        }
        throw error;
      });
      return reply
        .code(201)
        .header('location', `/api/v1/posts/${post.id}`)
        .send(postJson(post, undefined));
    },
  );

  api.get(
    '/api/v1/posts/:id',
    {
      config: { access: 'org.read' },
      schema: {
        summary: 'Read a post or body',
        tags: TAGS.posts,
        params: z.object({ id: z.string().describe('The post’s id.') }),
        response: { 200: postSchema, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => {
      const ctx = tenantContext(request);
      return withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
        const post = await findPost(trx, ctx.tenantId, request.params.id);
        const holders = await currentHolders(trx, ctx.tenantId, todayInLondon());
        return postJson(post, holders.get(post.id));
      });
    },
  );

  // Glossary

  const scopeOf = async (ctx: ReturnType<typeof tenantContext>, strategyId?: string) => {
    if (!strategyId) return null;
    await withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
      findStrategy(trx, ctx.tenantId, strategyId),
    );
    return strategyId;
  };

  api.get(
    '/api/v1/glossary',
    {
      config: { access: 'org.read' },
      schema: {
        summary: 'List glossary terms',
        description:
          'The organisation’s glossary, or with ?strategyId= that strategy’s own terms (which win over the organisation’s on a clash).',
        tags: TAGS.glossary,
        querystring: pageQuerySchema.extend(glossaryQuery.shape),
        response: {
          200: pageSchema(termSchema).describe('A page of terms.'),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const ctx = tenantContext(request);
      const strategyId = await scopeOf(ctx, request.query.strategyId);
      return withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) => {
        let q = trx
          .selectFrom('glossary_terms as g')
          .selectAll('g')
          .where('g.tenant_id', '=', ctx.tenantId);
        q = strategyId
          ? q.where('g.strategy_id', '=', strategyId)
          : q.where('g.strategy_id', 'is', null);
        return paginate(q, {
          key: 'g.id',
          keyOf: (r) => r.id,
          page: request.query,
          url: request.url,
          map: (t) => ({
            id: t.id,
            code: t.code,
            expansion: t.expansion,
            strategyId: t.strategy_id,
          }),
        });
      });
    },
  );

  api.put(
    '/api/v1/glossary/:code',
    {
      config: { access: 'strategy.manage' },
      schema: {
        summary: 'Add or change a glossary term',
        description:
          'Creates the term (201) or changes what it stands for (200). With ?strategyId= it is that strategy’s term.',
        tags: TAGS.glossary,
        params: codeParams,
        querystring: glossaryQuery,
        body: z.object({ expansion: glossaryExpansion.describe('What the code stands for.') }),
        response: {
          200: termSchema.describe('The changed term.'),
          201: termSchema.describe('The new term.'),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const ctx = tenantContext(request);
      const strategyId = await scopeOf(ctx, request.query.strategyId);
      const { term, created } = await putTerm(db, ctx, strategyId, {
        code: request.params.code,
        expansion: request.body.expansion,
      });
      return reply.code(created ? 201 : 200).send({
        id: term.id,
        code: term.code,
        expansion: term.expansion,
        strategyId: term.strategy_id,
      });
    },
  );

  api.delete(
    '/api/v1/glossary/:code',
    {
      config: { access: 'strategy.manage' },
      schema: {
        summary: 'Remove a glossary term',
        description: 'Removes the term; the audit trail keeps what it said.',
        tags: TAGS.glossary,
        params: codeParams,
        querystring: glossaryQuery,
        response: {
          204: z.undefined().describe('The term is removed.'),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const ctx = tenantContext(request);
      const strategyId = await scopeOf(ctx, request.query.strategyId);
      await removeTermByCode(db, ctx, strategyId, request.params.code);
      return reply.code(204).send();
    },
  );
};

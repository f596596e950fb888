import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { tenantContext, type TenantContext } from '../../kernel/auth/plugin.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import { HttpError, ValidationError } from '../../kernel/http/errors.js';
import { problemResponses } from '../../kernel/http/openapi.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../kernel/http/pagination.js';
import { fieldErrors } from '../../kernel/http/validation.js';
import { actionListFields, dueRangeRule, effectiveAsAt, toActionQuery } from './action.filters.js';
import {
  actionDetail,
  queryActions,
  strategyForList,
  type ActionDetail,
} from './action.queries.js';
import { createAction, findAction, updateAction } from './action.service.js';
import {
  actionJson,
  actionListJson,
  inputFromAction,
  leadForForm,
  type DisplayContext,
} from './action.view-model.js';
import { loadStatusLabels } from './display.js';
import { actionInput } from './strategy.schemas.js';
import { STATUSES } from './strategy.tables.js';

/**
 * The action plan over JSON: list (the page's filters and sort as query parameters, 50 a page),
 * create, read and change. The same zod schemas validate requests and document them.
 */

const TAG = 'Actions';

const idParams = z.object({ id: z.string().describe('The id of the strategy or action.') });

const LIMIT_MESSAGE = `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}`;

const listQuery = z
  .object({
    ...actionListFields,
    limit: z.coerce
      .number({ error: LIMIT_MESSAGE })
      .int(LIMIT_MESSAGE)
      .min(1, LIMIT_MESSAGE)
      .max(MAX_PAGE_SIZE, LIMIT_MESSAGE)
      .optional()
      .describe(`Actions per page, from 1 to ${MAX_PAGE_SIZE}. Default ${DEFAULT_PAGE_SIZE}.`),
  })
  .refine(...dueRangeRule);

const status = z.enum(STATUSES);
const nullableText = z.string().nullable();

const timescaleSchema = z.object({
  asWritten: nullableText.describe('The timescale exactly as written, e.g. "Sept \'07".'),
  start: nullableText.describe('Derived start date (YYYY-MM-DD), if any.'),
  due: nullableText.describe('Derived due date (YYYY-MM-DD), if any.'),
  duePrecision: nullableText.describe(
    'How precise the due date is: day, month, quarter, season, financial-year or year.',
  ),
  ongoing: z.boolean(),
  recurrence: nullableText.describe('annually, six-monthly, quarterly, monthly or weekly.'),
  needsReview: z.boolean().describe('True when Waymark could not read the words with certainty.'),
});

const resourcesSchema = z.object({
  asWritten: nullableText,
  kind: z
    .enum(['current', 'additional', 'amount', 'text'])
    .nullable()
    .describe('current (CR), additional (AR, not quantified), amount, or text.'),
  amountPence: z.number().int().nullable().describe('For an amount: whole pence.'),
  period: z.enum(['one-off', 'per-year']).nullable(),
});

const areaSchema = z
  .object({ id: z.string(), number: z.string().nullable(), title: z.string() })
  .nullable();

const priorityShape = z.object({
  asWritten: nullableText.describe('As the plan writes it, e.g. "H".'),
  level: nullableText.describe(
    'The level it means (high, medium, low, or the organisation’s own).',
  ),
});

const actionSummarySchema = z.object({
  id: z.string(),
  ref: z.string(),
  title: z.string(),
  area: areaSchema,
  priority: priorityShape,
  timescale: timescaleSchema,
  byWho: z.string().describe('"By who (with)" as the council writes it.'),
  leadPostId: z.string().nullable(),
  resources: resourcesSchema,
  targets: nullableText,
  status,
  statusLabel: z.string().describe('The organisation’s word for the status.'),
  forecastStatus: status.nullable(),
  overdue: z.boolean().describe('Overdue at the asAt date.'),
  lastUpdateAt: nullableText.describe('When progress was last recorded (ISO 8601).'),
  archived: z.boolean(),
});

const actionSchema = z.object({
  id: z.string(),
  strategyId: z.string(),
  lineageId: z.string().describe('Shared by the versions of this action across plan years.'),
  ref: z.string(),
  title: z.string(),
  description: nullableText,
  area: areaSchema,
  objectiveId: z.string().nullable().describe('The objective of its area it serves, if any.'),
  priority: priorityShape,
  timescale: timescaleSchema.extend({ startPrecision: nullableText }),
  lead: z.object({
    asWritten: nullableText,
    post: z.object({ id: z.string(), shortName: z.string(), title: z.string() }).nullable(),
  }),
  with: z.array(z.object({ text: z.string(), postId: z.string().nullable() })),
  resources: resourcesSchema,
  targets: nullableText,
  outcome: nullableText,
  comments: nullableText,
  status,
  statusLabel: z.string(),
  forecastStatus: status.nullable(),
  tags: z.array(z.string()),
  dependsOn: z.array(z.object({ id: z.string(), ref: z.string() })),
  extra: z
    .record(z.string(), z.unknown())
    .describe('Columns from an import with no field of their own.'),
  lastUpdateAt: nullableText,
  createdAt: z.string(),
  updatedAt: z.string(),
  archivedAt: nullableText,
  archiveReason: nullableText,
});

const listResponse = z.object({
  data: z.array(actionSummarySchema).describe('The actions of this page, in the order asked for.'),
  links: z.object({
    self: z.string(),
    first: z.string(),
    prev: z.string().nullable(),
    next: z.string().nullable(),
    last: z.string(),
  }),
  meta: z.object({
    total: z.number().int().describe('How many actions match the filters, on all pages.'),
    page: z.number().int(),
    limit: z.number().int(),
    count: z.number().int().describe('How many actions this page holds.'),
    asAt: z.string().describe('The date overdue was judged at.'),
  }),
});

/** The fields of an action a client sends; PATCH takes any of them. */
const actionBody = actionInput.describe(
  'An action as the council writes it: timescale, lead, resources and priority are kept as written and Waymark derives dates, posts, amounts and levels from them. `with` lists supporters; left out, they are read from the lead ("AD, ICT (BoD)").',
);
const patchBody = actionInput
  .partial()
  .describe('Only the fields to change. Lists (with, tags, dependsOn) replace the whole list.');

function pageUrl(url: string, page: number, limit: number) {
  const [path = '/', search = ''] = url.split('?', 2);
  const params = new URLSearchParams(search);
  params.delete('page');
  params.delete('limit');
  if (page > 1) params.set('page', String(page));
  if (limit !== DEFAULT_PAGE_SIZE) params.set('limit', String(limit));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** Service errors name form fields ("ref"); the API names them where they were sent ("body.ref"). */
function asBodyErrors(error: unknown): never {
  if (error instanceof HttpError && error.fieldErrors.length) {
    const fields = error.fieldErrors.map((e) => ({ ...e, field: `body.${e.field}` }));
    if (error.status === 409) throw new HttpError(409, error.title, error.message, fields);
    throw new ValidationError(fields);
  }
  throw error;
}

async function readDetail(db: Parameters<typeof withTenant>[0], ctx: TenantContext, id: string) {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
    const action = await findAction(trx, ctx.tenantId, id);
    const detail = await actionDetail(trx, ctx.tenantId, action);
    const labels = await loadStatusLabels(trx, ctx.tenantId);
    return { detail, labels };
  });
}

export const actionApiRoutes: FastifyPluginAsync = async (app) => {
  const { db } = app.deps.database;
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/api/v1/strategies/:id/actions',
    {
      config: { access: 'org.read' },
      schema: {
        summary: 'List a strategy’s actions',
        description:
          'The action plan with the same filters and sort as its page, as query parameters. Archived actions are left out unless `archived=true`. Pages of 50: follow `links.next`.',
        tags: [TAG],
        params: idParams,
        querystring: listQuery,
        response: {
          200: listResponse.describe('A page of actions.'),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const ctx = tenantContext(request);
      const q = request.query;
      const limit = q.limit ?? DEFAULT_PAGE_SIZE;
      const page = q.page ?? 1;
      const asAt = effectiveAsAt(q);
      // Two statements: the strategy with its display settings and glossary, then the page
      // with its total and supporters.
      const { result, display } = await withTenant(
        db,
        ctx.tenantId,
        ctx.actor.userId,
        async (trx) => {
          const view = await strategyForList(trx, ctx.tenantId, request.params.id, {
            filterChoices: false,
          });
          const result = await queryActions(
            trx,
            toActionQuery(
              q,
              { tenantId: ctx.tenantId, strategyId: request.params.id },
              { limit, page },
            ),
            { supporters: true },
          );
          const display: DisplayContext = {
            labels: view.labels,
            priorities: view.priorities,
            glossary: view.glossary,
            asAt,
          };
          return { result, display };
        },
      );
      const last = Math.max(1, Math.ceil(result.total / limit));
      return {
        data: result.rows.map((r) => actionListJson(r, r.supporters ?? [], display)),
        links: {
          self: pageUrl(request.url, page, limit),
          first: pageUrl(request.url, 1, limit),
          prev: page > 1 ? pageUrl(request.url, Math.min(page - 1, last), limit) : null,
          next: page < last ? pageUrl(request.url, page + 1, limit) : null,
          last: pageUrl(request.url, last, limit),
        },
        meta: { total: result.total, page, limit, count: result.rows.length, asAt },
      };
    },
  );

  api.post(
    '/api/v1/strategies/:id/actions',
    {
      config: { access: 'strategy.manage' },
      schema: {
        summary: 'Add an action to a strategy',
        description:
          'Needs an editor’s or administrator’s token. The reference must be unique in the strategy (409 if not).',
        tags: [TAG],
        params: idParams,
        body: actionBody,
        response: {
          201: actionSchema.describe('The action as stored, with what Waymark derived.'),
          ...problemResponses(400, 401, 403, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const ctx = tenantContext(request);
      const action = await createAction(db, ctx, request.params.id, request.body).catch(
        asBodyErrors,
      );
      const { detail, labels } = await readDetail(db, ctx, action.id);
      return reply
        .code(201)
        .header('location', `/api/v1/actions/${action.id}`)
        .send(actionJson(detail, labels));
    },
  );

  api.get(
    '/api/v1/actions/:id',
    {
      config: { access: 'org.read' },
      schema: {
        summary: 'Read an action',
        description: 'Every field, with the words as written beside what Waymark derived.',
        tags: [TAG],
        params: idParams,
        response: { 200: actionSchema, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => {
      const { detail, labels } = await readDetail(db, tenantContext(request), request.params.id);
      return actionJson(detail, labels);
    },
  );

  api.patch(
    '/api/v1/actions/:id',
    {
      config: { access: 'strategy.manage' },
      schema: {
        summary: 'Change an action',
        description:
          'Send only what changes. Progress is better recorded as an update (it keeps the history); archived actions cannot be changed (409).',
        tags: [TAG],
        params: idParams,
        body: patchBody,
        response: { 200: actionSchema, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const ctx = tenantContext(request);
      const { detail } = await readDetail(db, ctx, request.params.id);
      const input = mergePatch(detail, request.body, rawBody(request));
      await updateAction(db, ctx, detail.action.id, input, { replaceForecast: true }).catch(
        asBodyErrors,
      );
      const fresh = await readDetail(db, ctx, detail.action.id);
      return actionJson(fresh.detail, fresh.labels);
    },
  );
};

function definedOnly(object: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined));
}

function rawBody(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
}

/**
 * The stored action with the sent fields over it, validated as a whole. Owners left alone stay
 * as written ("AD, ICT (BoD)" is read again, not rebuilt); a forecast sent as "" is cleared.
 */
function mergePatch(detail: ActionDetail, patch: object, sent: Record<string, unknown>) {
  const cleared = (key: string) => sent[key] === '' || sent[key] === null;
  const merged: Record<string, unknown> = Object.fromEntries(
    Object.entries({ ...inputFromAction(detail), ...definedOnly(patch) }).filter(
      ([key]) => !cleared(key),
    ),
  );
  if (!('lead' in sent) && !('with' in sent)) {
    merged.lead = detail.action.lead_text ?? undefined;
    delete merged.with;
  } else if ('lead' in sent && !('with' in sent)) {
    delete merged.with;
  } else if (!('lead' in sent)) {
    merged.lead = leadForForm(detail.action.lead_text) || undefined;
  }
  const parsed = actionInput.safeParse(merged);
  if (!parsed.success) {
    throw new ValidationError(
      fieldErrors(parsed.error).map((e) => ({ ...e, field: `body.${e.field}` })),
    );
  }
  return parsed.data;
}

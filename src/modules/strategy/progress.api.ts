import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { tenantContext } from '../../kernel/auth/plugin.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import { ValidationError } from '../../kernel/http/errors.js';
import { problemResponses } from '../../kernel/http/openapi.js';
import { MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE } from '../../kernel/http/pagination.js';
import { findAction } from './action.service.js';
import { loadStatusLabels } from './display.js';
import { evidenceMeta } from './evidence.service.js';
import {
  listUpdatesPage,
  myActions,
  recordProgressInTx,
  type NeedReason,
} from './progress.service.js';
import { myActionApiView, updateApiView } from './progress.view-model.js';
import { progressInput } from './strategy.schemas.js';
import { STATUSES } from './strategy.tables.js';

const TAG = 'Progress';

const LIMIT_MESSAGE = `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}`;
const OFFSET_MESSAGE = 'offset must be a whole number, 0 or more';

/** Newest-first lists page by position: `offset` items skipped, `limit` items shown. */
const offsetPageQuery = z.object({
  limit: z.coerce
    .number({ error: LIMIT_MESSAGE })
    .int(LIMIT_MESSAGE)
    .min(1, LIMIT_MESSAGE)
    .max(MAX_PAGE_SIZE, LIMIT_MESSAGE)
    .default(DEFAULT_PAGE_SIZE)
    .describe(`How many items per page, from 1 to ${MAX_PAGE_SIZE}. Default ${DEFAULT_PAGE_SIZE}.`),
  offset: z.coerce
    .number({ error: OFFSET_MESSAGE })
    .int(OFFSET_MESSAGE)
    .min(0, OFFSET_MESSAGE)
    .default(0)
    .describe('How many items to skip. Follow links.next rather than counting yourself.'),
});

function offsetLink(url: string, limit: number, offset: number) {
  const [path = '/', search = ''] = url.split('?', 2);
  const params = new URLSearchParams(search);
  params.set('limit', String(limit));
  params.set('offset', String(offset));
  return `${path}?${params.toString()}`;
}

function offsetPage<T>(url: string, limit: number, offset: number, total: number, data: T[]) {
  return {
    data,
    links: {
      self: offsetLink(url, limit, offset),
      first: offsetLink(url, limit, 0),
      next: offset + data.length < total ? offsetLink(url, limit, offset + limit) : null,
      prev: offset > 0 ? offsetLink(url, limit, Math.max(0, offset - limit)) : null,
    },
    meta: { limit, count: data.length, offset, total },
  };
}

const linksSchema = z.object({
  self: z.string().describe('This page.'),
  first: z.string().describe('The first page.'),
  next: z.string().nullable().describe('The next page, or null on the last page.'),
  prev: z.string().nullable().describe('The previous page, or null on the first page.'),
});

const metaSchema = z.object({
  limit: z.number().int().describe('The largest number of items a page holds.'),
  count: z.number().int().describe('How many items this page holds.'),
  offset: z.number().int().describe('How many items come before this page.'),
  total: z.number().int().describe('How many items there are in all.'),
});

const statusSchema = z.enum(STATUSES);

const updateSchema = z.object({
  id: z.uuid().describe('The update’s id.'),
  actionId: z
    .uuid()
    .describe(
      'The action it was recorded on. Updates follow an action across plan years, so this may be an earlier year’s version of the action.',
    ),
  status: statusSchema.describe('The status recorded.'),
  forecastStatus: statusSchema.nullable().describe('The forecast for the end of the period.'),
  percentComplete: z.number().int().nullable().describe('Percent complete, 0 to 100.'),
  happened: z.string().describe('What had happened.'),
  nextSteps: z.string().nullable().describe('What happens next.'),
  evidenceUrl: z.string().nullable().describe('A link to evidence.'),
  evidenceFile: z
    .object({
      id: z.uuid(),
      fileName: z.string(),
      contentType: z.string(),
      sizeBytes: z.number().int(),
      href: z.string().describe('Where a signed-in person downloads it.'),
    })
    .nullable()
    .describe('An uploaded evidence file (uploads are made through the page, not the API).'),
  correctsId: z
    .uuid()
    .nullable()
    .describe('The earlier update this one corrects; updates themselves are never changed.'),
  correctionNote: z.string().nullable().describe('What the correction changes.'),
  asAt: z.string().describe('The date the update describes (YYYY-MM-DD).'),
  recordedAt: z.iso.datetime().describe('When it was recorded.'),
  recordedBy: z.object({ id: z.uuid().nullable(), name: z.string() }).describe('Who recorded it.'),
});

const updateBody = progressInput
  .safeExtend({
    status: progressInput.shape.status.describe(
      `The status now: one of ${STATUSES.join(', ')}. The organisation’s own words for them are on its pages.`,
    ),
    forecastStatus: progressInput.shape.forecastStatus.describe(
      'The forecast for the end of the period (same codes). Leave out for none.',
    ),
    percentComplete: progressInput.shape.percentComplete.describe('Percent complete, 0 to 100.'),
    happened: progressInput.shape.happened.describe('What has happened. Required.'),
    nextSteps: progressInput.shape.nextSteps.describe('What happens next.'),
    evidenceUrl: progressInput.shape.evidenceUrl.describe(
      'A link to evidence, starting https:// (files are uploaded through the page).',
    ),
    correctsId: progressInput.shape.correctsId.describe(
      'To correct an earlier update of this action: its id. A correction needs correctionNote.',
    ),
    correctionNote: progressInput.shape.correctionNote.describe('What the correction changes.'),
  })
  .describe('A progress update.');

const REASONS = ['overdue', 'never', 'stale', 'quarter'] as const satisfies readonly NeedReason[];

const myActionSchema = z.object({
  id: z.uuid().describe('The action’s id.'),
  ref: z.string().describe('Its reference, like 4.7.'),
  title: z.string(),
  strategy: z.object({ id: z.uuid(), title: z.string() }).describe('The strategy it belongs to.'),
  status: statusSchema.describe('The current status.'),
  statusLabel: z.string().describe('The organisation’s word for that status.'),
  forecastStatus: statusSchema.nullable(),
  timescale: z.string().nullable().describe('The timescale as written in the plan.'),
  dueOn: z.string().nullable().describe('The due date read from it (YYYY-MM-DD), if any.'),
  overdue: z.boolean(),
  stale: z.boolean().describe('No update in 90 days, or none since the last quarter end.'),
  needsUpdate: z.boolean().describe('Whether the owner owes an update now.'),
  reason: z.enum(REASONS).nullable().describe('Why it needs an update.'),
  reasonText: z.string().nullable().describe('The same, in words.'),
  lastUpdateAt: z.iso.datetime().nullable(),
  daysSinceUpdate: z.number().int().nullable(),
  links: z.object({ updates: z.string(), recordProgress: z.string() }),
});

const idParams = z.object({ id: z.uuid('id must be an action id (a UUID)') });

/** Progress over the API: an action's updates (read, record) and the caller's own actions. */
export const progressApiRoutes: FastifyPluginAsync = async (app) => {
  const { db } = app.deps.database;
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/api/v1/actions/:id/updates',
    {
      config: { access: 'org.read' },
      schema: {
        summary: 'List an action’s progress updates',
        description:
          'Every progress update of the action, across plan years, newest first. Corrections are updates of their own that name the update they correct.',
        tags: [TAG],
        params: idParams,
        querystring: offsetPageQuery,
        response: {
          200: z
            .object({ data: z.array(updateSchema), links: linksSchema, meta: metaSchema })
            .describe('A page of updates.'),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const ctx = tenantContext(request);
      const { limit, offset } = request.query;
      return withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
        const action = await findAction(trx, ctx.tenantId, request.params.id);
        const { rows, total } = await listUpdatesPage(trx, ctx.tenantId, action.lineage_id, {
          limit,
          offset,
        });
        const evidence = await evidenceMeta(
          trx,
          ctx.tenantId,
          rows.flatMap((r) => (r.evidence_file_id ? [r.evidence_file_id] : [])),
        );
        return offsetPage(
          request.url,
          limit,
          offset,
          total,
          rows.map((r) => updateApiView(r, evidence)),
        );
      });
    },
  );

  api.post(
    '/api/v1/actions/:id/updates',
    {
      config: { access: 'progress.record' },
      schema: {
        summary: 'Record progress on an action',
        description:
          'Records a progress update, which becomes the action’s current status and forecast. Contributors may record progress only on actions owned by a post they hold. Updates are never changed: to correct one, record a new update with correctsId and correctionNote. Evidence is given as a link.',
        tags: [TAG],
        params: idParams,
        body: updateBody,
        response: {
          201: updateSchema.describe('The update recorded.'),
          ...problemResponses(400, 401, 403, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const ctx = tenantContext(request);
      try {
        const update = await withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
          recordProgressInTx(trx, ctx, request.params.id, request.body),
        );
        return await reply.code(201).send(updateApiView(update, new Map()));
      } catch (error) {
        // The service names form fields; the API names them where they are: in the body.
        if (error instanceof ValidationError) {
          throw new ValidationError(
            error.fieldErrors.map((e) => ({ ...e, field: `body.${e.field}` })),
            error.message,
          );
        }
        throw error;
      }
    },
  );

  api.get(
    '/api/v1/me/actions',
    {
      config: { access: 'progress.record' },
      schema: {
        summary: 'List your actions',
        description:
          'The open actions you own today, through the posts you hold or as named lead, in the current strategies: those that need an update first (overdue, then with no recent update), then by due date. Finished actions come last.',
        tags: [TAG],
        querystring: offsetPageQuery,
        response: {
          200: z
            .object({
              data: z.array(myActionSchema),
              links: linksSchema,
              meta: metaSchema.extend({
                needingUpdate: z.number().int().describe('How many of them need an update.'),
              }),
            })
            .describe('A page of your actions.'),
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request) => {
      const ctx = tenantContext(request);
      const { limit, offset } = request.query;
      const mine = await myActions(db, ctx);
      const labels = await withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
        loadStatusLabels(trx, ctx.tenantId),
      );
      const all = [...mine.open, ...mine.finished];
      const page = offsetPage(
        request.url,
        limit,
        offset,
        all.length,
        all.slice(offset, offset + limit).map((a) => myActionApiView(a, labels)),
      );
      return {
        ...page,
        meta: { ...page.meta, needingUpdate: mine.open.filter((a) => a.need.needsUpdate).length },
      };
    },
  );
};

import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import type { MultipartFile } from '@fastify/multipart';
import { tenantContext, type TenantContext } from '../../kernel/auth/plugin.js';
import { can } from '../../kernel/auth/permissions.js';
import type { DB } from '../../kernel/db/schema.js';
import { withTenant, type Tx } from '../../kernel/db/tenancy.js';
import {
  ConflictError,
  ForbiddenError,
  ValidationError,
  type FieldError,
} from '../../kernel/http/errors.js';
import { parseInput } from '../../kernel/http/validation.js';
import type { Kysely } from 'kysely';
import { strategyForList } from './action.queries.js';
import { abbreviate, loadStatusLabels } from './display.js';
import {
  attachmentDisposition,
  checkEvidenceFile,
  describeLimit,
  EVIDENCE_ACCEPT,
  EVIDENCE_TYPE_NAMES,
  evidenceMeta,
  findEvidence,
  storeEvidenceInTx,
  type UploadedFile,
} from './evidence.service.js';
import { progressApiRoutes } from './progress.api.js';
import {
  linkCorrections,
  listUpdates,
  loadActionForProgress,
  mayRecordGiven,
  myActions,
  recordProgressInTx,
  whatsNextFor,
} from './progress.service.js';
import {
  correctionItems,
  DETAIL_FIELDS,
  dueText,
  forecastItems,
  inPageOrder,
  myActionsView,
  statusItems,
  typedValues,
  updateView,
} from './progress.view-model.js';
import { settingsRoutes } from './settings.routes.js';
import { todayInLondon } from './status.js';
import { progressInput } from './strategy.schemas.js';
import { describeTimescale, parseTimescale } from './timescale.js';

const MY_ACTIONS_PAGE = 'strategy/views/progress/my-actions.njk';
const RECORD_PAGE = 'strategy/views/progress/record.njk';
const NOT_YOURS = 'You can record progress only on actions owned by a post you hold.';

/** The file a progress form carried, kept beside the request (never taken from the body). */
const uploads = new WeakMap<FastifyRequest, UploadedFile>();

/** The action with what the checks need (one statement), refused unless they may record on it. */
async function assertMayRecord(trx: Tx, ctx: TenantContext, actionId: string, asAt: string) {
  const loaded = await loadActionForProgress(trx, ctx, actionId, asAt);
  if (!mayRecordGiven(ctx, loaded.action, loaded.heldPostIds)) throw new ForbiddenError(NOT_YOURS);
  if (loaded.action.archived_at) {
    throw new ConflictError('This action is archived: progress can no longer be recorded on it.');
  }
  return loaded;
}

/** Everything the record-progress page shows about the action, for the person asking. */
async function recordPageData(db: Kysely<DB>, ctx: TenantContext, actionId: string) {
  const asAt = todayInLondon();
  return withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
    const loaded = await assertMayRecord(trx, ctx, actionId, asAt);
    const { action } = loaded;
    // The strategy with the status words and glossary: one statement.
    const { strategy, labels, glossary } = await strategyForList(
      trx,
      ctx.tenantId,
      action.strategy_id,
      { filterChoices: false },
    );
    const rawUpdates = await listUpdates(trx, ctx.tenantId, action.lineage_id);
    const { leadPost } = loaded;
    const route = await whatsNextFor(trx, ctx, loaded, asAt);
    const updates = linkCorrections(rawUpdates);
    const evidence = await evidenceMeta(
      trx,
      ctx.tenantId,
      updates.flatMap((u) => (u.evidence_file_id ? [u.evidence_file_id] : [])),
    );
    const timescale = action.timescale_text
      ? describeTimescale(
          parseTimescale(action.timescale_text, {
            documentDate: strategy.document_date ?? strategy.period_start ?? asAt,
          }),
        )
      : null;
    return {
      action,
      strategy,
      labels,
      lead: abbreviate(
        leadPost
          ? leadPost.title === leadPost.short_name
            ? leadPost.title
            : `${leadPost.title} (${leadPost.short_name})`
          : action.lead_text,
        glossary,
      ),
      due: dueText(action),
      timescale,
      timescaleText: action.timescale_text,
      retired: strategy.status === 'superseded' || strategy.status === 'archived',
      updates: updates.map((u) => updateView(u, evidence)),
      correctionItems: (selected: unknown) => correctionItems(updates, labels, selected),
      ...route,
    };
  });
}

export const progressRoutes: FastifyPluginAsync = async (app) => {
  const { db } = app.deps.database;
  const limitBytes = app.deps.config.UPLOAD_LIMIT_MB * 1024 * 1024;

  await app.register(settingsRoutes);
  await app.register(progressApiRoutes);

  app.get('/my-actions', { config: { access: 'progress.record' } }, async (request, reply) => {
    const ctx = tenantContext(request);
    const data = await myActions(db, ctx);
    const labels = await withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
      loadStatusLabels(trx, ctx.tenantId),
    );
    return reply.page(MY_ACTIONS_PAGE, {
      title: 'My actions',
      labels,
      managesPlans: can(ctx.role, 'strategy.manage'),
      ...myActionsView(data),
    });
  });

  async function renderRecordPage(
    request: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    form: { errors?: FieldError[]; values?: Record<string, string> } = {},
  ) {
    const ctx = tenantContext(request);
    const data = await recordPageData(db, ctx, request.params.id);
    const { action, labels, correctionItems: correctionList, ...rest } = data;
    const values = form.values ?? {
      status: action.status,
      forecastStatus: action.forecast_status ?? '',
    };
    const detailOpen = DETAIL_FIELDS.some(
      (f) =>
        form.errors?.some((e) => e.field === f) ||
        (values[f] && !(f === 'forecastStatus' && values[f] === (action.forecast_status ?? ''))),
    );
    return reply.page(
      RECORD_PAGE,
      {
        title: `Record progress on ${action.ref}`,
        ...(form.errors ? { errors: inPageOrder(form.errors) } : {}),
        values,
        labels,
        action: {
          id: action.id,
          ref: action.ref,
          title: action.title,
          status: action.status,
          forecast: action.forecast_status,
        },
        ...rest,
        latest: rest.updates[0] ?? null,
        statusItems: statusItems(labels, values.status),
        forecastItems: forecastItems(labels, values.forecastStatus),
        correctionItems: correctionList(values.correctsId),
        detailOpen,
        uploadLimit: describeLimit(limitBytes),
        evidenceTypes: EVIDENCE_TYPE_NAMES,
        evidenceAccept: EVIDENCE_ACCEPT,
      },
      form.errors ? 400 : undefined,
    );
  }

  app.get<{ Params: { id: string } }>(
    '/actions/:id/progress',
    { config: { access: 'progress.record' } },
    async (request, reply) => renderRecordPage(request, reply),
  );

  // The form posts multipart (it may carry a file); the parser lives in this scope only.
  await app.register(async (scope) => {
    await scope.register(multipart, {
      attachFieldsToBody: 'keyValues',
      // Over the limit, the file is cut short and marked: the form says so, keeping the rest.
      throwFileSizeLimit: false,
      limits: { fileSize: limitBytes, files: 1, fields: 30, fieldSize: 100_000, parts: 40 },
      async onFile(this: FastifyRequest, part: MultipartFile) {
        const chunks: Buffer[] = [];
        for await (const chunk of part.file) chunks.push(chunk as Buffer);
        const data = Buffer.concat(chunks);
        // A file input left empty still sends a part, with no name and no content.
        if (part.fieldname !== 'evidenceFile' || (!part.filename && data.byteLength === 0)) return;
        uploads.set(this, { fileName: part.filename, data, truncated: part.file.truncated });
      },
    });

    scope.post<{ Params: { id: string } }>(
      '/actions/:id/progress',
      { config: { access: 'progress.record' } },
      async (request, reply) => {
        const ctx = tenantContext(request);
        const values = typedValues(request.body);
        const parsed = parseInput(progressInput, request.body);
        const errors: FieldError[] = parsed.ok ? [] : [...parsed.errors];
        const upload = uploads.get(request);
        const file = upload ? checkEvidenceFile(upload, limitBytes) : null;
        if (file && !file.ok) errors.push({ field: 'evidenceFile', message: file.message });
        // (The page checks again that they may record progress here before saying anything.)
        if (!parsed.ok || errors.length)
          return renderRecordPage(request, reply, { errors, values });
        const asAt = todayInLondon();
        let outcome;
        try {
          outcome = await withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
            // Read before writing, so "what's next" sees the plan as it was before this update.
            const loaded = await assertMayRecord(trx, ctx, request.params.id, asAt);
            const { action } = loaded;
            const route = await whatsNextFor(trx, ctx, loaded, asAt);
            const evidenceFileId =
              file?.ok && upload
                ? await storeEvidenceInTx(trx, ctx, {
                    fileName: file.fileName,
                    type: file.type,
                    data: upload.data,
                  })
                : null;
            await recordProgressInTx(trx, ctx, action.id, parsed.data, {
              evidenceFileId,
              checked: action,
            });
            return { action, ...route };
          });
        } catch (error) {
          if (error instanceof ValidationError) {
            return renderRecordPage(request, reply, { errors: error.fieldErrors, values });
          }
          throw error;
        }
        const { action, mine, next, othersNeeding } = outcome;
        const done = `Progress recorded for ${action.ref}.`;
        if (!mine) return reply.flash(done).redirect(`/actions/${action.id}`, 303);
        if (next) {
          return reply
            .flash(`${done} Next: ${next.ref} ${shorten(next.title, 100)}`)
            .redirect(`/actions/${next.id}/progress`, 303);
        }
        const rest =
          othersNeeding === 0
            ? 'All your actions are up to date.'
            : `${othersNeeding} of your actions still ${othersNeeding === 1 ? 'needs' : 'need'} an update.`;
        return reply.flash(`${done} ${rest}`).redirect('/my-actions', 303);
      },
    );
  });

  app.get<{ Params: { id: string } }>(
    '/evidence/:id',
    { config: { access: 'org.read' } },
    async (request, reply) => {
      const ctx = tenantContext(request);
      const file = await withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
        findEvidence(trx, ctx.tenantId, request.params.id),
      );
      const data = Buffer.from(file.data);
      return reply
        .header('content-type', file.content_type)
        .header('content-disposition', attachmentDisposition(file.file_name))
        .header('content-length', data.byteLength)
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .send(data);
    },
  );
};

function shorten(text: string, max: number) {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat;
}

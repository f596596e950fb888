/** POST /api/v1/imports (preview), GET and PATCH the draft, and its commit. */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { tenantContext } from '../../kernel/auth/plugin.js';
import { ValidationError } from '../../kernel/http/errors.js';
import { problemResponses } from '../../kernel/http/openapi.js';
import { checkActions } from './import.diff.js';
import {
  adjustBody,
  commitBody,
  commitResultSchema,
  diffQuery,
  draftSchema,
  idParams,
  startBody,
} from './import.schemas.js';
import {
  adjustDraft,
  commitDraft,
  describeBytes,
  diffWithStrategy,
  openDraft,
  refusal,
  startImport,
  type DraftView,
} from './import.service.js';
import { ImportRefusedError, type ImportPreview } from './import.types.js';
import { acceptUploads, startSource, uploadOf } from './import.upload.js';

const TAGS = ['Imports'];

function draftJson(
  view: Pick<DraftView, 'draft' | 'target'> & { preview: ImportPreview },
  diff?: Awaited<ReturnType<typeof diffWithStrategy>>,
) {
  return {
    id: view.draft.id,
    expiresAt: view.draft.expires_at.toISOString(),
    committed: view.draft.committed_at !== null,
    target: view.target,
    preview: view.preview,
    problems: checkActions(view.preview),
    ...(diff ? { diff: { strategyId: diff.strategy.id, ...diff.diff } } : {}),
  };
}

/** Reader and understanding refusals are the person's input being wrong: a 400 in their words. */
async function refusing<T>(fn: () => Promise<T>, field = 'body'): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof ImportRefusedError) throw refusal(error, field);
    throw error;
  }
}

export const importApi: FastifyPluginAsync = async (app) => {
  const { db } = app.deps.database;
  const limitBytes = app.deps.config.UPLOAD_LIMIT_MB * 1024 * 1024;

  await app.register(async (scope) => {
    await acceptUploads(scope, limitBytes);
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/api/v1/imports',
      {
        config: { access: 'strategy.manage' },
        // Pasted text may be as large as an upload, and JSON escapes make it larger still.
        bodyLimit: limitBytes * 3,
        schema: {
          summary: 'Preview a plan',
          description:
            'Reads an action plan — a file sent as multipart/form-data in the field `file` ' +
            '(.docx, .xlsx, .csv or .txt), or JSON `{ "text": … }` — and answers with the ' +
            'preview: themes, areas, glossary, warnings and every action with what was derived ' +
            'from its cells. Nothing is imported: the draft is kept for 24 hours for you to ' +
            'adjust (PATCH) and commit (POST …/commit). A document that cannot be imported ' +
            'answers 400 saying why.',
          tags: TAGS,
          consumes: ['application/json', 'multipart/form-data'],
          body: startBody,
          response: { 201: draftSchema, ...problemResponses(400, 401, 403) },
        },
      },
      async (request, reply) => {
        const ctx = tenantContext(request);
        const upload = uploadOf(request);
        const body = request.body;
        let input;
        if (!upload && body.text !== undefined) {
          input = { text: body.text, name: body.name?.trim() || 'pasted text' };
        } else {
          const source = startSource(upload, body.text, body.name, limitBytes, describeBytes);
          if (!source.ok) {
            throw new ValidationError(
              [
                {
                  field: source.code === 'missing' ? 'body' : 'body.file',
                  message: source.message,
                },
              ],
              source.message,
            );
          }
          input = source.input;
        }
        const started = await refusing(() =>
          startImport(
            db,
            ctx,
            input,
            { maxBytes: limitBytes },
            body.sheet ? { sheet: body.sheet } : {},
          ),
        );
        return reply
          .code(201)
          .header('location', `/api/v1/imports/${started.draft.id}`)
          .send(draftJson({ draft: started.draft, preview: started.preview, target: null }));
      },
    );
  });

  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/api/v1/imports/:id',
    {
      config: { access: 'strategy.manage' },
      schema: {
        summary: 'Get a previewed plan',
        description:
          'The draft and its preview as your choices make it. With `strategyId`, also the ' +
          'difference from that strategy’s plan, matched by reference: added, changed field by ' +
          'field, unchanged, and missing (missing actions are never deleted).',
        tags: TAGS,
        params: idParams,
        querystring: diffQuery,
        response: { 200: draftSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const ctx = tenantContext(request);
      const view = await openDraft(db, ctx, request.params.id);
      const diff = request.query.strategyId
        ? await diffWithStrategy(db, ctx, view.preview, request.query.strategyId)
        : undefined;
      return draftJson(view, diff);
    },
  );

  api.patch(
    '/api/v1/imports/:id',
    {
      config: { access: 'strategy.manage' },
      schema: {
        summary: 'Adjust a previewed plan',
        description:
          'Change what a column means, fix a cell or choose another sheet; answers with the new ' +
          'preview. Changes are merged into those made before.',
        tags: TAGS,
        params: idParams,
        body: adjustBody,
        response: { 200: draftSchema, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const ctx = tenantContext(request);
      const { mapping, fixes, sheet } = request.body;
      const view = await refusing(() =>
        adjustDraft(db, ctx, request.params.id, {
          ...(mapping ? { mapping } : {}),
          ...(fixes ? { fixes } : {}),
          ...(sheet !== undefined ? { sheet } : {}),
        }),
      );
      return draftJson(view);
    },
  );

  api.post(
    '/api/v1/imports/:id/commit',
    {
      config: { access: 'strategy.manage' },
      schema: {
        summary: 'Import a previewed plan',
        description:
          'Writes the plan in one transaction: into a new strategy (`newStrategyTitle`) or an ' +
          'existing one (`strategyId`: matched actions updated, new ones added, none deleted). ' +
          'A draft is imported once; a second commit answers 409.',
        tags: TAGS,
        params: idParams,
        body: commitBody,
        response: { 201: commitResultSchema, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const ctx = tenantContext(request);
      const { strategyId, newStrategyTitle, archiveMissing } = request.body;
      const result = await commitDraft(
        db,
        ctx,
        request.params.id,
        strategyId ? { strategyId } : { newStrategyTitle: newStrategyTitle ?? '' },
        archiveMissing ? { archiveMissing } : {},
      );
      return reply.code(201).send(result);
    },
  );
};

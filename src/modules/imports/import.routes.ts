/** Pages: upload or paste → preview → adjust → where it goes → check → import → summary. */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { tenantContext, type TenantContext } from '../../kernel/auth/plugin.js';
import {
  HttpError,
  NotFoundError,
  ValidationError,
  type FieldError,
} from '../../kernel/http/errors.js';
import { parseInput } from '../../kernel/http/validation.js';
import { checkActions } from './import.diff.js';
import { fixForm, mappingFromForm, startForm, targetForm } from './import.schemas.js';
import {
  adjustDraft,
  commitDraft,
  committedResult,
  describeBytes,
  diffWithStrategy,
  importTargets,
  openDraft,
  startImport,
  type DraftView,
} from './import.service.js';
import { ImportRefusedError, type ColumnField } from './import.types.js';
import { acceptUploads, startSource, uploadOf } from './import.upload.js';
import {
  actionRows,
  diffView,
  fixFields,
  mappingRows,
  resultView,
  summaryBanner,
  themeGroups,
} from './import.view-model.js';

const VIEWS = 'imports/views';
const access = { access: 'strategy.manage' as const };
type IdParams = { Params: { id: string } };
type ActionParams = { Params: { id: string; n: string } };

function crumbs(...extra: { text: string; href?: string }[]) {
  return [
    { text: 'Strategies', href: '/strategies' },
    { text: 'Import a plan', href: '/imports/new' },
    ...extra,
  ];
}

export const importRoutes: FastifyPluginAsync = async (app) => {
  const { db } = app.deps.database;
  const limitBytes = app.deps.config.UPLOAD_LIMIT_MB * 1024 * 1024;
  const limitWords = describeBytes(limitBytes);

  function renderStart(
    reply: FastifyReply,
    form: { errors?: FieldError[]; values?: Record<string, unknown> } = {},
  ) {
    return reply.page(
      `${VIEWS}/new.njk`,
      {
        title: 'Import a plan',
        breadcrumbs: [{ text: 'Strategies', href: '/strategies' }],
        limit: limitWords,
        values: form.values ?? {},
        ...(form.errors ? { errors: form.errors } : {}),
      },
      form.errors ? 400 : undefined,
    );
  }

  app.get('/imports/new', { config: access }, async (_request, reply) => renderStart(reply));

  await app.register(async (scope) => {
    await acceptUploads(scope, limitBytes);
    scope.post(
      '/imports/new',
      { config: access, bodyLimit: limitBytes * 3 },
      async (request, reply) => {
        const ctx = tenantContext(request);
        const body = (request.body ?? {}) as Record<string, unknown>;
        const values = { text: typeof body.text === 'string' ? body.text : '' };
        const parsed = parseInput(startForm, body);
        if (!parsed.ok) return renderStart(reply, { errors: parsed.errors, values });
        const source = startSource(
          uploadOf(request),
          parsed.data.text,
          undefined,
          limitBytes,
          describeBytes,
        );
        if (!source.ok)
          return renderStart(reply, {
            errors: [{ field: 'file', message: source.message }],
            values,
          });
        try {
          const { draft } = await startImport(
            db,
            ctx,
            source.input,
            { maxBytes: limitBytes },
            parsed.data.sheet ? { sheet: parsed.data.sheet } : {},
          );
          return await reply.redirect(`/imports/${draft.id}`, 303);
        } catch (error) {
          if (error instanceof ImportRefusedError) {
            const field = source.input.text !== undefined ? 'text' : 'file';
            return renderStart(reply, { errors: [{ field, message: error.message }], values });
          }
          throw error;
        }
      },
    );
  });

  async function renderPreview(
    request: FastifyRequest<IdParams>,
    reply: FastifyReply,
    ctx: TenantContext,
    view: DraftView,
    form: { errors?: FieldError[]; targetValues?: Record<string, unknown> } = {},
  ) {
    const problems = checkActions(view.preview);
    const rows = actionRows(view.preview, problems);
    const strategies = await importTargets(db, ctx);
    const target = view.target;
    const targetValues = form.targetValues ?? {
      target: target ? ('strategyId' in target ? 'existing' : 'new') : '',
      newStrategyTitle: target && 'newStrategyTitle' in target ? target.newStrategyTitle : '',
      strategyId: target && 'strategyId' in target ? target.strategyId : '',
    };
    return reply.page(
      `${VIEWS}/preview.njk`,
      {
        title: 'Check the plan before importing it',
        breadcrumbs: crumbs({ text: 'Preview' }),
        id: request.params.id,
        preview: view.preview,
        banner: summaryBanner(view.preview, problems),
        problems,
        generalWarnings: view.preview.warnings.filter((w) => w.action === undefined),
        actionWarnings: view.preview.warnings.filter((w) => w.action !== undefined),
        groups: themeGroups(view.preview, rows),
        mapping: mappingRows(view.preview),
        sheets: view.preview.source.sheets.map((s) => ({
          value: s,
          text: s,
          selected: s === view.preview.source.sheet,
        })),
        strategies: strategies.map((s) => ({
          value: s.id,
          text: s.period_label ? `${s.title} (${s.period_label})` : s.title,
          selected: s.id === targetValues.strategyId,
        })),
        targetValues,
        expiresAt: view.draft.expires_at,
        ...(form.errors ? { errors: form.errors } : {}),
      },
      form.errors ? 400 : undefined,
    );
  }

  async function openLive(request: FastifyRequest<IdParams>, reply: FastifyReply) {
    const ctx = tenantContext(request);
    const view = await openDraft(db, ctx, request.params.id);
    if (view.draft.committed_at) {
      await reply.redirect(`/imports/${view.draft.id}/done`, 303);
      return null;
    }
    return { ctx, view };
  }

  app.get<IdParams>('/imports/:id', { config: access }, async (request, reply) => {
    const live = await openLive(request, reply);
    if (!live) return reply;
    return renderPreview(request, reply, live.ctx, live.view);
  });

  /** Changes to the draft; a refusal (no action column left, say) shows on the preview. */
  async function adjusting(
    request: FastifyRequest<IdParams>,
    reply: FastifyReply,
    field: string,
    change: Parameters<typeof adjustDraft>[3],
    done: string,
  ) {
    const live = await openLive(request, reply);
    if (!live) return reply;
    try {
      await adjustDraft(db, live.ctx, request.params.id, change);
    } catch (error) {
      if (error instanceof ImportRefusedError) {
        return renderPreview(request, reply, live.ctx, live.view, {
          errors: [{ field, message: error.message }],
        });
      }
      throw error;
    }
    return reply.flash(done).redirect(`/imports/${request.params.id}`, 303);
  }

  app.post<IdParams>('/imports/:id/mapping', { config: access }, async (request, reply) => {
    const mapping = mappingFromForm((request.body ?? {}) as Record<string, unknown>);
    return adjusting(request, reply, 'mapping', { mapping }, 'The columns have been read again.');
  });

  app.post<IdParams>('/imports/:id/sheet', { config: access }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const sheet = typeof body.sheet === 'string' ? body.sheet : '';
    return adjusting(request, reply, 'sheet', { sheet }, `The sheet ${sheet} has been read.`);
  });

  app.post<IdParams>('/imports/:id/target', { config: access }, async (request, reply) => {
    const live = await openLive(request, reply);
    if (!live) return reply;
    const body = (request.body ?? {}) as Record<string, unknown>;
    const parsed = parseInput(targetForm, body);
    if (!parsed.ok) {
      const errors = parsed.errors.map((e) => (e.field === 'form' ? { ...e, field: 'target' } : e));
      return renderPreview(request, reply, live.ctx, live.view, { errors, targetValues: body });
    }
    const target =
      parsed.data.target === 'new'
        ? { newStrategyTitle: parsed.data.newStrategyTitle }
        : { strategyId: parsed.data.strategyId };
    try {
      await adjustDraft(db, live.ctx, request.params.id, { target });
    } catch (error) {
      const errors =
        error instanceof NotFoundError
          ? [{ field: 'strategyId', message: 'Choose one of your organisation’s strategies' }]
          : error instanceof HttpError
            ? error.fieldErrors
            : [];
      if (!errors.length) throw error;
      return renderPreview(request, reply, live.ctx, live.view, { errors, targetValues: body });
    }
    return reply.redirect(`/imports/${request.params.id}/check`, 303);
  });

  // Fix a cell: one page per action.
  function actionIndex(view: DraftView, n: string): number {
    const index = /^\d{1,6}$/.test(n) ? Number(n) - 1 : -1;
    if (index < 0 || index >= view.preview.actions.length) {
      throw new NotFoundError('There is no such action in this plan.');
    }
    return index;
  }

  async function renderFix(
    request: FastifyRequest<ActionParams>,
    reply: FastifyReply,
    view: DraftView,
    form: { errors?: FieldError[] } = {},
  ) {
    const index = actionIndex(view, request.params.n);
    const fixes = view.draft.options.fixes?.[String(index)] ?? {};
    const row = actionRows(view.preview, checkActions(view.preview))[index];
    const action = view.preview.actions[index];
    if (!row || !action) throw new NotFoundError('There is no such action in this plan.');
    return reply.page(
      `${VIEWS}/fix.njk`,
      {
        title: `Fix action ${row.ref}`,
        breadcrumbs: crumbs({ text: 'Preview', href: `/imports/${request.params.id}` }),
        id: request.params.id,
        n: request.params.n,
        row,
        fields: fixFields(view.preview, index, fixes),
        source: Object.entries(action.source).map(([key, value]) => ({
          key,
          value,
        })),
        ...(form.errors ? { errors: form.errors } : {}),
      },
      form.errors ? 400 : undefined,
    );
  }

  app.get<ActionParams>('/imports/:id/actions/:n', { config: access }, async (request, reply) => {
    const live = await openLive(request, reply);
    if (!live) return reply;
    return renderFix(request, reply, live.view);
  });

  app.post<ActionParams>('/imports/:id/actions/:n', { config: access }, async (request, reply) => {
    const live = await openLive(request, reply);
    if (!live) return reply;
    const index = actionIndex(live.view, request.params.n);
    const parsed = parseInput(fixForm, request.body);
    if (!parsed.ok) return renderFix(request, reply, live.view, { errors: parsed.errors });
    // Only what differs from the cell as it stands becomes a fix; the rest stays as read.
    const offered = fixFields(
      live.view.preview,
      index,
      live.view.draft.options.fixes?.[String(index)] ?? {},
    );
    const fixes: Partial<Record<ColumnField, string>> = {};
    for (const f of offered) {
      const given = parsed.data[f.field];
      if (given === undefined) continue;
      if (given.trim() !== f.value.trim() || f.fixed) fixes[f.field] = given;
    }
    try {
      await adjustDraft(db, live.ctx, request.params.id, { fixes: { [String(index)]: fixes } });
    } catch (error) {
      if (error instanceof ImportRefusedError) {
        return renderFix(request, reply, live.view, {
          errors: [{ field: 'title', message: error.message }],
        });
      }
      throw error;
    }
    return reply
      .flash(`Action ${request.params.n} has been read again with your changes.`)
      .redirect(`/imports/${request.params.id}#action-${request.params.n}`, 303);
  });

  // Check your answers, then import.
  async function renderCheck(
    request: FastifyRequest<IdParams>,
    reply: FastifyReply,
    ctx: TenantContext,
    view: DraftView,
    errors?: FieldError[],
  ) {
    if (!view.target) return reply.redirect(`/imports/${request.params.id}#target`, 303);
    const problems = checkActions(view.preview);
    const compared =
      'strategyId' in view.target
        ? await diffWithStrategy(db, ctx, view.preview, view.target.strategyId)
        : null;
    return reply.page(
      `${VIEWS}/check.njk`,
      {
        title: 'Check before you import',
        breadcrumbs: crumbs({ text: 'Preview', href: `/imports/${request.params.id}` }),
        id: request.params.id,
        preview: view.preview,
        problems,
        newTitle: 'newStrategyTitle' in view.target ? view.target.newStrategyTitle : null,
        strategy: compared?.strategy ?? null,
        diff: compared ? diffView(compared.diff) : null,
        ...(errors ? { errors } : {}),
      },
      errors ? 400 : undefined,
    );
  }

  app.get<IdParams>('/imports/:id/check', { config: access }, async (request, reply) => {
    const live = await openLive(request, reply);
    if (!live) return reply;
    return renderCheck(request, reply, live.ctx, live.view);
  });

  app.post<IdParams>('/imports/:id/commit', { config: access }, async (request, reply) => {
    const live = await openLive(request, reply);
    if (!live) return reply;
    const body = (request.body ?? {}) as Record<string, unknown>;
    const archive = [body.archive].flat().filter((r): r is string => typeof r === 'string');
    try {
      await commitDraft(db, live.ctx, request.params.id, undefined, { archiveMissing: archive });
    } catch (error) {
      if (error instanceof ValidationError && error.fieldErrors.length) {
        const errors = error.fieldErrors.map((e) => ({ ...e, field: 'problems' }));
        return renderCheck(request, reply, live.ctx, live.view, errors);
      }
      throw error;
    }
    return reply.redirect(`/imports/${request.params.id}/done`, 303);
  });

  app.get<IdParams>('/imports/:id/done', { config: access }, async (request, reply) => {
    const ctx = tenantContext(request);
    const result = await committedResult(db, ctx, request.params.id);
    if (!result) return reply.redirect(`/imports/${request.params.id}`, 303);
    return reply.page(`${VIEWS}/done.njk`, {
      title: 'Plan imported',
      breadcrumbs: [{ text: 'Strategies', href: '/strategies' }],
      ...resultView(result),
    });
  });
};

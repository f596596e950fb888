import type { FastifyPluginAsync } from 'fastify';
import { tenantContext } from '../../kernel/auth/plugin.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import type { FieldError } from '../../kernel/http/errors.js';
import {
  DEFAULT_STATUS_HINTS,
  loadPriorities,
  loadStatusLabels,
  type StatusLabels,
} from './display.js';
import { typedValues } from './progress.view-model.js';
import {
  MAX_PRIORITY_LEVELS,
  parsePriorities,
  PRIORITY_ROWS_SPARE,
  priorityValues,
  RAG_NAMES,
  RAGS,
  parseStatusWords,
  savePriorities,
  saveStatusWords,
  statusWordsValues,
} from './settings.service.js';
import { DEFAULT_STATUS_LABELS, RAG_TAG_CLASS } from './status.js';
import { STATUSES } from './strategy.tables.js';

const PAGE = 'strategy/views/settings/status-words.njk';
const TITLE = 'Status words';
const PRIORITIES_PAGE = 'strategy/views/settings/priorities.njk';
const PRIORITIES_TITLE = 'Priority scale';

/** The rows of the form: each status with its code's default word, and the fields' values. */
function rows(values: Record<string, string>, labels: StatusLabels) {
  return STATUSES.map((status) => ({
    status,
    defaultLabel: DEFAULT_STATUS_LABELS[status].label,
    defaultHint: DEFAULT_STATUS_HINTS[status],
    current: labels[status],
    ragItems: RAGS.map((rag) => ({
      value: rag,
      text: RAG_NAMES[rag],
      selected: values[`${status}-rag`] === rag,
    })),
  }));
}

/** The organisation's own status words and their RAG colours, for administrators. */
export const settingsRoutes: FastifyPluginAsync = async (app) => {
  const { db } = app.deps.database;
  const access = { access: 'settings.manage' } as const;

  async function render(
    tenantId: string,
    userId: string | null,
    form: { values?: Record<string, string>; errors?: FieldError[] },
  ) {
    const labels = await withTenant(db, tenantId, userId, (trx) => loadStatusLabels(trx, tenantId));
    const values = form.values ?? statusWordsValues(labels);
    return {
      title: TITLE,
      values,
      labels,
      rows: rows(values, labels),
      ragTagClass: RAG_TAG_CLASS,
      ...(form.errors ? { errors: form.errors } : {}),
    };
  }

  app.get('/admin/status-words', { config: access }, async (request, reply) => {
    const ctx = tenantContext(request);
    return reply.page(PAGE, await render(ctx.tenantId, ctx.actor.userId, {}));
  });

  app.post('/admin/status-words', { config: access }, async (request, reply) => {
    const ctx = tenantContext(request);
    const parsed = parseStatusWords(request.body);
    if (!parsed.ok) {
      const values = typedValues(request.body);
      return reply.page(
        PAGE,
        await render(ctx.tenantId, ctx.actor.userId, { values, errors: parsed.errors }),
        400,
      );
    }
    const { changed } = await saveStatusWords(db, ctx, parsed.data);
    return reply
      .flash(changed ? 'The status words have been saved.' : 'Nothing was changed.')
      .redirect('/admin/status-words', 303);
  });

  async function renderPriorities(
    tenantId: string,
    userId: string | null,
    form: { values?: Record<string, string>; errors?: FieldError[] },
  ) {
    const levels = await withTenant(db, tenantId, userId, (trx) => loadPriorities(trx, tenantId));
    const values = form.values ?? priorityValues(levels);
    const filled = Object.keys(values).filter((k) => /^level-\d+-/.test(k) && values[k]).length;
    const count = Math.min(
      MAX_PRIORITY_LEVELS + PRIORITY_ROWS_SPARE,
      Math.max(levels.length, Math.ceil(filled / 3)) + PRIORITY_ROWS_SPARE,
    );
    return {
      title: PRIORITIES_TITLE,
      values,
      levels,
      rows: Array.from({ length: count }, (_, i) => i),
      ...(form.errors ? { errors: form.errors } : {}),
    };
  }

  app.get('/admin/priorities', { config: access }, async (request, reply) => {
    const ctx = tenantContext(request);
    return reply.page(PRIORITIES_PAGE, await renderPriorities(ctx.tenantId, ctx.actor.userId, {}));
  });

  app.post('/admin/priorities', { config: access }, async (request, reply) => {
    const ctx = tenantContext(request);
    const parsed = parsePriorities(request.body);
    if (!parsed.ok) {
      return reply.page(
        PRIORITIES_PAGE,
        await renderPriorities(ctx.tenantId, ctx.actor.userId, {
          values: typedValues(request.body),
          errors: parsed.errors,
        }),
        400,
      );
    }
    const { changed } = await savePriorities(db, ctx, parsed.data);
    return reply
      .flash(changed ? 'The priority scale has been saved.' : 'Nothing was changed.')
      .redirect('/admin/priorities', 303);
  });
};

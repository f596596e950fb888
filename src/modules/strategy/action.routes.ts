import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { can } from '../../kernel/auth/permissions.js';
import { tenantContext, type TenantContext } from '../../kernel/auth/plugin.js';
import { withTenant, type Tx } from '../../kernel/db/tenancy.js';
import { HttpError, type FieldError } from '../../kernel/http/errors.js';
import { requiredText } from '../../kernel/http/fields.js';
import { parseInput } from '../../kernel/http/validation.js';
import { actionApiRoutes } from './action.api.js';
import {
  effectiveAsAt,
  hasFilters,
  listSearch,
  PAGE_SIZE,
  readListQuery,
  toActionQuery,
  type ListQuery,
} from './action.filters.js';
import {
  actionDetail,
  areasOf,
  auditEventsFor,
  lineageOf,
  queryActions,
  strategyForList,
  type ActionDetail,
} from './action.queries.js';
import { archiveAction, createAction, findAction, updateAction } from './action.service.js';
import {
  actionSummaryRows,
  areaLabel,
  documentDateOf,
  filterWords,
  formValues,
  keyValueRows,
  ownersFromForm,
  paginationView,
  planRow,
  resultSummary,
  sortHeaders,
  timeline,
  timescaleUnderstanding,
  understoodSentence,
  ukDate,
  type DisplayContext,
} from './action.view-model.js';
import { loadGlossary, loadPriorities, loadStatusLabels } from './display.js';
import { exportFileName, loadExport, toCsv, toXlsx } from './export.service.js';
import { listUpdates, mayRecordProgress } from './progress.service.js';
import { actionInput } from './strategy.schemas.js';
import { findStrategy } from './strategy.service.js';
import { STATUSES, type Action } from './strategy.tables.js';
import { todayInLondon } from './status.js';

const VIEWS = 'strategy/views/actions';

function idFrom(request: FastifyRequest): string {
  return (request.params as { id: string }).id;
}

async function displayContext(trx: Tx, tenantId: string, strategyId: string, asAt: string) {
  const labels = await loadStatusLabels(trx, tenantId);
  const priorities = await loadPriorities(trx, tenantId);
  const glossary = await loadGlossary(trx, tenantId, strategyId);
  return { labels, priorities, glossary, asAt } satisfies DisplayContext;
}

/** Errors on list items ("with.2") belong to the field as a whole. */
function topLevel(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const e of errors) {
    const field = e.field.split('.')[0] ?? e.field;
    if (seen.has(field)) continue;
    seen.add(field);
    out.push({ field, message: e.message });
  }
  return out;
}

/** The form's "with" box holds one name per line (names may contain commas: "HR, T&D Mgr"). */
function formBody(body: unknown): Record<string, unknown> {
  const input = { ...(body as Record<string, unknown>) };
  delete input._csrf;
  const withText = input.with;
  if (typeof withText === 'string') {
    input.with = withText
      .split(/\r?\n/)
      .map((s) => s.trim())
      .filter(Boolean);
  }
  return input;
}

const archiveSchema = z.object({
  reason: requiredText('why the action is being archived', 1000),
});

/** Pages of the action plan: the table, downloads, an action's page, and editing. */
export const actionRoutes: FastifyPluginAsync = async (app) => {
  const { db } = app.deps.database;
  // The JSON API of the action plan travels with its pages (index.ts registers this plugin).
  await app.register(actionApiRoutes);

  // ------------------------------------------------------------------------------------------
  // The action plan table

  app.get('/strategies/:id/actions', { config: { access: 'org.read' } }, async (request, reply) => {
    const ctx = tenantContext(request);
    const strategyId = idFrom(request);
    const { query, errors } = readListQuery(request.query);
    const basePath = `/strategies/${strategyId}/actions`;
    const asAt = effectiveAsAt(query);
    // Two statements: the strategy with everything shown beside the rows (settings, glossary,
    // the filters' areas and posts), then the page with its total and supporters.
    const data = await withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
      const view = await strategyForList(trx, ctx.tenantId, strategyId, { filterChoices: true });
      const { strategy, areas, posts } = view;
      const display: DisplayContext = {
        labels: view.labels,
        priorities: view.priorities,
        glossary: view.glossary,
        asAt,
      };
      const scope = { tenantId: ctx.tenantId, strategyId };
      const pageQuery = () => toActionQuery(query, scope, { limit: PAGE_SIZE });
      let result = await queryActions(trx, pageQuery(), { supporters: true });
      // A page past the end (the plan shrank since the link was made) shows the last page.
      const lastPage = Math.max(1, Math.ceil(result.total / PAGE_SIZE));
      if ((query.page ?? 1) > lastPage) {
        query.page = lastPage;
        result = await queryActions(trx, pageQuery(), { supporters: true });
      }
      return { strategy, display, areas, posts, result };
    });
    const { strategy, display, areas, posts, result } = data;
    const words = filterWords(
      query,
      { areas, posts, labels: display.labels, priorities: display.priorities },
      asAt,
    );
    const downloadSearch = listSearch(query, { page: undefined });
    const first = ((query.page ?? 1) - 1) * PAGE_SIZE;
    return reply.page(
      `${VIEWS}/plan.njk`,
      {
        title: `Action plan: ${strategy.title}`,
        errors: errors.length ? errors.map(dateErrorField) : undefined,
        strategy,
        labels: display.labels,
        rows: result.rows.map((r) => planRow(r, r.supporters ?? [], display)),
        total: result.total,
        showing:
          result.total > PAGE_SIZE
            ? `Showing ${first + 1} to ${first + result.rows.length} of ${result.total}`
            : null,
        summary: resultSummary(result.total, words),
        filtered: hasFilters(query),
        asAt,
        asAtText: ukDate(asAt),
        asAtIsToday: asAt === todayInLondon(),
        headers: sortHeaders(query, basePath),
        pagination: paginationView(query, result.total, PAGE_SIZE, basePath),
        csvHref: `${basePath}.csv${downloadSearch}`,
        xlsxHref: `${basePath}.xlsx${downloadSearch}`,
        canManage: can(ctx.role, 'strategy.manage'),
        filters: filterForm(query, errors, {
          areas,
          posts,
          labels: display.labels,
          priorities: display.priorities,
        }),
      },
      errors.length ? 400 : 200,
    );
  });

  // ------------------------------------------------------------------------------------------
  // Downloads: the same filters and sort as the table, every matching action

  async function download(request: FastifyRequest, reply: FastifyReply, kind: 'csv' | 'xlsx') {
    const ctx = tenantContext(request);
    const { query, errors } = readListQuery(request.query);
    if (errors.length) {
      throw new HttpError(
        400,
        'There is a problem',
        `The download could not be made: ${errors.map((e) => e.message).join('; ')}. Go back to the action plan and check the filters.`,
      );
    }
    const data = await loadExport(db, ctx, idFrom(request), query);
    const name = exportFileName(data.strategy.title, data.asAt, kind);
    reply.header('content-disposition', `attachment; filename="${name}"`);
    if (kind === 'csv') return reply.type('text/csv; charset=utf-8').send(toCsv(data));
    return reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .send(await toXlsx(data));
  }

  app.get('/strategies/:id/actions.csv', { config: { access: 'org.read' } }, (request, reply) =>
    download(request, reply, 'csv'),
  );
  app.get('/strategies/:id/actions.xlsx', { config: { access: 'org.read' } }, (request, reply) =>
    download(request, reply, 'xlsx'),
  );

  // ------------------------------------------------------------------------------------------
  // Adding and changing an action

  async function formPage(
    reply: FastifyReply,
    ctx: TenantContext,
    target: { strategyId: string; detail?: ActionDetail },
    data: { values: Record<string, unknown>; errors?: FieldError[] },
    status?: number,
  ) {
    const view = await withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
      const strategy = await findStrategy(trx, ctx.tenantId, target.strategyId);
      const areas = await areasOf(trx, ctx.tenantId, target.strategyId);
      const objectives = await trx
        .selectFrom('objectives')
        .select(['id', 'area_id', 'ref', 'title'])
        .where('tenant_id', '=', ctx.tenantId)
        .where('strategy_id', '=', target.strategyId)
        .orderBy('position')
        .execute();
      const labels = await loadStatusLabels(trx, ctx.tenantId);
      const priorities = await loadPriorities(trx, ctx.tenantId);
      return { strategy, areas, objectives, labels, priorities };
    });
    const action = target.detail?.action;
    const values = data.values as Record<string, string | undefined>;
    return reply.page(
      `${VIEWS}/form.njk`,
      {
        title: action ? `Change action ${action.ref}` : 'Add an action',
        errors: data.errors,
        values,
        action,
        strategy: view.strategy,
        understood: action ? timescaleUnderstanding(action, documentDateOf(view.strategy)) : null,
        areaItems: [
          { value: '', text: 'No area' },
          ...view.areas.map((a) => ({
            value: a.id,
            text: areaLabel(a),
            selected: values.areaId === a.id,
          })),
        ],
        // Objectives are listed under their area's name, so the choice reads in context.
        objectiveItems: view.objectives.length
          ? [
              { value: '', text: 'No objective' },
              ...view.areas.flatMap((a) =>
                view.objectives
                  .filter((o) => o.area_id === a.id)
                  .map((o) => ({
                    value: o.id,
                    text: `${areaLabel(a)}: ${o.ref ? `${o.ref} ` : ''}${o.title}`,
                    selected: values.objectiveId === o.id,
                  })),
              ),
            ]
          : null,
        statusItems: STATUSES.map((s) => ({
          value: s,
          text: view.labels[s].label,
          selected: (values.status ?? 'not_started') === s,
        })),
        forecastItems: [
          { value: '', text: 'Not set' },
          ...STATUSES.map((s) => ({
            value: s,
            text: view.labels[s].label,
            selected: values.forecastStatus === s,
          })),
        ],
        priorityWords: view.priorities
          .map((p) => `${p.label} (${p.aliases[0]?.toUpperCase() ?? p.code})`)
          .join(', '),
        action_url: action
          ? `/actions/${action.id}/edit`
          : `/strategies/${view.strategy.id}/actions/new`,
        cancelHref: action ? `/actions/${action.id}` : `/strategies/${view.strategy.id}/actions`,
      },
      status,
    );
  }

  app.get(
    '/strategies/:id/actions/new',
    { config: { access: 'strategy.manage' } },
    async (request, reply) => {
      const ctx = tenantContext(request);
      return formPage(reply, ctx, { strategyId: idFrom(request) }, { values: {} });
    },
  );

  app.post(
    '/strategies/:id/actions/new',
    { config: { access: 'strategy.manage' } },
    async (request, reply) => {
      const ctx = tenantContext(request);
      const strategyId = idFrom(request);
      // An unknown strategy is a missing page, whatever the form says.
      await withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
        findStrategy(trx, ctx.tenantId, strategyId),
      );
      const body = formBody(request.body);
      const parsed = parseInput(actionInput, body);
      if (!parsed.ok) {
        return formPage(
          reply,
          ctx,
          { strategyId },
          { values: rawValues(request.body), errors: topLevel(parsed.errors) },
          400,
        );
      }
      // With nobody listed in "with", a lead typed as "AD, ICT (BoD)" is read the council's way.
      const input = {
        ...parsed.data,
        with: parsed.data.with?.length ? parsed.data.with : undefined,
      };
      let action: Action;
      try {
        action = await createAction(db, ctx, strategyId, input);
      } catch (error) {
        if (!(error instanceof HttpError) || !error.fieldErrors.length) throw error;
        return formPage(
          reply,
          ctx,
          { strategyId },
          { values: rawValues(request.body), errors: topLevel(error.fieldErrors) },
          400,
        );
      }
      const strategy = await withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
        findStrategy(trx, ctx.tenantId, strategyId),
      );
      return reply
        .flash(`Action ${action.ref} added.${understoodSentence(action, documentDateOf(strategy))}`)
        .redirect(`/actions/${action.id}`, 303);
    },
  );

  async function loadDetail(ctx: TenantContext, id: string) {
    return withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
      const action = await findAction(trx, ctx.tenantId, id);
      return actionDetail(trx, ctx.tenantId, action);
    });
  }

  function refuseArchived(action: Action) {
    if (action.archived_at) {
      throw new HttpError(
        409,
        'This action is archived',
        'An archived action cannot be changed. Its page and history are still there to read.',
      );
    }
  }

  app.get(
    '/actions/:id/edit',
    { config: { access: 'strategy.manage' } },
    async (request, reply) => {
      const ctx = tenantContext(request);
      const detail = await loadDetail(ctx, idFrom(request));
      refuseArchived(detail.action);
      return formPage(
        reply,
        ctx,
        { strategyId: detail.action.strategy_id, detail },
        { values: formValues(detail) },
      );
    },
  );

  app.post(
    '/actions/:id/edit',
    { config: { access: 'strategy.manage' } },
    async (request, reply) => {
      const ctx = tenantContext(request);
      const detail = await loadDetail(ctx, idFrom(request));
      refuseArchived(detail.action);
      const target = { strategyId: detail.action.strategy_id, detail };
      const parsed = parseInput(actionInput, formBody(request.body));
      if (!parsed.ok) {
        return formPage(
          reply,
          ctx,
          target,
          { values: rawValues(request.body), errors: topLevel(parsed.errors) },
          400,
        );
      }
      const owners = ownersFromForm(
        { leadText: detail.action.lead_text, supporters: detail.supporters.map((s) => s.text) },
        parsed.data.lead,
        parsed.data.with,
      );
      const input = {
        ...parsed.data,
        lead: owners.lead,
        with: owners.with,
        tags: parsed.data.tags ?? [],
        dependsOn: parsed.data.dependsOn ?? [],
      };
      let action: Action;
      try {
        action = await updateAction(db, ctx, detail.action.id, input, { replaceForecast: true });
      } catch (error) {
        if (!(error instanceof HttpError) || !error.fieldErrors.length) throw error;
        return formPage(
          reply,
          ctx,
          target,
          { values: rawValues(request.body), errors: topLevel(error.fieldErrors) },
          400,
        );
      }
      return reply
        .flash(
          `Action ${action.ref} saved.${understoodSentence(action, documentDateOf(detail.strategy))}`,
        )
        .redirect(`/actions/${action.id}`, 303);
    },
  );

  // ------------------------------------------------------------------------------------------
  // Archiving: a confirmation page that asks why

  const archivePage = (
    reply: FastifyReply,
    detail: ActionDetail,
    data: { values?: Record<string, unknown>; errors?: FieldError[] },
    status?: number,
  ) =>
    reply.page(
      `${VIEWS}/archive.njk`,
      {
        title: `Archive action ${detail.action.ref}`,
        action: detail.action,
        strategy: detail.strategy,
        neededBy: detail.neededBy.filter((a) => !a.archived_at),
        values: data.values ?? {},
        errors: data.errors,
      },
      status,
    );

  app.get(
    '/actions/:id/archive',
    { config: { access: 'strategy.manage' } },
    async (request, reply) => {
      const ctx = tenantContext(request);
      const detail = await loadDetail(ctx, idFrom(request));
      refuseArchived(detail.action);
      return archivePage(reply, detail, {});
    },
  );

  app.post(
    '/actions/:id/archive',
    { config: { access: 'strategy.manage' } },
    async (request, reply) => {
      const ctx = tenantContext(request);
      const detail = await loadDetail(ctx, idFrom(request));
      refuseArchived(detail.action);
      const parsed = parseInput(archiveSchema, request.body);
      if (!parsed.ok) {
        return archivePage(reply, detail, { values: parsed.values, errors: parsed.errors }, 400);
      }
      await archiveAction(db, ctx, detail.action.id, parsed.data.reason);
      return reply
        .flash(
          `Action ${detail.action.ref} archived. It no longer appears in the plan, but its page and history are kept.`,
        )
        .redirect(`/strategies/${detail.action.strategy_id}/actions`, 303);
    },
  );

  // ------------------------------------------------------------------------------------------
  // An action's page

  app.get('/actions/:id', { config: { access: 'org.read' } }, async (request, reply) => {
    const ctx = tenantContext(request);
    const asAt = todayInLondon();
    const view = await withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
      const action = await findAction(trx, ctx.tenantId, idFrom(request));
      const detail = await actionDetail(trx, ctx.tenantId, action);
      const display = await displayContext(trx, ctx.tenantId, action.strategy_id, asAt);
      const lineage = await lineageOf(trx, ctx.tenantId, action.lineage_id);
      const updates = await listUpdates(trx, ctx.tenantId, action.lineage_id);
      const events = await auditEventsFor(
        trx,
        ctx.tenantId,
        lineage.map((l) => l.id),
      );
      const mayRecord = !action.archived_at && (await mayRecordProgress(trx, ctx, action));
      return { detail, display, lineage, updates, events, mayRecord };
    });
    const { detail, display } = view;
    const { action } = detail;
    return reply.page(`${VIEWS}/action.njk`, {
      title: `${action.ref} ${truncateTitle(action.title)}`,
      action,
      strategy: detail.strategy,
      labels: display.labels,
      rows: actionSummaryRows(detail, display),
      extraRows: keyValueRows(action.extra),
      sourceRows: keyValueRows(action.source),
      timeline:
        view.updates.length || view.events.length
          ? timeline(view.updates, view.events, view.lineage, action.id, display.labels)
          : [],
      archivedOn: action.archived_at ? ukDate(todayInLondon(action.archived_at)) : null,
      mayRecord: view.mayRecord,
      canManage: can(ctx.role, 'strategy.manage') && !action.archived_at,
      planHref: `/strategies/${action.strategy_id}/actions`,
    });
  });
};

function truncateTitle(title: string) {
  return title.length > 80 ? `${title.slice(0, 79).trimEnd()}…` : title;
}

/** What was typed, as typed, for showing the form again (lists stay as one text). */
function rawValues(body: unknown): Record<string, unknown> {
  const values = { ...(body as Record<string, unknown>) };
  delete values._csrf;
  return values;
}

/** A date filter's error links to its first box (the day), as the GOV.UK pattern asks. */
function dateErrorField(e: FieldError): FieldError {
  return ['dueFrom', 'dueTo', 'asAt'].includes(e.field) ? { ...e, field: `${e.field}-day` } : e;
}

/** The filter form's fields, filled from the query. */
function filterForm(
  q: ListQuery,
  errors: FieldError[],
  lookups: {
    areas: { id: string; number: string | null; title: string }[];
    posts: { id: string; short_name: string; title: string }[];
    labels: DisplayContext['labels'];
    priorities: DisplayContext['priorities'];
  },
) {
  const dateParts = (iso: string | undefined) => {
    if (!iso) return { day: '', month: '', year: '' };
    const [year = '', month = '', day = ''] = iso.split('-');
    return { day: String(Number(day)), month: String(Number(month)), year };
  };
  const errorFor = (field: string) => {
    const e = errors.find((x) => x.field === field);
    return e ? { text: e.message } : undefined;
  };
  return {
    q: q.q ?? '',
    areaItems: [
      { value: '', text: 'All areas' },
      ...lookups.areas.map((a) => ({ value: a.id, text: areaLabel(a), selected: q.area === a.id })),
    ],
    priorityItems: lookups.priorities.map((p) => ({
      value: p.code,
      text: p.label,
      checked: q.priority?.includes(p.code) ?? false,
    })),
    statusItems: STATUSES.map((s) => ({
      value: s,
      text: lookups.labels[s].label,
      checked: q.status?.includes(s) ?? false,
    })),
    postItems: [
      { value: '', text: 'Anyone' },
      ...lookups.posts.map((p) => ({
        value: p.id,
        text: p.title !== p.short_name ? `${p.short_name} (${p.title})` : p.short_name,
        selected: q.post === p.id,
      })),
    ],
    dueFrom: dateParts(q.dueFrom),
    dueTo: dateParts(q.dueTo),
    asAt: dateParts(q.asAt),
    optionItems: [
      { value: '1', text: 'Overdue only', name: 'overdue', checked: q.overdue },
      {
        value: '1',
        text: 'Timescale needs checking',
        name: 'needsReview',
        checked: q.needsReview,
      },
      { value: '1', text: 'Include archived actions', name: 'archived', checked: q.archived },
    ],
    sort: q.sort,
    dir: q.dir,
    errors: {
      q: errorFor('q'),
      area: errorFor('area'),
      priority: errorFor('priority'),
      status: errorFor('status'),
      post: errorFor('post'),
      dueFrom: errorFor('dueFrom'),
      dueTo: errorFor('dueTo'),
      asAt: errorFor('asAt'),
    },
  };
}

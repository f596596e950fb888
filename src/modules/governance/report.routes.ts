/**
 * Report pages: the list, a new report, a report (a draft's edit form beside its live preview and
 * its sign-off steps; a published report's frozen version), its versions, and the downloads of
 * each version and of a draft's preview.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../kernel/auth/permissions.js';
import { tenantContext, type TenantContext } from '../../kernel/auth/plugin.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import { HttpError, NotFoundError, type FieldError } from '../../kernel/http/errors.js';
import { joinDateParts } from '../../kernel/http/fields.js';
import { parseInput } from '../../kernel/http/validation.js';
import type { ReportRow } from './report.draft.js';
import {
  approvers,
  reportById,
  reportChoices,
  reportEvents,
  listReports,
  strategyForReport,
  boardById,
  versionsOf,
} from './report.queries.js';
import {
  createReportInput,
  narrativeFromForm,
  narrativeInput,
  publishInput,
  returnInput,
  submitInput,
  supersedeInput,
} from './report.schemas.js';
import {
  approveReport,
  createReport,
  previewSnapshot,
  publishedSnapshot,
  publishReport,
  renderReport,
  returnReport,
  submitReport,
  supersedeReport,
  updateNarrative,
  withdrawReport,
  type ReportFormat,
} from './report.service.js';
import type { ReportSnapshot } from './report.types.js';
import {
  dataSectionHeadings,
  dateErrors,
  downloadLinks,
  historyRows,
  lastReturnComment,
  narrativeFields,
  narrativeValues,
  reportListRows,
  snapshotSummary,
  statusTag,
  versionRows,
} from './report.view-model.js';
import { loadTemplate } from './template.service.js';
import { renderReportHtml } from './render/index.js';

const VIEWS = 'governance/views/reports';

type Body = Record<string, unknown>;

function bodyOf(request: FastifyRequest): Body {
  return typeof request.body === 'object' && request.body !== null ? (request.body as Body) : {};
}

function param(request: FastifyRequest, name: string): string {
  return (request.params as Record<string, string | undefined>)[name] ?? '';
}

async function sendRendered(reply: FastifyReply, snapshot: ReportSnapshot, format: ReportFormat) {
  const rendered = await renderReport(snapshot, format);
  return reply
    .type(rendered.contentType)
    .header('content-disposition', `attachment; filename="${rendered.fileName}"`)
    .send(rendered.body);
}

export const reportRoutes: FastifyPluginAsync = async (app) => {
  const { db } = app.deps.database;
  const read = { access: 'org.read' } as const;
  const manage = { access: 'governance.manage' } as const;
  const approve = { access: 'reports.approve' } as const;

  const load = async (ctx: TenantContext, id: string) => {
    const report = await withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
      reportById(trx, ctx.tenantId, id),
    );
    if (!report) throw new NotFoundError('There is no such report.');
    return report;
  };

  // -------------------------------------------------------------------------------------------
  // The list and a new report

  app.get('/reports', { config: read }, async (request, reply) => {
    const ctx = tenantContext(request);
    const rows = await withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
      listReports(trx, ctx.tenantId),
    );
    return reply.page(`${VIEWS}/list.njk`, {
      title: 'Reports',
      rows: reportListRows(rows),
      canManage: can(ctx.role, 'governance.manage'),
    });
  });

  const newForm = async (
    request: FastifyRequest,
    reply: FastifyReply,
    values: Body,
    errors?: FieldError[],
  ) => {
    const ctx = tenantContext(request);
    const choices = await withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
      reportChoices(trx, ctx.tenantId),
    );
    const selected = (v: unknown, id: string) => v === id;
    return reply.page(
      `${VIEWS}/new.njk`,
      {
        title: 'Create a progress report',
        values,
        strategyItems: [
          { value: '', text: 'Select a strategy' },
          ...choices.strategies.map((s) => ({
            value: s.id,
            text: `${s.title}${s.period_label ? ` (${s.period_label})` : ''}, version ${String(s.version)}`,
            selected: selected(values.strategyId, s.id),
          })),
        ],
        boardItems: [
          { value: '', text: 'No board' },
          ...choices.boards.map((b) => ({
            value: b.id,
            text: b.name,
            selected: selected(values.boardId, b.id),
          })),
        ],
        meetingItems: [
          { value: '', text: 'No meeting' },
          ...choices.meetings.map((m) => ({
            value: m.id,
            text: `${m.board_name}, ${new Date(`${m.meets_on}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })}`,
            selected: selected(values.meetingId, m.id),
          })),
        ],
        hasStrategies: choices.strategies.length > 0,
        ...(errors ? { errors: dateErrors(errors, ['asAt']) } : {}),
      },
      errors ? 400 : undefined,
    );
  };

  app.get('/reports/new', { config: manage }, async (request, reply) => {
    const q = request.query as Record<string, unknown>;
    return newForm(request, reply, {
      strategyId: typeof q.strategy === 'string' ? q.strategy : undefined,
      boardId: typeof q.board === 'string' ? q.board : undefined,
      meetingId: typeof q.meeting === 'string' ? q.meeting : undefined,
    });
  });

  app.post('/reports/new', { config: manage }, async (request, reply) => {
    const ctx = tenantContext(request);
    const body = bodyOf(request);
    const parsed = parseInput(createReportInput, { ...body, asAt: joinDateParts(body, 'asAt') });
    if (!parsed.ok) return newForm(request, reply, body, parsed.errors);
    try {
      const report = await createReport(db, ctx, parsed.data);
      return await reply
        .flash(`Report created: ${report.title}`)
        .redirect(`/reports/${report.id}`, 303);
    } catch (error) {
      if (error instanceof HttpError && error.status === 400)
        return newForm(request, reply, body, error.fieldErrors);
      throw error;
    }
  });

  // -------------------------------------------------------------------------------------------
  // A report

  const showReport = async (
    request: FastifyRequest,
    reply: FastifyReply,
    report: ReportRow,
    form: { values?: Body; errors?: FieldError[] } = {},
  ) => {
    const ctx = tenantContext(request);
    const canManage = can(ctx.role, 'governance.manage');
    const data = await withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => ({
      strategy: await strategyForReport(trx, ctx.tenantId, report.strategy_id),
      board: report.board_id ? await boardById(trx, ctx.tenantId, report.board_id) : null,
      versions: await versionsOf(trx, ctx.tenantId, report.id),
      events: await reportEvents(trx, ctx.tenantId, report.id),
      template: await loadTemplate(trx, ctx.tenantId),
      approvers: canManage && report.status === 'draft' ? await approvers(trx, ctx.tenantId) : [],
    }));
    const latest = data.versions.at(-1);
    const published = latest !== undefined;
    const snapshot = latest
      ? (await publishedSnapshot(db, ctx, report.id, latest.version)).snapshot
      : await previewSnapshot(db, ctx, report);
    const mayApprove =
      report.status === 'submitted' &&
      (ctx.role === 'admin' ||
        (can(ctx.role, 'reports.approve') && report.approver_user_id === ctx.actor.userId));
    const values = form.values ?? narrativeValues(report);
    const approverName = (id: string | null) =>
      data.approvers.find((a) => a.id === id)?.display_name;
    return reply.page(
      `${VIEWS}/show.njk`,
      {
        title: report.title,
        report: {
          id: report.id,
          title: report.title,
          status: report.status,
          statusTag: statusTag(report.status),
          asAt: report.as_at,
        },
        strategy: data.strategy
          ? { id: data.strategy.id, title: data.strategy.title }
          : { id: report.strategy_id, title: 'Unknown strategy' },
        board: data.board ? { id: data.board.id, name: data.board.name } : null,
        summary: snapshotSummary(snapshot),
        reportHtml: renderReportHtml(snapshot, { title: false }),
        published,
        latestVersion: latest?.version ?? null,
        versions: versionRows(report.id, data.versions),
        downloads: downloadLinks(
          latest
            ? `/reports/${report.id}/versions/${String(latest.version)}`
            : `/reports/${report.id}/preview`,
        ),
        history: historyRows(data.events),
        returned: report.status === 'draft' ? lastReturnComment(data.events) : null,
        canEdit: canManage && report.status === 'draft',
        canSubmit: canManage && report.status === 'draft',
        mayApprove,
        canPublish: canManage && report.status === 'approved',
        canWithdraw: canManage && ['draft', 'submitted', 'approved'].includes(report.status),
        canCorrect: canManage && report.status === 'published',
        approverItems: [
          { value: '', text: 'Select an approver' },
          ...data.approvers.map((a) => ({
            value: a.id,
            text: `${a.display_name} (${a.role === 'admin' ? 'administrator' : 'board member'})`,
            selected: values.approverId === a.id,
          })),
        ],
        pendingApprover:
          report.status === 'submitted' ? (approverName(report.approver_user_id) ?? null) : null,
        fields: narrativeFields(data.template, values),
        dataSections: dataSectionHeadings(data.template),
        values,
        ...(form.errors ? { errors: dateErrors(form.errors, ['asAt']) } : {}),
      },
      form.errors ? 400 : undefined,
    );
  };

  app.get('/reports/:id', { config: read }, async (request, reply) => {
    const report = await load(tenantContext(request), param(request, 'id'));
    return showReport(request, reply, report);
  });

  app.post('/reports/:id', { config: manage }, async (request, reply) => {
    const ctx = tenantContext(request);
    const report = await load(ctx, param(request, 'id'));
    const body = bodyOf(request);
    const parsed = parseInput(narrativeInput, {
      ...narrativeFromForm(body),
      asAt: joinDateParts(body, 'asAt'),
    });
    if (!parsed.ok) {
      const errors = parsed.errors.map((e) =>
        e.field.startsWith('narrative.') ? { ...e, field: `narrative-${e.field.slice(10)}` } : e,
      );
      return showReport(request, reply, report, { values: body, errors });
    }
    await updateNarrative(db, ctx, report.id, parsed.data);
    return reply
      .flash('Report saved: the preview shows it as it stands')
      .redirect(`/reports/${report.id}#preview`, 303);
  });

  /** Runs a workflow step; its field problems re-render the report page with the summary. */
  const step = async (
    request: FastifyRequest,
    reply: FastifyReply,
    run: (ctx: TenantContext, report: ReportRow, body: Body) => Promise<string | FieldError[]>,
  ) => {
    const ctx = tenantContext(request);
    const report = await load(ctx, param(request, 'id'));
    const body = bodyOf(request);
    const outcome = await run(ctx, report, body);
    if (Array.isArray(outcome))
      return showReport(request, reply, report, {
        values: { ...narrativeValues(report), ...body },
        errors: outcome,
      });
    return reply.flash(outcome).redirect(`/reports/${report.id}`, 303);
  };

  app.post('/reports/:id/submit', { config: manage }, (request, reply) =>
    step(request, reply, async (ctx, report, body) => {
      const parsed = parseInput(submitInput, body);
      if (!parsed.ok) return parsed.errors;
      try {
        await submitReport(db, ctx, report.id, parsed.data.approverId);
      } catch (error) {
        if (error instanceof HttpError && error.status === 400) return error.fieldErrors;
        throw error;
      }
      return 'Report submitted for sign-off';
    }),
  );

  app.post('/reports/:id/approve', { config: approve }, (request, reply) =>
    step(request, reply, async (ctx, report) => {
      await approveReport(db, ctx, report.id);
      return 'Report approved';
    }),
  );

  app.post('/reports/:id/return', { config: approve }, (request, reply) =>
    step(request, reply, async (ctx, report, body) => {
      const parsed = parseInput(returnInput, body);
      if (!parsed.ok) return parsed.errors;
      await returnReport(db, ctx, report.id, parsed.data.comment);
      return 'Report returned to the officer with your comment';
    }),
  );

  app.post('/reports/:id/publish', { config: manage }, (request, reply) =>
    step(request, reply, async (ctx, report, body) => {
      const parsed = parseInput(publishInput, body);
      if (!parsed.ok) return parsed.errors;
      const result = await publishReport(db, ctx, report.id, parsed.data);
      return `Report published as version ${String(result.version)}`;
    }),
  );

  app.post('/reports/:id/withdraw', { config: manage }, (request, reply) =>
    step(request, reply, async (ctx, report) => {
      await withdrawReport(db, ctx, report.id);
      return 'Report withdrawn';
    }),
  );

  // -------------------------------------------------------------------------------------------
  // A corrected version

  const correctForm = async (
    request: FastifyRequest,
    reply: FastifyReply,
    report: ReportRow,
    values: Body,
    errors?: FieldError[],
  ) => {
    const ctx = tenantContext(request);
    const template = await withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
      loadTemplate(trx, ctx.tenantId),
    );
    return reply.page(
      `${VIEWS}/correct.njk`,
      {
        title: `Publish a corrected version of ${report.title}`,
        report: { id: report.id, title: report.title },
        fields: narrativeFields(template, values),
        values,
        ...(errors ? { errors } : {}),
      },
      errors ? 400 : undefined,
    );
  };

  app.get('/reports/:id/correct', { config: manage }, async (request, reply) => {
    const report = await load(tenantContext(request), param(request, 'id'));
    if (report.status !== 'published') return reply.redirect(`/reports/${report.id}`, 303);
    return correctForm(request, reply, report, narrativeValues(report));
  });

  app.post('/reports/:id/correct', { config: manage }, async (request, reply) => {
    const ctx = tenantContext(request);
    const report = await load(ctx, param(request, 'id'));
    const body = bodyOf(request);
    const parsed = parseInput(supersedeInput, {
      changeNote: body.changeNote,
      public: body.public,
      narrative: narrativeFromForm(body).narrative,
    });
    if (!parsed.ok) {
      const errors = parsed.errors.map((e) =>
        e.field.startsWith('narrative.') ? { ...e, field: `narrative-${e.field.slice(10)}` } : e,
      );
      return correctForm(request, reply, report, body, errors);
    }
    const result = await supersedeReport(db, ctx, report.id, parsed.data);
    return reply
      .flash(`Corrected version ${String(result.version)} published; the earlier one stays visible`)
      .redirect(`/reports/${report.id}/versions/${String(result.version)}`, 303);
  });

  // -------------------------------------------------------------------------------------------
  // Versions and downloads

  const versionNumber = (request: FastifyRequest) => {
    const raw = param(request, 'version');
    return /^\d{1,6}$/.test(raw) ? Number(raw) : NaN;
  };

  app.get('/reports/:id/versions/:version', { config: read }, async (request, reply) => {
    const ctx = tenantContext(request);
    const report = await load(ctx, param(request, 'id'));
    const version = await publishedSnapshot(db, ctx, report.id, versionNumber(request));
    const versions = await withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
      versionsOf(trx, ctx.tenantId, report.id),
    );
    const rows = versionRows(report.id, versions);
    return reply.page(`${VIEWS}/version.njk`, {
      title: `${version.snapshot.title}, version ${String(version.version)}`,
      report: { id: report.id, title: report.title },
      version: {
        number: version.version,
        changeNote: version.change_note,
        publishedAt: version.published_at,
        public: version.public,
        current: rows.find((r) => r.version === version.version)?.current ?? false,
      },
      latestVersion: rows.at(-1)?.version ?? version.version,
      summary: snapshotSummary(version.snapshot),
      reportHtml: renderReportHtml(version.snapshot, { title: false }),
      downloads: downloadLinks(`/reports/${report.id}/versions/${String(version.version)}`),
      versions: rows,
    });
  });

  for (const format of ['docx', 'pdf', 'xlsx'] as const) {
    app.get(
      `/reports/:id/versions/:version.${format}`,
      { config: read },
      async (request, reply) => {
        const ctx = tenantContext(request);
        const report = await load(ctx, param(request, 'id'));
        const version = await publishedSnapshot(db, ctx, report.id, versionNumber(request));
        return sendRendered(reply, version.snapshot, format);
      },
    );

    app.get(`/reports/:id/preview.${format}`, { config: read }, async (request, reply) => {
      const ctx = tenantContext(request);
      const report = await load(ctx, param(request, 'id'));
      return sendRendered(reply, await previewSnapshot(db, ctx, report), format);
    });
  }
};

/**
 * The life of a progress report: created from a template, its narrative edited, submitted to a
 * named approver, approved or returned, published as a frozen version (the snapshot every format
 * is rendered from), corrected by a later version, or withdrawn. Each step is one transaction
 * with its audit event.
 */
import type { Kysely } from 'kysely';
import { recordAudit } from '../../kernel/audit/audit.js';
import type { TenantContext } from '../../kernel/auth/plugin.js';
import { can } from '../../kernel/auth/permissions.js';
import { newId } from '../../kernel/db/ids.js';
import type { DB } from '../../kernel/db/schema.js';
import { withTenant, type Tx } from '../../kernel/db/tenancy.js';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../kernel/http/errors.js';
import {
  renderReportDocx,
  renderReportHtml,
  renderReportPdf,
  renderReportXlsx,
} from './render/index.js';
import type { ReportStatus } from './governance.tables.js';
import { addAgendaItemInTx } from './meeting.service.js';
import { draftSnapshot, type ReportRow } from './report.draft.js';
import {
  boardById,
  latestVersionNumber,
  meetingById,
  reportById,
  reportForUpdate,
  setStatus,
  strategyForReport,
  versionSnapshot,
} from './report.queries.js';
import type { CreateReportInput, NarrativeInput } from './report.schemas.js';
import type { RenderedReport, ReportSnapshot } from './report.types.js';
import { loadTemplate, standardNarrative } from './template.service.js';

export const STATUS_WORDS: Record<ReportStatus, string> = {
  draft: 'Draft',
  submitted: 'Awaiting sign-off',
  approved: 'Approved',
  published: 'Published',
  superseded: 'Superseded',
  withdrawn: 'Withdrawn',
};

function inTenant<T>(db: Kysely<DB>, ctx: TenantContext, fn: (trx: Tx) => Promise<T>) {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, fn);
}

async function lockReport(trx: Tx, ctx: TenantContext, id: string): Promise<ReportRow> {
  const report = await reportForUpdate(trx, ctx.tenantId, id);
  if (!report) throw new NotFoundError('There is no such report.');
  return report;
}

function expectStatus(report: ReportRow, allowed: ReportStatus[], doing: string) {
  if (!allowed.includes(report.status)) {
    throw new ConflictError(
      `This report is ${STATUS_WORDS[report.status].toLowerCase()}: it cannot be ${doing} now.`,
    );
  }
}

async function audit(
  trx: Tx,
  ctx: TenantContext,
  action: string,
  report: ReportRow,
  before: unknown,
  after: unknown,
) {
  await recordAudit(trx, ctx.actor, {
    tenantId: ctx.tenantId,
    action,
    entityType: 'report',
    entityId: report.id,
    before,
    after: { title: report.title, ...(after as object) },
  });
}

export async function findReport(db: Kysely<DB>, ctx: TenantContext, id: string) {
  const report = await inTenant(db, ctx, (trx) => reportById(trx, ctx.tenantId, id));
  if (!report) throw new NotFoundError('There is no such report.');
  return report;
}

// ---------------------------------------------------------------------------------------------
// Create and edit

export async function createReport(
  db: Kysely<DB>,
  ctx: TenantContext,
  input: CreateReportInput,
): Promise<ReportRow> {
  return inTenant(db, ctx, async (trx) => {
    const strategy = await strategyForReport(trx, ctx.tenantId, input.strategyId);
    if (!strategy)
      throw new ValidationError([{ field: 'strategyId', message: 'Select a strategy' }]);
    const meeting = input.meetingId
      ? await meetingById(trx, ctx.tenantId, input.meetingId)
      : undefined;
    if (input.meetingId && !meeting)
      throw new ValidationError([
        { field: 'meetingId', message: 'Select a meeting from the list' },
      ]);
    // A meeting belongs to a board: the report goes to that board.
    const boardId = input.boardId ?? meeting?.board_id ?? null;
    if (meeting && boardId !== meeting.board_id)
      throw new ValidationError([
        { field: 'meetingId', message: 'The meeting must be one of the chosen board’s meetings' },
      ]);
    const board = boardId ? await boardById(trx, ctx.tenantId, boardId) : undefined;
    if (boardId && !board)
      throw new ValidationError([{ field: 'boardId', message: 'Select a board from the list' }]);
    const template = await loadTemplate(trx, ctx.tenantId);
    const narrative = standardNarrative(template, {
      board: board ?? null,
      strategyTitle: strategy.title,
      asAt: input.asAt,
    });
    const report = await trx
      .insertInto('reports')
      .values({
        tenant_id: ctx.tenantId,
        id: newId(),
        strategy_id: strategy.id,
        board_id: boardId,
        meeting_id: meeting?.id ?? null,
        title: input.title,
        as_at: input.asAt,
        narrative: JSON.stringify(narrative),
        created_by: requireUser(ctx),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    // The paper goes on the meeting's agenda, so the forward plan shows it as on its way.
    if (meeting)
      await addAgendaItemInTx(
        trx,
        ctx,
        meeting.id,
        { title: report.title, kind: 'report', strategyId: strategy.id },
        { reportId: report.id },
      );
    await audit(trx, ctx, 'report.created', report, null, {
      strategy_id: report.strategy_id,
      board_id: report.board_id,
      meeting_id: report.meeting_id,
      as_at: report.as_at,
      status: report.status,
    });
    return report;
  });
}

/** The officer's words with changes laid over them; an empty text removes a section. */
export function mergeNarrative(
  base: Record<string, string>,
  changes: Partial<Record<string, string>>,
): Record<string, string> {
  const merged = new Map(Object.entries(base));
  for (const [key, text] of Object.entries(changes)) {
    if (text === undefined) continue;
    if (text.trim()) merged.set(key, text.trim());
    else merged.delete(key);
  }
  return Object.fromEntries(merged);
}

function requireUser(ctx: TenantContext): string {
  if (!ctx.actor.userId) throw new ForbiddenError('Only a signed-in person can do this.');
  return ctx.actor.userId;
}

/** Saves the officer's words (and the title) of a draft. */
export async function updateNarrative(
  db: Kysely<DB>,
  ctx: TenantContext,
  id: string,
  input: NarrativeInput,
): Promise<ReportRow> {
  return inTenant(db, ctx, async (trx) => {
    const before = await lockReport(trx, ctx, id);
    expectStatus(before, ['draft'], 'edited');
    const narrative = mergeNarrative(before.narrative, input.narrative);
    const after = await trx
      .updateTable('reports')
      .set({
        narrative: JSON.stringify(narrative),
        ...(input.title ? { title: input.title } : {}),
        ...(input.asAt ? { as_at: input.asAt } : {}),
        updated_at: new Date(),
      })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(
      trx,
      ctx,
      'report.updated',
      after,
      { title: before.title, as_at: before.as_at, narrative: before.narrative },
      { as_at: after.as_at, narrative: after.narrative },
    );
    return after;
  });
}

// ---------------------------------------------------------------------------------------------
// Sign-off

export async function submitReport(
  db: Kysely<DB>,
  ctx: TenantContext,
  id: string,
  approverId: string,
): Promise<ReportRow> {
  return inTenant(db, ctx, async (trx) => {
    const before = await lockReport(trx, ctx, id);
    expectStatus(before, ['draft'], 'submitted');
    const approver = await trx
      .selectFrom('memberships as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['u.id', 'u.display_name', 'm.role'])
      .where('m.tenant_id', '=', ctx.tenantId)
      .where('m.user_id', '=', approverId)
      .where('u.disabled_at', 'is', null)
      .executeTakeFirst();
    if (!approver || !can(approver.role, 'reports.approve'))
      throw new ValidationError([
        {
          field: 'approverId',
          message: 'Select an approver from the list: a board member or an administrator',
        },
      ]);
    const after = await setStatus(trx, ctx.tenantId, id, {
      status: 'submitted',
      approver_user_id: approver.id,
      submitted_by: requireUser(ctx),
      submitted_at: new Date(),
      approved_by: null,
      approved_at: null,
    });
    await audit(
      trx,
      ctx,
      'report.submitted',
      after,
      { status: before.status },
      { status: after.status, approver_user_id: approver.id, approver: approver.display_name },
    );
    return after;
  });
}

/** Only the named approver may sign a report off, or an administrator in their place. */
function assertMayApprove(report: ReportRow, ctx: TenantContext) {
  if (ctx.role === 'admin') return;
  if (!can(ctx.role, 'reports.approve') || report.approver_user_id !== ctx.actor.userId)
    throw new ForbiddenError('Only the approver named when the report was submitted can do this.');
}

export async function approveReport(
  db: Kysely<DB>,
  ctx: TenantContext,
  id: string,
): Promise<ReportRow> {
  return inTenant(db, ctx, async (trx) => {
    const before = await lockReport(trx, ctx, id);
    expectStatus(before, ['submitted'], 'approved');
    assertMayApprove(before, ctx);
    const after = await setStatus(trx, ctx.tenantId, id, {
      status: 'approved',
      approved_by: requireUser(ctx),
      approved_at: new Date(),
    });
    await audit(
      trx,
      ctx,
      'report.approved',
      after,
      { status: before.status },
      { status: after.status, approved_by: after.approved_by },
    );
    return after;
  });
}

export async function returnReport(
  db: Kysely<DB>,
  ctx: TenantContext,
  id: string,
  comment: string,
): Promise<ReportRow> {
  return inTenant(db, ctx, async (trx) => {
    const before = await lockReport(trx, ctx, id);
    expectStatus(before, ['submitted', 'approved'], 'returned');
    assertMayApprove(before, ctx);
    const after = await setStatus(trx, ctx.tenantId, id, {
      status: 'draft',
      approved_by: null,
      approved_at: null,
    });
    await audit(
      trx,
      ctx,
      'report.returned',
      after,
      { status: before.status },
      { status: after.status, comment },
    );
    return after;
  });
}

export async function withdrawReport(
  db: Kysely<DB>,
  ctx: TenantContext,
  id: string,
): Promise<ReportRow> {
  return inTenant(db, ctx, async (trx) => {
    const before = await lockReport(trx, ctx, id);
    expectStatus(before, ['draft', 'submitted', 'approved'], 'withdrawn');
    const after = await setStatus(trx, ctx.tenantId, id, { status: 'withdrawn' });
    await audit(
      trx,
      ctx,
      'report.withdrawn',
      after,
      { status: before.status },
      { status: after.status },
    );
    return after;
  });
}

// ---------------------------------------------------------------------------------------------
// Publishing: the frozen versions

async function insertVersion(
  trx: Tx,
  ctx: TenantContext,
  report: ReportRow,
  options: { public: boolean; changeNote: string | null },
) {
  const previous = await latestVersionNumber(trx, ctx.tenantId, report.id);
  const prior = previous ? await versionSnapshot(trx, ctx.tenantId, report.id, previous) : null;
  const version = previous + 1;
  const now = new Date();
  const snapshot: ReportSnapshot = {
    ...(await draftSnapshot(trx, ctx.tenantId, report)),
    published: {
      version,
      at: now.toISOString(),
      supersedes:
        prior && options.changeNote
          ? { id: prior.id, version: prior.version, note: options.changeNote }
          : null,
    },
  };
  const row = await trx
    .insertInto('report_versions')
    .values({
      tenant_id: ctx.tenantId,
      id: newId(),
      report_id: report.id,
      version,
      snapshot: JSON.stringify(snapshot),
      change_note: options.changeNote,
      published_by: requireUser(ctx),
      published_at: now,
      public: options.public,
    })
    .returning(['id', 'version', 'public'])
    .executeTakeFirstOrThrow();
  return { ...row, snapshot };
}

export async function publishReport(
  db: Kysely<DB>,
  ctx: TenantContext,
  id: string,
  options: { public: boolean },
) {
  return inTenant(db, ctx, async (trx) => {
    const before = await lockReport(trx, ctx, id);
    expectStatus(before, ['approved'], 'published');
    const version = await insertVersion(trx, ctx, before, {
      public: options.public,
      changeNote: null,
    });
    const after = await setStatus(trx, ctx.tenantId, id, { status: 'published' });
    await audit(
      trx,
      ctx,
      'report.published',
      after,
      { status: before.status },
      { status: after.status, version: version.version, public: version.public },
    );
    return { report: after, version: version.version };
  });
}

/**
 * A corrected version: the record is read again as at the same date, with the narrative as now
 * edited; the earlier version stays as it was, and the note says what changed.
 */
export async function supersedeReport(
  db: Kysely<DB>,
  ctx: TenantContext,
  id: string,
  input: { changeNote: string; public: boolean; narrative?: NarrativeInput['narrative'] },
) {
  return inTenant(db, ctx, async (trx) => {
    let report = await lockReport(trx, ctx, id);
    expectStatus(report, ['published'], 'corrected');
    if (input.narrative && Object.keys(input.narrative).length) {
      const narrative = mergeNarrative(report.narrative, input.narrative);
      report = await trx
        .updateTable('reports')
        .set({ narrative: JSON.stringify(narrative), updated_at: new Date() })
        .where('tenant_id', '=', ctx.tenantId)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
    }
    const version = await insertVersion(trx, ctx, report, {
      public: input.public,
      changeNote: input.changeNote,
    });
    await audit(
      trx,
      ctx,
      'report.superseded',
      report,
      { version: version.version - 1 },
      { version: version.version, change_note: input.changeNote, public: version.public },
    );
    return { report, version: version.version };
  });
}

// ---------------------------------------------------------------------------------------------
// Reading and rendering

export async function previewSnapshot(db: Kysely<DB>, ctx: TenantContext, report: ReportRow) {
  return inTenant(db, ctx, (trx) => draftSnapshot(trx, ctx.tenantId, report));
}

export async function publishedSnapshot(
  db: Kysely<DB>,
  ctx: TenantContext,
  reportId: string,
  version: number,
) {
  const row = await inTenant(db, ctx, (trx) =>
    Number.isSafeInteger(version) && version >= 1
      ? versionSnapshot(trx, ctx.tenantId, reportId, version)
      : Promise.resolve(undefined),
  );
  if (!row) throw new NotFoundError('There is no such version of this report.');
  return { ...row, snapshot: row.snapshot as ReportSnapshot };
}

export const FORMATS = ['html', 'docx', 'pdf', 'xlsx'] as const;
export type ReportFormat = (typeof FORMATS)[number];

export const CONTENT_TYPES: Record<ReportFormat, string> = {
  html: 'text/html; charset=utf-8',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** A file name from the title, the date and the version: "ict-strategy-progress-2007-09-05-v2.docx". */
export function reportFileName(snapshot: ReportSnapshot, format: ReportFormat): string {
  const stem =
    snapshot.title
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'report';
  const version = snapshot.published ? `-v${String(snapshot.published.version)}` : '-draft';
  return `${stem}-${snapshot.asAt}${version}.${format}`;
}

export async function renderReport(
  snapshot: ReportSnapshot,
  format: ReportFormat,
): Promise<RenderedReport> {
  const body =
    format === 'html'
      ? renderReportHtml(snapshot)
      : format === 'docx'
        ? await renderReportDocx(snapshot)
        : format === 'pdf'
          ? await renderReportPdf(snapshot)
          : await renderReportXlsx(snapshot);
  return {
    contentType: CONTENT_TYPES[format],
    fileName: reportFileName(snapshot, format),
    body,
  };
}

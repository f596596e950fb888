/**
 * JSON API v1 for progress reports: create, read, edit the narrative, submit, approve, return,
 * publish, publish a corrected version, withdraw, and fetch a report rendered in any format.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { tenantContext } from '../../kernel/auth/plugin.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import { problemResponses } from '../../kernel/http/openapi.js';
import { pageQuerySchema, pageSchema, paginate } from '../../kernel/http/pagination.js';
import { REPORT_STATUSES } from './governance.tables.js';
import type { ReportRow } from './report.draft.js';
import { reportListQuery, versionsOf } from './report.queries.js';
import {
  createReportInput,
  narrativeInput,
  publishInput,
  returnInput,
  submitInput,
  supersedeInput,
} from './report.schemas.js';
import {
  approveReport,
  createReport,
  findReport,
  FORMATS,
  previewSnapshot,
  publishedSnapshot,
  publishReport,
  renderReport,
  returnReport,
  submitReport,
  supersedeReport,
  updateNarrative,
  withdrawReport,
  CONTENT_TYPES,
  type ReportFormat,
} from './report.service.js';
import type { ReportSnapshot } from './report.types.js';

const TAGS = ['Reports'];
const date = z.string().describe('A calendar date, YYYY-MM-DD.');
const timestamp = z.string().describe('A moment in time, ISO 8601 in UTC.');

const versionSchema = z.object({
  version: z.number().int().describe('1 for the first publication, one more for each correction.'),
  publishedAt: timestamp,
  changeNote: z.string().nullable().describe('What this version corrects (from version 2).'),
  public: z.boolean().describe('Shown on the organisation’s public pages.'),
});

const reportSchema = z.object({
  id: z.string(),
  strategyId: z.string(),
  boardId: z.string().nullable(),
  meetingId: z.string().nullable(),
  title: z.string(),
  asAt: date.describe('The date the record is read as at.'),
  status: z.enum(REPORT_STATUSES),
  narrative: z
    .record(z.string(), z.string())
    .describe('Officers’ words by section key (purpose, background, recommendation …).'),
  approverId: z.string().nullable().describe('The member named to approve it.'),
  submittedBy: z.string().nullable(),
  submittedAt: timestamp.nullable(),
  approvedBy: z.string().nullable(),
  approvedAt: timestamp.nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
  versions: z.array(versionSchema).describe('Published versions, oldest first.'),
});

type Version = Awaited<ReturnType<typeof versionsOf>>[number];

const listedReportSchema = reportSchema.omit({ versions: true });

function reportFields(r: ReportRow): z.output<typeof listedReportSchema> {
  return {
    id: r.id,
    strategyId: r.strategy_id,
    boardId: r.board_id,
    meetingId: r.meeting_id,
    title: r.title,
    asAt: r.as_at,
    status: r.status,
    narrative: r.narrative,
    approverId: r.approver_user_id,
    submittedBy: r.submitted_by,
    submittedAt: r.submitted_at?.toISOString() ?? null,
    approvedBy: r.approved_by,
    approvedAt: r.approved_at?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

function reportJson(r: ReportRow, versions: Version[]): z.output<typeof reportSchema> {
  return {
    ...reportFields(r),
    versions: versions.map((v) => ({
      version: v.version,
      publishedAt: v.published_at.toISOString(),
      changeNote: v.change_note,
      public: v.public,
    })),
  };
}

const idParams = z.object({ id: z.string().describe('The report’s id.') });
const versionParams = idParams.extend({
  version: z.coerce.number().int().min(1).describe('The version number, from 1.'),
});

const renderQuery = z.object({
  format: z
    .enum(['json', ...FORMATS])
    .optional()
    .describe(
      'json (the snapshot), html (the report body), docx, pdf or xlsx. Without it, the Accept header decides; the default is json.',
    ),
});

const ACCEPTED: [string, ReportFormat | 'json'][] = [
  ['application/json', 'json'],
  ['text/html', 'html'],
  [CONTENT_TYPES.docx, 'docx'],
  [CONTENT_TYPES.pdf, 'pdf'],
  [CONTENT_TYPES.xlsx, 'xlsx'],
];

/** ?format= wins; otherwise the first type the Accept header names that we can produce. */
function chooseFormat(request: FastifyRequest, format: string | undefined): ReportFormat | 'json' {
  if (format) return format as ReportFormat | 'json';
  const accept = (request.headers.accept ?? '').toLowerCase();
  const wanted = accept
    .split(',')
    .map((part) => (part.split(';')[0] ?? '').trim())
    .filter(Boolean);
  for (const type of wanted) {
    const match = ACCEPTED.find(([t]) => t === type);
    if (match) return match[1];
  }
  return 'json';
}

async function sendSnapshot(
  reply: FastifyReply,
  snapshot: ReportSnapshot,
  format: ReportFormat | 'json',
) {
  if (format === 'json') return reply.type('application/json; charset=utf-8').send(snapshot);
  const rendered = await renderReport(snapshot, format);
  return reply
    .type(rendered.contentType)
    .header('content-disposition', `attachment; filename="${rendered.fileName}"`)
    .send(rendered.body);
}

export const reportApiRoutes: FastifyPluginAsync = async (app) => {
  const { db } = app.deps.database;
  const api = app.withTypeProvider<ZodTypeProvider>();

  const read = async (request: FastifyRequest, id: string) => {
    const ctx = tenantContext(request);
    const report = await findReport(db, ctx, id);
    const versions = await withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
      versionsOf(trx, ctx.tenantId, report.id),
    );
    return reportJson(report, versions);
  };

  api.get(
    '/api/v1/reports',
    {
      config: { access: 'org.read' },
      schema: {
        summary: 'List reports',
        description: 'Every progress report in your organisation, oldest first.',
        tags: TAGS,
        querystring: pageQuerySchema,
        response: {
          200: pageSchema(listedReportSchema).describe('A page of reports.'),
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request) => {
      const ctx = tenantContext(request);
      return withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
        paginate(reportListQuery(trx, ctx.tenantId), {
          key: 'r.id',
          keyOf: (r) => r.id,
          page: request.query,
          url: request.url,
          map: reportFields,
        }),
      );
    },
  );

  api.post(
    '/api/v1/reports',
    {
      config: { access: 'governance.manage' },
      schema: {
        summary: 'Create a report',
        description:
          'Creates a draft progress report for a strategy, as at a date, optionally for a board and meeting. Its narrative starts from the organisation’s template.',
        tags: TAGS,
        body: createReportInput,
        response: { 201: reportSchema, ...problemResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const ctx = tenantContext(request);
      const report = await createReport(db, ctx, request.body);
      return reply
        .code(201)
        .header('location', `/api/v1/reports/${report.id}`)
        .send(reportJson(report, []));
    },
  );

  api.get(
    '/api/v1/reports/:id',
    {
      config: { access: 'org.read' },
      schema: {
        summary: 'Read a report',
        tags: TAGS,
        params: idParams,
        response: { 200: reportSchema, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => read(request, request.params.id),
  );

  api.patch(
    '/api/v1/reports/:id',
    {
      config: { access: 'governance.manage' },
      schema: {
        summary: 'Edit a draft report',
        description: 'Changes the title, the "as at" date or the officers’ words of a draft.',
        tags: TAGS,
        params: idParams,
        body: narrativeInput.partial({ narrative: true }),
        response: { 200: reportSchema, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const ctx = tenantContext(request);
      await updateNarrative(db, ctx, request.params.id, {
        ...request.body,
        narrative: request.body.narrative ?? {},
      });
      return read(request, request.params.id);
    },
  );

  const step = (
    path: string,
    summary: string,
    description: string,
    access: 'governance.manage' | 'reports.approve',
    body: z.ZodObject,
    run: (request: FastifyRequest, id: string, body: unknown) => Promise<unknown>,
  ) =>
    api.post(
      `/api/v1/reports/:id/${path}`,
      {
        config: { access },
        schema: {
          summary,
          description,
          tags: TAGS,
          params: idParams,
          body,
          response: { 200: reportSchema, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request) => {
        await run(request, request.params.id, request.body);
        return read(request, request.params.id);
      },
    );

  step(
    'submit',
    'Submit a report for sign-off',
    'Sends a draft to a named approver (a board member or an administrator).',
    'governance.manage',
    submitInput,
    (request, id, body) =>
      submitReport(
        db,
        tenantContext(request),
        id,
        (body as z.output<typeof submitInput>).approverId,
      ),
  );
  step(
    'approve',
    'Approve a report',
    'Only the approver named at submission, or an administrator, may approve.',
    'reports.approve',
    z.object({}),
    (request, id) => approveReport(db, tenantContext(request), id),
  );
  step(
    'return',
    'Return a report for changes',
    'Sends a submitted report back to draft, with a comment saying what needs to change.',
    'reports.approve',
    returnInput,
    (request, id, body) =>
      returnReport(db, tenantContext(request), id, (body as z.output<typeof returnInput>).comment),
  );
  step(
    'publish',
    'Publish a report',
    'Freezes an approved report as version 1: a snapshot that later changes to actions never alter.',
    'governance.manage',
    publishInput,
    (request, id, body) =>
      publishReport(db, tenantContext(request), id, body as z.output<typeof publishInput>),
  );
  step(
    'supersede',
    'Publish a corrected version',
    'Publishes version n+1 of a published report, re-read as at the same date, with a note saying what changed. Earlier versions stay available.',
    'governance.manage',
    supersedeInput,
    (request, id, body) =>
      supersedeReport(db, tenantContext(request), id, body as z.output<typeof supersedeInput>),
  );
  step(
    'withdraw',
    'Withdraw a report',
    'Withdraws a report that has not been published.',
    'governance.manage',
    z.object({}),
    (request, id) => withdrawReport(db, tenantContext(request), id),
  );

  const renderedDescription =
    'The report in one format: json (the snapshot every format is made from), html (the report body), docx, pdf or xlsx (the annex of actions). Choose with ?format= or the Accept header.';

  api.get(
    '/api/v1/reports/:id/rendered',
    {
      config: { access: 'org.read' },
      schema: {
        summary: 'Render a report',
        description: `${renderedDescription} A published report gives its latest version; a draft gives a preview from the record now.`,
        tags: TAGS,
        params: idParams,
        querystring: renderQuery,
        response: problemResponses(400, 401, 403, 404),
      },
    },
    async (request, reply) => {
      const ctx = tenantContext(request);
      const report = await findReport(db, ctx, request.params.id);
      const versions = await withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
        versionsOf(trx, ctx.tenantId, report.id),
      );
      const latest = versions.at(-1);
      const snapshot = latest
        ? (await publishedSnapshot(db, ctx, report.id, latest.version)).snapshot
        : await previewSnapshot(db, ctx, report);
      return sendSnapshot(reply, snapshot, chooseFormat(request, request.query.format));
    },
  );

  api.get(
    '/api/v1/reports/:id/versions/:version/rendered',
    {
      config: { access: 'org.read' },
      schema: {
        summary: 'Render a published version',
        description: renderedDescription,
        tags: TAGS,
        params: versionParams,
        querystring: renderQuery,
        response: problemResponses(400, 401, 403, 404),
      },
    },
    async (request, reply) => {
      const ctx = tenantContext(request);
      const report = await findReport(db, ctx, request.params.id);
      const version = await publishedSnapshot(db, ctx, report.id, request.params.version);
      return sendSnapshot(reply, version.snapshot, chooseFormat(request, request.query.format));
    },
  );
};

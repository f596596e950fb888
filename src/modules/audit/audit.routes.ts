import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { pagination } from '../../kernel/views/pagination.js';
import { member } from '../../kernel/auth/plugin.js';
import { NotFoundError } from '../../kernel/http/errors.js';
import { eventsCsv } from './audit.csv.js';
import { parseFilters, typedValues, ukToday, type ParsedFilters } from './audit.schemas.js';
import {
  exportEvents,
  loadEvent,
  loadRecordHistory,
  loadTrailPage,
  type Reader,
} from './audit.service.js';
import {
  actionWords,
  chainBanner,
  changedFields,
  entityTypeWords,
  eventRow,
  hasFilters,
  peopleById,
  personOptions,
  recordHistoryPath,
  recordName,
  resultSummary,
  trailHref,
  typeOptions,
} from './audit.view-model.js';

const TRAIL = '/admin/audit';

function readerOf(request: FastifyRequest): Reader {
  const m = member(request);
  return { tenantId: m.organisation.id, userId: m.user.id };
}

function pageNumber(query: unknown): number {
  const raw = (query as { page?: unknown } | undefined)?.page;
  const n = typeof raw === 'string' ? Number(raw) : NaN;
  return Number.isInteger(n) && n >= 1 ? n : 1;
}

export const auditRoutes: FastifyPluginAsync = async (app) => {
  const { db } = app.deps.database;

  /** The trail page; also what the CSV address shows when its filters are not valid. */
  async function renderTrail(request: FastifyRequest, reply: FastifyReply, parsed: ParsedFilters) {
    const data = await loadTrailPage(
      db,
      readerOf(request),
      parsed.ok ? parsed.filters : null,
      parsed.ok ? parsed.page : 1,
    );
    const values = typedValues(request.query);
    const people = peopleById(data.people);
    const results = data.results;
    const filters = parsed.ok ? parsed.filters : null;
    return reply.page(
      'audit/views/trail.njk',
      {
        title: 'Audit trail',
        ...(parsed.ok ? {} : { errors: parsed.errors }),
        values,
        dateParts: parsed.ok ? { from: [], to: [] } : parsed.dateParts,
        banner: chainBanner(data.chain),
        alteredId: data.chain.report.broken?.id ?? null,
        personOptions: personOptions(data.people, filters ? filters.person : values.person),
        typeOptions: typeOptions(
          data.entityTypes,
          filters ? filters.entityType : values.entityType,
        ),
        filtered: filters ? hasFilters(filters) : true,
        results: results && {
          rows: results.events.map((e) => eventRow(e, people)),
          summary: resultSummary(results),
          pagination: pagination(results.page, results.pageCount, (n) =>
            trailHref(TRAIL, filters ?? {}, n),
          ),
          csvHref: trailHref(`${TRAIL}.csv`, filters ?? {}),
        },
      },
      parsed.ok ? 200 : 400,
    );
  }

  app.get(TRAIL, { config: { access: 'audit.read' } }, async (request, reply) =>
    renderTrail(request, reply, parseFilters(request.query)),
  );

  app.get(`${TRAIL}.csv`, { config: { access: 'audit.read' } }, async (request, reply) => {
    const parsed = parseFilters(request.query);
    if (!parsed.ok) return renderTrail(request, reply, parsed);
    const { slug } = member(request).organisation;
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="audit-trail-${slug}-${ukToday()}.csv"`)
      .send(eventsCsv(exportEvents(db, readerOf(request), parsed.filters)));
  });

  app.get(
    `${TRAIL}/:id`,
    { config: { access: 'audit.read' } },
    async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
      const { event, hashMatches, people } = await loadEvent(
        db,
        readerOf(request),
        request.params.id,
      );
      const row = eventRow(event, peopleById(people));
      return reply.page('audit/views/event.njk', {
        title: `Event #${String(event.seq)}: ${actionWords(event.action)}`,
        event,
        row,
        hashMatches,
        changes: changedFields(event.before, event.after),
        historyHref: event.entity_id ? recordHistoryPath(event.entity_type, event.entity_id) : null,
      });
    },
  );

  app.get(
    `${TRAIL}/records/:entityType/:entityId`,
    { config: { access: 'audit.read' } },
    async (
      request: FastifyRequest<{ Params: { entityType: string; entityId: string } }>,
      reply,
    ) => {
      const { entityType, entityId } = request.params;
      if (entityType.length > 100 || entityId.length > 200) throw new NotFoundError();
      const history = await loadRecordHistory(
        db,
        readerOf(request),
        { entityType, entityId },
        pageNumber(request.query),
      );
      const people = peopleById(history.people);
      const newest = history.events[0];
      const base = recordHistoryPath(entityType, entityId);
      return reply.page('audit/views/record.njk', {
        title: 'History of this record',
        recordType: entityTypeWords(entityType),
        recordName: newest ? recordName(newest, people) : null,
        entityType,
        entityId,
        filteredTrailHref: trailHref(TRAIL, { entityType, entityId }),
        results: {
          rows: history.events.map((e) => eventRow(e, people)),
          summary: resultSummary(history),
          pagination: pagination(history.page, history.pageCount, (n) =>
            n > 1 ? `${base}?page=${String(n)}` : base,
          ),
        },
      });
    },
  );
};

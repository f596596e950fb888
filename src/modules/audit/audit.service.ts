import type { Kysely } from 'kysely';
import { hashEvent, verifyChain, type ChainReport } from '../../kernel/audit/audit.js';
import type { AuditEvent, DB } from '../../kernel/db/schema.js';
import { isUuid } from '../../kernel/db/ids.js';
import { withTenant, type Tx } from '../../kernel/db/tenancy.js';
import { NotFoundError } from '../../kernel/http/errors.js';
import {
  countEvents,
  findEvent,
  listEntityTypes,
  listEvents,
  listEventsBefore,
  listPeople,
  type Person,
} from './audit.queries.js';
import type { AuditFilters } from './audit.schemas.js';

export const PAGE_SIZE = 50;

/** Who is reading: the organisation they act in and themselves (for row-level security). */
export interface Reader {
  tenantId: string;
  userId: string;
}

export interface EventPage {
  events: AuditEvent[];
  total: number;
  page: number;
  pageCount: number;
}

async function pageOf(
  trx: Tx,
  tenantId: string,
  filters: AuditFilters,
  page: number,
): Promise<EventPage> {
  const total = await countEvents(trx, tenantId, filters);
  const pageCount = Math.max(1, Math.ceil(total / PAGE_SIZE));
  // A page past the end (the filters narrowed, or a hand-edited link) shows the last one.
  const current = Math.min(page, pageCount);
  const events = await listEvents(trx, tenantId, filters, {
    limit: PAGE_SIZE,
    offset: (current - 1) * PAGE_SIZE,
  });
  return { events, total, page: current, pageCount };
}

export interface ChainCheck {
  report: ChainReport;
  /** The first altered event, when the chain is broken and that event can still be read. */
  brokenEvent: AuditEvent | null;
}

export interface TrailPage {
  /** Null when the filters were not valid (the page shows the errors instead). */
  results: EventPage | null;
  people: Person[];
  entityTypes: string[];
  chain: ChainCheck;
}

/**
 * Everything the audit trail page shows. The chain check reads the whole trail, which is why
 * it is done here, for this page only, and not on every request.
 */
export async function loadTrailPage(
  db: Kysely<DB>,
  reader: Reader,
  filters: AuditFilters | null,
  page: number,
): Promise<TrailPage> {
  return withTenant(db, reader.tenantId, reader.userId, async (trx) => {
    const results = filters ? await pageOf(trx, reader.tenantId, filters, page) : null;
    const people = await listPeople(trx, reader.tenantId);
    const entityTypes = await listEntityTypes(trx, reader.tenantId);
    const report = await verifyChain(trx, reader.tenantId);
    const brokenEvent = report.broken
      ? ((await findEvent(trx, reader.tenantId, report.broken.id)) ?? null)
      : null;
    return { results, people, entityTypes, chain: { report, brokenEvent } };
  });
}

export interface EventDetail {
  event: AuditEvent;
  /** Whether the event still matches the hash it was written with. */
  hashMatches: boolean;
  people: Person[];
}

/** One event of the reader's organisation; any other id is "not found". */
export async function loadEvent(db: Kysely<DB>, reader: Reader, id: string): Promise<EventDetail> {
  if (!isUuid(id)) throw new NotFoundError();
  return withTenant(db, reader.tenantId, reader.userId, async (trx) => {
    const event = await findEvent(trx, reader.tenantId, id);
    if (!event) throw new NotFoundError();
    const people = await listPeople(trx, reader.tenantId);
    return { event, hashMatches: hashEvent(event) === event.hash, people };
  });
}

export interface RecordHistory extends EventPage {
  people: Person[];
}

/** Every event about one record; "not found" when the organisation's trail has none. */
export async function loadRecordHistory(
  db: Kysely<DB>,
  reader: Reader,
  record: { entityType: string; entityId: string },
  page: number,
): Promise<RecordHistory> {
  return withTenant(db, reader.tenantId, reader.userId, async (trx) => {
    const found = await pageOf(trx, reader.tenantId, record, page);
    if (found.total === 0) throw new NotFoundError();
    const people = await listPeople(trx, reader.tenantId);
    return { ...found, people };
  });
}

/**
 * The filtered trail, newest first, a batch per short transaction so that a long export never
 * holds a connection (PGlite has only one) while the file is being sent.
 */
export async function* exportEvents(
  db: Kysely<DB>,
  reader: Reader,
  filters: AuditFilters,
  batchSize = 500,
): AsyncGenerator<AuditEvent> {
  let beforeSeq: number | null = null;
  for (;;) {
    const seq = beforeSeq;
    const batch: AuditEvent[] = await withTenant(db, reader.tenantId, reader.userId, (trx) =>
      listEventsBefore(trx, reader.tenantId, filters, seq, batchSize),
    );
    yield* batch;
    const last: AuditEvent | undefined = batch[batch.length - 1];
    if (batch.length < batchSize || !last) return;
    beforeSeq = last.seq;
  }
}

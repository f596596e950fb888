import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { newId } from '../db/ids.js';
import type { AuditEvent, DB } from '../db/schema.js';
import type { Tx } from '../db/tenancy.js';

/** Who did something, and from where. Passed from the route to every service call. */
export interface Actor {
  userId: string | null;
  label: string;
  requestId?: string | null;
  ip?: string | null;
}

export const SYSTEM_ACTOR: Actor = { userId: null, label: 'Waymark (system)' };

export interface AuditInput {
  tenantId: string | null;
  action: string;
  entityType: string;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
}

export const GENESIS_HASH = '0'.repeat(64);
const SECRET_KEY = /password|secret|token_hash|code_hash|totp/i;

/** Stable JSON: keys sorted at every level, so the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Values as they will read back from jsonb: dates as strings, secrets removed. */
export function auditValue(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  return JSON.parse(
    JSON.stringify(value, (key, v: unknown) => {
      // Full-text search vectors are derived, not content: they only bloat the trail.
      if (key === 'search') return undefined;
      return key && SECRET_KEY.test(key) ? '[redacted]' : v;
    }),
  );
}

type HashedFields = Omit<AuditEvent, 'hash'>;

export function hashEvent(e: HashedFields): string {
  const content = canonicalJson({
    id: e.id,
    tenant_id: e.tenant_id,
    seq: e.seq,
    occurred_at: new Date(e.occurred_at).toISOString(),
    actor_user_id: e.actor_user_id,
    actor_label: e.actor_label,
    action: e.action,
    entity_type: e.entity_type,
    entity_id: e.entity_id,
    before: e.before ?? null,
    after: e.after ?? null,
    request_id: e.request_id,
    ip: e.ip,
    prev_hash: e.prev_hash,
  });
  return createHash('sha256').update(content).digest('hex');
}

/** Writes one audit event in the caller's transaction, chained to the organisation's last one. */
export async function recordAudit(trx: Tx, actor: Actor, input: AuditInput): Promise<void> {
  const chain = input.tenantId ?? 'system';
  // Serialise writers of one chain so two transactions cannot both extend the same link.
  await sql`select pg_advisory_xact_lock(hashtextextended(${chain}, 7274))`.execute(trx);
  let lastQuery = trx.selectFrom('audit_events').select(['seq', 'hash']);
  lastQuery =
    input.tenantId === null
      ? lastQuery.where('tenant_id', 'is', null)
      : lastQuery.where('tenant_id', '=', input.tenantId);
  const last = await lastQuery.orderBy('seq', 'desc').limit(1).executeTakeFirst();
  const fields: HashedFields = {
    id: newId(),
    tenant_id: input.tenantId,
    seq: last ? last.seq + 1 : 1,
    occurred_at: new Date(),
    actor_user_id: actor.userId,
    actor_label: actor.label,
    action: input.action,
    entity_type: input.entityType,
    entity_id: input.entityId ?? null,
    before: auditValue(input.before),
    after: auditValue(input.after),
    request_id: actor.requestId ?? null,
    ip: actor.ip ?? null,
    prev_hash: last?.hash ?? GENESIS_HASH,
  };
  await trx
    .insertInto('audit_events')
    .values({
      ...fields,
      before: fields.before === null ? null : JSON.stringify(fields.before),
      after: fields.after === null ? null : JSON.stringify(fields.after),
      hash: hashEvent(fields),
    })
    .execute();
}

export interface ChainReport {
  tenantId: string | null;
  checked: number;
  broken: { seq: number; id: string; reason: string } | null;
}

/** Recomputes one chain from the start and names the first link that does not hold. */
export async function verifyChain(db: Kysely<DB>, tenantId: string | null): Promise<ChainReport> {
  let query = db.selectFrom('audit_events').selectAll();
  query =
    tenantId === null
      ? query.where('tenant_id', 'is', null)
      : query.where('tenant_id', '=', tenantId);
  const events = await query.orderBy('seq').execute();
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  for (const e of events) {
    const seq = e.seq;
    const broken = (reason: string): ChainReport => ({
      tenantId,
      checked: seq - 1,
      broken: { seq, id: e.id, reason },
    });
    if (seq !== expectedSeq) return broken(`event number ${expectedSeq} is missing`);
    if (e.prev_hash !== prev) return broken('it does not point at the event before it');
    if (hashEvent(e) !== e.hash) return broken('its contents were changed after it was written');
    prev = e.hash;
    expectedSeq++;
  }
  return { tenantId, checked: events.length, broken: null };
}

/** Every chain in the database: the system chain and one per organisation. */
export async function verifyAllChains(db: Kysely<DB>): Promise<ChainReport[]> {
  const orgs = await db.selectFrom('organisations').select('id').orderBy('created_at').execute();
  const reports = [await verifyChain(db, null)];
  for (const o of orgs) reports.push(await verifyChain(db, o.id));
  return reports;
}

import type { SelectQueryBuilder } from 'kysely';
import type { AuditEvent, DB } from '../../kernel/db/schema.js';
import type { Tx } from '../../kernel/db/tenancy.js';
import { endOfUkDay, startOfUkDay, type AuditFilters } from './audit.schemas.js';

/*
 * All SQL of the audit pages. Every query runs in a tenant transaction (row-level security) and
 * also names the organisation, so the indexes on (tenant_id, …) serve it.
 */

type EventQuery<O> = SelectQueryBuilder<DB, 'audit_events', O>;

function filtered<O>(query: EventQuery<O>, tenantId: string, f: AuditFilters): EventQuery<O> {
  let q = query.where('tenant_id', '=', tenantId);
  if (f.person === 'system') q = q.where('actor_user_id', 'is', null);
  else if (f.person) q = q.where('actor_user_id', '=', f.person);
  if (f.entityType) q = q.where('entity_type', '=', f.entityType);
  if (f.entityId) q = q.where('entity_id', '=', f.entityId);
  if (f.from) q = q.where('occurred_at', '>=', startOfUkDay(f.from));
  if (f.to) q = q.where('occurred_at', '<', endOfUkDay(f.to));
  return q;
}

export async function countEvents(trx: Tx, tenantId: string, f: AuditFilters): Promise<number> {
  const row = await filtered(trx.selectFrom('audit_events'), tenantId, f)
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** One page of events, newest first (the chain's own order: seq). */
export async function listEvents(
  trx: Tx,
  tenantId: string,
  f: AuditFilters,
  page: { limit: number; offset: number },
): Promise<AuditEvent[]> {
  return filtered(trx.selectFrom('audit_events').selectAll(), tenantId, f)
    .orderBy('seq', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

/** A batch for the CSV export: events older than `beforeSeq`, newest first. */
export async function listEventsBefore(
  trx: Tx,
  tenantId: string,
  f: AuditFilters,
  beforeSeq: number | null,
  limit: number,
): Promise<AuditEvent[]> {
  let q = filtered(trx.selectFrom('audit_events').selectAll(), tenantId, f);
  if (beforeSeq !== null) q = q.where('seq', '<', beforeSeq);
  return q.orderBy('seq', 'desc').limit(limit).execute();
}

export async function findEvent(
  trx: Tx,
  tenantId: string,
  id: string,
): Promise<AuditEvent | undefined> {
  return trx
    .selectFrom('audit_events')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export interface Person {
  id: string;
  name: string;
  email: string | null;
  member: boolean;
}

/**
 * Everyone the person filter offers: current members, and anyone who acted in this organisation
 * before leaving it (named as the trail recorded them).
 */
export async function listPeople(trx: Tx, tenantId: string): Promise<Person[]> {
  const members = await trx
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.display_name', 'u.email'])
    .where('m.tenant_id', '=', tenantId)
    .execute();
  const actors = await trx
    .selectFrom('audit_events')
    .distinctOn('actor_user_id')
    .select(['actor_user_id', 'actor_label'])
    .where('tenant_id', '=', tenantId)
    .where('actor_user_id', 'is not', null)
    .orderBy('actor_user_id')
    .orderBy('seq', 'desc')
    .execute();
  const people = new Map<string, Person>();
  for (const m of members) {
    people.set(m.id, { id: m.id, name: m.display_name, email: m.email, member: true });
  }
  for (const a of actors) {
    if (!a.actor_user_id || people.has(a.actor_user_id)) continue;
    people.set(a.actor_user_id, {
      id: a.actor_user_id,
      name: a.actor_label,
      email: null,
      member: false,
    });
  }
  return [...people.values()].sort((a, b) => a.name.localeCompare(b.name, 'en-GB'));
}

export async function listEntityTypes(trx: Tx, tenantId: string): Promise<string[]> {
  const rows = await trx
    .selectFrom('audit_events')
    .select('entity_type')
    .distinct()
    .where('tenant_id', '=', tenantId)
    .orderBy('entity_type')
    .execute();
  return rows.map((r) => r.entity_type);
}

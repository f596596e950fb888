import { sql, type Kysely, type Selectable } from 'kysely';
import type { DB, SsoConfigsTable } from '../../kernel/db/schema.js';
import type { Tx } from '../../kernel/db/tenancy.js';

export type SsoConfigRow = Selectable<SsoConfigsTable>;

/** One organisation's settings (inside its tenant transaction, or a system one at sign-in). */
export async function findConfig(
  db: Kysely<DB> | Tx,
  tenantId: string,
): Promise<SsoConfigRow | undefined> {
  return db
    .selectFrom('sso_configs')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
}

/**
 * The organisation that signs in people with this email domain. Runs outside any tenant (the
 * visitor is not signed in), so it reads only what sign-in needs.
 */
export async function findEnabledConfigForDomain(db: Kysely<DB>, domain: string) {
  return db
    .selectFrom('sso_configs as c')
    .innerJoin('organisations as o', 'o.id', 'c.tenant_id')
    .select(['c.tenant_id', 'c.issuer', 'o.name as organisation_name'])
    .where('c.enabled', '=', true)
    .where('o.archived_at', 'is', null)
    .where(sql<boolean>`${domain} = any(c.allowed_domains)`)
    .orderBy('c.tenant_id')
    .executeTakeFirst();
}

/** Domains among `domains` that another organisation already signs in with. */
export async function domainsTakenElsewhere(
  db: Kysely<DB>,
  tenantId: string,
  domains: string[],
): Promise<string[]> {
  if (!domains.length) return [];
  const rows = await db
    .selectFrom('sso_configs')
    .select('allowed_domains')
    .where('tenant_id', '<>', tenantId)
    .where(sql<boolean>`allowed_domains && ${sql.val(domains)}::text[]`)
    .execute();
  const taken = new Set(rows.flatMap((r) => r.allowed_domains));
  return domains.filter((d) => taken.has(d));
}

export interface ConfigValues {
  enabled: boolean;
  issuer: string;
  client_id: string;
  client_secret_enc: string;
  allowed_domains: string[];
  default_role: SsoConfigRow['default_role'];
}

export async function upsertConfig(trx: Tx, tenantId: string, values: ConfigValues) {
  const row = { ...values, updated_at: new Date() };
  await trx
    .insertInto('sso_configs')
    .values({ tenant_id: tenantId, ...row })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet(row))
    .execute();
}

export async function findIdentity(trx: Tx, issuer: string, subject: string) {
  return trx
    .selectFrom('sso_identities')
    .select('user_id')
    .where('issuer', '=', issuer)
    .where('subject', '=', subject)
    .executeTakeFirst();
}

export async function insertIdentity(trx: Tx, issuer: string, subject: string, userId: string) {
  await trx.insertInto('sso_identities').values({ issuer, subject, user_id: userId }).execute();
}

/** The organisations a person belongs to (system transaction: sign-in is outside any tenant). */
export async function membershipsOf(trx: Tx, userId: string) {
  return trx
    .selectFrom('memberships')
    .select(['tenant_id', 'role'])
    .where('user_id', '=', userId)
    .execute();
}

export async function markSignedIn(trx: Tx, userId: string) {
  await trx
    .updateTable('users')
    .set({ last_sign_in_at: new Date() })
    .where('id', '=', userId)
    .execute();
}

export async function organisationName(db: Kysely<DB>, tenantId: string) {
  const row = await db
    .selectFrom('organisations')
    .select('name')
    .where('id', '=', tenantId)
    .executeTakeFirst();
  return row?.name;
}

import type { Kysely } from 'kysely';
import { recordAudit, type Actor } from '../../kernel/audit/audit.js';
import { newId } from '../../kernel/db/ids.js';
import type { DB, Organisation, Role } from '../../kernel/db/schema.js';
import { withSystem, withTenant, type Tx } from '../../kernel/db/tenancy.js';
import { ConflictError, ValidationError } from '../../kernel/http/errors.js';

export function slugify(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
}

/** Creates an organisation (a tenant). Only the command line and the demo loader do this. */
export async function createOrganisation(
  db: Kysely<DB>,
  actor: Actor,
  input: { name: string; slug?: string | undefined },
): Promise<Organisation> {
  const name = input.name.trim();
  const slug = input.slug ?? slugify(name);
  if (!name)
    throw new ValidationError([{ field: 'name', message: 'Enter the organisation’s name' }]);
  if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(slug)) {
    throw new ValidationError([
      {
        field: 'slug',
        message: 'Short name must be 2 to 63 lower-case letters, digits or hyphens',
      },
    ]);
  }
  return withSystem(db, async (trx) => {
    const existing = await trx
      .selectFrom('organisations')
      .select('id')
      .where('slug', '=', slug)
      .executeTakeFirst();
    if (existing)
      throw new ConflictError(`An organisation with the short name "${slug}" already exists.`);
    const org = await trx
      .insertInto('organisations')
      .values({ id: newId(), slug, name })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, actor, {
      tenantId: org.id,
      action: 'organisation.created',
      entityType: 'organisation',
      entityId: org.id,
      after: { name: org.name, slug: org.slug },
    });
    return org;
  });
}

export async function addMemberInTx(
  trx: Tx,
  actor: Actor,
  tenantId: string,
  userId: string,
  role: Role,
) {
  const existing = await trx
    .selectFrom('memberships')
    .select('role')
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (existing) throw new ConflictError('This person is already a member of the organisation.');
  await trx
    .insertInto('memberships')
    .values({ tenant_id: tenantId, user_id: userId, role })
    .execute();
  await recordAudit(trx, actor, {
    tenantId,
    action: 'membership.created',
    entityType: 'membership',
    entityId: userId,
    after: { user_id: userId, role },
  });
}

/** Adds an existing person to an organisation, inside that organisation's tenant transaction. */
export async function addMember(
  db: Kysely<DB>,
  actor: Actor,
  tenantId: string,
  userId: string,
  role: Role,
) {
  return withTenant(db, tenantId, actor.userId, (trx) =>
    addMemberInTx(trx, actor, tenantId, userId, role),
  );
}

export async function findOrganisation(db: Kysely<DB>, idOrSlug: string) {
  const isId = /^[0-9a-f-]{36}$/i.test(idOrSlug);
  return db
    .selectFrom('organisations')
    .selectAll()
    .where(isId ? 'id' : 'slug', '=', idOrSlug)
    .executeTakeFirst();
}

export interface OrganisationSettings {
  name: string;
  requireTwoFactor: boolean;
}

export async function getOrganisationSettings(
  db: Kysely<DB>,
  actor: Actor,
  tenantId: string,
): Promise<OrganisationSettings> {
  return withTenant(db, tenantId, actor.userId, async (trx) => {
    const org = await trx
      .selectFrom('organisations')
      .select(['name', 'require_two_factor'])
      .where('id', '=', tenantId)
      .executeTakeFirstOrThrow();
    return { name: org.name, requireTwoFactor: org.require_two_factor };
  });
}

/** Changes the organisation's own settings; audited with before and after when anything changed. */
export async function updateOrganisationSettings(
  db: Kysely<DB>,
  actor: Actor,
  tenantId: string,
  input: OrganisationSettings,
): Promise<{ changed: boolean }> {
  return withTenant(db, tenantId, actor.userId, async (trx) => {
    const before = await trx
      .selectFrom('organisations')
      .select(['name', 'require_two_factor'])
      .where('id', '=', tenantId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const after = { name: input.name, require_two_factor: input.requireTwoFactor };
    if (before.name === after.name && before.require_two_factor === after.require_two_factor) {
      return { changed: false };
    }
    await trx.updateTable('organisations').set(after).where('id', '=', tenantId).execute();
    await recordAudit(trx, actor, {
      tenantId,
      action: 'organisation.updated',
      entityType: 'organisation',
      entityId: tenantId,
      before,
      after,
    });
    return { changed: true };
  });
}

import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { SYSTEM_ACTOR } from '../../src/kernel/audit/audit.js';
import type { DB, Role } from '../../src/kernel/db/schema.js';
import { createUser } from '../../src/modules/identity/index.js';
import {
  addMember,
  createOrganisation,
} from '../../src/modules/organisations/organisation.service.js';

export const PASSWORD = 'correct-horse-battery-staple-42';

export function unique(prefix: string) {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export async function makeOrganisation(db: Kysely<DB>, name = unique('Testshire Council')) {
  return createOrganisation(db, SYSTEM_ACTOR, { name });
}

/** A person with a password, a member of `tenantId` in `role` (or of nothing). */
export async function makeUser(db: Kysely<DB>, tenantId: string | null, role: Role = 'viewer') {
  const email = `${unique(role)}@example.org`;
  const user = await createUser(db, SYSTEM_ACTOR, {
    email,
    displayName: `Test ${role}`,
    password: PASSWORD,
  });
  if (tenantId) await addMember(db, SYSTEM_ACTOR, tenantId, user.id, role);
  return { ...user, password: PASSWORD };
}

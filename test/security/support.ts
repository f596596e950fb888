import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/kernel/db/schema.js';
import { newId } from '../../src/kernel/db/ids.js';
import { hashToken, newSecretToken } from '../../src/kernel/auth/tokens.js';
import type { RouteEntry } from '../../src/kernel/http/context.js';

/** Plausible values for route parameters whose name says what they hold; others get a UUID. */
const PARAM_VALUES: Record<string, () => string> = {
  token: () => newSecretToken(),
  entityType: () => 'organisation',
};

/** A concrete URL for a route pattern: every `:param` replaced by a fresh, unknown value. */
export function concreteUrl(pattern: string): string {
  return pattern.replace(/:([A-Za-z_]+)/g, (_m, name: string) =>
    (PARAM_VALUES[name] ?? randomUUID)(),
  );
}

export function isApi(route: RouteEntry): boolean {
  return route.url === '/api/v1' || route.url.startsWith('/api/v1/');
}

/** A live API token for a member, written straight to the table (as the app stores it: hashed). */
export async function insertApiToken(
  db: Kysely<DB>,
  tenantId: string,
  userId: string,
  scopes: string[] = ['read', 'write'],
): Promise<{ id: string; token: string }> {
  const token = newSecretToken();
  const id = newId();
  await db
    .insertInto('api_tokens')
    .values({
      tenant_id: tenantId,
      id,
      user_id: userId,
      name: `Security test ${id.slice(-6)}`,
      token_hash: hashToken(token),
      token_prefix: token.slice(0, 8),
      scopes,
    })
    .execute();
  return { id, token };
}

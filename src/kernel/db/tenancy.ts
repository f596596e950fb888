import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from './schema.js';

export type Tx = Transaction<DB>;

/**
 * Runs fn in a transaction that row-level security confines to one organisation: the role is
 * switched to waymark_app (not a superuser, not the owner) and the tenant is set for this
 * transaction only, so a forgotten `where tenant_id = …` cannot leak another council's data.
 */
export async function withTenant<T>(
  db: Kysely<DB>,
  tenantId: string,
  userId: string | null,
  fn: (trx: Tx) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(async (trx) => {
    // One round trip: setting `role` locally is what `set local role` does.
    await sql`select set_config('app.tenant_id', ${tenantId}, true), set_config('app.user_id', ${userId ?? ''}, true), set_config('role', 'waymark_app', true)`.execute(
      trx,
    );
    return fn(trx);
  });
}

/**
 * A transaction as the database owner, outside any one organisation: sign-in, sessions, token
 * look-up, the command line. Modules' services must not use it for organisation data.
 */
export async function withSystem<T>(db: Kysely<DB>, fn: (trx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(fn);
}

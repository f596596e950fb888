import { sql, type Selectable } from 'kysely';
import { NotFoundError } from '../http/errors.js';
import { isUuid } from './ids.js';
import type { DB } from './schema.js';
import type { Tx } from './tenancy.js';

/** Tables whose rows belong to one organisation and have their own id. */
type TenantRows = {
  [T in keyof DB]: DB[T] extends { tenant_id: string; id: string } ? T : never;
}[keyof DB];

/**
 * One row of an organisation's table by id, optionally within its parent ("this board's member",
 * "this strategy's area"), or a 404 with the given words. An id that is not a UUID is simply not
 * found, rather than a database error.
 */
export async function findOwned<T extends TenantRows>(
  trx: Tx,
  table: T,
  key: { tenantId: string; id: string },
  notFound: string,
  within: Partial<Record<keyof Selectable<DB[T]> & string, string>> = {},
): Promise<Selectable<DB[T]>> {
  if (!isUuid(key.id)) throw new NotFoundError(notFound);
  const parents = Object.entries(within).map(
    ([column, value]) => sql`and ${sql.ref(column)} = ${value}`,
  );
  const { rows } = await sql<Selectable<DB[T]>>`
    select * from ${sql.table(table)}
    where tenant_id = ${key.tenantId} and id = ${key.id} ${sql.join(parents, sql` `)}`.execute(trx);
  const row = rows[0];
  if (!row) throw new NotFoundError(notFound);
  return row;
}

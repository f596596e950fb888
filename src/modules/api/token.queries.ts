import type { Selectable } from 'kysely';
import type { ApiTokensTable } from '../../kernel/db/schema.js';
import type { Tx } from '../../kernel/db/tenancy.js';

/** A stored token without its hash: all that any list or page needs. */
export type TokenRow = Omit<Selectable<ApiTokensTable>, 'token_hash'>;

const TOKEN_COLUMNS = [
  't.tenant_id',
  't.id',
  't.user_id',
  't.name',
  't.token_prefix',
  't.scopes',
  't.created_at',
  't.expires_at',
  't.revoked_at',
  't.last_used_at',
] as const;

/** One person's tokens in the transaction's organisation (row-level security scopes it). */
export function ownTokensQuery(trx: Tx, tenantId: string, userId: string) {
  return trx
    .selectFrom('api_tokens as t')
    .select(TOKEN_COLUMNS)
    .where('t.tenant_id', '=', tenantId)
    .where('t.user_id', '=', userId);
}

export async function listOwnTokens(trx: Tx, tenantId: string, userId: string) {
  return ownTokensQuery(trx, tenantId, userId).orderBy('t.id', 'desc').execute();
}

/** Every token of the organisation with its owner; an owner who has left shows as null. */
export async function listOrganisationTokens(trx: Tx, tenantId: string) {
  return trx
    .selectFrom('api_tokens as t')
    .leftJoin('users as u', 'u.id', 't.user_id')
    .select(TOKEN_COLUMNS)
    .select(['u.display_name as owner_name', 'u.email as owner_email'])
    .where('t.tenant_id', '=', tenantId)
    .orderBy('t.id', 'desc')
    .execute();
}

export async function findToken(trx: Tx, tenantId: string, id: string) {
  return trx
    .selectFrom('api_tokens as t')
    .select(TOKEN_COLUMNS)
    .where('t.tenant_id', '=', tenantId)
    .where('t.id', '=', id)
    .executeTakeFirst();
}

import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { recordAudit, type Actor } from '../../kernel/audit/audit.js';
import { hashToken } from '../../kernel/auth/tokens.js';
import { newId } from '../../kernel/db/ids.js';
import type { DB } from '../../kernel/db/schema.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import { NotFoundError, ValidationError } from '../../kernel/http/errors.js';
import { findToken, type TokenRow } from './token.queries.js';
import type { Scope } from './token.schemas.js';

export const TOKEN_PREFIX = 'wmk_';
const DAY_MS = 24 * 60 * 60 * 1000;

/** A new token: shown once to its owner; only the hash and the first 8 characters are kept. */
export function generateApiToken() {
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashToken(token), prefix: token.slice(0, 8) };
}

export function expiryFromDays(days: number | null, now = new Date()): Date | null {
  return days === null ? null : new Date(now.getTime() + days * DAY_MS);
}

export type TokenStatus = 'active' | 'expired' | 'revoked';

export function tokenStatus(
  row: Pick<TokenRow, 'revoked_at' | 'expires_at'>,
  now = new Date(),
): TokenStatus {
  if (row.revoked_at) return 'revoked';
  if (row.expires_at && row.expires_at.getTime() <= now.getTime()) return 'expired';
  return 'active';
}

export interface NewApiToken {
  tenantId: string;
  userId: string;
  name: string;
  scopes: Scope[];
  expiresAt: Date | null;
}

/** Audit values for a token: what identifies it, never the token or its hash. */
function auditView(row: TokenRow) {
  return {
    name: row.name,
    user_id: row.user_id,
    token_prefix: row.token_prefix,
    scopes: row.scopes,
    expires_at: row.expires_at,
    revoked_at: row.revoked_at,
  };
}

/**
 * Creates a token for a member of the organisation, audited in the same transaction. Returns
 * the token itself, which exists nowhere else afterwards.
 */
export async function createApiToken(
  db: Kysely<DB>,
  actor: Actor,
  input: NewApiToken,
): Promise<{ token: string; row: TokenRow }> {
  const secret = generateApiToken();
  const row = await withTenant(db, input.tenantId, actor.userId, async (trx) => {
    const membership = await trx
      .selectFrom('memberships')
      .select('role')
      .where('tenant_id', '=', input.tenantId)
      .where('user_id', '=', input.userId)
      .executeTakeFirst();
    if (!membership) {
      throw new ValidationError([
        { field: 'user', message: 'Only a member of the organisation can have a token there' },
      ]);
    }
    const created = await trx
      .insertInto('api_tokens')
      .values({
        tenant_id: input.tenantId,
        id: newId(),
        user_id: input.userId,
        name: input.name,
        token_hash: secret.hash,
        token_prefix: secret.prefix,
        scopes: input.scopes,
        expires_at: input.expiresAt,
      })
      .returning([
        'tenant_id',
        'id',
        'user_id',
        'name',
        'token_prefix',
        'scopes',
        'created_at',
        'expires_at',
        'revoked_at',
        'last_used_at',
      ])
      .executeTakeFirstOrThrow();
    await recordAudit(trx, actor, {
      tenantId: input.tenantId,
      action: 'token.created',
      entityType: 'api_token',
      entityId: created.id,
      after: auditView(created),
    });
    return created;
  });
  return { token: secret.token, row };
}

/**
 * Revokes a token of the organisation; with `ownerId`, only if that person owns it. Any other
 * token (another person's, another organisation's, none) is "not found", so ids reveal nothing.
 */
export async function revokeApiToken(
  db: Kysely<DB>,
  actor: Actor,
  input: { tenantId: string; tokenId: string; ownerId?: string },
): Promise<{ row: TokenRow; alreadyRevoked: boolean }> {
  return withTenant(db, input.tenantId, actor.userId, async (trx) => {
    const before = await findToken(trx, input.tenantId, input.tokenId);
    if (!before || (input.ownerId !== undefined && before.user_id !== input.ownerId)) {
      throw new NotFoundError('There is no such API token.');
    }
    if (before.revoked_at) return { row: before, alreadyRevoked: true };
    const after: TokenRow = { ...before, revoked_at: new Date() };
    await trx
      .updateTable('api_tokens')
      .set({ revoked_at: after.revoked_at })
      .where('tenant_id', '=', input.tenantId)
      .where('id', '=', input.tokenId)
      .execute();
    await recordAudit(trx, actor, {
      tenantId: input.tenantId,
      action: 'token.revoked',
      entityType: 'api_token',
      entityId: input.tokenId,
      before: auditView(before),
      after: auditView(after),
    });
    return { row: after, alreadyRevoked: false };
  });
}

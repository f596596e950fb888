import type { TokenRow } from './token.queries.js';
import { tokenStatus, type TokenStatus } from './token.service.js';
import type { Scope } from './token.schemas.js';

const STATUS_TAGS: Record<TokenStatus, { text: string; classes: string }> = {
  active: { text: 'Active', classes: 'govuk-tag--green' },
  expired: { text: 'Expired', classes: 'govuk-tag--grey' },
  revoked: { text: 'Revoked', classes: 'govuk-tag--red' },
};

export function scopesText(scopes: readonly string[]): string {
  if (scopes.includes('read') && scopes.includes('write')) return 'Read and write';
  if (scopes.includes('write')) return 'Write only';
  return 'Read only';
}

/** A token as a row of the tokens tables on /account/tokens and /admin/tokens. */
export function tokenRowView(
  row: TokenRow & { owner_name?: string | null; owner_email?: string | null },
  now = new Date(),
) {
  const status = tokenStatus(row, now);
  return {
    id: row.id,
    name: row.name,
    prefix: row.token_prefix,
    scopes: scopesText(row.scopes),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    status: STATUS_TAGS[status],
    canRevoke: status === 'active',
    owner:
      row.owner_name === undefined
        ? undefined
        : row.owner_name
          ? { name: row.owner_name, email: row.owner_email }
          : null,
  };
}

/** A token as the JSON API shows it. */
export function tokenApiView(row: TokenRow, now = new Date()) {
  return {
    id: row.id,
    name: row.name,
    prefix: row.token_prefix,
    scopes: row.scopes as Scope[],
    status: tokenStatus(row, now),
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at?.toISOString() ?? null,
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}

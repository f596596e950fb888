import { recordAudit, type Actor } from '../../kernel/audit/audit.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import type { FieldError } from '../../kernel/http/errors.js';
import type { AppDeps } from '../../kernel/http/context.js';
import { describeDiscoveryError, discover } from './sso.client.js';
import {
  domainsTakenElsewhere,
  findConfig,
  upsertConfig,
  type SsoConfigRow,
} from './sso.queries.js';
import type { SettingsInput } from './sso.schemas.js';

/** What the settings page may show: everything except the secret, of which only its presence. */
export interface SettingsView {
  enabled: boolean;
  issuer: string;
  clientId: string;
  allowedDomains: string[];
  defaultRole: SsoConfigRow['default_role'];
  hasSecret: boolean;
  updatedAt: Date;
}

export async function loadSettings(
  deps: AppDeps,
  tenantId: string,
  userId: string,
): Promise<SettingsView | null> {
  const row = await withTenant(deps.database.db, tenantId, userId, (trx) =>
    findConfig(trx, tenantId),
  );
  if (!row) return null;
  return {
    enabled: row.enabled,
    issuer: row.issuer,
    clientId: row.client_id,
    allowedDomains: row.allowed_domains,
    defaultRole: row.default_role,
    hasSecret: row.client_secret_enc !== '',
    updatedAt: row.updated_at,
  };
}

/** The audit record of a configuration: the sealed secret is there only to be redacted by name. */
function audited(row: Omit<SsoConfigRow, 'tenant_id' | 'updated_at'>) {
  return {
    enabled: row.enabled,
    issuer: row.issuer,
    client_id: row.client_id,
    client_secret_enc: row.client_secret_enc,
    allowed_domains: row.allowed_domains,
    default_role: row.default_role,
  };
}

/**
 * Saves an organisation's single sign-on settings, after checking that the issuer answers
 * OpenID discovery and that no other organisation already signs in people from these domains.
 * Nothing is saved unless every check passes.
 */
export async function saveSettings(
  deps: AppDeps,
  context: { tenantId: string; actor: Actor },
  input: SettingsInput,
): Promise<{ ok: true } | { ok: false; errors: FieldError[] }> {
  const { db } = deps.database;
  const { tenantId, actor } = context;
  const existing = await withTenant(db, tenantId, actor.userId, (trx) => findConfig(trx, tenantId));
  const errors: FieldError[] = [];

  const newSecret = input.client_secret !== '';
  let secret: string | null = newSecret ? input.client_secret : null;
  if (!secret && existing) {
    try {
      secret = deps.secrets.open(existing.client_secret_enc);
    } catch {
      // Sealed under an earlier SESSION_SECRET: it cannot be used, so a new one is needed.
      secret = null;
    }
  }

  try {
    await discover({
      issuer: input.issuer,
      clientId: input.client_id,
      clientSecret: secret ?? 'unchecked',
      allowHttp: deps.config.OIDC_ALLOW_HTTP,
    });
  } catch (error) {
    errors.push({ field: 'issuer', message: describeDiscoveryError(error, input.issuer) });
  }
  if (!secret) {
    errors.push({
      field: 'client_secret',
      message: existing
        ? 'Enter the client secret again: the stored one can no longer be read'
        : 'Enter the client secret',
    });
  }
  // Across organisations, as the owner: each domain must lead sign-in to exactly one council.
  const taken = await domainsTakenElsewhere(db, tenantId, input.allowed_domains);
  if (taken.length) {
    errors.push({
      field: 'allowed_domains',
      message: `Another organisation in this Waymark already uses single sign-on for ${taken.join(', ')}. Each email domain can belong to one organisation only`,
    });
  }
  if (errors.length || !secret) return { ok: false, errors };

  const values = {
    enabled: input.enabled,
    issuer: input.issuer,
    client_id: input.client_id,
    client_secret_enc:
      newSecret || !existing ? deps.secrets.seal(secret) : existing.client_secret_enc,
    allowed_domains: input.allowed_domains,
    default_role: input.default_role,
  };
  await withTenant(db, tenantId, actor.userId, async (trx) => {
    await upsertConfig(trx, tenantId, values);
    await recordAudit(trx, actor, {
      tenantId,
      action: existing ? 'sso_config.updated' : 'sso_config.created',
      entityType: 'sso_config',
      entityId: tenantId,
      before: existing ? audited(existing) : null,
      after: { ...audited(values), client_credential_replaced: newSecret },
    });
  });
  return { ok: true };
}

import type { FastifyRequest } from 'fastify';
import { recordAudit, type Actor } from '../../kernel/audit/audit.js';
import { withSystem } from '../../kernel/db/tenancy.js';
import type { AppDeps } from '../../kernel/http/context.js';
import { createUserInTx, findUserByEmail } from '../identity/index.js';
import { addMemberInTx } from '../organisations/index.js';
import { SsoFailure, authorisationUrl, completeSignIn, discover } from './sso.client.js';
import type { Flow } from './flow-cookie.js';
import {
  findConfig,
  findEnabledConfigForDomain,
  findIdentity,
  insertIdentity,
  markSignedIn,
  membershipsOf,
  organisationName,
  type SsoConfigRow,
} from './sso.queries.js';
import { emailDomain, readClaims, type ClaimProblem, type PersonClaims } from './sso.rules.js';

/** The organisation whose single sign-on serves this email address, if any. */
export async function organisationForEmail(deps: AppDeps, email: string) {
  return findEnabledConfigForDomain(deps.database.db, emailDomain(email));
}

async function enabledConfig(deps: AppDeps, tenantId: string): Promise<SsoConfigRow> {
  const row = await findConfig(deps.database.db, tenantId);
  if (!row?.enabled) {
    throw new SsoFailure(
      'Single sign-on has been turned off for your organisation. Sign in with your password instead.',
      403,
      'sso-turned-off',
    );
  }
  return row;
}

async function providerFor(deps: AppDeps, row: SsoConfigRow) {
  let clientSecret: string;
  try {
    clientSecret = deps.secrets.open(row.client_secret_enc);
  } catch {
    throw new SsoFailure(
      'Single sign-on for your organisation needs its client secret entering again. Ask your Waymark administrator to update the single sign-on settings.',
      500,
      'secret-unreadable',
    );
  }
  try {
    return await discover({
      issuer: row.issuer,
      clientId: row.client_id,
      clientSecret,
      allowHttp: deps.config.OIDC_ALLOW_HTTP,
    });
  } catch {
    throw new SsoFailure(
      'Waymark could not reach your organisation’s sign-in service. Try again in a few minutes, and if it keeps happening tell your Waymark administrator.',
      502,
      'discovery-failed',
    );
  }
}

/** Where to send the browser to sign in, for a flow started on this browser. */
export async function providerSignInUrl(deps: AppDeps, flow: Flow, redirectUri: string) {
  const row = await enabledConfig(deps, flow.tenantId);
  const config = await providerFor(deps, row);
  return {
    url: await authorisationUrl(config, flow, redirectUri, flow.email),
    organisationName:
      (await organisationName(deps.database.db, row.tenant_id)) ?? 'your organisation',
  };
}

const CLAIM_MESSAGES: Record<ClaimProblem, string> = {
  'no-subject': 'Your organisation’s sign-in service did not say who you are.',
  'no-email':
    'Your organisation’s sign-in service did not give Waymark your email address, so Waymark cannot tell who you are. Ask your administrator to include the email claim.',
  'email-not-verified':
    'Your organisation’s sign-in service says your email address has not been verified, so Waymark cannot use it to sign you in.',
};

/**
 * Completes the flow at the callback: checks the provider's answer, then finds, links or creates
 * the person and makes them a member. Returns who to start a session for, and where.
 */
export async function finishSignIn(
  deps: AppDeps,
  request: FastifyRequest,
  flow: Flow,
  callbackUrl: URL,
): Promise<{ userId: string; tenantId: string }> {
  const row = await enabledConfig(deps, flow.tenantId);
  const config = await providerFor(deps, row);
  const claims = readClaims(await completeSignIn(config, callbackUrl, flow));
  if (!claims.ok) throw new SsoFailure(CLAIM_MESSAGES[claims.reason], 403, claims.reason);
  const person = claims.person;
  const domain = emailDomain(person.email);
  if (!row.allowed_domains.includes(domain)) {
    throw new SsoFailure(
      `You signed in as ${person.email}, but single sign-on for this organisation only accepts email addresses ending ${row.allowed_domains.map((d) => `@${d}`).join(' or ')}. Sign out of your organisation’s account and sign in with the right one, or sign in with your password instead.`,
      403,
      'domain-not-allowed',
    );
  }
  const userId = await provision(deps, request, row, person);
  return { userId, tenantId: row.tenant_id };
}

/**
 * One system transaction (sign-in happens before anyone is inside an organisation): the identity,
 * the person, the membership and their audit events stand or fall together.
 */
async function provision(
  deps: AppDeps,
  request: FastifyRequest,
  row: SsoConfigRow,
  person: PersonClaims,
): Promise<string> {
  const tenantId = row.tenant_id;
  const label = `${person.displayName} <${person.email}> (single sign-on)`;
  const actorFor = (userId: string | null): Actor => ({
    userId,
    label,
    requestId: request.id,
    ip: request.ip,
  });
  const identity = { issuer: person.issuer, subject: person.subject };

  return withSystem(deps.database.db, async (trx) => {
    let userId = (await findIdentity(trx, person.issuer, person.subject))?.user_id;
    if (!userId) {
      const existing = await findUserByEmail(trx, person.email);
      if (existing) {
        // Linking hands this account to the organisation's provider. If the account also belongs
        // to other organisations, their admins never agreed to trust this provider: refuse.
        const elsewhere = (await membershipsOf(trx, existing.id)).some(
          (m) => m.tenant_id !== tenantId,
        );
        if (elsewhere) {
          throw new SsoFailure(
            `There is already a Waymark account for ${person.email} that belongs to another organisation, so Waymark will not connect it to single sign-on. Sign in with your password instead.`,
            403,
            'account-in-other-organisation',
          );
        }
        userId = existing.id;
        await insertIdentity(trx, person.issuer, person.subject, userId);
        await recordAudit(trx, actorFor(userId), {
          tenantId,
          action: 'sso.identity_linked',
          entityType: 'user',
          entityId: userId,
          after: { user_id: userId, email: existing.email, ...identity },
        });
      } else {
        const user = await createUserInTx(trx, actorFor(null), {
          email: person.email,
          displayName: person.displayName,
        });
        userId = user.id;
        await insertIdentity(trx, person.issuer, person.subject, userId);
        await recordAudit(trx, actorFor(userId), {
          tenantId,
          action: 'sso.user_created',
          entityType: 'user',
          entityId: userId,
          after: {
            user_id: userId,
            email: user.email,
            display_name: user.display_name,
            ...identity,
          },
        });
      }
    }
    const user = await trx
      .selectFrom('users')
      .select(['disabled_at'])
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();
    if (user.disabled_at) {
      throw new SsoFailure(
        'Your Waymark account has been turned off. If you think this is wrong, ask an administrator of your organisation.',
        403,
        'account-disabled',
      );
    }
    const memberships = await membershipsOf(trx, userId);
    if (!memberships.some((m) => m.tenant_id === tenantId)) {
      await addMemberInTx(trx, actorFor(userId), tenantId, userId, row.default_role);
    }
    await markSignedIn(trx, userId);
    return userId;
  });
}

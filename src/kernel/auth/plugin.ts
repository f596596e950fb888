import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import type { Role } from '../db/schema.js';
import type { Actor } from '../audit/audit.js';
import type { AuthContext, Membership } from '../http/context.js';
import { ForbiddenError, UnauthorisedError } from '../http/errors.js';
import { can, type Access } from './permissions.js';
import {
  membershipsOfUser,
  parsedMemberships,
  type LoadedSession,
  type SignedInUser,
} from './sessions.js';
import { hashToken } from './tokens.js';

export const SESSION_COOKIE = 'waymark_session';

export function sessionCookieOptions(production: boolean) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: production,
  };
}

/**
 * Builds the request's view of who is calling, from their user row and memberships (read with
 * the session or token in one statement). Null when the account is gone or disabled.
 */
export function authContextFrom(
  user: SignedInUser | null,
  tenantId: string | null,
  session: LoadedSession | null,
  token: AuthContext['token'],
): AuthContext | null {
  if (!user || user.disabled_at) return null;
  const memberships: Membership[] = user.memberships.map((r) => ({
    tenantId: r.tenant_id,
    slug: r.slug,
    name: r.name,
    role: r.role,
  }));
  const current =
    user.memberships.find((m) => m.tenant_id === tenantId) ??
    (token ? undefined : user.memberships[0]);
  const organisation: AuthContext['organisation'] = current
    ? {
        id: current.tenant_id,
        slug: current.slug,
        name: current.name,
        requireTwoFactor: current.require_two_factor,
      }
    : null;
  return {
    user: {
      id: user.id,
      email: user.email,
      displayName: user.display_name,
      twoFactorEnabled: user.totp_enabled_at !== null,
    },
    session,
    token,
    organisation,
    role: current?.role ?? null,
    memberships,
  };
}

/** The caller of a route whose access already demanded a signed-in person. */
export function signedIn(request: FastifyRequest): AuthContext {
  if (!request.auth) throw new UnauthorisedError();
  return request.auth;
}

/** The caller and the organisation they act in, for routes guarded by a permission. */
export function member(request: FastifyRequest): AuthContext & {
  organisation: NonNullable<AuthContext['organisation']>;
  role: NonNullable<AuthContext['role']>;
} {
  const auth = signedIn(request);
  const { organisation, role } = auth;
  if (!organisation || !role) throw new ForbiddenError('You are not a member of an organisation.');
  return { ...auth, organisation, role };
}

/** What a service needs to act for the caller: their organisation, who they are, and their role. */
export interface TenantContext {
  tenantId: string;
  actor: Actor;
  role: Role;
}

export function tenantContext(request: FastifyRequest): TenantContext {
  const auth = member(request);
  return { tenantId: auth.organisation.id, actor: request.actor(), role: auth.role };
}

function isApi(request: FastifyRequest) {
  return request.url.startsWith('/api/v1/') || request.url === '/api/v1';
}

/** Whether each request's person has a Waymark password (for the two-step rule), by request. */
const hasPassword = new WeakMap<FastifyRequest, boolean>();

async function authenticateBearer(request: FastifyRequest): Promise<AuthContext | null> {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1])
    throw new UnauthorisedError(
      'The Authorization header must be "Bearer" followed by an API token.',
    );
  const { db } = request.server.deps.database;
  // The token, its owner and their memberships in one statement.
  const token = await db
    .selectFrom('api_tokens as t')
    .leftJoin('users as u', 'u.id', 't.user_id')
    .select([
      't.id',
      't.tenant_id',
      't.user_id',
      't.scopes',
      't.expires_at',
      't.revoked_at',
      't.last_used_at',
      'u.id as u_id',
      'u.email',
      'u.display_name',
      'u.totp_enabled_at',
      'u.disabled_at',
      sql<boolean>`u.password_hash is not null`.as('has_password'),
      membershipsOfUser().as('memberships'),
    ])
    .where('t.token_hash', '=', hashToken(match[1]))
    .executeTakeFirst();
  const now = Date.now();
  if (!token || token.revoked_at || (token.expires_at && token.expires_at.getTime() <= now)) {
    throw new UnauthorisedError('The API token is not valid: it may have expired or been revoked.');
  }
  if (!token.last_used_at || now - token.last_used_at.getTime() > 60_000) {
    await db
      .updateTable('api_tokens')
      .set({ last_used_at: new Date(now) })
      .where('id', '=', token.id)
      .execute();
  }
  const user: SignedInUser | null =
    token.u_id && token.email !== null && token.display_name !== null
      ? {
          id: token.u_id,
          email: token.email,
          display_name: token.display_name,
          totp_enabled_at: token.totp_enabled_at,
          disabled_at: token.disabled_at,
          has_password: token.has_password,
          memberships: parsedMemberships(token.memberships),
        }
      : null;
  const auth = authContextFrom(user, token.tenant_id, null, {
    id: token.id,
    scopes: token.scopes,
  });
  // A token stops working when its owner leaves the organisation.
  if (!auth?.organisation)
    throw new UnauthorisedError('The API token belongs to someone who is no longer a member.');
  return auth;
}

function deny(request: FastifyRequest, reply: FastifyReply, signedIn: boolean) {
  if (!signedIn && !isApi(request) && request.method === 'GET') {
    const next = encodeURIComponent(request.url);
    return reply.redirect(`/sign-in?next=${next}`, 303);
  }
  throw signedIn ? new ForbiddenError() : new UnauthorisedError();
}

export function checkAccess(
  access: Access,
  auth: AuthContext | null,
): 'ok' | 'unauthenticated' | 'forbidden' {
  if (access === 'public') return 'ok';
  if (!auth) return 'unauthenticated';
  if (access === 'signed-in') return 'ok';
  return auth.organisation && can(auth.role, access) ? 'ok' : 'forbidden';
}

/**
 * Paths a person may still use while their organisation requires two-step verification and they
 * have not set it up: their account (where they set it up), signing in and out, the footer pages.
 */
const BEFORE_TWO_FACTOR =
  /^\/(account|sign-in|switch-organisation|health|invitations)(\/|$)|^\/(sign-out|accessibility|privacy|metrics)$/;

/** API tokens would bypass the requirement (the API asks for no second step), so they wait too. */
const TOKENS = /^\/account\/tokens(\/|$)/;

export function allowedBeforeTwoFactor(path: string): boolean {
  return BEFORE_TWO_FACTOR.test(path) && !TOKENS.test(path);
}

/**
 * True when this browser session must set up two-step verification first. API tokens are not
 * affected. People with no Waymark password sign in through their organisation's single sign-on,
 * whose own sign-in service asks for the second step.
 */
function mustSetUpTwoFactor(request: FastifyRequest, auth: AuthContext): boolean {
  if (!auth.session || !auth.organisation?.requireTwoFactor || auth.user.twoFactorEnabled) {
    return false;
  }
  return hasPassword.get(request) ?? false;
}

/**
 * Loads who is calling (session cookie for pages, bearer token for /api/v1) and enforces each
 * route's declared access before anything else runs.
 */
export const authPlugin = fp(async (app) => {
  app.decorateRequest('auth', null);
  app.decorateRequest('pendingSession', null);
  app.decorateRequest('actor', function (this: FastifyRequest) {
    return {
      userId: this.auth?.user.id ?? null,
      label: this.auth ? `${this.auth.user.displayName} <${this.auth.user.email}>` : 'Anonymous',
      requestId: this.id,
      ip: this.ip,
    };
  });

  app.addHook('onRequest', async (request, reply) => {
    const access = request.routeOptions.config.access;
    if (!access) return; // not-found handler and static assets
    if (isApi(request)) {
      request.auth = await authenticateBearer(request);
    } else {
      const token = request.cookies[SESSION_COOKIE];
      // The session, its person and their memberships: one statement.
      const loaded = token ? await app.deps.sessions.loadWithUser(token) : null;
      const session = loaded?.session ?? null;
      if (session?.twoFactorPending) request.pendingSession = session;
      else if (session) {
        request.auth = authContextFrom(loaded?.user ?? null, session.tenantId, session, null);
        if (!request.auth) await app.deps.sessions.destroy(session.id);
        else hasPassword.set(request, loaded?.user?.has_password ?? false);
      }
      if (token && !session) reply.clearCookie(SESSION_COOKIE, { path: '/' });
    }
    const verdict = checkAccess(access, request.auth);
    if (verdict !== 'ok') return deny(request, reply, verdict === 'forbidden');
    if (
      request.auth &&
      !allowedBeforeTwoFactor(request.url.split('?')[0] ?? '/') &&
      mustSetUpTwoFactor(request, request.auth)
    ) {
      // The set-up page explains why they were sent there.
      return reply.redirect('/account/two-factor', 303);
    }
    if (request.auth?.token) {
      const needed =
        request.routeOptions.config.scope ??
        (['GET', 'HEAD'].includes(request.method) ? 'read' : 'write');
      if (!request.auth.token.scopes.includes(needed)) {
        throw new ForbiddenError(`This API token does not have the "${needed}" scope.`);
      }
    }
  });
});

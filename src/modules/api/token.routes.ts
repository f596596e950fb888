import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { member } from '../../kernel/auth/plugin.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import { NotFoundError } from '../../kernel/http/errors.js';
import { parseInput } from '../../kernel/http/validation.js';
import { listOrganisationTokens, listOwnTokens } from './token.queries.js';
import { EXPIRY_CHOICES, tokenFormSchema } from './token.schemas.js';
import { createApiToken, expiryFromDays, revokeApiToken } from './token.service.js';
import { scopesText, tokenRowView } from './token.view-model.js';

const idParams = z.object({ id: z.uuid() });

function tokenId(params: unknown): string {
  const parsed = idParams.safeParse(params);
  if (!parsed.success) throw new NotFoundError('There is no such API token.');
  return parsed.data.id;
}

/** The dates each expiry choice would give, for the radios' hints. */
function expiryDates(now = new Date()) {
  return {
    '30': expiryFromDays(30, now),
    '90': expiryFromDays(90, now),
    '365': expiryFromDays(365, now),
  };
}

/** Pages for API tokens: a person's own at /account/tokens, everyone's for admins at /admin/tokens. */
export const tokenPageRoutes: FastifyPluginAsync = async (app) => {
  const { db } = app.deps.database;

  app.get('/account/tokens', { config: { access: 'tokens.own' } }, async (request, reply) => {
    const auth = member(request);
    const rows = await withTenant(db, auth.organisation.id, auth.user.id, (trx) =>
      listOwnTokens(trx, auth.organisation.id, auth.user.id),
    );
    return reply.page('api/views/tokens.njk', {
      title: 'Your API tokens',
      tokens: rows.map((r) => tokenRowView(r)),
    });
  });

  const newTokenPage = 'api/views/token-new.njk';
  const newTokenTitle = 'Create an API token';

  app.get('/account/tokens/new', { config: { access: 'tokens.own' } }, async (_request, reply) =>
    reply.page(newTokenPage, { title: newTokenTitle, values: {}, dates: expiryDates() }),
  );

  app.post('/account/tokens/new', { config: { access: 'tokens.own' } }, async (request, reply) => {
    const auth = member(request);
    const parsed = parseInput(tokenFormSchema, request.body);
    if (!parsed.ok) {
      const scopes = parsed.values.scopes;
      return reply.page(
        newTokenPage,
        {
          title: newTokenTitle,
          errors: parsed.errors,
          values: { ...parsed.values, scopes: scopes === undefined ? [] : [scopes].flat() },
          dates: expiryDates(),
        },
        400,
      );
    }
    const { name, scopes, expiry } = parsed.data;
    const { token, row } = await createApiToken(db, request.actor(), {
      tenantId: auth.organisation.id,
      userId: auth.user.id,
      name,
      scopes,
      expiresAt: expiryFromDays(EXPIRY_CHOICES[expiry]),
    });
    // The token is shown in this response and never again: a redirect would have to keep it
    // somewhere (a cookie, the session) for the next page, which is exactly what must not happen.
    return reply.page('api/views/token-created.njk', {
      title: 'API token created',
      token,
      tokenName: row.name,
      scopes: scopesText(row.scopes),
      expiresAt: row.expires_at,
    });
  });

  app.post(
    '/account/tokens/:id/revoke',
    { config: { access: 'tokens.own' } },
    async (request, reply) => {
      const auth = member(request);
      const { row, alreadyRevoked } = await revokeApiToken(db, request.actor(), {
        tenantId: auth.organisation.id,
        tokenId: tokenId(request.params),
        ownerId: auth.user.id,
      });
      return reply.flash(revokedMessage(row.name, alreadyRevoked)).redirect('/account/tokens', 303);
    },
  );

  app.get('/admin/tokens', { config: { access: 'tokens.manage' } }, async (request, reply) => {
    const auth = member(request);
    const rows = await withTenant(db, auth.organisation.id, auth.user.id, (trx) =>
      listOrganisationTokens(trx, auth.organisation.id),
    );
    return reply.page('api/views/admin-tokens.njk', {
      title: 'API tokens',
      tokens: rows.map((r) => tokenRowView(r)),
    });
  });

  app.post(
    '/admin/tokens/:id/revoke',
    { config: { access: 'tokens.manage' } },
    async (request, reply) => {
      const auth = member(request);
      const { row, alreadyRevoked } = await revokeApiToken(db, request.actor(), {
        tenantId: auth.organisation.id,
        tokenId: tokenId(request.params),
      });
      return reply.flash(revokedMessage(row.name, alreadyRevoked)).redirect('/admin/tokens', 303);
    },
  );
};

function revokedMessage(name: string, alreadyRevoked: boolean) {
  return alreadyRevoked
    ? `The token “${name}” was already revoked.`
    : `The token “${name}” is revoked. Anything still using it can no longer call the API.`;
}

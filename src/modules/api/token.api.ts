import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { member } from '../../kernel/auth/plugin.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import { ValidationError } from '../../kernel/http/errors.js';
import { problemResponses } from '../../kernel/http/openapi.js';
import { pageQuerySchema, pageSchema, paginate } from '../../kernel/http/pagination.js';
import { ownTokensQuery } from './token.queries.js';
import {
  createdTokenSchema,
  tokenCreateBodySchema,
  tokenIdParamsSchema,
  tokenSchema,
} from './token.schemas.js';
import { createApiToken, expiryFromDays, revokeApiToken } from './token.service.js';
import { tokenApiView } from './token.view-model.js';

/** /api/v1/tokens: a person's own tokens in the token's organisation. */
export const tokenApiRoutes: FastifyPluginAsync = async (app) => {
  const { db } = app.deps.database;
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/api/v1/tokens',
    {
      config: { access: 'tokens.own' },
      schema: {
        summary: 'List your tokens',
        description:
          'Your API tokens in this organisation, including expired and revoked ones, oldest first. Tokens themselves are never shown again after they are created.',
        tags: ['Tokens'],
        querystring: pageQuerySchema,
        response: {
          200: pageSchema(tokenSchema).describe('A page of your tokens.'),
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request) => {
      const auth = member(request);
      const tenantId = auth.organisation.id;
      return withTenant(db, tenantId, auth.user.id, (trx) =>
        paginate(ownTokensQuery(trx, tenantId, auth.user.id), {
          key: 't.id',
          keyOf: (r) => r.id,
          page: request.query,
          url: request.url,
          map: (r) => tokenApiView(r),
        }),
      );
    },
  );

  api.post(
    '/api/v1/tokens',
    {
      config: { access: 'tokens.own' },
      schema: {
        summary: 'Create a token',
        description:
          'Creates another token for you in this organisation. The response holds the token itself: it is shown this once, so store it now.',
        tags: ['Tokens'],
        body: tokenCreateBodySchema,
        response: {
          201: createdTokenSchema.describe('The new token, with its value.'),
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request, reply) => {
      const auth = member(request);
      const { name, scopes, expiresInDays } = request.body;
      // A token cannot make a token more powerful than itself.
      const held = auth.token?.scopes ?? [];
      const extra = scopes.filter((s) => !held.includes(s));
      if (extra.length) {
        throw new ValidationError([
          {
            field: 'body.scopes',
            message: `This token cannot give scopes it does not have itself: ${extra.join(', ')}`,
          },
        ]);
      }
      const { token, row } = await createApiToken(db, request.actor(), {
        tenantId: auth.organisation.id,
        userId: auth.user.id,
        name,
        scopes,
        expiresAt: expiryFromDays(expiresInDays),
      });
      return reply.code(201).send({ ...tokenApiView(row), token });
    },
  );

  api.delete(
    '/api/v1/tokens/:id',
    {
      config: { access: 'tokens.own' },
      schema: {
        summary: 'Revoke a token',
        description:
          'Revokes one of your tokens: it stops working at once. Revoking a token that is already revoked changes nothing. Other people’s tokens are not found.',
        tags: ['Tokens'],
        params: tokenIdParamsSchema,
        response: {
          204: z.undefined().describe('The token is revoked.'),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const auth = member(request);
      await revokeApiToken(db, request.actor(), {
        tenantId: auth.organisation.id,
        tokenId: request.params.id,
        ownerId: auth.user.id,
      });
      return reply.code(204).send();
    },
  );
};

import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { member } from '../../kernel/auth/plugin.js';
import { ROLES } from '../../kernel/db/schema.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import { UnauthorisedError } from '../../kernel/http/errors.js';
import { problemResponses } from '../../kernel/http/openapi.js';
import { findToken } from './token.queries.js';
import { SCOPES } from './token.schemas.js';

const meSchema = z.object({
  id: z.uuid().describe('Your user id.'),
  email: z.email().describe('Your email address.'),
  displayName: z.string().describe('Your name as Waymark shows it.'),
  organisation: z
    .object({
      id: z.uuid().describe('The organisation’s id.'),
      slug: z.string().describe('Its short name.'),
      name: z.string().describe('Its name.'),
    })
    .describe('The organisation the token belongs to.'),
  role: z.enum(ROLES).describe('Your role there, which limits what the token can do.'),
  token: z
    .object({
      id: z.uuid().describe('The token’s id.'),
      name: z.string().describe('The token’s name.'),
      scopes: z.array(z.enum(SCOPES)).describe('What the token may do.'),
      expiresAt: z.iso.datetime().nullable().describe('When it stops working, or null if never.'),
    })
    .describe('The token this request was made with.'),
});

/** GET /api/v1/me: who is calling, to check a token works and what it may do. */
export const accountApiRoutes: FastifyPluginAsync = async (app) => {
  const { db } = app.deps.database;
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/v1/me',
    {
      config: { access: 'org.read' },
      schema: {
        summary: 'Who you are',
        description:
          'The owner of the token, the organisation it belongs to, the owner’s role there and the token’s scopes. A quick way to check that a token works.',
        tags: ['Account'],
        response: { 200: meSchema.describe('You and your token.'), ...problemResponses(401, 403) },
      },
    },
    async (request) => {
      const auth = member(request);
      if (!auth.token) throw new UnauthorisedError();
      const tokenId = auth.token.id;
      const token = await withTenant(db, auth.organisation.id, auth.user.id, (trx) =>
        findToken(trx, auth.organisation.id, tokenId),
      );
      if (!token) throw new UnauthorisedError();
      return {
        id: auth.user.id,
        email: auth.user.email,
        displayName: auth.user.displayName,
        organisation: {
          id: auth.organisation.id,
          slug: auth.organisation.slug,
          name: auth.organisation.name,
        },
        role: auth.role,
        token: {
          id: token.id,
          name: token.name,
          scopes: token.scopes.filter((s) => s === 'read' || s === 'write'),
          expiresAt: token.expires_at?.toISOString() ?? null,
        },
      };
    },
  );
};

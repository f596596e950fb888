import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { member } from '../../kernel/auth/plugin.js';
import { ROLES } from '../../kernel/db/schema.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import { problemResponses } from '../../kernel/http/openapi.js';
import { pageQuerySchema, pageSchema, paginate } from '../../kernel/http/pagination.js';

const memberSchema = z.object({
  id: z.uuid().describe('The person’s user id.'),
  email: z.email().describe('Their email address.'),
  displayName: z.string().describe('Their name as Waymark shows it.'),
  role: z.enum(ROLES).describe('Their role in the organisation.'),
  joinedAt: z.iso.datetime().describe('When they became a member.'),
});

/** GET /api/v1/members: the people of the token's organisation, for administrators. */
export const membersApiRoutes: FastifyPluginAsync = async (app) => {
  const { db } = app.deps.database;
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/v1/members',
    {
      config: { access: 'members.manage' },
      schema: {
        summary: 'List the members of your organisation',
        description:
          'Everyone who is a member of the token’s organisation, with their role, in the order they joined Waymark. Needs an administrator’s token.',
        tags: ['Members'],
        querystring: pageQuerySchema,
        response: {
          200: pageSchema(memberSchema).describe('A page of members.'),
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request) => {
      const auth = member(request);
      const tenantId = auth.organisation.id;
      return withTenant(db, tenantId, auth.user.id, (trx) =>
        paginate(
          trx
            .selectFrom('memberships as m')
            .innerJoin('users as u', 'u.id', 'm.user_id')
            .select(['m.user_id', 'u.email', 'u.display_name', 'm.role', 'm.created_at'])
            .where('m.tenant_id', '=', tenantId),
          {
            key: 'm.user_id',
            keyOf: (r) => r.user_id,
            page: request.query,
            url: request.url,
            map: (r) => ({
              id: r.user_id,
              email: r.email,
              displayName: r.display_name,
              role: r.role,
              joinedAt: r.created_at.toISOString(),
            }),
          },
        ),
      );
    },
  );
};

import type { FastifyPluginAsync } from 'fastify';
import type { WaymarkModule } from '../module.js';
import { accountApiRoutes } from './account.api.js';
import { docsRoutes } from './docs.routes.js';
import { membersApiRoutes } from './members.api.js';
import { tokenApiRoutes } from './token.api.js';
import { tokenPageRoutes } from './token.routes.js';

export { createApiToken, revokeApiToken, generateApiToken } from './token.service.js';

const routes: FastifyPluginAsync = async (app) => {
  await app.register(tokenPageRoutes);
  await app.register(accountApiRoutes);
  await app.register(membersApiRoutes);
  await app.register(tokenApiRoutes);
  await app.register(docsRoutes);
};

/** API tokens (pages for their owners and admins), the JSON API v1 and its documentation page. */
export const apiModule: WaymarkModule = {
  name: 'api',
  routes,
  navigation: [{ href: '/admin/tokens', text: 'API tokens', permission: 'tokens.manage' }],
};

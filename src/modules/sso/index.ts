import type { FastifyPluginAsync } from 'fastify';
import type { WaymarkModule } from '../module.js';
import { ssoSettingsRoutes } from './sso-settings.routes.js';
import { ssoSignInRoutes } from './sso-sign-in.routes.js';

/**
 * Single sign-on with OpenID Connect (Microsoft Entra ID and other providers), set up per
 * organisation by its administrators at /admin/settings/sso.
 */
const routes: FastifyPluginAsync = async (app) => {
  await app.register(ssoSettingsRoutes);
  await app.register(ssoSignInRoutes);
};

export const ssoModule: WaymarkModule = { name: 'sso', routes };

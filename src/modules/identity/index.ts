import type { FastifyPluginAsync } from 'fastify';
import type { WaymarkModule } from '../module.js';
import { accountRoutes } from './account.routes.js';
import { passwordResetRoutes } from './password-reset.routes.js';
import { signInRoutes } from './sign-in.routes.js';
import { twoFactorRoutes } from './two-factor.routes.js';

export { createUser, createUserInTx, findUserByEmail, normaliseEmail } from './user.service.js';
export { startSession } from './sign-in.routes.js';
export { publicBaseUrl } from './password-reset.routes.js';

const routes: FastifyPluginAsync = async (app) => {
  await app.register(signInRoutes);
  await app.register(passwordResetRoutes);
  await app.register(accountRoutes);
  await app.register(twoFactorRoutes);
};

export const identityModule: WaymarkModule = { name: 'identity', routes };

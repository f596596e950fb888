import type { FastifyPluginAsync } from 'fastify';
import type { WaymarkModule } from '../module.js';
import { signInRoutes } from './sign-in.routes.js';

export { createUser, createUserInTx, findUserByEmail, normaliseEmail } from './user.service.js';
export { startSession } from './sign-in.routes.js';

const routes: FastifyPluginAsync = async (app) => {
  await app.register(signInRoutes);
};

export const identityModule: WaymarkModule = { name: 'identity', routes };

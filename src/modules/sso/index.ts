import type { FastifyPluginAsync } from 'fastify';
import type { WaymarkModule } from '../module.js';

const routes: FastifyPluginAsync = async () => {};

export const ssoModule: WaymarkModule = { name: 'sso', routes };

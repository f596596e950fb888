import type { FastifyPluginAsync } from 'fastify';

export const actionRoutes: FastifyPluginAsync = async () => {};

import type { FastifyPluginAsync } from 'fastify';

export const searchRoutes: FastifyPluginAsync = async () => {};

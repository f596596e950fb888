import type { FastifyPluginAsync } from 'fastify';

export const strategyRoutes: FastifyPluginAsync = async () => {};

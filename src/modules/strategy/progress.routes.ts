import type { FastifyPluginAsync } from 'fastify';

export const progressRoutes: FastifyPluginAsync = async () => {};

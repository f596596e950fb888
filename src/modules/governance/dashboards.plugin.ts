import type { FastifyPluginAsync } from 'fastify';

export const dashboardsPlugin: FastifyPluginAsync = async () => {};

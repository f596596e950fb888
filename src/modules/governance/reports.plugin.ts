import type { FastifyPluginAsync } from 'fastify';

export const reportsPlugin: FastifyPluginAsync = async () => {};

import type { FastifyPluginAsync } from 'fastify';

export const boardsPlugin: FastifyPluginAsync = async () => {};

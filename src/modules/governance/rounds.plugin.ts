import type { FastifyPluginAsync } from 'fastify';

export const roundsPlugin: FastifyPluginAsync = async () => {};

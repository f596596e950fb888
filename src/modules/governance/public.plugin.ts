import type { FastifyPluginAsync } from 'fastify';

export const publicPlugin: FastifyPluginAsync = async () => {};

import type { FastifyPluginAsync } from 'fastify';

/** Pages: upload or paste → preview → adjust → import → summary. */
export const importRoutes: FastifyPluginAsync = async () => {};

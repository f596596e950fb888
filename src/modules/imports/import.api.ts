import type { FastifyPluginAsync } from 'fastify';

/** POST /api/v1/imports (preview) and its commit. */
export const importApi: FastifyPluginAsync = async () => {};

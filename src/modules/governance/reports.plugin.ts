import type { FastifyPluginAsync } from 'fastify';
import { reportApiRoutes } from './report.api.js';
import { reportRoutes } from './report.routes.js';
import { templateRoutes } from './template.routes.js';

/** Progress reports: pages, the report template page and the JSON API. */
export const reportsPlugin: FastifyPluginAsync = async (app) => {
  await app.register(reportRoutes);
  await app.register(templateRoutes);
  await app.register(reportApiRoutes);
};

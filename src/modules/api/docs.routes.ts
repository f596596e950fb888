import type { FastifyPluginAsync } from 'fastify';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../kernel/http/pagination.js';
import { apiDocsView, type OpenApiDocument } from './docs.view-model.js';

/** GET /api/docs: the API's documentation as an ordinary accessible page, from the OpenAPI document. */
export const docsRoutes: FastifyPluginAsync = async (app) => {
  app.get(
    '/api/docs',
    { config: { access: 'public' }, schema: { hide: true } },
    async (request, reply) => {
      const doc = app.swagger() as unknown as OpenApiDocument;
      const base = (app.deps.config.PUBLIC_URL ?? `${request.protocol}://${request.host}`).replace(
        /\/+$/,
        '',
      );
      return reply.page('api/views/docs.njk', {
        title: 'API documentation',
        tags: apiDocsView(doc),
        base,
        defaultPageSize: DEFAULT_PAGE_SIZE,
        maxPageSize: MAX_PAGE_SIZE,
      });
    },
  );
};

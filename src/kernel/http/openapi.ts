import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

/**
 * The OpenAPI 3 document is generated from the same zod schemas that validate API requests, so
 * the documentation cannot drift from what the API accepts.
 */
export const openApiPlugin = fp(async (app) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Waymark API',
        version: '1',
        description:
          'Read and change Waymark data from other systems. Authenticate with an API token: ' +
          '`Authorization: Bearer <token>`. Errors are RFC 9457 problem details.',
      },
      servers: [{ url: '/' }],
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description: 'An API token created in Waymark',
          },
        },
      },
      security: [{ bearer: [] }],
    },
    transform: (input) => {
      const out = jsonSchemaTransform(input);
      // Only the JSON API belongs in the document; pages and health checks do not.
      if (!input.url.startsWith('/api/v1'))
        return { ...out, schema: { ...out.schema, hide: true } };
      return out;
    },
  });

  app.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () =>
    app.swagger(),
  );
});

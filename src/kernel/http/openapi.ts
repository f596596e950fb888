import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import type { OpenAPIV3 } from 'openapi-types';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';

/** One field-level problem in a request, as in problem+json's `errors`. */
export const fieldErrorSchema = z.object({
  field: z
    .string()
    .describe(
      'Where the problem is: `body.`, `query.` or `params.` followed by the property, e.g. `body.name`. Just `body` means the whole body.',
    ),
  message: z.string().describe('What is wrong and how to put it right, in plain English.'),
});

/** RFC 9457 problem details, the shape of every API error (see kernel/http/error-handler.ts). */
export const problemSchema = z
  .object({
    type: z.string().describe('Always `about:blank`: the status code says what kind of problem.'),
    title: z.string().describe('A short summary of the kind of problem.'),
    status: z.number().int().describe('The HTTP status code.'),
    detail: z.string().describe('What went wrong in this request.'),
    instance: z.string().describe('The path that was requested.'),
    errors: z
      .array(fieldErrorSchema)
      .optional()
      .describe('For invalid requests (400): one entry per field that needs correcting.'),
  })
  // One component in the document (#/components/schemas/Problem), referred to by every route.
  .meta({ id: 'Problem', description: 'Problem details (RFC 9457).' });

const PROBLEM_DESCRIPTIONS = {
  400: 'The request is not valid: the errors list says which fields to correct.',
  401: 'No API token was sent, or it is unknown, expired or revoked.',
  403: 'The token lacks the scope, or its owner lacks the role, that this needs.',
  404: 'There is no such thing in your organisation.',
  409: 'The request conflicts with the current state.',
  429: 'Too many requests in a minute: wait and try again.',
} as const;

/**
 * Response schemas for the problems a route can answer with, for its `schema.response`. They
 * document the errors and hold the error handler's replies to the documented shape.
 */
export function problemResponses<C extends keyof typeof PROBLEM_DESCRIPTIONS>(...codes: C[]) {
  const out = {} as Record<
    C,
    {
      description: string;
      content: { 'application/problem+json': { schema: typeof problemSchema } };
    }
  >;
  for (const code of codes) {
    out[code] = {
      description: PROBLEM_DESCRIPTIONS[code],
      content: { 'application/problem+json': { schema: problemSchema } },
    };
  }
  return out;
}

/** Tags group the endpoints in the document and on the /api/docs page, in this order. */
export const API_TAGS = [
  { name: 'Account', description: 'Who is calling: the token’s owner, organisation and role.' },
  { name: 'Members', description: 'The people of your organisation. Administrators only.' },
  { name: 'Tokens', description: 'Your own API tokens in this organisation.' },
  {
    name: 'Boards and meetings',
    description:
      'Boards, their members and the strategies they oversee; meetings, agenda items and decisions (a record: corrections are new decisions); each board’s calendar feed.',
  },
  {
    name: 'Reports',
    description:
      'Progress reports to boards: drafted from the record as at a date, signed off, published as frozen versions and rendered as web, Word, PDF and Excel.',
  },
  {
    name: 'Strategies',
    description:
      'Strategies and their versions, areas with their gap analysis, objectives, and the whole strategy as one JSON document.',
  },
  {
    name: 'Actions',
    description:
      'The action plan: actions with the words as written beside what Waymark derived (dates, lead, resources, priority).',
  },
  {
    name: 'Progress',
    description: 'Dated, signed progress updates. Never edited: a correction is a new update.',
  },
  { name: 'Posts', description: 'Posts and bodies that own actions, and who holds them.' },
  {
    name: 'Glossary',
    description: 'Codes and abbreviations, for the organisation or one strategy.',
  },
  {
    name: 'Search',
    description: 'Full-text search across strategies, areas, actions and updates.',
  },
  {
    name: 'Imports',
    description:
      'Bring in an existing action plan (Word, Excel, CSV or text): preview it, adjust it, then import it.',
  },
];

/**
 * Adds the schemas registered with an id (such as Problem) to components.schemas, keeping only
 * those the document refers to: zod registers an input and an output copy of each.
 */
const withUsedComponentsOnly: typeof jsonSchemaTransformObject = (input) => {
  const doc = jsonSchemaTransformObject(input) as Partial<OpenAPIV3.Document>;
  const { components = {}, ...rest } = doc;
  const text = JSON.stringify(rest);
  const used = Object.fromEntries(
    Object.entries(components.schemas ?? {}).filter(([name]) =>
      text.includes(`"#/components/schemas/${name}"`),
    ),
  );
  return { ...doc, components: { ...components, schemas: used } };
};

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
          '`Authorization: Bearer <token>`. Errors are RFC 9457 problem details. Lists are ' +
          'paginated: follow `links.next`.',
      },
      servers: [{ url: '/' }],
      tags: API_TAGS,
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description: 'An API token created in Waymark at /account/tokens',
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
      // Bearer schemes have no scopes in OpenAPI 3.0, so each operation states its own.
      const methods = [input.route.method].flat();
      const config = input.route.config ?? {};
      const scope =
        config.scope ?? (methods.every((m) => m === 'GET' || m === 'HEAD') ? 'read' : 'write');
      return {
        ...out,
        schema: { ...out.schema, 'x-waymark-scope': scope, 'x-waymark-access': config.access },
      };
    },
    transformObject: withUsedComponentsOnly,
  });

  app.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () =>
    app.swagger(),
  );
});

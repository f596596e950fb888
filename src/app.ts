import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import { fileURLToPath } from 'node:url';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { randomUUID } from 'node:crypto';
import type { AppDeps } from './kernel/http/context.js';
import { securityPlugin } from './kernel/http/security.js';
import { viewsPlugin, navigation } from './kernel/views/plugin.js';
import { authPlugin } from './kernel/auth/plugin.js';
import { errorHandlerPlugin } from './kernel/http/error-handler.js';
import { observabilityPlugin } from './kernel/http/observability.js';
import { openApiPlugin } from './kernel/http/openapi.js';
import { modules } from './modules/index.js';
import type { RouteEntry } from './kernel/http/context.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export interface BuildOptions {
  /** pino options, or false for silence (tests). */
  logger?: boolean | Record<string, unknown>;
}

/**
 * One-time secrets travel in some URLs (reset and invitation links, the single sign-on callback's
 * code): the log keeps the route, never the secret.
 */
export function logSafeUrl(url: string): string {
  const [path = '', query] = url.split('?', 2);
  const masked = path.replace(/^\/(reset-password|invitations)\/[^/]+/, '/$1/[redacted]');
  return query === undefined ? masked : `${masked}?[redacted]`;
}

/** Paths that need no declared access: files anyone may fetch. */
function isAsset(url: string) {
  return url.startsWith('/static/') || url.startsWith('/assets/');
}

/** The plugin pipeline, top to bottom, in the order a request meets it. */
export async function buildApp(
  deps: AppDeps,
  options: BuildOptions = {},
): Promise<FastifyInstance> {
  const { config } = deps;
  const app = Fastify({
    logger:
      options.logger === false
        ? false
        : {
            level: config.LOG_LEVEL,
            redact: {
              paths: [
                'req.headers.cookie',
                'req.headers.authorization',
                'req.headers["x-csrf-token"]',
                'res.headers["set-cookie"]',
                '*.password',
                '*.token',
                '*.secret',
              ],
              censor: '[redacted]',
            },
            serializers: {
              req: (req: { method: string; url: string; id: string }) => ({
                method: req.method,
                url: logSafeUrl(req.url),
                id: req.id,
              }),
            },
            ...(typeof options.logger === 'object' ? options.logger : {}),
          },
    trustProxy: config.TRUST_PROXY,
    // Keep a caller's request id (so logs join up across a proxy) only when it looks safe.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    return503OnClosing: true,
    bodyLimit: config.UPLOAD_LIMIT_MB * 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorate('deps', deps);

  // Every route must say who may use it; the route × role test walks this same table.
  const routeTable: RouteEntry[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route: RouteOptions) => {
    const access = route.config?.access;
    if (isAsset(route.url)) return;
    if (!access)
      throw new Error(`Route ${route.method.toString()} ${route.url} does not declare its access`);
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') routeTable.push({ method, url: route.url, access });
    }
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    if (!isAsset(request.url)) reply.header('cache-control', 'no-store');
  });

  await app.register(cookie, { secret: config.SESSION_SECRET });
  await app.register(formbody);
  await app.register(securityPlugin);
  await app.register(viewsPlugin);
  await app.register(authPlugin);
  await app.register(errorHandlerPlugin);
  await app.register(observabilityPlugin);
  await app.register(openApiPlugin);

  await app.register(fastifyStatic, { root: `${ROOT}public`, prefix: '/static/', maxAge: '1h' });
  await app.register(fastifyStatic, {
    root: `${ROOT}src/kernel/views/static`,
    prefix: '/static/js/',
    decorateReply: false,
    maxAge: '1h',
  });
  await app.register(fastifyStatic, {
    root: `${ROOT}node_modules/govuk-frontend/dist/govuk/assets`,
    prefix: '/assets/',
    decorateReply: false,
    maxAge: '1d',
  });
  app.get('/assets/govuk-frontend.min.js', (_request, reply) =>
    reply.sendFile('govuk-frontend.min.js', `${ROOT}node_modules/govuk-frontend/dist/govuk`),
  );

  navigation.length = 0;
  for (const m of modules) {
    navigation.push(...(m.navigation ?? []));
    await app.register(m.routes);
  }
  return app;
}

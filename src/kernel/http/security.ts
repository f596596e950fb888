import fp from 'fastify-plugin';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import csrf from '@fastify/csrf-protection';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Security headers with a per-response script nonce, a rate limit per address, and CSRF tokens
 * on every form. The API takes no cookies (bearer tokens only), so it needs no CSRF token.
 */
export const securityPlugin = fp(async (app) => {
  const { config } = app.deps;
  const production = config.NODE_ENV === 'production';

  await app.register(helmet, {
    enableCSPNonces: true,
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        upgradeInsecureRequests: production ? [] : null,
      },
    },
    hsts: production ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
  });

  await app.register(rateLimit, {
    max: config.RATE_LIMIT_PER_MINUTE,
    timeWindow: '1 minute',
    // Health checks and assets must never be refused to a load balancer or a page.
    allowList: (request) =>
      request.url.startsWith('/health/') ||
      request.url.startsWith('/assets/') ||
      request.url.startsWith('/static/'),
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      // The error handler reads `code`; without it a refused request became a 500.
      code: 'FST_ERR_RATE_LIMITED',
      error: 'Too Many Requests',
      message: `Too many requests: try again in ${Math.ceil(context.ttl / 1000)} seconds.`,
    }),
  });

  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: 'waymark_csrf',
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', secure: production, signed: true },
    getToken: (request) => {
      const body = request.body as Record<string, unknown> | undefined;
      const fromBody = body && typeof body._csrf === 'string' ? body._csrf : undefined;
      const header = request.headers['x-csrf-token'];
      return fromBody ?? (typeof header === 'string' ? header : undefined);
    },
  });

  // In preHandler, not onRequest: the form body must be parsed before its token can be read.
  app.addHook('preHandler', (request, reply, done) => {
    if (SAFE_METHODS.has(request.method) || request.url.startsWith('/api/')) {
      done();
      return;
    }
    app.csrfProtection(request, reply, done);
  });
});

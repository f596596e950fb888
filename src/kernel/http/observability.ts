import fp from 'fastify-plugin';
import { sql } from 'kysely';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Health checks for load balancers and Prometheus metrics by route, database pool and process. */
export const observabilityPlugin = fp(async (app) => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'waymark_' });
  const requests = new Counter({
    name: 'waymark_http_requests_total',
    help: 'HTTP requests answered, by route pattern, method and status code',
    labelNames: ['route', 'method', 'status'],
    registers: [registry],
  });
  const durations = new Histogram({
    name: 'waymark_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by route pattern and method',
    labelNames: ['route', 'method'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  new Gauge({
    name: 'waymark_db_pool_connections',
    help: 'Database connections by state',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const s = app.deps.database.poolStats();
      this.set({ state: 'total' }, s.total);
      this.set({ state: 'idle' }, s.idle);
      this.set({ state: 'waiting' }, s.waiting);
    },
  });

  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, not the URL, so ids do not explode the label set.
    const route = request.routeOptions.url ?? 'not-found';
    requests.inc({ route, method: request.method, status: String(reply.statusCode) });
    durations.observe({ route, method: request.method }, reply.elapsedTime / 1000);
  });

  app.get('/health/live', { config: { access: 'public' }, logLevel: 'warn' }, async () => ({
    status: 'ok',
  }));

  app.get(
    '/health/ready',
    { config: { access: 'public' }, logLevel: 'warn' },
    async (_request, reply) => {
      try {
        await sql`select 1`.execute(app.deps.database.db);
        return { status: 'ok', database: 'ok' };
      } catch {
        return reply.code(503).send({ status: 'unavailable', database: 'unreachable' });
      }
    },
  );

  app.get(
    '/metrics',
    { config: { access: 'public' }, logLevel: 'warn' },
    async (_request, reply) => {
      return reply.type(registry.contentType).send(await registry.metrics());
    },
  );
});

import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { openPostgres } from '../../src/kernel/db/connect.js';
import { createApiToken } from '../../src/modules/api/index.js';
import { Agent } from '../helpers/agent.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { makeOrganisation, makeUser, PASSWORD } from '../helpers/fixtures.js';
import { SYSTEM_ACTOR } from '../../src/kernel/audit/audit.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
}, 60_000);
afterAll(async () => t.close());

describe('health checks', () => {
  it('answers /health/live and /health/ready (which asks the database)', async () => {
    const live = await t.app.inject({ method: 'GET', url: '/health/live' });
    expect(live.statusCode).toBe(200);
    expect(live.json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ok', database: 'ok' });
  });

  it('says it is not ready when the database cannot be reached', async () => {
    // Nothing listens on port 1: every query fails at once.
    const unreachable = openPostgres('postgres://waymark@127.0.0.1:1/waymark', 1);
    const app = await buildApp({ ...t.deps, database: unreachable }, { logger: false });
    try {
      const ready = await app.inject({ method: 'GET', url: '/health/ready' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toEqual({ status: 'unavailable', database: 'unreachable' });
      expect((await app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    } finally {
      await app.close();
      await unreachable.close();
    }
  });
});

describe('metrics', () => {
  it('counts requests by route pattern and reports the database pool and the process', async () => {
    await t.app.inject({ method: 'GET', url: '/health/live' });
    await t.app.inject({ method: 'GET', url: '/sign-in?next=%2Fsomewhere' });
    await t.app.inject({ method: 'GET', url: '/no/such/page' });
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const text = res.body;
    expect(text).toMatch(
      /^waymark_http_requests_total\{route="\/health\/live",method="GET",status="200"\} [1-9]\d*$/m,
    );
    // The route's pattern, not the address asked for (so query strings and ids add no labels).
    expect(text).toMatch(
      /waymark_http_requests_total\{route="\/sign-in",method="GET",status="200"\}/,
    );
    expect(text).not.toContain('somewhere');
    expect(text).toMatch(
      /waymark_http_requests_total\{route="not-found",method="GET",status="404"\}/,
    );
    expect(text).toMatch(
      /^waymark_http_request_duration_seconds_bucket\{le="0\.005",route="\/health\/live",method="GET"\} \d+$/m,
    );
    expect(text).toMatch(/^waymark_db_pool_connections\{state="total"\} \d+$/m);
    expect(text).toMatch(/^waymark_db_pool_connections\{state="idle"\} \d+$/m);
    expect(text).toMatch(/^waymark_process_cpu_seconds_total \d/m);
    expect(text).toMatch(/^waymark_nodejs_heap_size_used_bytes \d+/m);
  });
});

describe('logs', () => {
  let logged: string[];
  let app: FastifyInstance;

  beforeAll(async () => {
    logged = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logged.push(chunk.toString());
        done();
      },
    });
    // The most talkative level, so that anything that could leak would.
    app = await buildApp(t.deps, { logger: { level: 'trace', stream } });
    await app.ready();
  });
  afterAll(async () => app.close());

  it('never contain passwords, session cookies or API tokens, but do carry request ids', async () => {
    const org = await makeOrganisation(t.database.db);
    const user = await makeUser(t.database.db, org.id, 'admin');
    const agent = new Agent(app);
    const wrong = 'a-wrong-password-that-must-not-appear';
    expect((await agent.post('/sign-in', { email: user.email, password: wrong })).statusCode).toBe(
      400,
    );
    await agent.signIn(user.email, PASSWORD);
    const cookie = agent.cookie('waymark_session')!;
    expect(cookie).toBeTruthy();
    expect((await agent.get('/', { 'x-request-id': 'ops-log-check-1' })).statusCode).toBe(200);

    const { token } = await createApiToken(t.database.db, SYSTEM_ACTOR, {
      tenantId: org.id,
      userId: user.id,
      name: 'Log check',
      scopes: ['read'],
      expiresAt: null,
    });
    const api = await app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${token}` },
    });
    expect([200, 404]).toContain(api.statusCode);
    await app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${token}-wrong` },
    });

    const log = logged.join('');
    expect(log).toContain('"reqId":"ops-log-check-1"');
    expect(log).toContain('/sign-in');
    expect(log).not.toContain(PASSWORD);
    expect(log).not.toContain(wrong);
    expect(log).not.toContain(cookie);
    // The session id alone (the part before the signature), too.
    expect(log).not.toContain(cookie.split('.')[0]!);
    expect(log).not.toContain(token);
    expect(log).not.toContain(token.slice(4));
  });
});

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { Agent } from '../helpers/agent.js';
import { makeOrganisation, makeUser, PASSWORD } from '../helpers/fixtures.js';
import { insertApiToken } from './support.js';

/** Security headers, cookie flags and rate limits, as a browser or a client would meet them. */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
}, 120_000);
afterAll(async () => t.close(), 60_000);

/** The CSP as a map of directive → sources. */
function csp(res: LightMyRequestResponse): Map<string, string[]> {
  const header = res.headers['content-security-policy'] ?? '';
  return new Map(
    header
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...sources]) => [name!, sources]),
  );
}

function setCookies(res: LightMyRequestResponse): string[] {
  const raw = res.headers['set-cookie'];
  return raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
}

function cookieLine(res: LightMyRequestResponse, name: string): string {
  const line = setCookies(res).find((c) => c.startsWith(`${name}=`));
  if (!line) throw new Error(`No ${name} cookie in ${JSON.stringify(setCookies(res))}`);
  return line;
}

function attributes(line: string): string[] {
  return line
    .split(';')
    .slice(1)
    .map((a) => a.trim().toLowerCase());
}

describe('security headers on pages', () => {
  const pages = ['/sign-in', '/accessibility', '/privacy', '/no-such-page'];

  it.each(pages)(
    '%s has a strict CSP with a fresh script nonce that its scripts carry',
    async (url) => {
      const first = await t.app.inject({ method: 'GET', url });
      const second = await t.app.inject({ method: 'GET', url });
      const policy = csp(first);
      const scripts = policy.get('script-src') ?? [];
      const nonce = scripts.find((s) => s.startsWith("'nonce-"));
      expect(nonce, 'script-src has a nonce').toBeDefined();
      expect(scripts).not.toContain("'unsafe-inline'");
      expect(scripts).not.toContain("'unsafe-eval'");
      expect(policy.get('default-src')).toEqual(["'self'"]);
      expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
      expect(policy.get('object-src')).toEqual(["'none'"]);
      expect(policy.get('base-uri')).toEqual(["'self'"]);
      expect(policy.get('form-action')).toEqual(["'self'"]);
      // A new nonce for every response: one seen once is no use to an attacker later.
      expect(csp(second).get('script-src')).not.toContain(nonce);
      // Every inline script in the page carries this response's nonce; nothing else may run.
      const value = nonce!.slice("'nonce-".length, -1);
      const inline = [...first.body.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)].map((m) => m[1]!);
      expect(inline.length).toBeGreaterThan(0);
      for (const attrs of inline) expect(attrs).toContain(`nonce="${value}"`);
      // No inline event handlers, which a nonce cannot cover.
      expect(first.body).not.toMatch(/\son[a-z]+\s*=\s*["']/i);
    },
  );

  it.each(pages)('%s forbids sniffing and framing and limits the referrer', async (url) => {
    const res = await t.app.inject({ method: 'GET', url });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(['same-origin', 'no-referrer', 'strict-origin-when-cross-origin']).toContain(
      res.headers['referrer-policy'],
    );
    expect(res.headers['x-frame-options']).toMatch(/^(DENY|SAMEORIGIN)$/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('does not send HSTS outside production (it would pin a development host to HTTPS)', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/sign-in' });
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });
});

describe('cookies', () => {
  it('keeps the session and CSRF cookies from scripts and other sites (HttpOnly, SameSite=Lax)', async () => {
    const org = await makeOrganisation(t.database.db);
    const user = await makeUser(t.database.db, org.id);
    const agent = new Agent(t.app);
    const form = await agent.get('/sign-in');
    const csrfCookie = attributes(cookieLine(form, 'waymark_csrf'));
    expect(csrfCookie).toContain('httponly');
    expect(csrfCookie).toContain('samesite=lax');
    const res = await agent.signIn(user.email, PASSWORD);
    const session = attributes(cookieLine(res, 'waymark_session'));
    expect(session).toContain('httponly');
    expect(session).toContain('samesite=lax');
    expect(session).toContain('path=/');
    // Plain HTTP outside production, so a developer's browser keeps it.
    expect(session).not.toContain('secure');
  });

  describe('in production', () => {
    let prod: TestApp;
    beforeAll(async () => {
      prod = await createTestApp({
        env: { NODE_ENV: 'production', SESSION_SECRET: randomBytes(32).toString('base64url') },
      });
    }, 120_000);
    afterAll(async () => prod.close(), 60_000);

    it('marks every cookie Secure and sends HSTS', async () => {
      const org = await makeOrganisation(prod.database.db);
      const user = await makeUser(prod.database.db, org.id);
      const agent = new Agent(prod.app);
      const form = await agent.get('/sign-in');
      expect(attributes(cookieLine(form, 'waymark_csrf'))).toContain('secure');
      expect(form.headers['strict-transport-security']).toMatch(/max-age=\d{7,}/);
      const res = await agent.signIn(user.email, PASSWORD);
      const session = attributes(cookieLine(res, 'waymark_session'));
      expect(session).toEqual(expect.arrayContaining(['secure', 'httponly', 'samesite=lax']));
      const flash = await agent.post('/sign-out', {}, { from: '/' });
      // Every cookie that is set (not just cleared) on the way out is Secure too.
      const set = setCookies(flash).filter((line) => !/^[^=]+=;/.test(line));
      expect(set.length).toBeGreaterThan(0);
      for (const line of set) expect(attributes(line), line).toContain('secure');
      expect(csp(form).has('upgrade-insecure-requests')).toBe(true);
    });
  });
});

describe('rate limits', () => {
  let limited: TestApp;
  beforeAll(async () => {
    limited = await createTestApp({
      env: { RATE_LIMIT_PER_MINUTE: '5', SIGN_IN_RATE_LIMIT_PER_MINUTE: '3' },
    });
  }, 120_000);
  afterAll(async () => limited.close(), 60_000);

  const get = (url: string, ip: string, headers: Record<string, string> = {}) =>
    limited.app.inject({ method: 'GET', url, remoteAddress: ip, headers });

  it('answers 429 to an address that makes too many requests, with a page saying when to retry', async () => {
    const ip = '198.51.100.1';
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await get('/accessibility', ip)).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const refused = await get('/privacy', ip);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBeDefined();
    expect(refused.headers['content-type']).toMatch(/^text\/html/);
    expect(refused.body).toContain('Too many requests');
    // Another address is not held back by the first one's requests.
    expect((await get('/accessibility', '198.51.100.2')).statusCode).toBe(200);
  });

  it('limits the API too, answering problem+json', async () => {
    const org = await makeOrganisation(limited.database.db);
    const user = await makeUser(limited.database.db, org.id);
    const { token } = await insertApiToken(limited.database.db, org.id, user.id);
    const ip = '198.51.100.3';
    const auth = { authorization: `Bearer ${token}` };
    for (let i = 0; i < 5; i++) expect((await get('/api/v1/me', ip, auth)).statusCode).toBe(200);
    const refused = await get('/api/v1/me', ip, auth);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(refused.body)).toMatchObject({ status: 429 });
  });

  it('never refuses health checks to a load balancer', async () => {
    const ip = '198.51.100.4';
    for (let i = 0; i < 10; i++) expect((await get('/health/live', ip)).statusCode).toBe(200);
  });

  it('holds sign-in attempts to their own, stricter limit', async () => {
    const agent = new Agent(limited.app, '198.51.100.5');
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await agent.post(
        '/sign-in',
        { email: 'someone@example.org', password: 'not-the-password' },
        { from: '/sign-in' },
      );
      statuses.push(res.statusCode);
    }
    // Three attempts, then refused, though the general limit (5) is not reached.
    expect(statuses).toEqual([400, 400, 400, 429]);
    const other = new Agent(limited.app, '198.51.100.6');
    const res = await other.post(
      '/sign-in',
      { email: 'someone@example.org', password: 'not-the-password' },
      { from: '/sign-in' },
    );
    expect(res.statusCode).toBe(400);
  });
});

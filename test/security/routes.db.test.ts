import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { Agent } from '../helpers/agent.js';
import { makeOrganisation, makeUser, PASSWORD } from '../helpers/fixtures.js';
import { can, PERMISSIONS, type Access } from '../../src/kernel/auth/permissions.js';
import { ROLES, type Role } from '../../src/kernel/db/schema.js';
import type { RouteEntry } from '../../src/kernel/http/context.js';
import { concreteUrl, insertApiToken, isApi } from './support.js';

/**
 * The route × role walk: every route the app declares, for a visitor and for each role, gets
 * the answer the permission table says it should. A route added without the right `access`, or
 * a permission check forgotten in a handler, fails here.
 */

type Caller = Role | 'anonymous' | 'no-organisation';

interface Member {
  email: string;
  token: string | null;
}

let t: TestApp;
let routes: RouteEntry[];
const members = new Map<Caller, Member>();

beforeAll(async () => {
  t = await createTestApp();
  routes = [...t.app.routeTable];
  const { db } = t.database;
  const org = await makeOrganisation(db);
  for (const role of ROLES) {
    const user = await makeUser(db, org.id, role);
    const { token } = await insertApiToken(db, org.id, user.id);
    members.set(role, { email: user.email, token });
  }
  // Someone signed in who belongs to no organisation yet: "signed-in" pages only.
  const loner = await makeUser(db, null);
  members.set('no-organisation', { email: loner.email, token: null });
}, 120_000);
afterAll(async () => t.close(), 60_000);

const KNOWN_ACCESS = new Set<string>(['public', 'signed-in', ...Object.keys(PERMISSIONS)]);

/** What the permission table says a caller may do with a route. */
function allowed(access: Access, caller: Caller): boolean {
  if (access === 'public') return true;
  if (caller === 'anonymous') return false;
  if (access === 'signed-in') return true;
  if (caller === 'no-organisation') return false;
  return can(caller, access);
}

function describeRoute(route: RouteEntry, caller: Caller, res: LightMyRequestResponse) {
  const location = res.headers.location ? ` → ${res.headers.location}` : '';
  return `${caller} ${route.method} ${route.url} (access ${route.access}): ${res.statusCode}${location}`;
}

/** Checks one answer against the table; returns a line describing the mismatch, or null. */
function verdict(route: RouteEntry, caller: Caller, url: string, res: LightMyRequestResponse) {
  const status = res.statusCode;
  const line = describeRoute(route, caller, res);
  if (status >= 500) return `${line}: the server failed`;
  if (allowed(route.access, caller)) {
    return status === 401 || status === 403 ? `${line}: should be allowed` : null;
  }
  if (caller === 'anonymous') {
    if (route.method === 'GET' && !isApi(route)) {
      const expected = `/sign-in?next=${encodeURIComponent(url)}`;
      return status === 303 && res.headers.location === expected
        ? null
        : `${line}: should redirect to ${expected}`;
    }
    return status === 401 ? null : `${line}: should be 401`;
  }
  return status === 403 ? null : `${line}: should be 403`;
}

/** A page request as the caller: a signed-in browser (cookie, CSRF token) or a visitor. */
async function pageRequest(route: RouteEntry, caller: Caller, url: string) {
  const agent = new Agent(t.app);
  const member = members.get(caller);
  if (member) await agent.signIn(member.email, PASSWORD);
  if (route.method === 'GET') return agent.get(url);
  if (route.method === 'POST') return agent.post(url, {});
  // Other methods from a browser: send the CSRF token as a header, as a script would.
  await agent.get('/accessibility');
  const page = await agent.get('/accessibility');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  return t.app.inject({
    method: route.method as 'PUT' | 'PATCH' | 'DELETE',
    url,
    headers: { cookie: agent.cookieHeader(), 'x-csrf-token': csrf },
  });
}

/** An API request as the caller: with their bearer token, or with none for a visitor. */
async function apiRequest(route: RouteEntry, caller: Caller, url: string) {
  const token = members.get(caller)?.token;
  const hasBody = route.method === 'POST' || route.method === 'PUT' || route.method === 'PATCH';
  return t.app.inject({
    method: route.method as 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    ...(hasBody ? { payload: {} } : {}),
  });
}

const CALLERS: Caller[] = ['anonymous', ...ROLES, 'no-organisation'];

describe('the route table', () => {
  it('is not empty and every route declares a known access', () => {
    expect(routes.length).toBeGreaterThan(20);
    const unknown = routes.filter((r) => !KNOWN_ACCESS.has(r.access));
    expect(unknown).toEqual([]);
  });

  it('holds the pages and API of the foundation', () => {
    const keys = routes.map((r) => `${r.method} ${r.url}`);
    for (const expected of ['GET /', 'GET /sign-in', 'POST /sign-in', 'GET /api/openapi.json']) {
      expect(keys).toContain(expected);
    }
  });
});

describe.each(CALLERS)('every route, as %s', (caller) => {
  it('answers as the permission table says', { timeout: 300_000 }, async () => {
    const problems: string[] = [];
    const statuses = new Set<number>();
    for (const route of routes) {
      // The no-organisation person has no API token (tokens belong to an organisation).
      if (caller === 'no-organisation' && isApi(route)) continue;
      const url = concreteUrl(route.url);
      const res = isApi(route)
        ? await apiRequest(route, caller, url)
        : await pageRequest(route, caller, url);
      statuses.add(res.statusCode);
      const problem = verdict(route, caller, url, res);
      if (problem) problems.push(problem);
    }
    expect(problems).toEqual([]);
    // The walk really signed in (some guarded page answered) and really met refusals.
    if (caller !== 'anonymous') expect(statuses).toContain(200);
    if (caller === 'anonymous') expect([...statuses]).toEqual(expect.arrayContaining([303, 401]));
    else if (caller !== 'admin') expect(statuses).toContain(403);
  });
});

describe('the API authenticates only by token', () => {
  it('ignores a signed-in browser session: /api/v1 answers 401 without a bearer token', async () => {
    const admin = members.get('admin')!;
    const agent = new Agent(t.app);
    await agent.signIn(admin.email, PASSWORD);
    const apiRoutes = routes.filter(isApi);
    expect(apiRoutes.length).toBeGreaterThan(0);
    for (const route of apiRoutes) {
      const res = await t.app.inject({
        method: route.method as 'GET',
        url: concreteUrl(route.url),
        headers: { cookie: agent.cookieHeader() },
      });
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });

  it('refuses a token that only reads on every route that writes', async () => {
    const admin = members.get('admin')!;
    const agent = new Agent(t.app);
    await agent.signIn(admin.email, PASSWORD);
    const row = await t.database.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', admin.email)
      .executeTakeFirstOrThrow();
    const org = await t.database.db
      .selectFrom('memberships')
      .select('tenant_id')
      .where('user_id', '=', row.id)
      .executeTakeFirstOrThrow();
    const { token } = await insertApiToken(t.database.db, org.tenant_id, row.id, ['read']);
    const writes = routes.filter((r) => isApi(r) && r.method !== 'GET');
    for (const route of writes) {
      const res = await t.app.inject({
        method: route.method as 'POST',
        url: concreteUrl(route.url),
        headers: { authorization: `Bearer ${token}` },
        payload: {},
      });
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(403);
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { makeOrganisation, makeUser } from '../../../test/helpers/fixtures.js';
import type { Actor } from '../../kernel/audit/audit.js';
import { hashToken } from '../../kernel/auth/tokens.js';
import type { Role } from '../../kernel/db/schema.js';
import { createApiToken } from './token.service.js';
import type { Scope } from './token.schemas.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const TEST_ACTOR: Actor = { userId: null, label: 'Test set-up' };

/** A member of a new (or given) organisation, with an API token. */
async function tokenFor(
  role: Role,
  options: { scopes?: Scope[]; tenantId?: string; expiresAt?: Date | null } = {},
) {
  const tenantId = options.tenantId ?? (await makeOrganisation(t.database.db)).id;
  const user = await makeUser(t.database.db, tenantId, role);
  const { token, row } = await createApiToken(t.database.db, TEST_ACTOR, {
    tenantId,
    userId: user.id,
    name: `${role} token`,
    scopes: options.scopes ?? ['read', 'write'],
    expiresAt: options.expiresAt ?? null,
  });
  return { token, id: row.id, user, tenantId };
}

function call(
  app: FastifyInstance,
  method: 'GET' | 'POST' | 'DELETE',
  url: string,
  token?: string,
  payload?: unknown,
) {
  return app.inject({
    method,
    url,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  errors?: { field: string; message: string }[];
}

function expectProblem(res: LightMyRequestResponse, status: number): Problem {
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = res.json<Problem>();
  expect(body.status).toBe(status);
  expect(body.type).toBe('about:blank');
  expect(body.title).toBeTruthy();
  expect(body.detail).toBeTruthy();
  expect(body.instance).toBe(res.raw.req.url?.split('?')[0]);
  return body;
}

describe('GET /api/v1/me', () => {
  it('describes the caller, their organisation, role and token', async () => {
    const { token, id, user, tenantId } = await tokenFor('editor', { scopes: ['read'] });
    const res = await call(t.app, 'GET', '/api/v1/me', token);
    expect(res.statusCode).toBe(200);
    const org = await t.database.db
      .selectFrom('organisations')
      .selectAll()
      .where('id', '=', tenantId)
      .executeTakeFirstOrThrow();
    expect(res.json()).toEqual({
      id: user.id,
      email: user.email,
      displayName: user.display_name,
      organisation: { id: tenantId, slug: org.slug, name: org.name },
      role: 'editor',
      token: { id, name: 'editor token', scopes: ['read'], expiresAt: null },
    });
    const row = await t.database.db
      .selectFrom('api_tokens')
      .select('last_used_at')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.last_used_at).not.toBeNull();
  });

  it('answers 401 problem+json with WWW-Authenticate without a token, or with an unknown one', async () => {
    for (const token of [undefined, 'wmk_not-a-real-token']) {
      const res = await call(t.app, 'GET', '/api/v1/me', token);
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expectProblem(res, 401);
    }
  });

  it('answers 401 for a revoked token and for an expired one', async () => {
    const revoked = await tokenFor('viewer');
    const del = await call(t.app, 'DELETE', `/api/v1/tokens/${revoked.id}`, revoked.token);
    expect(del.statusCode).toBe(204);
    const afterRevoke = await call(t.app, 'GET', '/api/v1/me', revoked.token);
    expect(afterRevoke.statusCode).toBe(401);
    expect(afterRevoke.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(expectProblem(afterRevoke, 401).detail).toMatch(/expired or been revoked/);

    const expired = await tokenFor('viewer', { expiresAt: new Date(Date.now() - 1000) });
    const res = await call(t.app, 'GET', '/api/v1/me', expired.token);
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expectProblem(res, 401);
  });
});

describe('scopes and roles', () => {
  it('refuses a read-only token anything but reading (403 problem+json), and creates nothing', async () => {
    const { token, user, tenantId } = await tokenFor('admin', { scopes: ['read'] });
    const res = await call(t.app, 'POST', '/api/v1/tokens', token, {
      name: 'Sneaky',
      scopes: ['read'],
    });
    expect(res.statusCode).toBe(403);
    expect(expectProblem(res, 403).detail).toContain('"write" scope');
    const tokens = await t.database.db
      .selectFrom('api_tokens')
      .select('name')
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', user.id)
      .execute();
    expect(tokens.map((r) => r.name)).toEqual(['admin token']);
  });

  it('refuses a contributor’s token the members list (403), and lets an admin’s through', async () => {
    const org = await makeOrganisation(t.database.db);
    const contributor = await tokenFor('contributor', { tenantId: org.id });
    const refused = await call(t.app, 'GET', '/api/v1/members', contributor.token);
    expect(refused.statusCode).toBe(403);
    expectProblem(refused, 403);
    const admin = await tokenFor('admin', { tenantId: org.id });
    const allowed = await call(t.app, 'GET', '/api/v1/members', admin.token);
    expect(allowed.statusCode).toBe(200);
  });

  it('stops a token working when its owner leaves the organisation', async () => {
    const { token, user, tenantId } = await tokenFor('viewer');
    await t.database.db
      .deleteFrom('memberships')
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', user.id)
      .execute();
    const res = await call(t.app, 'GET', '/api/v1/me', token);
    expect(res.statusCode).toBe(401);
  });
});

describe('members and pagination', () => {
  it('walks every member with the next links, and back with the prev links', async () => {
    const admin = await tokenFor('admin');
    const others = [];
    for (const role of ['editor', 'viewer', 'board', 'contributor', 'viewer'] as const) {
      others.push(await makeUser(t.database.db, admin.tenantId, role));
    }
    const expected = [admin.user.id, ...others.map((u) => u.id)].sort();

    const seen: string[] = [];
    const selfs: string[] = [];
    let url: string | null = '/api/v1/members?limit=2';
    let pages = 0;
    let last: { links: { prev: string | null } } | null = null;
    while (url) {
      const res = await call(t.app, 'GET', url, admin.token);
      expect(res.statusCode).toBe(200);
      const body = res.json<{
        data: { id: string; role: string; email: string; joinedAt: string }[];
        links: { self: string; first: string; next: string | null; prev: string | null };
        meta: { limit: number; count: number };
      }>();
      expect(body.meta).toEqual({ limit: 2, count: body.data.length });
      expect(body.links.first).toBe('/api/v1/members?limit=2');
      expect(body.links.self.startsWith('/api/v1/members?')).toBe(true);
      if (pages === 0) expect(body.links.prev).toBeNull();
      else expect(body.links.prev).toMatch(/^\/api\/v1\/members\?limit=2&cursor=/);
      seen.push(...body.data.map((m) => m.id));
      selfs.push(body.links.self);
      url = body.links.next;
      last = body;
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(expected);

    const back: string[] = [];
    let prev = last!.links.prev;
    while (prev) {
      const body = (await call(t.app, 'GET', prev, admin.token)).json<{
        data: { id: string }[];
        links: { prev: string | null };
      }>();
      back.unshift(...body.data.map((m) => m.id));
      prev = body.links.prev;
    }
    expect(back).toEqual(expected.slice(0, 4));
  });

  it('describes each member', async () => {
    const admin = await tokenFor('admin');
    const res = await call(t.app, 'GET', '/api/v1/members', admin.token);
    const body = res.json<{ data: unknown[]; links: { next: unknown; prev: unknown } }>();
    expect(body.data).toEqual([
      {
        id: admin.user.id,
        email: admin.user.email,
        displayName: admin.user.display_name,
        role: 'admin',
        joinedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      },
    ]);
    expect(body.links.next).toBeNull();
    expect(body.links.prev).toBeNull();
  });

  it('names the query field of a bad limit or cursor', async () => {
    const admin = await tokenFor('admin');
    const badLimit = await call(t.app, 'GET', '/api/v1/members?limit=500', admin.token);
    expect(badLimit.statusCode).toBe(400);
    expect(expectProblem(badLimit, 400).errors).toEqual([
      { field: 'query.limit', message: 'limit must be a whole number from 1 to 100' },
    ]);
    const badCursor = await call(t.app, 'GET', '/api/v1/members?cursor=made-up', admin.token);
    expect(badCursor.statusCode).toBe(400);
    expect(expectProblem(badCursor, 400).errors?.[0]?.field).toBe('query.cursor');
    // Well-formed, but not a position in a list of ids.
    const forged = Buffer.from('{"d":"a","k":"x"}').toString('base64url');
    const res = await call(t.app, 'GET', `/api/v1/members?cursor=${forged}`, admin.token);
    expect(res.statusCode).toBe(400);
    expect(expectProblem(res, 400).errors?.[0]?.field).toBe('query.cursor');
  });
});

describe('separation between organisations', () => {
  it('never shows organisation A’s token B’s members, and cannot revoke B’s token', async () => {
    const a = await tokenFor('admin');
    const b = await tokenFor('admin');
    await makeUser(t.database.db, b.tenantId, 'editor');
    const res = await call(t.app, 'GET', '/api/v1/members?limit=100', a.token);
    const ids = res.json<{ data: { id: string }[] }>().data.map((m) => m.id);
    expect(ids).toEqual([a.user.id]);

    const del = await call(t.app, 'DELETE', `/api/v1/tokens/${b.id}`, a.token);
    expect(del.statusCode).toBe(404);
    expectProblem(del, 404);
    const row = await t.database.db
      .selectFrom('api_tokens')
      .select('revoked_at')
      .where('id', '=', b.id)
      .executeTakeFirstOrThrow();
    expect(row.revoked_at).toBeNull();
    expect((await call(t.app, 'GET', '/api/v1/me', b.token)).statusCode).toBe(200);
  });

  it('cannot revoke a colleague’s token either (404), even as an admin', async () => {
    const admin = await tokenFor('admin');
    const colleague = await tokenFor('viewer', { tenantId: admin.tenantId });
    const del = await call(t.app, 'DELETE', `/api/v1/tokens/${colleague.id}`, admin.token);
    expect(del.statusCode).toBe(404);
    expect((await call(t.app, 'GET', '/api/v1/me', colleague.token)).statusCode).toBe(200);
  });
});

describe('/api/v1/tokens', () => {
  it('creates a token (201) that is shown once, stored only as a hash, audited, and works', async () => {
    const caller = await tokenFor('viewer');
    const res = await call(t.app, 'POST', '/api/v1/tokens', caller.token, {
      name: 'Nightly export',
      scopes: ['read'],
      expiresInDays: 30,
    });
    expect(res.statusCode).toBe(201);
    const body = res.json<{
      id: string;
      token: string;
      prefix: string;
      scopes: string[];
      status: string;
      expiresAt: string;
    }>();
    expect(body.token).toMatch(/^wmk_[A-Za-z0-9_-]{43}$/);
    expect(body.prefix).toBe(body.token.slice(0, 8));
    expect(body.scopes).toEqual(['read']);
    expect(body.status).toBe('active');
    const days = (new Date(body.expiresAt).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThan(30.1);

    const row = await t.database.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('id', '=', body.id)
      .executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(hashToken(body.token));
    expect(JSON.stringify(row)).not.toContain(body.token);

    const audit = await t.database.db
      .selectFrom('audit_events')
      .selectAll()
      .where('entity_id', '=', body.id)
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['token.created']);
    expect(audit[0]!.actor_user_id).toBe(caller.user.id);
    expect(JSON.stringify(audit[0])).not.toContain(body.token);
    expect(JSON.stringify(audit[0])).not.toContain(row.token_hash);

    const me = await call(t.app, 'GET', '/api/v1/me', body.token);
    expect(me.statusCode).toBe(200);
    expect(me.json<{ token: { id: string } }>().token.id).toBe(body.id);

    const list = await call(t.app, 'GET', '/api/v1/tokens', caller.token);
    const listed = list.json<{ data: Record<string, unknown>[] }>().data;
    expect(listed.map((d) => d.id)).toEqual([caller.id, body.id]);
    expect(JSON.stringify(listed)).not.toContain(body.token);
    expect(JSON.stringify(listed)).not.toMatch(/hash/i);
  });

  it('defaults to 90 days and to both scopes only when asked', async () => {
    const caller = await tokenFor('viewer');
    const res = await call(t.app, 'POST', '/api/v1/tokens', caller.token, {
      name: 'Default expiry',
      scopes: ['write', 'read', 'read'],
    });
    expect(res.statusCode).toBe(201);
    const body = res.json<{ scopes: string[]; expiresAt: string }>();
    expect(body.scopes).toEqual(['read', 'write']);
    const days = (new Date(body.expiresAt).getTime() - Date.now()) / 86_400_000;
    expect(Math.round(days)).toBe(90);
    const never = await call(t.app, 'POST', '/api/v1/tokens', caller.token, {
      name: 'Never',
      scopes: ['read'],
      expiresInDays: null,
    });
    expect(never.json<{ expiresAt: unknown }>().expiresAt).toBeNull();
  });

  it('names the field that is wrong (400 problem+json)', async () => {
    const caller = await tokenFor('viewer');
    const res = await call(t.app, 'POST', '/api/v1/tokens', caller.token, {
      name: '   ',
      scopes: ['read', 'admin'],
      expiresInDays: 0,
    });
    expect(res.statusCode).toBe(400);
    const problem = expectProblem(res, 400);
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        { field: 'body.name', message: 'Enter a name for the token' },
        { field: 'body.scopes.1', message: 'Each scope must be "read" or "write"' },
        {
          field: 'body.expiresInDays',
          message: 'expiresInDays must be a whole number of days from 1 to 366, or null',
        },
      ]),
    );
    const noBody = await call(t.app, 'POST', '/api/v1/tokens', caller.token);
    expect(expectProblem(noBody, 400).errors).toEqual([
      { field: 'body', message: 'Send a JSON object with at least name and scopes' },
    ]);
    const missing = await call(t.app, 'POST', '/api/v1/tokens', caller.token, {});
    expect(expectProblem(missing, 400).errors?.map((e) => e.field)).toEqual([
      'body.name',
      'body.scopes',
    ]);
  });

  it('will not give a new token scopes the calling token lacks', async () => {
    const caller = await tokenFor('viewer', { scopes: ['write'] });
    const res = await call(t.app, 'POST', '/api/v1/tokens', caller.token, {
      name: 'More power',
      scopes: ['read', 'write'],
    });
    expect(res.statusCode).toBe(400);
    expect(expectProblem(res, 400).errors?.[0]?.field).toBe('body.scopes');
  });

  it('revokes your own token (204), audited once, and says 404 for a made-up id', async () => {
    const caller = await tokenFor('viewer');
    const other = await createApiToken(t.database.db, TEST_ACTOR, {
      tenantId: caller.tenantId,
      userId: caller.user.id,
      name: 'To revoke',
      scopes: ['read'],
      expiresAt: null,
    });
    const del = await call(t.app, 'DELETE', `/api/v1/tokens/${other.row.id}`, caller.token);
    expect(del.statusCode).toBe(204);
    expect(del.body).toBe('');
    const again = await call(t.app, 'DELETE', `/api/v1/tokens/${other.row.id}`, caller.token);
    expect(again.statusCode).toBe(204);
    const audit = await t.database.db
      .selectFrom('audit_events')
      .select(['action', 'actor_user_id'])
      .where('entity_id', '=', other.row.id)
      .orderBy('seq')
      .execute();
    expect(audit).toEqual([
      { action: 'token.created', actor_user_id: null },
      { action: 'token.revoked', actor_user_id: caller.user.id },
    ]);
    expect((await call(t.app, 'GET', '/api/v1/me', other.token)).statusCode).toBe(401);

    const made = await call(
      t.app,
      'DELETE',
      '/api/v1/tokens/01890a5d-ac96-774b-bcce-b302099a8057',
      caller.token,
    );
    expect(made.statusCode).toBe(404);
    const bad = await call(t.app, 'DELETE', '/api/v1/tokens/not-an-id', caller.token);
    expect(bad.statusCode).toBe(400);
    expect(expectProblem(bad, 400).errors?.[0]?.field).toBe('params.id');
  });
});

describe('the OpenAPI document and the docs page', () => {
  const V1 = [
    ['/api/v1/me', 'get'],
    ['/api/v1/members', 'get'],
    ['/api/v1/tokens', 'get'],
    ['/api/v1/tokens', 'post'],
    ['/api/v1/tokens/{id}', 'delete'],
  ] as const;

  interface Schema {
    $ref?: string;
    properties?: Record<string, Schema>;
    required?: string[];
    items?: Schema;
    enum?: string[];
  }
  type Content = Record<string, { schema: Schema }>;
  interface Operation {
    summary?: string;
    tags?: string[];
    'x-waymark-scope'?: string;
    parameters?: { name: string; in: string; required?: boolean }[];
    requestBody?: { content: Content };
    responses: Record<string, { description: string; content?: Content }>;
  }
  interface Document {
    openapi: string;
    paths: Record<string, Record<string, Operation | undefined> | undefined>;
    components: { schemas: Record<string, Schema> };
  }

  it('is OpenAPI 3 with every /api/v1 route and its schemas, and nothing else', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json<Document>();
    expect(doc.openapi).toMatch(/^3\./);
    const routes = t.app.routeTable
      .filter((r) => r.url.startsWith('/api/v1'))
      .map((r) => [r.url.replace(/:(\w+)/g, '{$1}'), r.method.toLowerCase()]);
    // Every /api/v1 route of every module is documented, the foundation's among them.
    expect(routes).toEqual(expect.arrayContaining(V1.map((v) => [...v])));
    for (const [path, method] of routes)
      expect(doc.paths[path!]?.[method!], `${method} ${path}`).toBeDefined();
    expect(Object.keys(doc.paths).every((p) => p.startsWith('/api/v1/'))).toBe(true);
    const op = (path: string, method: string) => {
      const found = doc.paths[path]?.[method];
      if (!found) throw new Error(`${method} ${path} is not in the document`);
      return found;
    };
    const json = (content: Content | undefined) => content?.['application/json']?.schema;
    for (const [path, method] of V1) {
      const o = op(path, method);
      expect(o.summary).toBeTruthy();
      expect(o.tags?.length).toBe(1);
      expect(o['x-waymark-scope']).toBe(method === 'get' ? 'read' : 'write');
      expect(Object.keys(o.responses).some((s) => s.startsWith('2'))).toBe(true);
      expect(o.responses['401']?.content?.['application/problem+json']?.schema).toEqual({
        $ref: '#/components/schemas/Problem',
      });
    }
    expect(Object.keys(doc.components.schemas)).toEqual(['Problem']);
    expect(doc.components.schemas.Problem?.properties).toHaveProperty('errors');

    const me = json(op('/api/v1/me', 'get').responses['200']?.content);
    expect(Object.keys(me?.properties ?? {})).toEqual(
      expect.arrayContaining(['id', 'email', 'displayName', 'organisation', 'role', 'token']),
    );
    const post = op('/api/v1/tokens', 'post');
    const body = json(post.requestBody?.content);
    expect(body?.required).toEqual(['name', 'scopes']);
    expect(body?.properties?.scopes?.items?.enum).toEqual(['read', 'write']);
    expect(json(post.responses['201']?.content)?.properties).toHaveProperty('token');
    const list = op('/api/v1/members', 'get');
    expect(list.parameters?.map((p) => `${p.in}:${p.name}`)).toEqual([
      'query:limit',
      'query:cursor',
    ]);
    expect(Object.keys(json(list.responses['200']?.content)?.properties ?? {})).toEqual([
      'data',
      'links',
      'meta',
    ]);
    const del = op('/api/v1/tokens/{id}', 'delete');
    expect(del.parameters?.[0]).toMatchObject({ name: 'id', in: 'path', required: true });
    expect(del.responses['204']?.content).toBeUndefined();
  });

  it('documents every endpoint on /api/docs, readable without signing in', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/docs' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    const html = res.body;
    expect(html).toContain('<h1 class="govuk-heading-xl">Waymark API</h1>');
    expect(html).toContain('href="/account/tokens"');
    expect(html).toContain('Authorization: Bearer');
    for (const [path, method] of V1) {
      expect(html).toContain(`${method.toUpperCase()} ${path}`);
    }
    for (const heading of [
      'Authentication',
      'Errors',
      'Lists and pages',
      'Account',
      'Members',
      'Tokens',
    ]) {
      expect(html).toMatch(
        new RegExp(`<h2 class="govuk-heading-l[^"]*" id="[^"]+">${heading}</h2>`),
      );
    }
    expect(html).toContain('<code>expiresInDays</code>');
    expect(html).toContain('<code>data[].email</code>');
    expect(html).toContain('Administrator only');
    expect(html).not.toMatch(/<script[^>]+src="http/);
    expect(html).not.toMatch(/<link[^>]+href="http/);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { Agent } from '../helpers/agent.js';
import { makeOrganisation, makeUser, PASSWORD, unique } from '../helpers/fixtures.js';
import type { DB } from '../../src/kernel/db/schema.js';
import { newId } from '../../src/kernel/db/ids.js';
import { withTenant, type Tx } from '../../src/kernel/db/tenancy.js';
import { hashToken, newSecretToken } from '../../src/kernel/auth/tokens.js';
import { insertApiToken } from './support.js';

/**
 * Organisation A must never see or change organisation B's data: not through pages, not
 * through the API, and not even through a raw query inside A's tenant transaction, where
 * PostgreSQL's row-level security is the last line of defence.
 */

interface Org {
  id: string;
  name: string;
  admin: { id: string; email: string; displayName: string };
  viewer: { id: string; email: string; displayName: string };
  token: { id: string; token: string };
  invitationId: string;
  invitationEmail: string;
  auditEventId: string;
}

let t: TestApp;
let db: Kysely<DB>;
let a: Org;
let b: Org;

async function makeTenant(): Promise<Org> {
  const org = await makeOrganisation(db);
  const admin = await makeUser(db, org.id, 'admin');
  const viewer = await makeUser(db, org.id, 'viewer');
  const token = await insertApiToken(db, org.id, admin.id);
  const invitationId = newId();
  const invitationEmail = `${unique('invitee')}@example.org`;
  await db
    .insertInto('invitations')
    .values({
      tenant_id: org.id,
      id: invitationId,
      email: invitationEmail,
      role: 'editor',
      token_hash: hashToken(newSecretToken()),
      invited_by: admin.id,
      expires_at: new Date(Date.now() + 7 * 86_400_000),
    })
    .execute();
  await db
    .insertInto('sso_configs')
    .values({
      tenant_id: org.id,
      issuer: `https://login.example.org/${org.id}/v2.0`,
      client_id: `client-${org.id}`,
      client_secret_enc: t.deps.secrets.seal(`secret-of-${org.id}`),
      allowed_domains: [`${org.slug}.example.org`],
      default_role: 'viewer',
    })
    .execute();
  const event = await db
    .selectFrom('audit_events')
    .select('id')
    .where('tenant_id', '=', org.id)
    .orderBy('seq', 'desc')
    .executeTakeFirstOrThrow();
  return {
    id: org.id,
    name: org.name,
    admin: { id: admin.id, email: admin.email, displayName: admin.display_name },
    viewer: { id: viewer.id, email: viewer.email, displayName: viewer.display_name },
    token,
    invitationId,
    invitationEmail,
    auditEventId: event.id,
  };
}

beforeAll(async () => {
  t = await createTestApp();
  db = t.database.db;
  a = await makeTenant();
  b = await makeTenant();
}, 120_000);
afterAll(async () => t.close(), 60_000);

/** Everything of B's that must never appear in anything A is shown. */
function secretsOfB(): string[] {
  return [b.name, b.admin.email, b.viewer.email, b.invitationEmail, b.token.id, b.admin.id];
}

/** `where` is the address asked for: an id A typed in it may be echoed back, nothing else. */
function expectNothingOfB(body: string, where: string) {
  const path = where.split('?')[0]!;
  const shown = body.replaceAll(path, '');
  for (const s of secretsOfB()) expect(shown, `${where} shows ${s}`).not.toContain(s);
}

/** B's rows, read as the owner (outside any tenant): proof that A changed nothing. */
async function stateOfB() {
  return {
    memberships: await db
      .selectFrom('memberships')
      .select(['user_id', 'role'])
      .where('tenant_id', '=', b.id)
      .orderBy('user_id')
      .execute(),
    invitation: await db
      .selectFrom('invitations')
      .select(['revoked_at', 'role'])
      .where('id', '=', b.invitationId)
      .executeTakeFirstOrThrow(),
    token: await db
      .selectFrom('api_tokens')
      .select(['revoked_at', 'name'])
      .where('id', '=', b.token.id)
      .executeTakeFirstOrThrow(),
    organisation: await db
      .selectFrom('organisations')
      .select(['name', 'require_two_factor'])
      .where('id', '=', b.id)
      .executeTakeFirstOrThrow(),
    sso: await db
      .selectFrom('sso_configs')
      .select(['issuer', 'client_id', 'enabled'])
      .where('tenant_id', '=', b.id)
      .executeTakeFirstOrThrow(),
  };
}

describe('through the pages, A’s administrator', () => {
  it('gets "not found" or "no permission" for B’s ids in A’s addresses, never B’s data', async () => {
    const before = await stateOfB();
    const agent = new Agent(t.app);
    await agent.signIn(a.admin.email, PASSWORD);
    const reads = [
      `/admin/people/${b.viewer.id}/role`,
      `/admin/people/${b.viewer.id}/remove`,
      `/admin/audit/${b.auditEventId}`,
    ];
    for (const url of reads) {
      const res = await agent.get(url);
      expect([403, 404], `GET ${url}: ${res.statusCode}`).toContain(res.statusCode);
      expectNothingOfB(res.body, url);
    }
    const writes: [string, Record<string, string>][] = [
      [`/admin/people/${b.viewer.id}/role`, { role: 'admin' }],
      [`/admin/people/${b.viewer.id}/remove`, {}],
      [`/admin/people/invitations/${b.invitationId}/withdraw`, {}],
      [`/admin/tokens/${b.token.id}/revoke`, {}],
      [`/account/tokens/${b.token.id}/revoke`, {}],
    ];
    for (const [url, form] of writes) {
      const res = await agent.post(url, form, { from: '/' });
      expect([403, 404], `POST ${url}: ${res.statusCode}`).toContain(res.statusCode);
      expectNothingOfB(res.body, url);
    }
    expect(await stateOfB()).toEqual(before);
  });

  it('sees only A in lists and in the audit trail, even when asking for B’s records', async () => {
    const agent = new Agent(t.app);
    await agent.signIn(a.admin.email, PASSWORD);
    const lists = [
      '/admin/people',
      '/admin/tokens',
      '/admin/settings',
      '/admin/settings/sso',
      '/admin/audit',
      `/admin/audit?entityId=${b.viewer.id}`,
      `/admin/audit?person=${b.admin.id}`,
      `/admin/audit/records/user/${b.viewer.id}`,
      `/admin/audit/records/organisation/${b.id}`,
      `/admin/audit.csv?entityId=${b.id}`,
    ];
    for (const url of lists) {
      const res = await agent.get(url);
      expect(res.statusCode, `GET ${url}`).toBeLessThan(500);
      expect([401, 403], `GET ${url}`).not.toContain(res.statusCode);
      expectNothingOfB(res.body, url);
    }
    // The pages do show A's own people, so the checks above looked at real pages.
    const people = await agent.get('/admin/people');
    expect(people.body).toContain(a.viewer.email);
  });

  it('cannot switch into B, even by posting B’s id', async () => {
    const agent = new Agent(t.app);
    await agent.signIn(a.admin.email, PASSWORD);
    const res = await agent.post('/switch-organisation', { organisation: b.id }, { from: '/' });
    expect(res.statusCode).toBe(400);
    const home = await agent.get('/');
    expect(home.body).toContain(a.name);
    expectNothingOfB(home.body, '/');
  });
});

describe('through the API, A’s token', () => {
  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
    t.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${a.token.token}` },
      ...(payload ? { payload } : {}),
    });

  it('reads only A: itself, A’s members and A’s tokens', async () => {
    const me = await call('GET', '/api/v1/me');
    expect(me.statusCode).toBe(200);
    expect(me.body).toContain(a.id);
    expectNothingOfB(me.body, '/api/v1/me');
    const members = await call('GET', '/api/v1/members?limit=100');
    expect(members.statusCode).toBe(200);
    expect(members.body).toContain(a.viewer.email);
    expectNothingOfB(members.body, '/api/v1/members');
    const tokens = await call('GET', '/api/v1/tokens');
    expect(tokens.statusCode).toBe(200);
    expectNothingOfB(tokens.body, '/api/v1/tokens');
  });

  it('cannot revoke B’s token: not found, and the token still works for B', async () => {
    const res = await call('DELETE', `/api/v1/tokens/${b.token.id}`);
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expectNothingOfB(res.body, `/api/v1/tokens/${b.token.id}`);
    const stillB = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${b.token.token}` },
    });
    expect(stillB.statusCode).toBe(200);
    expect(stillB.body).toContain(b.id);
  });

  it('cannot be pointed at B by any header or parameter', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/members?tenant=${b.id}&organisation=${b.id}`,
      headers: { authorization: `Bearer ${a.token.token}`, 'x-tenant-id': b.id },
    });
    expect(res.statusCode).toBeLessThan(500);
    expectNothingOfB(res.body, '/api/v1/members');
  });
});

describe('through a raw query inside A’s tenant transaction (row-level security)', () => {
  const asA = <T>(fn: (trx: Tx) => Promise<T>) => withTenant(db, a.id, a.admin.id, fn);

  /** Runs fn in A's tenant transaction and returns the database's refusal, if any. */
  async function refusal(fn: (trx: Tx) => Promise<unknown>): Promise<string | null> {
    try {
      await asA(fn);
      return null;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }

  it('really runs as the restricted role, with A as the tenant', async () => {
    const row = await asA(async (trx) => {
      const r = await sql<{
        role: string;
        tenant: string;
      }>`select current_user as role, current_setting('app.tenant_id') as tenant`.execute(trx);
      return r.rows[0]!;
    });
    expect(row).toEqual({ role: 'waymark_app', tenant: a.id });
  });

  it('selects nothing of B from any organisation table, even with no where clause', async () => {
    const seen = await asA(async (trx) => ({
      organisations: await trx.selectFrom('organisations').select('id').execute(),
      memberships: await trx.selectFrom('memberships').select('tenant_id').execute(),
      invitations: await trx.selectFrom('invitations').select('tenant_id').execute(),
      api_tokens: await trx.selectFrom('api_tokens').select('tenant_id').execute(),
      sso_configs: await trx.selectFrom('sso_configs').select('tenant_id').execute(),
      audit_events: await trx.selectFrom('audit_events').select('tenant_id').execute(),
      users: await trx.selectFrom('users').select('id').execute(),
    }));
    expect(seen.organisations.map((r) => r.id)).toEqual([a.id]);
    for (const table of [
      'memberships',
      'invitations',
      'api_tokens',
      'sso_configs',
      'audit_events',
    ] as const) {
      const tenants = new Set(seen[table].map((r) => r.tenant_id));
      expect([...tenants], table).toEqual([a.id]);
    }
    const userIds = seen.users.map((r) => r.id);
    expect(userIds).toEqual(expect.arrayContaining([a.admin.id, a.viewer.id]));
    expect(userIds).not.toContain(b.admin.id);
    expect(userIds).not.toContain(b.viewer.id);
  });

  it('finds nothing when asking for B by id', async () => {
    const found = await asA(async (trx) => [
      ...(await trx.selectFrom('organisations').select('id').where('id', '=', b.id).execute()),
      ...(await trx
        .selectFrom('memberships')
        .select('user_id as id')
        .where('tenant_id', '=', b.id)
        .execute()),
      ...(await trx
        .selectFrom('invitations')
        .select('id')
        .where('id', '=', b.invitationId)
        .execute()),
      ...(await trx.selectFrom('api_tokens').select('id').where('id', '=', b.token.id).execute()),
      ...(await trx
        .selectFrom('sso_configs')
        .select('tenant_id as id')
        .where('tenant_id', '=', b.id)
        .execute()),
      ...(await trx
        .selectFrom('audit_events')
        .select('id')
        .where('id', '=', b.auditEventId)
        .execute()),
      ...(await trx.selectFrom('users').select('id').where('id', '=', b.viewer.id).execute()),
    ]);
    expect(found).toEqual([]);
  });

  it('refuses to insert rows that belong to B', async () => {
    const attempts: Record<string, (trx: Tx) => Promise<unknown>> = {
      memberships: (trx) =>
        trx
          .insertInto('memberships')
          .values({ tenant_id: b.id, user_id: a.viewer.id, role: 'admin' })
          .execute(),
      invitations: (trx) =>
        trx
          .insertInto('invitations')
          .values({
            tenant_id: b.id,
            id: newId(),
            email: 'intruder@example.org',
            role: 'admin',
            token_hash: hashToken(newSecretToken()),
            expires_at: new Date(Date.now() + 86_400_000),
          })
          .execute(),
      api_tokens: (trx) =>
        trx
          .insertInto('api_tokens')
          .values({
            tenant_id: b.id,
            id: newId(),
            user_id: a.admin.id,
            name: 'Intruder',
            token_hash: hashToken(newSecretToken()),
            token_prefix: 'intruder',
            scopes: ['read'],
          })
          .execute(),
      sso_configs: (trx) =>
        trx
          .insertInto('sso_configs')
          .values({
            tenant_id: b.id,
            issuer: 'https://evil.example/',
            client_id: 'evil',
            client_secret_enc: 'x',
            allowed_domains: ['evil.example'],
            default_role: 'admin',
          })
          .execute(),
      audit_events: (trx) =>
        trx
          .insertInto('audit_events')
          .values({
            id: newId(),
            tenant_id: b.id,
            seq: 999_999,
            occurred_at: new Date(),
            actor_user_id: a.admin.id,
            actor_label: 'Intruder',
            action: 'forged',
            entity_type: 'organisation',
            entity_id: b.id,
            prev_hash: '0'.repeat(64),
            hash: '0'.repeat(64),
          })
          .execute(),
      organisations: (trx) =>
        trx
          .insertInto('organisations')
          .values({ id: newId(), slug: unique('intruder'), name: 'Intruder council' })
          .execute(),
      users: (trx) =>
        trx
          .insertInto('users')
          .values({ id: newId(), email: `${unique('intruder')}@example.org`, display_name: 'X' })
          .execute(),
    };
    const accepted: string[] = [];
    for (const [table, attempt] of Object.entries(attempts)) {
      const message = await refusal(attempt);
      if (message === null) accepted.push(table);
      else expect(message, table).toMatch(/row-level security|permission denied/i);
    }
    expect(accepted).toEqual([]);
    // Nothing reached the database.
    const intruders = await db
      .selectFrom('memberships')
      .select('user_id')
      .where('tenant_id', '=', b.id)
      .where('user_id', '=', a.viewer.id)
      .execute();
    expect(intruders).toEqual([]);
  });

  it('refuses to move A’s own rows over to B', async () => {
    const message = await refusal((trx) =>
      trx.updateTable('api_tokens').set({ tenant_id: b.id }).where('id', '=', a.token.id).execute(),
    );
    expect(message).toMatch(/row-level security|violates/i);
  });

  it('changes none of B’s rows: every update and delete affects 0 rows', async () => {
    const before = await stateOfB();
    const counts = await asA(async (trx) => {
      const n = (r: { numUpdatedRows?: bigint; numDeletedRows?: bigint }) =>
        Number(r.numUpdatedRows ?? r.numDeletedRows ?? -1n);
      return {
        organisations: n(
          await trx
            .updateTable('organisations')
            .set({ name: 'Taken over' })
            .where('id', '=', b.id)
            .executeTakeFirst(),
        ),
        memberships: n(
          await trx
            .updateTable('memberships')
            .set({ role: 'viewer' })
            .where('tenant_id', '=', b.id)
            .executeTakeFirst(),
        ),
        invitations: n(
          await trx
            .updateTable('invitations')
            .set({ revoked_at: new Date() })
            .where('tenant_id', '=', b.id)
            .executeTakeFirst(),
        ),
        api_tokens: n(
          await trx
            .updateTable('api_tokens')
            .set({ revoked_at: new Date() })
            .where('tenant_id', '=', b.id)
            .executeTakeFirst(),
        ),
        sso_configs: n(
          await trx
            .updateTable('sso_configs')
            .set({ enabled: false })
            .where('tenant_id', '=', b.id)
            .executeTakeFirst(),
        ),
        deletedMemberships: n(
          await trx.deleteFrom('memberships').where('tenant_id', '=', b.id).executeTakeFirst(),
        ),
        deletedTokens: n(
          await trx.deleteFrom('api_tokens').where('tenant_id', '=', b.id).executeTakeFirst(),
        ),
      };
    });
    expect(counts).toEqual({
      organisations: 0,
      memberships: 0,
      invitations: 0,
      api_tokens: 0,
      sso_configs: 0,
      deletedMemberships: 0,
      deletedTokens: 0,
    });
    // The audit trail cannot be changed by anyone, B's or A's.
    expect(
      await refusal((trx) =>
        trx
          .updateTable('audit_events')
          .set({ action: 'forged' })
          .where('tenant_id', '=', b.id)
          .execute(),
      ),
    ).toMatch(/permission denied|append-only/i);
    expect(await stateOfB()).toEqual(before);
  });
});

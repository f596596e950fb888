import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { Agent } from '../../../test/helpers/agent.js';
import { makeOrganisation, makeUser, PASSWORD } from '../../../test/helpers/fixtures.js';
import { hashToken } from '../../kernel/auth/tokens.js';
import type { Role } from '../../kernel/db/schema.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

async function signedIn(role: Role, tenantId?: string) {
  const orgId = tenantId ?? (await makeOrganisation(t.database.db)).id;
  const user = await makeUser(t.database.db, orgId, role);
  const agent = new Agent(t.app);
  await agent.signIn(user.email, PASSWORD);
  return { agent, user, tenantId: orgId };
}

/** Creates a token through the pages and returns it as the confirmation page showed it. */
async function createThroughPages(agent: Agent, name: string, scopes: string[] = ['read']) {
  const res = await agent.post(
    '/account/tokens/new',
    { name, scopes, expiry: '90' },
    { from: '/account/tokens/new' },
  );
  expect(res.statusCode).toBe(200);
  const token = /<textarea[^>]*id="token"[^>]*>(wmk_[A-Za-z0-9_-]+)<\/textarea>/.exec(
    res.body,
  )?.[1];
  expect(token).toBeDefined();
  return { token: token!, page: res.body };
}

function occurrences(haystack: string, needle: string) {
  return haystack.split(needle).length - 1;
}

async function auditFor(entityId: string) {
  return t.database.db
    .selectFrom('audit_events')
    .selectAll()
    .where('entity_id', '=', entityId)
    .orderBy('seq')
    .execute();
}

describe('your API tokens', () => {
  it('creates a token shown once, stores only its hash, audits it, and the API accepts it', async () => {
    const { agent, user, tenantId } = await signedIn('editor');
    const empty = await agent.get('/account/tokens');
    expect(empty.statusCode).toBe(200);
    expect(empty.body).toContain('You have no API tokens in');
    expect(empty.body).toContain('href="/account/tokens/new"');

    const form = await agent.get('/account/tokens/new');
    expect(form.statusCode).toBe(200);
    for (const id of ['name', 'scopes', 'expiry']) expect(form.body).toContain(`id="${id}"`);

    const { token, page } = await createThroughPages(agent, 'Power BI', ['read', 'write']);
    expect(occurrences(page, token)).toBe(1);
    expect(page).toContain('It will not be shown again');
    expect(page).toContain('Read and write');

    const rows = await t.database.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('user_id', '=', user.id)
      .execute();
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toMatchObject({
      tenant_id: tenantId,
      name: 'Power BI',
      token_hash: hashToken(token),
      token_prefix: token.slice(0, 8),
      scopes: ['read', 'write'],
    });
    expect(JSON.stringify(row)).not.toContain(token);
    const days = (row.expires_at!.getTime() - Date.now()) / 86_400_000;
    expect(Math.round(days)).toBe(90);

    const audit = await auditFor(row.id);
    expect(audit.map((a) => a.action)).toEqual(['token.created']);
    expect(audit[0]!.actor_user_id).toBe(user.id);
    expect(audit[0]!.tenant_id).toBe(tenantId);
    expect(JSON.stringify(audit[0])).not.toContain(token);
    expect(JSON.stringify(audit[0])).not.toContain(row.token_hash);

    const me = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json<{ email: string; role: string }>()).toMatchObject({
      email: user.email,
      role: 'editor',
    });

    const list = await agent.get('/account/tokens');
    expect(list.body).toContain('Power BI');
    expect(list.body).toContain(`<code class="app-code">${token.slice(0, 8)}</code>`);
    expect(list.body).not.toContain(token);
    expect(list.body).toContain('Active');
    expect(list.body).toContain(
      'Revoke<span class="govuk-visually-hidden"> the token Power BI</span>',
    );
  });

  it('says what is wrong with the form, keeping what was typed', async () => {
    const { agent, user } = await signedIn('viewer');
    const res = await agent.post(
      '/account/tokens/new',
      { name: 'x'.repeat(101), scopes: 'write' },
      { from: '/account/tokens/new' },
    );
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('<title>Error: ');
    expect(res.body).toContain('Name must be 100 characters or fewer');
    expect(res.body).toContain('Select when the token expires');
    expect(res.body).toContain('href="#name"');
    expect(res.body).toContain('href="#expiry"');
    expect(res.body).toMatch(/value="write"[^>]*checked/);
    const empty = await agent.post('/account/tokens/new', { name: ' ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Enter a name for the token');
    expect(empty.body).toContain('Select what the token can do');
    expect(empty.body).toContain('href="#scopes"');
    const count = await t.database.db
      .selectFrom('api_tokens')
      .select('id')
      .where('user_id', '=', user.id)
      .execute();
    expect(count).toHaveLength(0);
  });

  it('revokes your own token: it stops working, the change is audited', async () => {
    const { agent, user } = await signedIn('contributor');
    const { token } = await createThroughPages(agent, 'Old script');
    const row = await t.database.db
      .selectFrom('api_tokens')
      .select('id')
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    const res = await agent.post(
      `/account/tokens/${row.id}/revoke`,
      {},
      { from: '/account/tokens' },
    );
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/account/tokens');
    const after = await agent.get('/account/tokens');
    expect(after.body).toContain('The token “Old script” is revoked.');
    expect(after.body).toContain('Revoked');
    expect(after.body).not.toContain(`/account/tokens/${row.id}/revoke`);
    const stored = await t.database.db
      .selectFrom('api_tokens')
      .select('revoked_at')
      .where('id', '=', row.id)
      .executeTakeFirstOrThrow();
    expect(stored.revoked_at).not.toBeNull();
    const audit = await auditFor(row.id);
    expect(audit.map((a) => a.action)).toEqual(['token.created', 'token.revoked']);
    expect(audit[1]!.actor_user_id).toBe(user.id);
    const api = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(api.statusCode).toBe(401);
  });

  it('will not revoke a colleague’s token from your own page, nor without a CSRF token', async () => {
    const owner = await signedIn('editor');
    await createThroughPages(owner.agent, 'Mine');
    const row = await t.database.db
      .selectFrom('api_tokens')
      .select('id')
      .where('user_id', '=', owner.user.id)
      .executeTakeFirstOrThrow();
    const colleague = await signedIn('admin', owner.tenantId);
    const res = await colleague.agent.post(
      `/account/tokens/${row.id}/revoke`,
      {},
      { from: '/account/tokens' },
    );
    expect(res.statusCode).toBe(404);
    const noCsrf = await owner.agent.post(`/account/tokens/${row.id}/revoke`, {}, { csrf: false });
    expect(noCsrf.statusCode).toBe(403);
    const stored = await t.database.db
      .selectFrom('api_tokens')
      .select('revoked_at')
      .where('id', '=', row.id)
      .executeTakeFirstOrThrow();
    expect(stored.revoked_at).toBeNull();
    expect((await auditFor(row.id)).map((a) => a.action)).toEqual(['token.created']);
  });

  it('sends a signed-out visitor to sign in', async () => {
    const res = await new Agent(t.app).get('/account/tokens');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/sign-in?next=%2Faccount%2Ftokens');
  });
});

describe('every token in the organisation (admins)', () => {
  it('lists everyone’s tokens with their owners, and only this organisation’s', async () => {
    const admin = await signedIn('admin');
    const viewer = await signedIn('viewer', admin.tenantId);
    await createThroughPages(viewer.agent, 'Viewer’s dashboard');
    const stranger = await signedIn('admin');
    await createThroughPages(stranger.agent, 'Another council’s token');

    const res = await admin.agent.get('/admin/tokens');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Viewer’s dashboard');
    expect(res.body).toContain(viewer.user.email);
    expect(res.body).not.toContain('Another council’s token');
    expect(res.body).toContain('<caption class="govuk-table__caption govuk-table__caption--m">');

    expect((await viewer.agent.get('/admin/tokens')).statusCode).toBe(403);
  });

  it('lets an admin revoke a colleague’s token, audited as the admin, but not another organisation’s', async () => {
    const admin = await signedIn('admin');
    const editor = await signedIn('editor', admin.tenantId);
    const { token } = await createThroughPages(editor.agent, 'Leaked');
    const row = await t.database.db
      .selectFrom('api_tokens')
      .select('id')
      .where('user_id', '=', editor.user.id)
      .executeTakeFirstOrThrow();
    const res = await admin.agent.post(
      `/admin/tokens/${row.id}/revoke`,
      {},
      { from: '/admin/tokens' },
    );
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/admin/tokens');
    const audit = await auditFor(row.id);
    expect(audit.map((a) => [a.action, a.actor_user_id])).toEqual([
      ['token.created', editor.user.id],
      ['token.revoked', admin.user.id],
    ]);
    const api = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(api.statusCode).toBe(401);

    const other = await signedIn('viewer');
    await createThroughPages(other.agent, 'Elsewhere');
    const otherRow = await t.database.db
      .selectFrom('api_tokens')
      .select('id')
      .where('user_id', '=', other.user.id)
      .executeTakeFirstOrThrow();
    const refused = await admin.agent.post(
      `/admin/tokens/${otherRow.id}/revoke`,
      {},
      { from: '/admin/tokens' },
    );
    expect(refused.statusCode).toBe(404);
    const stored = await t.database.db
      .selectFrom('api_tokens')
      .select('revoked_at')
      .where('id', '=', otherRow.id)
      .executeTakeFirstOrThrow();
    expect(stored.revoked_at).toBeNull();
  });
});

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { Agent } from '../../../test/helpers/agent.js';
import { makeOrganisation, makeUser, PASSWORD, unique } from '../../../test/helpers/fixtures.js';
import { startTestProvider, type TestProvider } from '../../../test/helpers/oidc-test-provider.js';

const PUBLIC_URL = 'http://localhost';
const PATH = '/admin/settings/sso';

let t: TestApp;
let provider: TestProvider;
/** A web server that is not an OpenID provider: every address is "not found". */
let notAProvider: { url: string; close(): void };

beforeAll(async () => {
  provider = await startTestProvider({ redirectUri: `${PUBLIC_URL}/sign-in/sso/callback` });
  const server = createServer((_req, res) => {
    res.statusCode = 404;
    res.end('Not here');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  notAProvider = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => server.close(),
  };
  t = await createTestApp({ env: { OIDC_ALLOW_HTTP: 'true', PUBLIC_URL } });
});
afterAll(async () => {
  await t.close();
  await provider.close();
  notAProvider.close();
});

async function adminOf() {
  const org = await makeOrganisation(t.database.db);
  const admin = await makeUser(t.database.db, org.id, 'admin');
  const agent = new Agent(t.app);
  await agent.signIn(admin.email, PASSWORD);
  return { org, agent };
}

function form(overrides: Record<string, string> = {}) {
  return {
    issuer: provider.issuer,
    client_id: provider.clientId,
    client_secret: provider.clientSecret,
    allowed_domains: `${unique('council')}.gov.uk`,
    default_role: 'viewer',
    enabled: 'yes',
    ...overrides,
  };
}

async function configRow(tenantId: string) {
  return t.database.db
    .selectFrom('sso_configs')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
}

async function ssoEvents(tenantId: string) {
  return t.database.db
    .selectFrom('audit_events')
    .select(['action', 'before', 'after'])
    .where('tenant_id', '=', tenantId)
    .where('entity_type', '=', 'sso_config')
    .orderBy('seq')
    .execute();
}

describe('single sign-on settings', () => {
  it('shows the redirect URI to register and an empty form', async () => {
    const { agent } = await adminOf();
    const page = await agent.get(PATH);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('http://localhost/sign-in/sso/callback');
    expect(page.body).toContain('How to set this up in Microsoft Entra ID');
    expect(page.body).toContain('id="issuer"');
    expect(page.body).toContain('id="default_role"');
    expect(page.body).not.toContain('value="admin"');
  });

  it('checks the issuer by discovery, then saves with the secret sealed and audited without it', async () => {
    const { org, agent } = await adminOf();
    const domain = `${unique('council')}.gov.uk`;
    const res = await agent.post(
      PATH,
      form({
        allowed_domains: `@${domain.toUpperCase()}, ${domain}\nparish.${domain}`,
        default_role: 'board',
      }),
      { from: PATH },
    );
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(PATH);

    const row = await configRow(org.id);
    expect(row).toMatchObject({
      enabled: true,
      issuer: provider.issuer,
      client_id: provider.clientId,
      allowed_domains: [domain, `parish.${domain}`],
      default_role: 'board',
    });
    expect(row!.client_secret_enc).not.toContain(provider.clientSecret);
    expect(t.deps.secrets.open(row!.client_secret_enc)).toBe(provider.clientSecret);

    const events = await ssoEvents(org.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'sso_config.created',
      before: null,
      after: {
        issuer: provider.issuer,
        client_secret_enc: '[redacted]',
        allowed_domains: [domain, `parish.${domain}`],
        client_credential_replaced: true,
      },
    });
    expect(JSON.stringify(events)).not.toContain(provider.clientSecret);

    const page = await agent.get(PATH);
    expect(page.body).toContain('Single sign-on settings saved.');
    expect(page.body).toContain('Leave blank to keep the current secret');
    expect(page.body).not.toContain(provider.clientSecret);
    expect(page.body).not.toContain(row!.client_secret_enc);
  });

  it('keeps the current secret when the field is left blank', async () => {
    const { org, agent } = await adminOf();
    expect((await agent.post(PATH, form(), { from: PATH })).statusCode).toBe(303);
    const before = await configRow(org.id);
    const domain = `${unique('renamed')}.gov.uk`;
    const res = await agent.post(
      PATH,
      form({ client_secret: '', allowed_domains: domain, enabled: 'no' }),
      { from: PATH },
    );
    expect(res.statusCode).toBe(303);
    const after = await configRow(org.id);
    expect(after!.client_secret_enc).toBe(before!.client_secret_enc);
    expect(after).toMatchObject({ enabled: false, allowed_domains: [domain] });
    const events = await ssoEvents(org.id);
    expect(events.map((e) => e.action)).toEqual(['sso_config.created', 'sso_config.updated']);
    expect(events[1]!.after).toMatchObject({ enabled: false, client_credential_replaced: false });
    expect(events[1]!.before).toMatchObject({ enabled: true });
  });

  it('refuses an issuer that is not an OpenID provider, and saves nothing', async () => {
    const { org, agent } = await adminOf();
    const res = await agent.post(
      PATH,
      form({ issuer: notAProvider.url, client_secret: 'typed-secret-value-123' }),
      { from: PATH },
    );
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('<title>Error: ');
    expect(res.body).toContain('href="#issuer"');
    expect(res.body).toContain('found no OpenID Connect settings there');
    expect(res.body).not.toContain('typed-secret-value-123');
    expect(res.body).toContain(`value="${notAProvider.url}"`);
    expect(await configRow(org.id)).toBeUndefined();
    expect(await ssoEvents(org.id)).toEqual([]);
  });

  it('refuses an issuer it cannot reach', async () => {
    const { org, agent } = await adminOf();
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const res = await agent.post(PATH, form({ issuer: `http://127.0.0.1:${port}` }), {
      from: PATH,
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(`Waymark could not connect to 127.0.0.1:${port}`);
    expect(await configRow(org.id)).toBeUndefined();
  });

  it('says what is wrong with each field', async () => {
    const { org, agent } = await adminOf();
    const res = await agent.post(
      PATH,
      {
        issuer: 'not a url',
        client_id: '',
        client_secret: '',
        allowed_domains: 'council.gov.uk, not_a_domain, https://x.org/',
      },
      { from: PATH },
    );
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Enter the issuer URL in the correct format');
    expect(res.body).toContain('Enter the client ID');
    expect(res.body).toContain('“not_a_domain”, “https://x.org/” are not email domains');
    expect(res.body).toContain('Select the role new people get');
    expect(res.body).toContain('Select yes if people can sign in with single sign-on');
    for (const field of ['issuer', 'client_id', 'allowed_domains', 'default_role', 'enabled']) {
      expect(res.body).toContain(`href="#${field}"`);
    }
    const noSecret = await agent.post(PATH, form({ client_secret: '' }), { from: PATH });
    expect(noSecret.statusCode).toBe(400);
    expect(noSecret.body).toContain('Enter the client secret');
    expect(await configRow(org.id)).toBeUndefined();
  });

  it('will not let two organisations claim the same email domain', async () => {
    const first = await adminOf();
    const domain = `${unique('shared')}.gov.uk`;
    expect(
      (await first.agent.post(PATH, form({ allowed_domains: domain }), { from: PATH })).statusCode,
    ).toBe(303);
    const second = await adminOf();
    const res = await second.agent.post(PATH, form({ allowed_domains: domain }), { from: PATH });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(
      `Another organisation in this Waymark already uses single sign-on for ${domain}`,
    );
    expect(await configRow(second.org.id)).toBeUndefined();
  });

  it('is for administrators only', async () => {
    const org = await makeOrganisation(t.database.db);
    const editor = await makeUser(t.database.db, org.id, 'editor');
    const agent = new Agent(t.app);
    await agent.signIn(editor.email, PASSWORD);
    expect((await agent.get(PATH)).statusCode).toBe(403);
    const res = await agent.post(PATH, form(), { from: '/' });
    expect(res.statusCode).toBe(403);
    expect(await configRow(org.id)).toBeUndefined();
    const visitor = await new Agent(t.app).get(PATH);
    expect(visitor.statusCode).toBe(303);
    expect(visitor.headers.location).toBe(`/sign-in?next=${encodeURIComponent(PATH)}`);
  });
});

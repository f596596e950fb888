import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { Agent } from '../../../test/helpers/agent.js';
import { makeOrganisation, makeUser, PASSWORD, unique } from '../../../test/helpers/fixtures.js';
import {
  startTestProvider,
  type TestAccount,
  type TestProvider,
} from '../../../test/helpers/oidc-test-provider.js';
import type { Role } from '../../kernel/db/schema.js';

const PUBLIC_URL = 'http://localhost';
const CALLBACK = `${PUBLIC_URL}/sign-in/sso/callback`;

let t: TestApp;
let provider: TestProvider;

beforeAll(async () => {
  provider = await startTestProvider({ redirectUri: CALLBACK });
  t = await createTestApp({ env: { OIDC_ALLOW_HTTP: 'true', PUBLIC_URL } });
});
afterAll(async () => {
  await t.close();
  await provider.close();
});

/** An organisation whose admin has set up single sign-on through the settings page. */
async function ssoOrganisation(defaultRole: Role = 'contributor') {
  const org = await makeOrganisation(t.database.db);
  const admin = await makeUser(t.database.db, org.id, 'admin');
  const domain = `${unique('council')}.gov.uk`;
  const agent = new Agent(t.app);
  await agent.signIn(admin.email, PASSWORD);
  const saved = await agent.post(
    '/admin/settings/sso',
    {
      issuer: provider.issuer,
      client_id: provider.clientId,
      client_secret: provider.clientSecret,
      allowed_domains: domain,
      default_role: defaultRole,
      enabled: 'yes',
    },
    { from: '/admin/settings/sso' },
  );
  expect(saved.statusCode).toBe(303);
  return { org, domain };
}

function person(domain: string, overrides: Partial<TestAccount> = {}): TestAccount {
  const name = unique('person');
  const account = {
    sub: unique('sub'),
    email: `${name}@${domain}`,
    name: `Pat ${name}`,
    ...overrides,
  };
  provider.addAccount(account);
  return account;
}

/** Gives an email to Waymark and returns the provider link from the "Continue" page. */
async function startSso(agent: Agent, email: string): Promise<string> {
  const start = await agent.post('/sign-in/sso', { email }, { from: '/sign-in/sso' });
  expect(start.statusCode).toBe(303);
  expect(start.headers.location).toBe('/sign-in/sso/continue');
  const page = await agent.get('/sign-in/sso/continue');
  expect(page.statusCode).toBe(200);
  const href = /<a href="(http:\/\/127\.0\.0\.1:[^"]+)"[^>]*class="govuk-button/.exec(
    page.body,
  )?.[1];
  expect(href).toBeDefined();
  return href!.replaceAll('&amp;', '&');
}

/** The whole journey: Waymark, the provider's login and consent, back to Waymark's callback. */
async function ssoSignIn(agent: Agent, email: string, tamper?: (callback: URL) => void) {
  const back = await provider.signIn(await startSso(agent, email));
  tamper?.(back);
  return agent.get(`${back.pathname}${back.search}`);
}

async function userByEmail(email: string) {
  return t.database.db
    .selectFrom('users')
    .selectAll()
    .where('email', '=', email)
    .executeTakeFirst();
}

async function auditActions(tenantId: string | null, entityId: string) {
  let query = t.database.db
    .selectFrom('audit_events')
    .select(['action', 'after', 'actor_label'])
    .where('entity_id', '=', entityId);
  query = tenantId ? query.where('tenant_id', '=', tenantId) : query.where('tenant_id', 'is', null);
  return query.orderBy('seq').execute();
}

describe('signing in with single sign-on', () => {
  it('creates the person, their identity and membership on first sign-in, and signs them in', async () => {
    const { org, domain } = await ssoOrganisation('contributor');
    const account = person(domain);
    const agent = new Agent(t.app);
    const res = await ssoSignIn(agent, account.email);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/');
    expect(agent.cookie('waymark_sso')).toBeUndefined();

    // The request to the provider used PKCE (S256), state, nonce and the email as login hint.
    const request = provider.authorisationRequests.at(-1)!;
    expect(request.get('code_challenge_method')).toBe('S256');
    expect(request.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(request.get('state')).toBeTruthy();
    expect(request.get('nonce')).toBeTruthy();
    expect(request.get('login_hint')).toBe(account.email);
    expect(request.get('redirect_uri')).toBe(CALLBACK);

    const user = await userByEmail(account.email);
    expect(user).toMatchObject({ display_name: account.name, password_hash: null });
    const identity = await t.database.db
      .selectFrom('sso_identities')
      .selectAll()
      .where('user_id', '=', user!.id)
      .execute();
    expect(identity).toMatchObject([{ issuer: provider.issuer, subject: account.sub }]);
    const membership = await t.database.db
      .selectFrom('memberships')
      .select(['tenant_id', 'role'])
      .where('user_id', '=', user!.id)
      .execute();
    expect(membership).toEqual([{ tenant_id: org.id, role: 'contributor' }]);

    const orgEvents = await auditActions(org.id, user!.id);
    expect(orgEvents.map((e) => e.action)).toEqual(['sso.user_created', 'membership.created']);
    expect(orgEvents[0]!.after).toMatchObject({
      email: account.email,
      issuer: provider.issuer,
      subject: account.sub,
    });
    expect(orgEvents[1]!.after).toMatchObject({ role: 'contributor' });
    expect(orgEvents[0]!.actor_label).toContain('(single sign-on)');
    expect((await auditActions(null, user!.id)).map((e) => e.action)).toEqual(['user.created']);

    const home = await agent.get('/');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain(org.name);
  });

  it('reuses the identity on the next sign-in, without creating anything new', async () => {
    const { org, domain } = await ssoOrganisation();
    const account = person(domain);
    expect((await ssoSignIn(new Agent(t.app), account.email)).statusCode).toBe(303);
    const user = await userByEmail(account.email);

    const again = new Agent(t.app);
    const res = await ssoSignIn(again, account.email);
    expect(res.statusCode).toBe(303);
    expect((await again.get('/')).statusCode).toBe(200);
    const identities = await t.database.db
      .selectFrom('sso_identities')
      .select('user_id')
      .where('subject', '=', account.sub)
      .execute();
    expect(identities).toEqual([{ user_id: user!.id }]);
    const events = await auditActions(org.id, user!.id);
    expect(events.map((e) => e.action)).toEqual(['sso.user_created', 'membership.created']);
  });

  it('links a person who already has an account here, keeping their role', async () => {
    const { org, domain } = await ssoOrganisation('viewer');
    const existing = await makeUser(t.database.db, org.id, 'editor');
    // Their Waymark email is at the council's domain.
    const email = `${unique('existing')}@${domain}`;
    await t.database.db.updateTable('users').set({ email }).where('id', '=', existing.id).execute();
    const account = person(domain, { email });

    const agent = new Agent(t.app);
    expect((await ssoSignIn(agent, email)).statusCode).toBe(303);
    const identity = await t.database.db
      .selectFrom('sso_identities')
      .select('user_id')
      .where('subject', '=', account.sub)
      .executeTakeFirst();
    expect(identity?.user_id).toBe(existing.id);
    const membership = await t.database.db
      .selectFrom('memberships')
      .select('role')
      .where('user_id', '=', existing.id)
      .execute();
    expect(membership).toEqual([{ role: 'editor' }]);
    const events = await auditActions(org.id, existing.id);
    expect(events.map((e) => e.action)).toEqual(['membership.created', 'sso.identity_linked']);
    expect((await agent.get('/')).body).toContain('Editor');
  });

  it('will not link an account that also belongs to another organisation', async () => {
    const { domain } = await ssoOrganisation();
    const other = await makeOrganisation(t.database.db);
    const existing = await makeUser(t.database.db, other.id, 'admin');
    const email = `${unique('shared')}@${domain}`;
    await t.database.db.updateTable('users').set({ email }).where('id', '=', existing.id).execute();
    const account = person(domain, { email });

    const agent = new Agent(t.app);
    const res = await ssoSignIn(agent, email);
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('belongs to another organisation');
    expect(res.body).toContain('href="/sign-in"');
    const identity = await t.database.db
      .selectFrom('sso_identities')
      .select('user_id')
      .where('subject', '=', account.sub)
      .executeTakeFirst();
    expect(identity).toBeUndefined();
    expect((await agent.get('/')).statusCode).toBe(303);
  });

  it('refuses someone whose email domain is not allowed, creating nobody', async () => {
    const { domain } = await ssoOrganisation();
    const allowed = person(domain);
    const outsider = person('elsewhere.example');
    provider.signInNextAs(outsider);

    const agent = new Agent(t.app);
    const res = await ssoSignIn(agent, allowed.email);
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('You could not be signed in');
    expect(res.body).toContain(`only accepts email addresses ending @${domain}`);
    expect(res.body).toContain('Sign in with your password');
    expect(res.body).not.toMatch(/at .*\.js:\d+/);
    expect(await userByEmail(outsider.email)).toBeUndefined();
    expect((await agent.get('/')).statusCode).toBe(303);
  });

  it('refuses an email the provider says is not verified', async () => {
    const { domain } = await ssoOrganisation();
    const account = person(domain, { email_verified: false });
    const res = await ssoSignIn(new Agent(t.app), account.email);
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('has not been verified');
    expect(await userByEmail(account.email)).toBeUndefined();
  });

  it('refuses a callback whose state has been tampered with', async () => {
    const { domain } = await ssoOrganisation();
    const account = person(domain);
    const agent = new Agent(t.app);
    const res = await ssoSignIn(agent, account.email, (callback) =>
      callback.searchParams.set('state', 'made-up-by-an-attacker'),
    );
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('could not be checked');
    expect(await userByEmail(account.email)).toBeUndefined();
    expect((await agent.get('/')).statusCode).toBe(303);
  });

  it('refuses a callback whose flow cookie has been altered, or is missing', async () => {
    const { domain } = await ssoOrganisation();
    const account = person(domain);
    const agent = new Agent(t.app);
    const back = await provider.signIn(await startSso(agent, account.email));
    const cookie = decodeURIComponent(agent.cookie('waymark_sso')!);
    const dot = cookie.lastIndexOf('.');
    const flow = JSON.parse(cookie.slice(0, dot)) as Record<string, unknown>;
    agent.setCookie(
      'waymark_sso',
      encodeURIComponent(`${JSON.stringify({ ...flow, email: 'x@y.z' })}${cookie.slice(dot)}`),
    );
    const altered = await agent.get(`${back.pathname}${back.search}`);
    expect(altered.statusCode).toBe(400);
    expect(altered.body).toContain('Start again');

    const stranger = new Agent(t.app);
    const missing = await stranger.get(`${back.pathname}${back.search}`);
    expect(missing.statusCode).toBe(400);
    expect(await userByEmail(account.email)).toBeUndefined();
  });

  it('says so when the provider refuses, such as a cancelled sign-in', async () => {
    const { domain } = await ssoOrganisation();
    const account = person(domain);
    const agent = new Agent(t.app);
    await startSso(agent, account.email);
    // The person cancelled at the provider, which sends back an error with the flow's state.
    const cookie = decodeURIComponent(agent.cookie('waymark_sso')!);
    const flow = JSON.parse(cookie.slice(0, cookie.lastIndexOf('.'))) as { state: string };
    const res = await agent.get(
      `/sign-in/sso/callback?error=access_denied&state=${flow.state}&iss=${encodeURIComponent(provider.issuer)}`,
    );
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('cancelled or refused');
  });

  it('tells people whose domain has no single sign-on to use their password', async () => {
    const agent = new Agent(t.app);
    const page = await agent.get('/sign-in/sso');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Work email address');
    const res = await agent.post('/sign-in/sso', { email: 'someone@nowhere-sso.example' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(
      'Single sign-on is not set up for nowhere-sso.example. Sign in with your password instead.',
    );
    expect(res.body).toContain('<title>Error: ');
    expect(res.body).toContain('href="#email"');
    expect(res.body).toContain('href="/sign-in"');
    expect(agent.cookie('waymark_sso')).toBeUndefined();
    const empty = await agent.post('/sign-in/sso', { email: '' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Enter your work email address');
  });

  it('does not offer single sign-on once an admin turns it off', async () => {
    const { org, domain } = await ssoOrganisation();
    await t.database.db
      .updateTable('sso_configs')
      .set({ enabled: false })
      .where('tenant_id', '=', org.id)
      .execute();
    const res = await new Agent(t.app).post('/sign-in/sso', { email: `someone@${domain}` });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(`Single sign-on is not set up for ${domain}`);
  });

  it('needs the flow cookie to show the continue page', async () => {
    const res = await new Agent(t.app).get('/sign-in/sso/continue');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('longer than 10 minutes');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOTP } from 'otpauth';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { Agent } from '../../../test/helpers/agent.js';
import { makeOrganisation, makeUser, PASSWORD } from '../../../test/helpers/fixtures.js';
import { SYSTEM_ACTOR } from '../../kernel/audit/audit.js';
import { hashToken, newSecretToken } from '../../kernel/auth/tokens.js';
import { newId } from '../../kernel/db/ids.js';
import { addMember } from '../organisations/index.js';
import { createUser } from './index.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
}, 60_000);
afterAll(async () => t.close());

/** What the person's authenticator app would show at `timestamp`. */
function codeFor(secret: string, timestamp = Date.now()) {
  return new TOTP({ secret, digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp });
}

function wrongCodeFor(secret: string) {
  const now = Date.now();
  const near = new Set([-30_000, 0, 30_000].map((d) => codeFor(secret, now + d)));
  for (let n = 0; ; n++) {
    const candidate = String(n).padStart(6, '0');
    if (!near.has(candidate)) return candidate;
  }
}

function recoveryCodesIn(html: string): string[] {
  return [...html.matchAll(/<li><code>([a-z0-9-]+)<\/code><\/li>/g)].map((m) => m[1]!);
}

async function auditFor(userId: string, action: string) {
  return t.database.db
    .selectFrom('audit_events')
    .selectAll()
    .where('entity_id', '=', userId)
    .where('action', '=', action)
    .orderBy('seq', 'desc')
    .execute();
}

/** Signs in and sets up two-step verification the way a person would, typing the key by hand. */
async function setUp(agent: Agent) {
  const start = await agent.post('/account/two-factor/start', {}, { from: '/account/two-factor' });
  expect(start.statusCode).toBe(303);
  expect(start.headers.location).toBe('/account/two-factor/set-up');
  const page = await agent.get('/account/two-factor/set-up');
  expect(page.statusCode).toBe(200);
  const secret = /<code id="key"[^>]*>([A-Z2-7 ]+)<\/code>/
    .exec(page.body)![1]!
    .replaceAll(' ', '');
  const done = await agent.post('/account/two-factor/set-up', { code: codeFor(secret) });
  expect(done.statusCode).toBe(200);
  return { secret, codes: recoveryCodesIn(done.body), page: page.body, done: done.body };
}

async function personWithTwoFactor(role: 'editor' | 'viewer' = 'editor') {
  const org = await makeOrganisation(t.database.db);
  const user = await makeUser(t.database.db, org.id, role);
  const agent = new Agent(t.app);
  await agent.signIn(user.email, PASSWORD);
  const { secret, codes } = await setUp(agent);
  return { org, user, secret, codes, agent };
}

/** The password step: leaves the agent with a session that still waits for its code. */
async function passwordStep(email: string, next = '/') {
  const agent = new Agent(t.app);
  const res = await agent.post(
    '/sign-in',
    { email, password: PASSWORD, next },
    { from: '/sign-in' },
  );
  expect(res.statusCode).toBe(303);
  expect(res.headers.location).toBe(`/sign-in/two-factor?next=${encodeURIComponent(next)}`);
  return agent;
}

describe('setting up two-step verification', () => {
  it('shows a QR code with a text alternative and the key as text, then turns on with a right code', async () => {
    const org = await makeOrganisation(t.database.db);
    const user = await makeUser(t.database.db, org.id);
    const agent = new Agent(t.app);
    await agent.signIn(user.email, PASSWORD);

    const intro = await agent.get('/account/two-factor');
    expect(intro.body).toContain('action="/account/two-factor/start"');
    // Nothing to set up before the person asks.
    expect((await agent.get('/account/two-factor/set-up')).headers.location).toBe(
      '/account/two-factor',
    );

    await agent.post('/account/two-factor/start', {}, { from: '/account/two-factor' });
    const page = await agent.get('/account/two-factor/set-up');
    expect(page.body).toMatch(/<svg role="img" aria-label="QR code for setting up two-step/);
    expect(page.body).toContain('<title>QR code for setting up two-step verification');
    const secret = /<code id="key"[^>]*>([A-Z2-7 ]+)<\/code>/
      .exec(page.body)![1]!
      .replaceAll(' ', '');
    expect(secret).toHaveLength(32);
    // Reloading shows the same secret (the person may have scanned it already).
    expect((await agent.get('/account/two-factor/set-up')).body).toContain(
      secret.match(/.{4}/g)!.join(' '),
    );
    const stored = await t.database.db
      .selectFrom('users')
      .select(['totp_secret', 'totp_enabled_at'])
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(stored.totp_secret).not.toContain(secret);
    expect(t.deps.secrets.open(stored.totp_secret!)).toBe(secret);
    expect(stored.totp_enabled_at).toBeNull();

    const empty = await agent.post('/account/two-factor/set-up', { code: '' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Enter the 6-digit code from your authenticator app');
    const wrong = await agent.post('/account/two-factor/set-up', { code: wrongCodeFor(secret) });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('The code is not right');
    expect(wrong.body).toContain('href="#code"');
    expect(wrong.body).toContain('<svg role="img"');

    const done = await agent.post('/account/two-factor/set-up', { code: codeFor(secret) });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('Two-step verification is on');
    expect(done.body).toContain('You will not be shown these codes again');
    const codes = recoveryCodesIn(done.body);
    expect(codes).toHaveLength(10);

    const after = await t.database.db
      .selectFrom('users')
      .select('totp_enabled_at')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(after.totp_enabled_at).not.toBeNull();
    const hashes = await t.database.db
      .selectFrom('recovery_codes')
      .select(['code_hash', 'used_at'])
      .where('user_id', '=', user.id)
      .execute();
    expect(hashes).toHaveLength(10);
    const stored10 = JSON.stringify(hashes);
    for (const c of codes) expect(stored10).not.toContain(c);
    const [event] = await auditFor(user.id, 'user.two_factor_enabled');
    expect(event).toMatchObject({ tenant_id: null, actor_user_id: user.id });
    expect(JSON.stringify(event)).not.toContain(secret);

    // Shown once: the set-up page is gone, and the account page says it is on.
    expect((await agent.get('/account/two-factor/set-up')).statusCode).toBe(303);
    const account = await agent.get('/account');
    expect(account.body).toMatch(/On since [^.]+\. 10 recovery codes left\./);
  });
});

describe('signing in with two-step verification', () => {
  it('asks for a code after the password, and accepts a fresh one (never the same one twice)', async () => {
    const { user, secret } = await personWithTwoFactor();
    const agent = await passwordStep(user.email, '/account');
    // Half signed in is not signed in.
    expect((await agent.get('/')).statusCode).toBe(303);
    const form = await agent.get('/sign-in/two-factor?next=%2Faccount');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Enter your verification code');
    expect(form.body).toContain('autocomplete="one-time-code"');

    // The code used to turn it on a moment ago may not be used again (codes are computed from the
    // time step the server accepted, so the test cannot fail when it straddles a step boundary).
    const { totp_last_counter: used } = await t.database.db
      .selectFrom('users')
      .select('totp_last_counter')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    const step = (counter: number) => codeFor(secret, counter * 30_000 + 1);
    const replay = await agent.post('/sign-in/two-factor', { code: step(used!), next: '/account' });
    expect(replay.statusCode).toBe(400);
    expect(replay.body).toContain('The code is not right');

    const pendingCookie = agent.cookie('waymark_session');
    const ok = await agent.post('/sign-in/two-factor', {
      code: step(used! + 1),
      next: '/account',
    });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/account');
    expect(agent.cookie('waymark_session')).not.toBe(pendingCookie);
    expect((await agent.get('/')).statusCode).toBe(200);
    const sessions = await t.database.db
      .selectFrom('sessions')
      .select('two_factor_pending')
      .where('id', '=', hashToken(pendingCookie!))
      .execute();
    expect(sessions).toHaveLength(0);

    // The same code on another device straight after: refused.
    const thief = await passwordStep(user.email);
    const again = await thief.post('/sign-in/two-factor', { code: step(used! + 1) });
    expect(again.statusCode).toBe(400);
  });

  it('accepts a recovery code once, however it is typed, and counts what is left', async () => {
    const { user, codes } = await personWithTwoFactor();
    const code = codes[3]!;
    const agent = await passwordStep(user.email);
    const res = await agent.post('/sign-in/two-factor', {
      code: ` ${code.toUpperCase().replaceAll('-', ' ')} `,
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/');
    const home = await agent.get('/');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('You signed in with a recovery code');
    expect(home.body).toContain('you have 9 left');
    const used = await t.database.db
      .selectFrom('recovery_codes')
      .select('used_at')
      .where('user_id', '=', user.id)
      .where('used_at', 'is not', null)
      .execute();
    expect(used).toHaveLength(1);
    const [event] = await auditFor(user.id, 'user.recovery_code_used');
    expect(event).toMatchObject({
      tenant_id: null,
      actor_user_id: user.id,
      after: { recovery_codes_left: 9 },
    });

    const second = await passwordStep(user.email);
    const refused = await second.post('/sign-in/two-factor', { code });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('The code is not right');
    expect((await second.get('/')).statusCode).toBe(303);
  });

  it('ends the half-made session after 5 wrong codes and says why on the sign-in page', async () => {
    const { user, secret } = await personWithTwoFactor();
    const agent = await passwordStep(user.email);
    const pending = hashToken(agent.cookie('waymark_session')!);
    const wrong = wrongCodeFor(secret);
    for (let i = 1; i <= 4; i++) {
      const res = await agent.post('/sign-in/two-factor', { code: wrong });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain(`You can try ${5 - i} more`);
    }
    const last = await agent.post('/sign-in/two-factor', { code: 'not-a-code-at-all' });
    expect(last.statusCode).toBe(303);
    expect(last.headers.location).toBe('/sign-in?reason=too-many-codes');
    expect(agent.cookie('waymark_session')).toBeUndefined();
    const page = await agent.get(last.headers.location as string);
    expect(page.body).toContain('You entered a wrong verification code too many times');
    const row = await t.database.db
      .selectFrom('sessions')
      .select('id')
      .where('id', '=', pending)
      .executeTakeFirst();
    expect(row).toBeUndefined();
    // Even a right code now needs the password again.
    const late = await agent.post('/sign-in/two-factor', {
      code: codeFor(secret, Date.now() + 30_000),
    });
    expect(late.statusCode).toBe(303);
    expect(late.headers.location).toBe('/sign-in');
    const [event] = await auditFor(user.id, 'user.two_factor_failed');
    expect(event).toMatchObject({ tenant_id: null, after: { wrong_codes: 5 } });
  });

  it('sends someone with no half-made session to the sign-in page', async () => {
    const agent = new Agent(t.app);
    expect((await agent.get('/sign-in/two-factor')).headers.location).toBe('/sign-in');
    const res = await agent.post('/sign-in/two-factor', { code: '123456' }, { from: '/sign-in' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/sign-in');
  });
});

describe('turning off and making new recovery codes', () => {
  it('turns off only with the right password, and then sign-in asks for no code', async () => {
    const { user, agent } = await personWithTwoFactor();
    const wrong = await agent.post(
      '/account/two-factor/turn-off',
      { password: 'not-the-password-at-all' },
      { from: '/account/two-factor/turn-off' },
    );
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('Your password is not right');
    const ok = await agent.post('/account/two-factor/turn-off', { password: PASSWORD });
    expect(ok.statusCode).toBe(303);
    expect((await agent.get('/account/two-factor')).body).toContain(
      'Two-step verification is off.',
    );
    const row = await t.database.db
      .selectFrom('users')
      .select(['totp_secret', 'totp_enabled_at'])
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ totp_secret: null, totp_enabled_at: null });
    const left = await t.database.db
      .selectFrom('recovery_codes')
      .select('code_hash')
      .where('user_id', '=', user.id)
      .execute();
    expect(left).toHaveLength(0);
    expect(await auditFor(user.id, 'user.two_factor_disabled')).toHaveLength(1);
    const fresh = new Agent(t.app);
    const res = await fresh.signIn(user.email, PASSWORD);
    expect(res.headers.location).toBe('/');
  });

  it('makes new recovery codes after a password check; the old ones stop working', async () => {
    const { user, agent, codes } = await personWithTwoFactor();
    const wrong = await agent.post(
      '/account/two-factor/recovery-codes',
      { password: 'not-the-password-at-all' },
      { from: '/account/two-factor/recovery-codes' },
    );
    expect(wrong.statusCode).toBe(400);
    const res = await agent.post('/account/two-factor/recovery-codes', { password: PASSWORD });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Your new recovery codes');
    const fresh = recoveryCodesIn(res.body);
    expect(fresh).toHaveLength(10);
    expect(fresh).not.toContain(codes[0]);
    expect(await auditFor(user.id, 'user.recovery_codes_replaced')).toHaveLength(1);

    const old = await passwordStep(user.email);
    expect((await old.post('/sign-in/two-factor', { code: codes[0]! })).statusCode).toBe(400);
    const good = await passwordStep(user.email);
    expect((await good.post('/sign-in/two-factor', { code: fresh[0]! })).statusCode).toBe(303);
  });
});

describe('an organisation that requires two-step verification', () => {
  it('sends a person without it to set it up from every page but their account, sign-out and the footer pages', async () => {
    const org = await makeOrganisation(t.database.db);
    await t.database.db
      .updateTable('organisations')
      .set({ require_two_factor: true })
      .where('id', '=', org.id)
      .execute();
    const user = await makeUser(t.database.db, org.id, 'admin');
    const agent = new Agent(t.app);
    await agent.signIn(user.email, PASSWORD);

    for (const url of ['/', '/admin/people', '/admin/settings']) {
      const res = await agent.get(url);
      expect(res.statusCode, url).toBe(303);
      expect(res.headers.location, url).toBe('/account/two-factor');
    }
    const page = await agent.get('/account/two-factor');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`${org.name} requires two-step verification`);
    for (const url of ['/account', '/accessibility', '/privacy']) {
      expect((await agent.get(url)).statusCode, url).toBe(200);
    }

    // API tokens are not affected.
    const token = newSecretToken();
    await t.database.db
      .insertInto('api_tokens')
      .values({
        tenant_id: org.id,
        id: newId(),
        user_id: user.id,
        name: 'Reporting',
        token_hash: hashToken(token),
        token_prefix: token.slice(0, 6),
        scopes: ['read'],
      })
      .execute();
    const api = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(api.statusCode).toBe(200);

    await setUp(agent);
    expect((await agent.get('/')).statusCode).toBe(200);

    const out = await agent.post('/sign-out', {}, { from: '/account' });
    expect(out.statusCode).toBe(303);
  });

  it('lets the person sign out and does not apply to another organisation of theirs', async () => {
    const strict = await makeOrganisation(t.database.db, 'Ashcombe Council');
    const relaxed = await makeOrganisation(t.database.db, 'Yarrowdale District Council');
    await t.database.db
      .updateTable('organisations')
      .set({ require_two_factor: true })
      .where('id', '=', strict.id)
      .execute();
    // Memberships are listed by organisation name, so the strict one is current first.
    const user = await makeUser(t.database.db, strict.id, 'viewer');
    await addMember(t.database.db, SYSTEM_ACTOR, relaxed.id, user.id, 'viewer');
    const agent = new Agent(t.app);
    await agent.signIn(user.email, PASSWORD);
    expect((await agent.get('/')).headers.location).toBe('/account/two-factor');
    const moved = await agent.post(
      '/switch-organisation',
      { organisation: relaxed.id },
      { from: '/account' },
    );
    expect(moved.statusCode).toBe(303);
    expect((await agent.get('/')).statusCode).toBe(200);
    const out = await agent.post('/sign-out', {}, { from: '/account' });
    expect(out.statusCode).toBe(303);
    expect((await agent.get('/account')).statusCode).toBe(303);
  });

  it('does not ask people who sign in only through single sign-on', async () => {
    const org = await makeOrganisation(t.database.db);
    await t.database.db
      .updateTable('organisations')
      .set({ require_two_factor: true })
      .where('id', '=', org.id)
      .execute();
    const user = await createUser(t.database.db, SYSTEM_ACTOR, {
      email: `sso-${newId()}@example.org`,
      displayName: 'Single Sign-on Person',
    });
    await addMember(t.database.db, SYSTEM_ACTOR, org.id, user.id, 'viewer');
    const { token } = await t.deps.sessions.create(user.id, org.id);
    const agent = new Agent(t.app);
    agent.setCookie('waymark_session', token);
    expect((await agent.get('/')).statusCode).toBe(200);
    const page = await agent.get('/account/two-factor');
    expect(page.body).toContain('your organisation’s sign-in service asks for the second step');
    expect(page.body).not.toContain('action="/account/two-factor/start"');
  });
});

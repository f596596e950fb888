import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { Agent } from '../../../test/helpers/agent.js';
import { makeOrganisation, makeUser, PASSWORD } from '../../../test/helpers/fixtures.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { SIGN_IN_ATTEMPTS_BEFORE_LOCK: '3' } });
}, 60_000);
afterAll(async () => t.close());

describe('signing in', () => {
  it('shows the sign-in form to a visitor and sends a signed-out visitor there', async () => {
    const agent = new Agent(t.app);
    const home = await agent.get('/');
    expect(home.statusCode).toBe(303);
    expect(home.headers.location).toBe('/sign-in?next=%2F');
    const page = await agent.get('/sign-in');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Sign in to Waymark');
  });

  it('signs in with the right password and lands on the home page of the organisation', async () => {
    const org = await makeOrganisation(t.database.db);
    const user = await makeUser(t.database.db, org.id, 'editor');
    const agent = new Agent(t.app);
    await agent.signIn(user.email, PASSWORD);
    const home = await agent.get('/');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain(org.name);
    expect(home.body).toContain('Editor');
  });

  it('refuses a wrong password with the same words as an unknown email', async () => {
    const org = await makeOrganisation(t.database.db);
    const user = await makeUser(t.database.db, org.id);
    const agent = new Agent(t.app);
    const wrong = await agent.post('/sign-in', {
      email: user.email,
      password: 'not-the-password-at-all',
    });
    const unknown = await agent.post('/sign-in', {
      email: 'nobody@example.org',
      password: 'not-the-password-at-all',
    });
    expect(wrong.statusCode).toBe(400);
    expect(unknown.statusCode).toBe(400);
    const message = (body: string) =>
      /govuk-error-summary__list">\s*<li>\s*<a[^>]*>([^<]+)</.exec(body)?.[1];
    expect(message(wrong.body)).toBeTruthy();
    expect(message(wrong.body)).toBe(message(unknown.body));
    expect(wrong.body).toContain('<title>Error: ');
  });

  it('says what is missing when the form is empty', async () => {
    const agent = new Agent(t.app);
    const res = await agent.post('/sign-in', { email: '', password: '' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Enter your email address');
    expect(res.body).toContain('Enter your password');
    expect(res.body).toContain('href="#email"');
  });

  it('locks the account after repeated failures, even for the right password, without saying so', async () => {
    const org = await makeOrganisation(t.database.db);
    const user = await makeUser(t.database.db, org.id);
    const agent = new Agent(t.app);
    for (let i = 0; i < 3; i++) {
      expect(
        (await agent.post('/sign-in', { email: user.email, password: 'wrong-password-again' }))
          .statusCode,
      ).toBe(400);
    }
    const row = await t.database.db
      .selectFrom('users')
      .select('locked_until')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(row.locked_until!.getTime()).toBeGreaterThan(Date.now());
    const right = await agent.post('/sign-in', { email: user.email, password: PASSWORD });
    expect(right.statusCode).toBe(400);
    const audit = await t.database.db
      .selectFrom('audit_events')
      .select('action')
      .where('entity_id', '=', user.id)
      .execute();
    expect(audit.map((a) => a.action)).toContain('user.locked');
  });

  it('gives a new session id at sign-in (no fixation) and forgets it at sign-out', async () => {
    const org = await makeOrganisation(t.database.db);
    const user = await makeUser(t.database.db, org.id);
    const agent = new Agent(t.app);
    agent.setCookie('waymark_session', 'chosen-by-an-attacker');
    await agent.signIn(user.email, PASSWORD);
    const first = agent.cookie('waymark_session');
    expect(first).toBeDefined();
    expect(first).not.toBe('chosen-by-an-attacker');
    await agent.signIn(user.email, PASSWORD);
    expect(agent.cookie('waymark_session')).not.toBe(first);
    const out = await agent.post('/sign-out');
    expect(out.statusCode).toBe(303);
    expect((await agent.get('/')).statusCode).toBe(303);
    const stolen = new Agent(t.app);
    stolen.setCookie('waymark_session', first!);
    expect((await stolen.get('/')).statusCode).toBe(303);
  });

  it('refuses a form without its CSRF token', async () => {
    const org = await makeOrganisation(t.database.db);
    const user = await makeUser(t.database.db, org.id);
    const agent = new Agent(t.app);
    await agent.signIn(user.email, PASSWORD);
    const res = await agent.post('/sign-out', {}, { csrf: false });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('Your form could not be sent');
  });

  it('never sends a person to another site after sign-in', async () => {
    const org = await makeOrganisation(t.database.db);
    const user = await makeUser(t.database.db, org.id);
    const agent = new Agent(t.app);
    const res = await agent.post(
      '/sign-in',
      { email: user.email, password: PASSWORD, next: '//evil.example/' },
      { from: '/sign-in' },
    );
    expect(res.headers.location).toBe('/');
  });
});

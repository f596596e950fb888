import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret, TOTP } from 'otpauth';
import {
  MODES,
  START_TIMEOUT,
  JOURNEY_TIMEOUT,
  startHarness,
  type Harness,
  type Session,
} from './harness.js';
import { makeOrganisation, makeUser, PASSWORD, unique } from '../helpers/fixtures.js';

/**
 * An administrator's first day, in a real browser with JavaScript on and off, axe on every
 * page: invite a colleague (who accepts from the mail and lands signed in), create an API token
 * and call the API with it, then find both in the audit trail. And a person turning on
 * two-step verification and signing in with it.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, START_TIMEOUT);
afterAll(async () => h.close(), START_TIMEOUT);

// The audit module words token events "API token created" or spells out "Token created".
const TOKEN_CREATED = /(API )?token created/i;
const INVITATION_LINK = /https?:\/\/\S+\/invitations\/[A-Za-z0-9_-]+/;

describe.each(MODES)('an administrator’s journey (JavaScript %s)', (mode) => {
  let orgName: string;
  let admin: { email: string; display_name: string };
  let adminSession: Session;
  const colleague = { email: `${unique('colleague')}@example.org`, name: 'Morgan Ellis' };
  let tokenName: string;
  let tokenValue: string;

  beforeAll(async () => {
    const org = await makeOrganisation(h.t.database.db);
    orgName = org.name;
    admin = await makeUser(h.t.database.db, org.id, 'admin');
    adminSession = await h.newSession(mode);
    await adminSession.signIn(admin.email, PASSWORD);
  }, START_TIMEOUT);

  it(
    'invites a colleague by email, from the People page',
    { timeout: JOURNEY_TIMEOUT },
    async () => {
      const s = adminSession;
      expect(s.path()).toBe('/');
      await s.followLink('Invite people and manage their roles');
      expect(await s.heading()).toBe('People');
      await s.followLink('Invite someone');
      expect(await s.heading()).toBe('Invite someone');

      // Sending the form empty explains what is missing.
      await s.submit('Send invitation');
      expect(await s.page.title()).toMatch(/^Error: /);
      expect((await s.errorSummary()).length).toBeGreaterThanOrEqual(2);

      await s.fill({ 'Their email address': colleague.email });
      await s.choose('Editor');
      await s.submit('Send invitation');
      expect(s.path()).toBe('/admin/people');
      expect(await s.flash()).toContain(`Invitation sent to ${colleague.email}`);
      expect(await s.mainText()).toContain(colleague.email);
      s.done();
    },
  );

  it(
    'the colleague opens the link from the mail in a fresh browser, creates an account and lands signed in',
    { timeout: JOURNEY_TIMEOUT },
    async () => {
      const mail = await h.smtp.waitFor(colleague.email, /invited to join/);
      expect(mail.subject).toContain(orgName);
      const link = INVITATION_LINK.exec(mail.text)?.[0];
      expect(link, mail.text).toBeDefined();

      const s = await h.newSession(mode);
      await s.goto(link!);
      expect(await s.heading()).toBe(`Join ${orgName} on Waymark`);
      expect(await s.mainText()).toContain(colleague.email);

      // Two different passwords are caught, and say how to fix it.
      await s.fill({
        'Full name': colleague.name,
        'Create a password': 'lantern orchard pebble quay',
        'Type the password again': 'lantern orchard pebble',
      });
      await s.submit('Create account and join');
      expect(await s.page.title()).toMatch(/^Error: /);
      expect(await s.errorSummary()).toHaveLength(1);
      expect(await s.page.getByLabel('Full name', { exact: true }).inputValue()).toBe(
        colleague.name,
      );

      await s.fill({
        'Create a password': 'lantern orchard pebble quay',
        'Type the password again': 'lantern orchard pebble quay',
      });
      await s.submit('Create account and join');
      expect(s.path()).toBe('/');
      expect(await s.flash()).toContain(`You have joined ${orgName}`);
      expect(await s.heading()).toBe(`Welcome, ${colleague.name}`);
      expect(await s.mainText()).toContain('Editor');

      // The link was for one use only.
      const again = await h.newSession(mode);
      const res = await again.goto(link!);
      expect(res?.status()).toBe(410);
      expect(await again.heading()).toBe('This invitation has already been used');
      s.done();
      again.done();
    },
  );

  it(
    'creates an API token on its page, and the API answers to it',
    { timeout: JOURNEY_TIMEOUT },
    async () => {
      const s = adminSession;
      await s.goto('/account/tokens');
      expect(await s.heading()).toBe('Your API tokens');
      await s.followLink('Create an API token');
      tokenName = `Reporting ${mode}`;
      await s.fill({ Name: tokenName });
      await s.tick('Read');
      await s.choose('In 30 days');
      await s.submit('Create token');
      expect(await s.page.title()).toMatch(/^API token created/);
      tokenValue = (await s.page.locator('#token').inputValue()).trim();
      expect(tokenValue.length).toBeGreaterThan(20);

      const me = await fetch(`${h.baseUrl}/api/v1/me`, {
        headers: { authorization: `Bearer ${tokenValue}` },
      });
      expect(me.status).toBe(200);
      const body = (await me.json()) as {
        email: string;
        role: string;
        organisation: { name: string };
        token: { scopes: string[] };
      };
      expect(body.email).toBe(admin.email);
      expect(body.role).toBe('admin');
      expect(body.organisation.name).toBe(orgName);
      expect(body.token.scopes).toEqual(['read']);

      // A read-only token cannot change anything, and no token gets nothing.
      const write = await fetch(`${h.baseUrl}/api/v1/tokens`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokenValue}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Should not exist', scopes: ['read'] }),
      });
      expect(write.status).toBe(403);
      expect((await fetch(`${h.baseUrl}/api/v1/me`)).status).toBe(401);

      await s.followLink('Go to your API tokens');
      expect(await s.mainText()).toContain(tokenName);
      // The token itself is never shown again.
      expect(await s.page.content()).not.toContain(tokenValue);
      s.done();
    },
  );

  it(
    'finds the invitation, the new member and the token in the audit trail',
    { timeout: JOURNEY_TIMEOUT },
    async () => {
      const s = adminSession;
      await s.goto('/');
      await s.followLink('Read the audit trail');
      expect(await s.heading()).toBe('Audit trail');
      const trail = await s.mainText();
      expect(trail).toContain('Invitation sent');
      expect(trail).toContain('Invitation accepted');
      expect(trail).toMatch(TOKEN_CREATED);
      expect(trail).toContain(tokenName);
      expect(trail).toContain(colleague.name);
      expect(await s.page.content()).not.toContain(tokenValue);

      // One event's details, reached from its row.
      await s.followLink(/^Details of event \d+: (API )?token created/i);
      expect(await s.heading()).toMatch(TOKEN_CREATED);
      expect(await s.mainText()).toContain(tokenName);
      expect(await s.page.content()).not.toContain(tokenValue);

      // Filtering by person narrows the trail to what the colleague did.
      await s.goto('/admin/audit');
      await s.page
        .getByLabel('Person', { exact: true })
        .selectOption({ label: `${colleague.name} (${colleague.email})` });
      await s.submit('Apply filters');
      const filtered = await s.mainText();
      expect(filtered).toContain('Invitation accepted');
      expect(filtered).not.toMatch(TOKEN_CREATED);
      s.done();
    },
  );
});

describe.each(MODES)('two-step verification (JavaScript %s)', (mode) => {
  it(
    'is set up with an authenticator code, then asked for at sign-in',
    { timeout: JOURNEY_TIMEOUT },
    async () => {
      const org = await makeOrganisation(h.t.database.db);
      const user = await makeUser(h.t.database.db, org.id, 'contributor');
      const s = await h.newSession(mode);
      await s.signIn(user.email, PASSWORD);
      await s.followLink('Manage your account and two-step verification');
      expect(await s.heading()).toBe('Your account');
      await s.goto('/account/two-factor');
      await s.submit('Set up two-step verification');
      expect(await s.heading()).toBe('Set up two-step verification');

      // What an authenticator app would do with the key shown for people who cannot scan.
      const key = (await s.page.locator('#key').innerText()).replace(/\s+/g, '');
      const totp = new TOTP({ secret: Secret.fromBase32(key), digits: 6, period: 30 });
      await s.fill({ 'Code from the app': '000000' === totp.generate() ? '111111' : '000000' });
      await s.submit('Turn on two-step verification');
      expect(await s.errorSummary()).toHaveLength(1);
      await s.fill({ 'Code from the app': totp.generate() });
      await s.submit('Turn on two-step verification');
      expect(await s.mainText()).toContain('Save your recovery codes');
      const codes = await s.page.locator('ol[aria-label="Recovery codes"] code').allInnerTexts();
      expect(codes.length).toBeGreaterThanOrEqual(8);

      // Signing in again asks for the second step; a recovery code stands in for the app.
      await s.submit('Sign out');
      await s.signIn(user.email, PASSWORD);
      expect(s.path()).toMatch(/^\/sign-in\/two-factor/);
      expect(await s.heading()).toBe('Enter your verification code');
      await s.fill({ 'Enter your verification code': codes[0]! });
      await s.submit('Continue');
      expect(s.path()).toBe('/');
      expect(await s.heading()).toBe('Welcome, Test contributor');

      // With two-step on, its other pages open.
      await s.goto('/account/two-factor');
      await s.followLink('Make new recovery codes');
      await s.goto('/account/two-factor');
      await s.followLink('Turn off two-step verification');
      s.done();
    },
  );
});

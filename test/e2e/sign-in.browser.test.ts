import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODES, START_TIMEOUT, JOURNEY_TIMEOUT, startHarness, type Harness } from './harness.js';
import { makeOrganisation, makeUser, PASSWORD } from '../helpers/fixtures.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, START_TIMEOUT);
afterAll(async () => h.close(), START_TIMEOUT);

describe.each(MODES)('signing in (JavaScript %s)', (mode) => {
  it(
    'sends a visitor to sign in, refuses a wrong password with the error summary, then lets them in',
    { timeout: JOURNEY_TIMEOUT },
    async () => {
      const org = await makeOrganisation(h.t.database.db);
      const user = await makeUser(h.t.database.db, org.id, 'editor');
      const s = await h.newSession(mode);

      await s.goto('/');
      expect(s.path()).toBe('/sign-in?next=%2F');
      expect(await s.heading()).toBe('Sign in to Waymark');

      await s.fill({ 'Email address': user.email, Password: 'not-the-right-password' });
      await s.submit('Sign in');
      expect(await s.page.title()).toMatch(/^Error: Sign in to Waymark/);
      const summary = await s.errorSummary();
      expect(summary).toHaveLength(1);
      expect(summary[0]).toMatch(/email address or password is not right/);
      // The summary's link leads to the field it is about.
      expect(await s.page.locator('.govuk-error-summary__list a').getAttribute('href')).toBe(
        '#email',
      );
      // What was typed is kept, except the password.
      expect(await s.page.getByLabel('Email address', { exact: true }).inputValue()).toBe(
        user.email,
      );
      expect(await s.page.getByLabel('Password', { exact: true }).inputValue()).toBe('');

      await s.fill({ Password: PASSWORD });
      await s.submit('Sign in');
      expect(s.path()).toBe('/');
      expect(await s.heading()).toBe('Welcome, Test editor');
      expect(await s.page.getByRole('banner').innerText()).toContain(org.name);
      s.done();
    },
  );

  it(
    'can be done by keyboard alone: skip link, fields, Enter to send',
    { timeout: JOURNEY_TIMEOUT },
    async () => {
      const org = await makeOrganisation(h.t.database.db);
      const user = await makeUser(h.t.database.db, org.id, 'viewer');
      const s = await h.newSession(mode);
      await s.goto('/sign-in');

      // The first Tab reaches the skip link, and following it moves on into the main content.
      await s.page.keyboard.press('Tab');
      const skip = await s.focused();
      expect(skip).toMatchObject({ tag: 'a', text: 'Skip to main content' });
      await s.page.keyboard.press('Enter');
      await s.tabTo((f) => f.id === 'email');
      expect((await s.focused()).inMain).toBe(true);

      await s.page.keyboard.type(user.email);
      await s.page.keyboard.press('Tab');
      expect((await s.focused()).id).toBe('password');
      await s.page.keyboard.type(PASSWORD);
      await s.pressAndWait('Enter');
      expect(s.path()).toBe('/');
      expect(await s.heading()).toBe('Welcome, Test viewer');

      // Signing out is a button in the header that a keyboard reaches too.
      await s.tabTo((f) => f.text === 'Sign out');
      await s.pressAndWait('Enter');
      expect(s.path()).toBe('/sign-in');
      expect(await s.page.locator('.govuk-notification-banner').innerText()).toContain(
        'You have signed out',
      );
      s.done();
    },
  );
});

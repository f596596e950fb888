import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODES, START_TIMEOUT, JOURNEY_TIMEOUT, startHarness, type Harness } from './harness.js';
import { makeOrganisation, makeUser, PASSWORD, unique } from '../helpers/fixtures.js';
import { startTestProvider, type TestProvider } from '../helpers/oidc-test-provider.js';

/**
 * Single sign-on end to end in a real browser: an administrator sets it up on the settings page,
 * then a colleague signs in through a real OpenID Connect provider and arrives as a new member.
 */

let h: Harness;
let provider: TestProvider;
beforeAll(async () => {
  h = await startHarness({ env: { OIDC_ALLOW_HTTP: 'true' } });
  provider = await startTestProvider({ redirectUri: `${h.baseUrl}/sign-in/sso/callback` });
}, START_TIMEOUT);
afterAll(async () => {
  await provider.close();
  await h.close();
}, START_TIMEOUT);

describe.each(MODES)('single sign-on (JavaScript %s)', (mode) => {
  it(
    'is set up by an administrator, and signs a colleague in as a new member',
    { timeout: JOURNEY_TIMEOUT },
    async () => {
      const org = await makeOrganisation(h.t.database.db);
      const admin = await makeUser(h.t.database.db, org.id, 'admin');
      const domain = `${unique('council')}.gov.uk`;

      const s = await h.newSession(mode);
      await s.signIn(admin.email, PASSWORD);
      await s.goto('/admin/settings/sso');
      await s.fill({
        'Issuer URL': provider.issuer,
        'Client ID': provider.clientId,
        'Client secret': provider.clientSecret,
        'Allowed email domains': domain,
      });
      await s.choose('Contributor');
      await s.choose('Yes');
      await s.submit('Save single sign-on settings');
      expect(s.path()).toBe('/admin/settings/sso');
      expect(await s.flash()).toContain('Single sign-on settings saved');
      // The secret is never shown back.
      expect(await s.page.content()).not.toContain(provider.clientSecret);
      s.done();

      const colleague = {
        sub: unique('sub'),
        email: `${unique('pat')}@${domain}`,
        name: 'Pat Okonjo',
      };
      provider.addAccount(colleague);
      const c = await h.newSession(mode);
      await c.goto('/sign-in');
      await c.followLink('sign in with your work account');
      await c.fill({ 'Work email address': colleague.email });
      await c.submit('Continue');
      expect(c.path()).toBe('/sign-in/sso/continue');
      expect(await c.mainText()).toContain(org.name);

      // Off to the provider and back: only Waymark's pages are ours to check.
      const host = new URL(provider.issuer).host;
      await Promise.all([
        c.page.waitForURL((url) => url.origin === h.baseUrl && url.pathname === '/'),
        c.page.getByText(`Continue to ${host}`).click(),
      ]);
      await c.arrived();
      expect(await c.heading()).toBe(`Welcome, ${colleague.name}`);
      expect(await c.mainText()).toContain('Contributor');

      const member = await h.t.database.db
        .selectFrom('memberships as m')
        .innerJoin('users as u', 'u.id', 'm.user_id')
        .select(['m.role', 'u.email'])
        .where('m.tenant_id', '=', org.id)
        .where('u.email', '=', colleague.email)
        .executeTakeFirst();
      expect(member).toEqual({ role: 'contributor', email: colleague.email });
      c.done();
    },
  );
});

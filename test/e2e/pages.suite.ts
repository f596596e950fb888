import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  START_TIMEOUT,
  JOURNEY_TIMEOUT,
  startHarness,
  type Harness,
  type Mode,
  type Session,
} from './harness.js';
import { makeOrganisation, makeUser, PASSWORD } from '../helpers/fixtures.js';
import { addMember } from '../../src/modules/organisations/index.js';
import { SYSTEM_ACTOR } from '../../src/kernel/audit/audit.js';
import { newSecretToken } from '../../src/kernel/auth/tokens.js';
import { insertApiToken } from '../security/support.js';

/**
 * axe over every page of the foundation, with JavaScript on and off, in the states people meet
 * them: empty, filled, with errors, as the wrong role. The last test checks that no page in the
 * route table was left out.
 */

/**
 * The suite runs once per mode, each in its own test file (pages-js, pages-no-js), so the two
 * run side by side: this is the longest browser suite.
 */
export function pagesSuite(modes: Mode[]): void {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  }, START_TIMEOUT);
  afterAll(async () => h.close(), START_TIMEOUT);

  /** Every path axe has passed, across both modes. */
  const visited = new Set<string>();

  /** Goes to a page, expects its status and a level-1 heading, and remembers the visit. */
  async function visit(s: Session, path: string, status = 200, heading?: string | RegExp) {
    const res = await s.goto(path);
    expect(res?.status(), path).toBe(status);
    const h1 = await s.heading();
    expect(h1.length, `${path} has a heading`).toBeGreaterThan(0);
    if (heading) expect(h1, path).toMatch(heading);
    visited.add(new URL(s.page.url()).pathname);
  }

  /** Sends a form as it is and expects the GOV.UK error summary (which axe then checks). */
  async function submitEmpty(s: Session, button: string) {
    await s.submit(button);
    expect(await s.page.title()).toMatch(/^Error: /);
    expect((await s.errorSummary()).length).toBeGreaterThan(0);
    visited.add(new URL(s.page.url()).pathname);
  }

  describe.each(modes)('every page passes axe (JavaScript %s)', (mode) => {
    let admin: { email: string; id: string };
    let viewer: { email: string; id: string; display_name: string };
    let eventId: string;
    let record: { type: string; id: string };
    let orgName: string;

    beforeAll(async () => {
      const { db } = h.t.database;
      const org = await makeOrganisation(db);
      const other = await makeOrganisation(db);
      const a = await makeUser(db, org.id, 'admin');
      // A member of two organisations, so the switch page has a choice to offer.
      await addMember(db, SYSTEM_ACTOR, other.id, a.id, 'viewer');
      viewer = await makeUser(db, org.id, 'viewer');
      admin = { email: a.email, id: a.id };
      await insertApiToken(db, org.id, a.id, ['read']);
      const event = await db
        .selectFrom('audit_events')
        .select(['id', 'entity_type', 'entity_id'])
        .where('tenant_id', '=', org.id)
        .where('entity_id', 'is not', null)
        .orderBy('seq', 'desc')
        .executeTakeFirstOrThrow();
      eventId = event.id;
      record = { type: event.entity_type, id: event.entity_id! };
      orgName = org.name;
    }, START_TIMEOUT);

    it('pages open to everyone', { timeout: JOURNEY_TIMEOUT }, async () => {
      const s = await h.newSession(mode);
      await visit(s, '/sign-in', 200, 'Sign in to Waymark');
      await submitEmpty(s, 'Sign in');
      await visit(s, '/accessibility', 200, 'Accessibility statement');
      await visit(s, '/privacy', 200, 'Privacy notice');
      await visit(s, '/api/docs', 200, 'Waymark API');
      await visit(s, '/no-such-page', 404, 'Page not found');
      await visit(s, `/invitations/${newSecretToken()}`, 404);
      await visit(s, `/reset-password/${newSecretToken()}`, 404, /does not work/);
      await visit(s, '/sign-in/sso');
      await submitEmpty(s, 'Continue');
      // Without a sign-in under way, these explain that it has expired.
      for (const path of ['/sign-in/sso/continue', '/sign-in/sso/callback']) {
        const res = await s.goto(path);
        expect(res?.status(), path).toBeLessThan(500);
        visited.add(path);
      }
      s.done();
    });

    it('password reset, from the mail', { timeout: JOURNEY_TIMEOUT }, async () => {
      const org = await makeOrganisation(h.t.database.db);
      const person = await makeUser(h.t.database.db, org.id, 'editor');
      const s = await h.newSession(mode);
      await visit(s, '/forgot-password', 200, 'Reset your password');
      await submitEmpty(s, 'Send the link');
      await s.fill({ 'Email address': person.email });
      await s.submit('Send the link');
      expect(await s.heading()).toBe('Check your email');
      visited.add(new URL(s.page.url()).pathname);
      const mail = await h.smtp.waitFor(person.email, /password/i);
      const link = /https?:\/\/\S+\/reset-password\/[A-Za-z0-9_-]+/.exec(mail.text)?.[0];
      expect(link, mail.text).toBeDefined();
      await visit(s, new URL(link!).pathname, 200, 'Choose a new password');
      await submitEmpty(s, 'Change password');
      s.done();
    });

    /** The administrator, signed in and working in their own organisation. */
    async function adminSession(): Promise<Session> {
      const s = await h.newSession(mode);
      await s.signIn(admin.email, PASSWORD);
      await visit(s, '/switch-organisation', 200, /organisation/);
      await s.choose(orgName);
      await s.submit('Continue');
      expect(await s.flash()).toContain(`You are now working in ${orgName}`);
      return s;
    }

    it('an administrator’s own account pages', { timeout: JOURNEY_TIMEOUT }, async () => {
      const s = await adminSession();
      await visit(s, '/', 200, /^Welcome, /);
      await visit(s, '/account', 200, 'Your account');
      await visit(s, '/account/name', 200, 'What is your name?');
      await visit(s, '/account/password', 200, 'Change your password');
      await submitEmpty(s, 'Change password');
      await visit(s, '/account/two-factor', 200, 'Two-step verification');
      await s.submit('Set up two-step verification');
      expect(await s.heading()).toBe('Set up two-step verification');
      visited.add(new URL(s.page.url()).pathname);
      await submitEmpty(s, 'Turn on two-step verification');
      await visit(s, '/account/tokens', 200, 'Your API tokens');
      await visit(s, '/account/tokens/new', 200, 'Create an API token');
      await submitEmpty(s, 'Create token');
      s.done();
    });

    it('an administrator’s people and settings pages', { timeout: JOURNEY_TIMEOUT }, async () => {
      const s = await adminSession();
      await visit(s, '/admin/people', 200, 'People');
      await visit(s, '/admin/people/invite', 200, 'Invite someone');
      await submitEmpty(s, 'Send invitation');
      await visit(s, `/admin/people/${viewer.id}/role`, 200, /Change the role/);
      await visit(s, `/admin/people/${viewer.id}/remove`, 200, /^Remove /);
      await visit(s, `/admin/people/${randomUUID()}/role`, 404);
      await visit(s, '/admin/settings', 200, 'Organisation settings');
      await visit(s, '/admin/settings/sso');
      await submitEmpty(s, 'Save single sign-on settings');
      s.done();
    });

    it(
      'an administrator’s tokens, audit and error pages',
      { timeout: JOURNEY_TIMEOUT },
      async () => {
        const s = await adminSession();
        await visit(s, '/admin/tokens', 200, 'API tokens');
        await visit(s, '/admin/audit', 200, 'Audit trail');
        await visit(s, `/admin/audit/${eventId}`, 200, /^Event #\d+/);
        await visit(
          s,
          `/admin/audit/records/${record.type}/${record.id}`,
          200,
          'History of this record',
        );
        await visit(s, '/api/docs', 200, 'Waymark API');
        await visit(s, '/no-such-page', 404, 'Page not found');
        s.done();
      },
    );

    it(
      'what a viewer meets: "no permission" for administrators’ pages',
      { timeout: JOURNEY_TIMEOUT },
      async () => {
        const s = await h.newSession(mode);
        await s.signIn(viewer.email, PASSWORD);
        await visit(s, '/', 200, `Welcome, ${viewer.display_name}`);
        await visit(s, '/admin/people', 403, 'You do not have permission');
        await visit(s, '/admin/audit', 403, 'You do not have permission');
        await visit(s, '/account/tokens', 200, 'Your API tokens');
        s.done();
      },
    );
  });

  /** Routes that are not pages, or whose pages another browser test visits. */
  const NOT_HERE: Record<string, string> = {
    '/health/live': 'JSON for load balancers',
    '/health/ready': 'JSON for load balancers',
    '/metrics': 'Prometheus text',
    '/api/openapi.json': 'JSON document',
    '/admin/audit.csv': 'CSV download',
    '/assets/govuk-frontend.min.js': 'script',
    '/account/two-factor/turn-off': 'journeys.browser.test.ts (two-step verification)',
    '/account/two-factor/recovery-codes': 'journeys.browser.test.ts (two-step verification)',
    '/sign-in/two-factor': 'journeys.browser.test.ts (two-step verification)',
  };

  /**
   * The foundation's pages live under these paths. Later capabilities (strategy, governance …)
   * bring their own journeys, each with a check like this one for its own pages.
   */
  const FOUNDATION = [
    /^\/$/,
    /^\/(sign-in|sign-out|forgot-password|reset-password|invitations|switch-organisation)\b/,
    /^\/(account|admin\/(people|settings|tokens|audit))\b/,
    /^\/(accessibility|privacy|api\/docs|api\/openapi\.json|health|metrics|assets)\b/,
  ];

  describe('coverage', () => {
    it('visited every page of the foundation in the route table', () => {
      const pages = h.t.app.routeTable.filter(
        (r) =>
          r.method === 'GET' &&
          FOUNDATION.some((p) => p.test(r.url)) &&
          !r.url.startsWith('/api/v1') &&
          !(r.url in NOT_HERE),
      );
      expect(pages.length).toBeGreaterThan(25);
      const missed = pages
        .map((r) => r.url)
        .filter((url) => {
          const pattern = new RegExp(`^${url.replace(/:[A-Za-z_]+/g, '[^/]+')}$`);
          return ![...visited].some((path) => pattern.test(path));
        });
      expect(missed).toEqual([]);
    });
  });
}

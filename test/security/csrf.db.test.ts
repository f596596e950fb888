import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { Agent, csrfFrom } from '../helpers/agent.js';
import { makeOrganisation, makeUser, PASSWORD } from '../helpers/fixtures.js';
import type { RouteEntry } from '../../src/kernel/http/context.js';
import { concreteUrl } from './support.js';

/**
 * Every form post must carry the CSRF token of the browser's own session. The API takes no
 * cookies (bearer tokens only), so it is the one place without CSRF tokens.
 */

let t: TestApp;
let posts: RouteEntry[];
let admin: { email: string; id: string; tenantId: string };

beforeAll(async () => {
  t = await createTestApp();
  posts = t.app.routeTable.filter((r) => r.method === 'POST' && !r.url.startsWith('/api/'));
  const org = await makeOrganisation(t.database.db);
  const user = await makeUser(t.database.db, org.id, 'admin');
  admin = { email: user.email, id: user.id, tenantId: org.id };
}, 120_000);
afterAll(async () => t.close(), 60_000);

const REFUSED = 'Your form could not be sent';

async function signedInAdmin() {
  const agent = new Agent(t.app);
  await agent.signIn(admin.email, PASSWORD);
  return agent;
}

describe('CSRF protection', () => {
  it('covers a good number of forms', () => {
    expect(posts.length).toBeGreaterThan(10);
  });

  it('refuses every form post without a token, signed in as an administrator', async () => {
    const agent = await signedInAdmin();
    const wrong: string[] = [];
    for (const route of posts) {
      // A fresh page first, so the browser holds a CSRF cookie: only the token is missing.
      await agent.get('/');
      const res = await agent.post(concreteUrl(route.url), {}, { csrf: false });
      if (res.statusCode !== 403 || !res.body.includes(REFUSED)) {
        wrong.push(`POST ${route.url}: ${res.statusCode}`);
      }
    }
    expect(wrong).toEqual([]);
    // The refusals changed nothing: the administrator is still signed in.
    expect((await agent.get('/')).statusCode).toBe(200);
  });

  it('refuses a token that belongs to another browser', async () => {
    const mine = await signedInAdmin();
    const theirs = new Agent(t.app);
    const theirToken = csrfFrom((await theirs.get('/sign-in')).body);
    expect(theirToken).toBeTruthy();
    const res = await t.app.inject({
      method: 'POST',
      url: '/account/sign-out-everywhere',
      headers: {
        cookie: mine.cookieHeader(),
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: new URLSearchParams({ _csrf: theirToken! }).toString(),
    });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain(REFUSED);
    expect(await t.deps.sessions.countFor(admin.id)).toBeGreaterThan(0);
  });

  it('refuses a made-up token, and accepts the real one', async () => {
    const agent = await signedInAdmin();
    const forged = await t.app.inject({
      method: 'POST',
      url: '/sign-out',
      headers: {
        cookie: agent.cookieHeader(),
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: '_csrf=not-a-real-token',
    });
    expect(forged.statusCode).toBe(403);
    expect((await agent.get('/')).statusCode).toBe(200);
    const real = await agent.post('/sign-out', {}, { from: '/' });
    expect(real.statusCode).toBe(303);
    expect((await agent.get('/')).statusCode).toBe(303);
  });

  it('refuses a sign-in without a token, so nobody can be signed in by another site', async () => {
    const visitor = new Agent(t.app);
    await visitor.get('/sign-in');
    const res = await visitor.post(
      '/sign-in',
      { email: admin.email, password: PASSWORD },
      { csrf: false },
    );
    expect(res.statusCode).toBe(403);
    expect(visitor.cookie('waymark_session')).toBeUndefined();
  });
});

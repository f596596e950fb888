import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { Agent } from '../helpers/agent.js';
import { makeOrganisation, makeUser, PASSWORD } from '../helpers/fixtures.js';
import { hashToken } from '../../src/kernel/auth/tokens.js';

/**
 * Sessions live in the database, so any Waymark process behind a load balancer can serve any
 * signed-in person; and they end on their own, after a quiet spell or a fixed time.
 */

const IDLE_MINUTES = 20;
const ABSOLUTE_HOURS = 2;
const env = {
  SESSION_IDLE_MINUTES: String(IDLE_MINUTES),
  SESSION_ABSOLUTE_HOURS: String(ABSOLUTE_HOURS),
};

let first: TestApp;
let second: TestApp;
beforeAll(async () => {
  first = await createTestApp({ env });
  // A second "process": its own app, pool and memory, the same database.
  second = await createTestApp({ env, database: first.database });
}, 120_000);
afterAll(async () => {
  await second.close();
  await first.close();
}, 60_000);

async function signedInPerson() {
  const { db } = first.database;
  const org = await makeOrganisation(db);
  const user = await makeUser(db, org.id, 'editor');
  const agent = new Agent(first.app);
  await agent.signIn(user.email, PASSWORD);
  const token = agent.cookie('waymark_session')!;
  return { user, org, agent, token, sessionId: hashToken(token) };
}

/** A browser with only the given session cookie, talking to the given app. */
function browserOn(t: TestApp, token: string) {
  const agent = new Agent(t.app);
  agent.setCookie('waymark_session', token);
  return agent;
}

async function sessionRow(id: string) {
  return first.database.db
    .selectFrom('sessions')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
}

async function moveBack(id: string, column: 'last_seen_at' | 'expires_at', minutes: number) {
  const row = await sessionRow(id);
  await first.database.db
    .updateTable('sessions')
    .set({ [column]: new Date(row![column].getTime() - minutes * 60_000) })
    .where('id', '=', id)
    .execute();
}

describe('sessions shared between processes', () => {
  it('a session made on one app works on a second app on the same database', async () => {
    const { user, org, token } = await signedInPerson();
    const home = await browserOn(second, token).get('/');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain(user.display_name);
    expect(home.body).toContain(org.name);
  });

  it('signing out on the second app ends the session on the first', async () => {
    const { token, sessionId } = await signedInPerson();
    const onSecond = browserOn(second, token);
    const out = await onSecond.post('/sign-out', {}, { from: '/' });
    expect(out.statusCode).toBe(303);
    expect(await sessionRow(sessionId)).toBeUndefined();
    const back = await browserOn(first, token).get('/');
    expect(back.statusCode).toBe(303);
    expect(back.headers.location).toBe('/sign-in?next=%2F');
  });

  it('the database holds a hash of the cookie, never the cookie itself', async () => {
    const { token, sessionId, user } = await signedInPerson();
    const rows = await first.database.db
      .selectFrom('sessions')
      .select('id')
      .where('user_id', '=', user.id)
      .execute();
    expect(rows.map((r) => r.id)).toEqual([sessionId]);
    expect(sessionId).not.toBe(token);
  });
});

describe('idle time-out', () => {
  it('keeps a session that has been used within SESSION_IDLE_MINUTES, and notes the use', async () => {
    const { token, sessionId } = await signedInPerson();
    await moveBack(sessionId, 'last_seen_at', IDLE_MINUTES - 2);
    const before = (await sessionRow(sessionId))!.last_seen_at;
    const res = await browserOn(second, token).get('/');
    expect(res.statusCode).toBe(200);
    const after = (await sessionRow(sessionId))!.last_seen_at;
    expect(after.getTime()).toBeGreaterThan(before.getTime());
  });

  it('ends a session left unused for longer, and forgets it', async () => {
    const { token, sessionId } = await signedInPerson();
    await moveBack(sessionId, 'last_seen_at', IDLE_MINUTES + 1);
    const res = await browserOn(first, token).get('/');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/sign-in?next=%2F');
    // The dead cookie is cleared and the row removed.
    expect(String(res.headers['set-cookie'])).toMatch(/waymark_session=;/);
    expect(await sessionRow(sessionId)).toBeUndefined();
  });
});

describe('absolute time-out', () => {
  it('sets each session to end SESSION_ABSOLUTE_HOURS after sign-in', async () => {
    const { sessionId } = await signedInPerson();
    const row = (await sessionRow(sessionId))!;
    const lifetime = row.expires_at.getTime() - row.created_at.getTime();
    expect(Math.abs(lifetime - ABSOLUTE_HOURS * 3_600_000)).toBeLessThan(5_000);
  });

  it('ends a session at that time even if it is in constant use', async () => {
    const { token, sessionId } = await signedInPerson();
    // Used a moment ago, but its absolute end has passed.
    await moveBack(sessionId, 'expires_at', ABSOLUTE_HOURS * 60 + 1);
    const res = await browserOn(second, token).get('/');
    expect(res.statusCode).toBe(303);
    expect(await sessionRow(sessionId)).toBeUndefined();
  });

  it('is not extended by use', async () => {
    const { token, sessionId } = await signedInPerson();
    const before = (await sessionRow(sessionId))!.expires_at;
    await moveBack(sessionId, 'last_seen_at', 5);
    expect((await browserOn(first, token).get('/')).statusCode).toBe(200);
    expect((await sessionRow(sessionId))!.expires_at).toEqual(before);
  });
});

describe('sign out everywhere', () => {
  it('ends every session of the person, on every process', async () => {
    const { user, agent, token } = await signedInPerson();
    const laptop = new Agent(second.app);
    await laptop.signIn(user.email, PASSWORD);
    expect(await first.deps.sessions.countFor(user.id)).toBe(2);
    const res = await agent.post('/account/sign-out-everywhere', {}, { from: '/account' });
    expect(res.statusCode).toBe(303);
    expect(await first.deps.sessions.countFor(user.id)).toBe(0);
    expect((await laptop.get('/')).statusCode).toBe(303);
    expect((await browserOn(second, token).get('/')).statusCode).toBe(303);
  });
});

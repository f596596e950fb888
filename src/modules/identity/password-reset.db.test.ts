import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { Agent } from '../../../test/helpers/agent.js';
import { makeOrganisation, makeUser, PASSWORD } from '../../../test/helpers/fixtures.js';
import { startTestSmtp, type TestSmtp } from '../../../test/helpers/smtp.js';
import { hashToken } from '../../kernel/auth/tokens.js';

const NEW_PASSWORD = 'lantern-orchard-velvet-27';

let t: TestApp;
let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await startTestSmtp();
  t = await createTestApp({ env: { SMTP_URL: smtp.url, SIGN_IN_ATTEMPTS_BEFORE_LOCK: '3' } });
}, 60_000);
afterAll(async () => {
  await t.close();
  await smtp.close();
});

async function askForLink(email: string) {
  const agent = new Agent(t.app);
  const res = await agent.post('/forgot-password', { email }, { from: '/forgot-password' });
  expect(res.statusCode).toBe(303);
  expect(res.headers.location).toBe('/forgot-password/sent');
  const sent = await agent.get('/forgot-password/sent');
  expect(sent.body).toContain('If an account exists for that address, we have sent a link');
  return sent.body;
}

async function linkFromMail(email: string): Promise<string> {
  const mail = await smtp.waitFor(email, /Reset your Waymark password/);
  const match = /https?:\/\/[^\s/]+(\/reset-password\/[A-Za-z0-9_-]+)/.exec(mail.text);
  expect(match).not.toBeNull();
  return match![1]!;
}

async function auditActions(userId: string) {
  const rows = await t.database.db
    .selectFrom('audit_events')
    .select(['action', 'tenant_id', 'actor_user_id', 'after'])
    .where('entity_id', '=', userId)
    .orderBy('seq')
    .execute();
  return rows;
}

describe('forgotten password', () => {
  it('mails a link that works once, sets the password, lifts a lock-out and ends every session', async () => {
    const org = await makeOrganisation(t.database.db);
    const user = await makeUser(t.database.db, org.id, 'editor');
    // A session elsewhere that must end, and a lock-out that must be lifted.
    const elsewhere = new Agent(t.app, '10.0.0.2');
    await elsewhere.signIn(user.email, PASSWORD);
    expect((await elsewhere.get('/')).statusCode).toBe(200);
    await t.database.db
      .updateTable('users')
      .set({ failed_sign_ins: 2, locked_until: new Date(Date.now() + 600_000) })
      .where('id', '=', user.id)
      .execute();

    const page = await askForLink(user.email.toUpperCase());
    expect(page).toContain('Check your email');
    const link = await linkFromMail(user.email);

    const stored = await t.database.db
      .selectFrom('password_resets')
      .selectAll()
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(stored.token_hash).toBe(hashToken(link.split('/').pop()!));
    const minutes = (stored.expires_at.getTime() - stored.created_at.getTime()) / 60_000;
    expect(minutes).toBe(60);

    const agent = new Agent(t.app);
    const form = await agent.get(link);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Choose a new password');
    expect(form.body).toContain(user.email);

    const tooShort = await agent.post(link, { password: 'short', confirm: 'short' });
    expect(tooShort.statusCode).toBe(400);
    expect(tooShort.body).toContain('Password must be 12 characters or more');
    expect(tooShort.body).toContain('href="#password"');
    const mismatch = await agent.post(link, {
      password: NEW_PASSWORD,
      confirm: `${NEW_PASSWORD}x`,
    });
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.body).toContain('The passwords do not match');
    expect(mismatch.body).toContain('href="#confirm"');

    const done = await agent.post(link, { password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/sign-in');
    expect((await agent.get('/sign-in')).body).toContain('Your password has been changed');

    const row = await t.database.db
      .selectFrom('users')
      .select(['failed_sign_ins', 'locked_until'])
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ failed_sign_ins: 0, locked_until: null });
    const used = await t.database.db
      .selectFrom('password_resets')
      .select('used_at')
      .where('token_hash', '=', stored.token_hash)
      .executeTakeFirstOrThrow();
    expect(used.used_at).not.toBeNull();
    const sessions = await t.database.db
      .selectFrom('sessions')
      .select('id')
      .where('user_id', '=', user.id)
      .execute();
    expect(sessions).toHaveLength(0);
    expect((await elsewhere.get('/')).statusCode).toBe(303);

    // The old password no longer works; the new one does.
    const old = await new Agent(t.app).post('/sign-in', { email: user.email, password: PASSWORD });
    expect(old.statusCode).toBe(400);
    await new Agent(t.app).signIn(user.email, NEW_PASSWORD);

    // Once only.
    const again = await new Agent(t.app).get(link);
    expect(again.statusCode).toBe(404);
    expect(again.body).toContain('This link to reset your password does not work');
    expect(again.body).toContain('href="/forgot-password"');
    const reuse = await agent.post(
      link,
      { password: 'another-fine-passphrase', confirm: 'another-fine-passphrase' },
      { from: '/forgot-password' },
    );
    expect(reuse.statusCode).toBe(404);

    const audit = await auditActions(user.id);
    const reset = audit.find((a) => a.action === 'user.password_reset');
    expect(reset).toBeDefined();
    expect(reset!.tenant_id).toBeNull();
    expect(reset!.actor_user_id).toBe(user.id);
    expect(reset!.after).toEqual({ sessions_ended: 1 });
    expect(audit.map((a) => a.action)).toContain('user.password_reset_requested');
  });

  it('gives the same answer for an unknown address and sends no mail', async () => {
    const before = smtp.messages.length;
    const unknown = await askForLink('nobody-at-all@example.org');
    const org = await makeOrganisation(t.database.db);
    const user = await makeUser(t.database.db, org.id);
    const known = await askForLink(user.email);
    const main = (html: string) => /<main[\s\S]*<\/main>/.exec(html)![0];
    expect(main(unknown)).toBe(main(known));
    await smtp.waitFor(user.email, /Reset your Waymark password/);
    await new Promise((r) => setTimeout(r, 200));
    expect(
      smtp.messages
        .slice(before)
        .map((m) => m.to)
        .flat(),
    ).toEqual([user.email]);
  });

  it('asks for an email address in the right format', async () => {
    const agent = new Agent(t.app);
    const res = await agent.post(
      '/forgot-password',
      { email: 'not-an-address' },
      { from: '/forgot-password' },
    );
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('<title>Error: ');
    expect(res.body).toContain('Enter an email address in the correct format');
  });

  it('refuses an expired link and an unknown one with a way to ask again', async () => {
    const org = await makeOrganisation(t.database.db);
    const user = await makeUser(t.database.db, org.id);
    await askForLink(user.email);
    const link = await linkFromMail(user.email);
    await t.database.db
      .updateTable('password_resets')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('token_hash', '=', hashToken(link.split('/').pop()!))
      .execute();
    const agent = new Agent(t.app);
    const expired = await agent.get(link);
    expect(expired.statusCode).toBe(404);
    expect(expired.body).toContain('Ask for a new link');
    const post = await agent.post(
      link,
      { password: NEW_PASSWORD, confirm: NEW_PASSWORD },
      { from: '/forgot-password' },
    );
    expect(post.statusCode).toBe(404);
    const row = await t.database.db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toBe(user.password_hash);
    const unknown = await agent.get('/reset-password/made-up-token');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('This link to reset your password does not work');
  });

  it('limits how often the form can be sent from one address', async () => {
    const limited = await createTestApp({
      database: t.database,
      env: { SMTP_URL: smtp.url, SIGN_IN_RATE_LIMIT_PER_MINUTE: '2' },
    });
    try {
      const agent = new Agent(limited.app, '10.9.9.9');
      const codes: number[] = [];
      let last = '';
      for (let i = 0; i < 3; i++) {
        const res = await agent.post(
          '/forgot-password',
          { email: 'someone@example.org' },
          { from: '/forgot-password' },
        );
        codes.push(res.statusCode);
        last = res.body;
      }
      expect(codes).toEqual([303, 303, 429]);
      expect(last).toContain('Too many requests');
    } finally {
      await limited.close();
    }
  });
});

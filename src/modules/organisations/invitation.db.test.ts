import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { Agent } from '../../../test/helpers/agent.js';
import { makeOrganisation, makeUser, PASSWORD, unique } from '../../../test/helpers/fixtures.js';
import { startTestSmtp, type TestSmtp } from '../../../test/helpers/smtp.js';
import { auditEvents, errorSummary, membershipRole, tokenFrom } from './test-support.js';

let t: TestApp;
let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await startTestSmtp();
  t = await createTestApp({ env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://waymark.example' } });
}, 60_000);
afterAll(async () => {
  await t.close();
  await smtp.close();
});

/** An organisation with a signed-in admin. */
async function adminOf() {
  const org = await makeOrganisation(t.database.db);
  const admin = await makeUser(t.database.db, org.id, 'admin');
  const agent = new Agent(t.app);
  await agent.signIn(admin.email, PASSWORD);
  return { org, admin, agent };
}

/** Invites an address by the form and returns the token from the mail that arrives. */
async function inviteByMail(agent: Agent, email: string, role = 'editor') {
  const res = await agent.post(
    '/admin/people/invite',
    { email, role },
    { from: '/admin/people/invite' },
  );
  expect(res.statusCode).toBe(303);
  expect(res.headers.location).toBe('/admin/people');
  const mail = await smtp.waitFor(email, /invited to join/);
  return { mail, token: tokenFrom(mail.text) };
}

describe('inviting someone new by email', () => {
  it('mails a link; a fresh browser creates the account, is signed in and is a member with that role', async () => {
    const { org, admin, agent } = await adminOf();
    const email = `${unique('new')}@example.org`;
    const { mail, token } = await inviteByMail(agent, email, 'contributor');

    // The mail names the organisation, the role and the expiry, and links to PUBLIC_URL.
    expect(mail.subject).toBe(`You have been invited to join ${org.name} on Waymark`);
    expect(mail.text).toContain(`https://waymark.example/invitations/${token}`);
    expect(mail.text).toContain('Contributor');
    expect(mail.text).toContain('Test admin has invited you');

    // Only the hash is stored, and the invitation expires in 7 days.
    const stored = await t.database.db
      .selectFrom('invitations')
      .selectAll()
      .where('tenant_id', '=', org.id)
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(token);
    expect(stored.invited_by).toBe(admin.id);
    const days = (stored.expires_at.getTime() - stored.created_at.getTime()) / 86_400_000;
    expect(days).toBeCloseTo(7, 3);
    const created = await auditEvents(t.database.db, org.id, 'invitation.created');
    expect(created.at(-1)?.after).toMatchObject({ email, role: 'contributor' });
    expect(created.at(-1)?.actor_user_id).toBe(admin.id);

    // The admin sees it waiting, with who invited them.
    const people = await agent.get('/admin/people');
    expect(people.body).toContain('Invitation sent to');
    expect(people.body).toContain(email);
    expect(people.body).toContain(
      `Withdraw<span class="govuk-visually-hidden"> the invitation to ${email}`,
    );

    const invitee = new Agent(t.app);
    const page = await invitee.get(`/invitations/${token}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`Join ${org.name} on Waymark`);
    expect(page.body).toContain('Create your account');

    const accepted = await invitee.post(`/invitations/${token}`, {
      fullName: 'Priya Sharma',
      password: PASSWORD,
      confirm: PASSWORD,
    });
    expect(accepted.statusCode).toBe(303);
    expect(accepted.headers.location).toBe('/');
    const home = await invitee.get('/');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain(`You have joined ${org.name}`);
    expect(home.body).toContain('Welcome, Priya Sharma');
    expect(home.body).toContain('Contributor');

    const user = await t.database.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    expect(user.display_name).toBe('Priya Sharma');
    expect(user.password_hash).toMatch(/^scrypt\$/);
    expect(await membershipRole(t.database.db, org.id, user.id)).toBe('contributor');
    const invitation = await t.database.db
      .selectFrom('invitations')
      .select('accepted_at')
      .where('id', '=', stored.id)
      .executeTakeFirstOrThrow();
    expect(invitation.accepted_at).not.toBeNull();

    const events = await auditEvents(t.database.db, org.id);
    const joined = events.find((e) => e.action === 'membership.created' && e.entity_id === user.id);
    expect(joined?.after).toMatchObject({ role: 'contributor', user_id: user.id });
    expect(joined?.actor_user_id).toBe(user.id);
    const acceptedEvent = events.find((e) => e.action === 'invitation.accepted');
    expect(acceptedEvent?.before).toMatchObject({ accepted_at: null });
    expect(acceptedEvent?.after).toMatchObject({ user_id: user.id });
    const userCreated = await t.database.db
      .selectFrom('audit_events')
      .select('after')
      .where('action', '=', 'user.created')
      .where('entity_id', '=', user.id)
      .executeTakeFirst();
    expect(userCreated?.after).toMatchObject({ email });

    // The link is single-use: a second browser gets the "already used" page.
    const again = await new Agent(t.app).get(`/invitations/${token}`);
    expect(again.statusCode).toBe(410);
    expect(again.body).toContain('This invitation has already been used');
    const replay = await new Agent(t.app).post(
      `/invitations/${token}`,
      { fullName: 'Someone Else', password: PASSWORD, confirm: PASSWORD },
      { from: '/sign-in' },
    );
    expect(replay.statusCode).toBe(410);
    expect(
      await t.database.db.selectFrom('users').select('id').where('email', '=', email).execute(),
    ).toHaveLength(1);
  });

  it('says what is wrong with the new-account form and creates nothing', async () => {
    const { agent } = await adminOf();
    const email = `${unique('form')}@example.org`;
    const { token } = await inviteByMail(agent, email);
    const invitee = new Agent(t.app);
    await invitee.get(`/invitations/${token}`);

    const empty = await invitee.post(`/invitations/${token}`, {
      fullName: '',
      password: '',
      confirm: '',
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('<title>Error: ');
    expect(errorSummary(empty.body)).toEqual([
      'Enter your full name',
      'Enter a password',
      'Enter the password again',
    ]);
    expect(empty.body).toContain('href="#fullName"');

    const short = await invitee.post(`/invitations/${token}`, {
      fullName: 'Sam Jones',
      password: 'short',
      confirm: 'short',
    });
    expect(short.statusCode).toBe(400);
    expect(errorSummary(short.body)).toEqual(['Password must be 12 characters or more']);
    expect(short.body).toContain('value="Sam Jones"');

    const common = await invitee.post(`/invitations/${token}`, {
      fullName: 'Sam Jones',
      password: 'password1234',
      confirm: 'password1234',
    });
    expect(errorSummary(common.body)[0]).toMatch(/^Password is too common/);

    const mismatch = await invitee.post(`/invitations/${token}`, {
      fullName: 'Sam Jones',
      password: PASSWORD,
      confirm: `${PASSWORD}x`,
    });
    expect(mismatch.statusCode).toBe(400);
    expect(errorSummary(mismatch.body)).toEqual([
      'The passwords do not match: type the same password in both boxes',
    ]);
    expect(mismatch.body).toContain('href="#confirm"');

    const noCsrf = await invitee.post(
      `/invitations/${token}`,
      { fullName: 'Sam Jones', password: PASSWORD, confirm: PASSWORD },
      { csrf: false },
    );
    expect(noCsrf.statusCode).toBe(403);

    expect(
      await t.database.db.selectFrom('users').select('id').where('email', '=', email).execute(),
    ).toHaveLength(0);
    const invitation = await t.database.db
      .selectFrom('invitations')
      .select('accepted_at')
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    expect(invitation.accepted_at).toBeNull();
  });
});

describe('when the mail cannot be sent', () => {
  it('keeps the invitation and shows the admin the link to hand over instead', async () => {
    const { org, agent } = await adminOf();
    const email = `${unique('bounce')}@example.org`;
    const send = t.deps.mailer.send.bind(t.deps.mailer);
    t.deps.mailer.send = () => Promise.reject(new Error('connection refused'));
    try {
      const res = await agent.post(
        '/admin/people/invite',
        { email, role: 'viewer' },
        { from: '/admin/people/invite' },
      );
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('could not send the invitation email');
      const token = tokenFrom(res.body);
      expect(res.body).toContain(`https://waymark.example/invitations/${token}`);
      expect((await new Agent(t.app).get(`/invitations/${token}`)).statusCode).toBe(200);
    } finally {
      t.deps.mailer.send = send;
    }
    expect(await auditEvents(t.database.db, org.id, 'invitation.created')).toHaveLength(1);
  });
});

describe('inviting someone who already has a Waymark account', () => {
  it('asks them to sign in first, then adds the membership with one button', async () => {
    const { org, agent } = await adminOf();
    const other = await makeOrganisation(t.database.db);
    const person = await makeUser(t.database.db, other.id, 'viewer');
    const { token } = await inviteByMail(agent, person.email, 'board');

    const browser = new Agent(t.app);
    const page = await browser.get(`/invitations/${token}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('You already have a Waymark account');
    const next = `/sign-in?next=${encodeURIComponent(`/invitations/${token}`)}`;
    expect(page.body).toContain(`href="${next.replaceAll('&', '&amp;')}"`);
    // Posting without signing in only sends them to sign in.
    const early = await browser.post(`/invitations/${token}`, {});
    expect(early.statusCode).toBe(303);
    expect(early.headers.location).toBe(next);

    const signIn = await browser.post(
      '/sign-in',
      { email: person.email, password: PASSWORD, next: `/invitations/${token}` },
      { from: next },
    );
    expect(signIn.headers.location).toBe(`/invitations/${token}`);
    const joinPage = await browser.get(`/invitations/${token}`);
    expect(joinPage.body).toMatch(new RegExp(`<button[^>]*>\\s*Join ${org.name}\\s*</button>`));
    const join = await browser.post(`/invitations/${token}`, {});
    expect(join.statusCode).toBe(303);
    const home = await browser.get('/');
    expect(home.body).toContain(`You have joined ${org.name}`);
    // The session now works in the organisation they joined, in the role they were given.
    expect(home.body).toContain('Board member');
    expect(await membershipRole(t.database.db, org.id, person.id)).toBe('board');
    expect(await membershipRole(t.database.db, other.id, person.id)).toBe('viewer');
    const events = await auditEvents(t.database.db, org.id, 'membership.created');
    expect(events.at(-1)?.actor_user_id).toBe(person.id);
  });

  it('explains when the signed-in person is not the one invited, and changes nothing', async () => {
    const { org, agent } = await adminOf();
    const invited = await makeUser(t.database.db, null);
    const { token } = await inviteByMail(agent, invited.email, 'editor');
    const stranger = await makeUser(t.database.db, null);
    const browser = new Agent(t.app);
    await browser.signIn(stranger.email, PASSWORD);
    const page = await browser.get(`/invitations/${token}`);
    expect(page.statusCode).toBe(403);
    expect(page.body).toContain('This invitation was sent to another email address');
    expect(page.body).toContain(invited.email);
    const post = await browser.post(`/invitations/${token}`, {});
    expect(post.statusCode).toBe(403);
    expect(await membershipRole(t.database.db, org.id, stranger.id)).toBeUndefined();
    expect(await membershipRole(t.database.db, org.id, invited.id)).toBeUndefined();

    // The same applies when the invited address has no account yet.
    const { token: newToken } = await inviteByMail(agent, `${unique('fresh')}@example.org`);
    const other = await browser.get(`/invitations/${newToken}`);
    expect(other.statusCode).toBe(403);
    expect(other.body).toContain('This invitation was sent to another email address');
  });
});

describe('links that no longer work', () => {
  it('refuses an expired link, saying so and what to do', async () => {
    const { org, agent } = await adminOf();
    const email = `${unique('late')}@example.org`;
    const { token } = await inviteByMail(agent, email);
    await t.database.db
      .updateTable('invitations')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('tenant_id', '=', org.id)
      .where('email', '=', email)
      .execute();
    const browser = new Agent(t.app);
    const page = await browser.get(`/invitations/${token}`);
    expect(page.statusCode).toBe(410);
    expect(page.body).toContain('This invitation has expired');
    expect(page.body).toContain('to send you a new invitation');
    const post = await browser.post(
      `/invitations/${token}`,
      { fullName: 'Late Person', password: PASSWORD, confirm: PASSWORD },
      { from: '/sign-in' },
    );
    expect(post.statusCode).toBe(410);
    expect(
      await t.database.db.selectFrom('users').select('id').where('email', '=', email).execute(),
    ).toHaveLength(0);
  });

  it('refuses a withdrawn link, and the withdrawal is audited', async () => {
    const { org, admin, agent } = await adminOf();
    const email = `${unique('gone')}@example.org`;
    const { token } = await inviteByMail(agent, email);
    const stored = await t.database.db
      .selectFrom('invitations')
      .select('id')
      .where('tenant_id', '=', org.id)
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    const withdraw = await agent.post(
      `/admin/people/invitations/${stored.id}/withdraw`,
      {},
      { from: '/admin/people' },
    );
    expect(withdraw.statusCode).toBe(303);
    const people = await agent.get('/admin/people');
    expect(people.body).toContain(`The invitation to ${email} has been withdrawn`);
    expect(people.body).not.toContain(`the invitation to ${email}</span>`);
    const events = await auditEvents(t.database.db, org.id, 'invitation.withdrawn');
    expect(events.at(-1)?.entity_id).toBe(stored.id);
    expect(events.at(-1)?.before).toMatchObject({ revoked_at: null });
    expect((events.at(-1)?.after as { revoked_at: string }).revoked_at).toBeTruthy();
    expect(events.at(-1)?.actor_user_id).toBe(admin.id);

    const page = await new Agent(t.app).get(`/invitations/${token}`);
    expect(page.statusCode).toBe(410);
    expect(page.body).toContain('This invitation has been withdrawn');

    // Withdrawing it twice finds nothing to withdraw.
    const twice = await agent.post(
      `/admin/people/invitations/${stored.id}/withdraw`,
      {},
      { from: '/admin/people' },
    );
    expect(twice.statusCode).toBe(404);
  });

  it('replaces an earlier invitation to the same address: only the newest link works', async () => {
    const { agent } = await adminOf();
    const email = `${unique('twice')}@example.org`;
    const first = await inviteByMail(agent, email, 'viewer');
    smtp.messages.splice(smtp.messages.indexOf(first.mail), 1);
    const second = await inviteByMail(agent, email, 'editor');
    expect(second.token).not.toBe(first.token);
    expect((await new Agent(t.app).get(`/invitations/${first.token}`)).statusCode).toBe(410);
    expect((await new Agent(t.app).get(`/invitations/${second.token}`)).statusCode).toBe(200);
  });

  it('does not recognise a made-up link', async () => {
    const page = await new Agent(t.app).get('/invitations/not-a-real-invitation-token-at-all');
    expect(page.statusCode).toBe(404);
    expect(page.body).toContain('This invitation link does not work');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { Agent } from '../../../test/helpers/agent.js';
import { makeOrganisation, makeUser, PASSWORD, unique } from '../../../test/helpers/fixtures.js';
import { hashToken } from '../../kernel/auth/tokens.js';
import { newId } from '../../kernel/db/ids.js';
import type { Role } from '../../kernel/db/schema.js';
import { changeRole, LastAdminError } from './people.service.js';
import { auditEvents, errorSummary, membershipRole, tokenFrom } from './test-support.js';

// No SMTP_URL: the mailer does not deliver, so admins are shown invitation links to hand over.
let t: TestApp;
// A fresh database takes a while on a busy machine.
beforeAll(async () => {
  t = await createTestApp();
}, 60_000);
afterAll(async () => t.close());

/** An API token row for a member, as the API module would store it. */
async function insertToken(tenantId: string, userId: string) {
  const id = newId();
  await t.database.db
    .insertInto('api_tokens')
    .values({
      tenant_id: tenantId,
      id,
      user_id: userId,
      name: 'Reporting',
      token_hash: hashToken(unique('token')),
      token_prefix: 'wmk_test',
      scopes: ['read'],
    })
    .execute();
  return { id };
}

async function adminOf() {
  const org = await makeOrganisation(t.database.db);
  const admin = await makeUser(t.database.db, org.id, 'admin');
  const agent = new Agent(t.app);
  await agent.signIn(admin.email, PASSWORD);
  return { org, admin, agent };
}

describe('the people page', () => {
  it('lists members with their role and last sign-in, and links with hidden context', async () => {
    const { org, admin, agent } = await adminOf();
    const editor = await makeUser(t.database.db, org.id, 'editor');
    const outsider = await makeUser(t.database.db, (await makeOrganisation(t.database.db)).id);
    const res = await agent.get('/admin/people');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(
      '<caption class="govuk-table__caption govuk-table__caption--m">Members (2)</caption>',
    );
    expect(res.body).toContain(admin.email);
    expect(res.body).toContain(editor.email);
    expect(res.body).not.toContain(outsider.email);
    expect(res.body).toContain(
      `href="/admin/people/${editor.id}/role">Change role<span class="govuk-visually-hidden"> of Test editor</span>`,
    );
    expect(res.body).toContain(
      `href="/admin/people/${editor.id}/remove">Remove<span class="govuk-visually-hidden"> Test editor</span>`,
    );
    // The admin signed in just now; the editor never has.
    expect(res.body).toMatch(/Test admin \(you\)[\s\S]*?<time datetime="/);
    expect(res.body).toMatch(/Test editor<\/th>[\s\S]*?Never<\/td>/);
    expect(res.body).toContain('No invitations are waiting to be accepted.');
  });

  it('refuses every role but admin (403), and sends a signed-out visitor to sign in', async () => {
    const org = await makeOrganisation(t.database.db);
    const target = await makeUser(t.database.db, org.id, 'viewer');
    const roles: Role[] = ['editor', 'contributor', 'board', 'viewer'];
    for (const role of roles) {
      const user = await makeUser(t.database.db, org.id, role);
      const agent = new Agent(t.app);
      await agent.signIn(user.email, PASSWORD);
      for (const url of [
        '/admin/people',
        '/admin/people/invite',
        `/admin/people/${target.id}/role`,
        `/admin/people/${target.id}/remove`,
        '/admin/settings',
      ]) {
        const res = await agent.get(url);
        expect(res.statusCode, `${role} GET ${url}`).toBe(403);
        expect(res.body).toContain('You do not have permission');
      }
      const posts: [string, Record<string, string>][] = [
        ['/admin/people/invite', { email: `${unique('x')}@example.org`, role: 'admin' }],
        [`/admin/people/${user.id}/role`, { role: 'admin' }],
        [`/admin/people/${target.id}/remove`, {}],
        ['/admin/settings', { name: 'Taken over', requireTwoFactor: 'no' }],
      ];
      for (const [url, form] of posts) {
        const res = await agent.post(url, form, { from: '/' });
        expect(res.statusCode, `${role} POST ${url}`).toBe(403);
      }
      expect(await membershipRole(t.database.db, org.id, user.id)).toBe(role);
    }
    expect(await membershipRole(t.database.db, org.id, target.id)).toBe('viewer');
    expect(
      await t.database.db
        .selectFrom('invitations')
        .select('id')
        .where('tenant_id', '=', org.id)
        .execute(),
    ).toHaveLength(0);
    const visitor = await new Agent(t.app).get('/admin/people');
    expect(visitor.statusCode).toBe(303);
    expect(visitor.headers.location).toBe('/sign-in?next=%2Fadmin%2Fpeople');
  });
});

describe('inviting without an email server', () => {
  it('shows the admin the link once; the link then works for the invitee', async () => {
    const { org, agent } = await adminOf();
    const email = `${unique('handover')}@example.org`;
    const form = await agent.get('/admin/people/invite');
    expect(form.statusCode).toBe(200);
    // Each role is a radio with its description as the hint.
    expect(form.body).toContain('Programme office: manages strategies and action plans.');
    expect(form.body).toContain('name="role" type="radio" value="board"');

    const res = await agent.post('/admin/people/invite', {
      email: email.toUpperCase(),
      role: 'viewer',
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Invitation created');
    expect(res.body).toContain('no email server set up');
    const token = tokenFrom(res.body);
    expect(res.body).toMatch(
      new RegExp(`>http://localhost(:\\d+)?/invitations/${token}</textarea>`),
    );

    // The people page lists it but never shows the link again.
    const people = await agent.get('/admin/people');
    expect(people.body).toContain(email);
    expect(people.body).not.toContain(token);

    const invitee = new Agent(t.app);
    await invitee.get(`/invitations/${token}`);
    const done = await invitee.post(`/invitations/${token}`, {
      fullName: 'Handed Over',
      password: PASSWORD,
      confirm: PASSWORD,
    });
    expect(done.statusCode).toBe(303);
    const user = await t.database.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    expect(await membershipRole(t.database.db, org.id, user.id)).toBe('viewer');
  });

  it('says what is wrong with the invitation form', async () => {
    const { org, agent } = await adminOf();
    const empty = await agent.post('/admin/people/invite', {}, { from: '/admin/people/invite' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('<title>Error: ');
    expect(errorSummary(empty.body)).toEqual([
      'Enter their email address',
      'Select the role they will have',
    ]);
    expect(empty.body).toContain('href="#email"');
    expect(empty.body).toContain('href="#role"');
    expect(empty.body).toContain('id="role"');

    const bad = await agent.post('/admin/people/invite', { email: 'not an email', role: 'owner' });
    expect(errorSummary(bad.body)).toEqual([
      'Enter an email address in the correct format, like name@example.org',
      'Select the role they will have',
    ]);
    expect(bad.body).toContain('value="not an email"');
    expect(
      await t.database.db
        .selectFrom('invitations')
        .select('id')
        .where('tenant_id', '=', org.id)
        .execute(),
    ).toHaveLength(0);
  });

  it('refuses to invite someone who is already a member', async () => {
    const { org, agent } = await adminOf();
    const editor = await makeUser(t.database.db, org.id, 'editor');
    const res = await agent.post(
      '/admin/people/invite',
      { email: editor.email, role: 'admin' },
      { from: '/admin/people/invite' },
    );
    expect(res.statusCode).toBe(400);
    expect(errorSummary(res.body)[0]).toBe(
      `Test editor (${editor.email}) is already a member of ${org.name}. To change what they can do, change their role instead`,
    );
    expect(res.body).toContain('value="admin" checked');
    expect(
      await t.database.db
        .selectFrom('invitations')
        .select('id')
        .where('tenant_id', '=', org.id)
        .execute(),
    ).toHaveLength(0);
    expect(await auditEvents(t.database.db, org.id, 'invitation.created')).toHaveLength(0);
  });
});

describe('changing a role', () => {
  it('shows the current role, changes it and audits before and after', async () => {
    const { org, admin, agent } = await adminOf();
    const person = await makeUser(t.database.db, org.id, 'viewer');
    const form = await agent.get(`/admin/people/${person.id}/role`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Change the role of Test viewer');
    expect(form.body).toContain('value="viewer" checked');

    const res = await agent.post(`/admin/people/${person.id}/role`, { role: 'editor' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/admin/people');
    expect((await agent.get('/admin/people')).body).toContain('Test viewer’s role is now Editor.');
    expect(await membershipRole(t.database.db, org.id, person.id)).toBe('editor');
    const [event] = await auditEvents(t.database.db, org.id, 'membership.role_changed');
    expect(event?.entity_id).toBe(person.id);
    expect(event?.before).toMatchObject({ role: 'viewer', email: person.email });
    expect(event?.after).toMatchObject({ role: 'editor', email: person.email });
    expect(event?.actor_user_id).toBe(admin.id);

    // The person's next request already has the new role.
    const them = new Agent(t.app);
    await them.signIn(person.email, PASSWORD);
    expect((await them.get('/')).body).toContain('Editor');

    const empty = await agent.post(`/admin/people/${person.id}/role`, {});
    expect(empty.statusCode).toBe(400);
    expect(errorSummary(empty.body)).toEqual(['Select a role']);
  });

  it('never demotes the last admin, but allows it once there is another', async () => {
    const { org, admin, agent } = await adminOf();
    const res = await agent.post(
      `/admin/people/${admin.id}/role`,
      { role: 'editor' },
      { from: `/admin/people/${admin.id}/role` },
    );
    expect(res.statusCode).toBe(409);
    expect(errorSummary(res.body)).toEqual([
      'You are the only administrator, so you cannot change your own role. Make someone else an administrator first.',
    ]);
    expect(await membershipRole(t.database.db, org.id, admin.id)).toBe('admin');
    expect(await auditEvents(t.database.db, org.id, 'membership.role_changed')).toHaveLength(0);

    const second = await makeUser(t.database.db, org.id, 'admin');
    const ok = await agent.post(`/admin/people/${admin.id}/role`, { role: 'editor' });
    expect(ok.statusCode).toBe(303);
    // They demoted themselves, so they go home: the people page is no longer theirs.
    expect(ok.headers.location).toBe('/');
    expect(await membershipRole(t.database.db, org.id, admin.id)).toBe('editor');
    expect((await agent.get('/admin/people')).statusCode).toBe(403);

    // Now the other admin is the last one.
    const other = new Agent(t.app);
    await other.signIn(second.email, PASSWORD);
    const notLast = await other.post(
      `/admin/people/${admin.id}/role`,
      { role: 'viewer' },
      { from: '/admin/people' },
    );
    expect(notLast.statusCode).toBe(303);
    const last = await other.post(
      `/admin/people/${second.id}/role`,
      { role: 'viewer' },
      { from: '/admin/people' },
    );
    expect(last.statusCode).toBe(409);
    expect(await membershipRole(t.database.db, org.id, second.id)).toBe('admin');
  });
});

describe('two admins demoting each other at the same moment', () => {
  it('lets one change through and refuses the other, so an admin always remains', async () => {
    const org = await makeOrganisation(t.database.db);
    const a = await makeUser(t.database.db, org.id, 'admin');
    const b = await makeUser(t.database.db, org.id, 'admin');
    const actor = (u: { id: string; email: string }) => ({ userId: u.id, label: u.email });
    const results = await Promise.allSettled([
      changeRole(t.database.db, actor(b), { tenantId: org.id, userId: a.id, role: 'editor' }),
      changeRole(t.database.db, actor(a), { tenantId: org.id, userId: b.id, role: 'editor' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected');
    expect(refused?.reason).toBeInstanceOf(LastAdminError);
    const roles = [
      await membershipRole(t.database.db, org.id, a.id),
      await membershipRole(t.database.db, org.id, b.id),
    ];
    expect(roles.sort()).toEqual(['admin', 'editor']);
    expect(await auditEvents(t.database.db, org.id, 'membership.role_changed')).toHaveLength(1);
  });
});

describe('removing someone', () => {
  it('asks first, then removes the membership, revokes their tokens here and audits it', async () => {
    const { org, admin, agent } = await adminOf();
    const otherOrg = await makeOrganisation(t.database.db);
    const person = await makeUser(t.database.db, org.id, 'editor');
    await t.database.db
      .insertInto('memberships')
      .values({ tenant_id: otherOrg.id, user_id: person.id, role: 'viewer' })
      .execute();
    const mine = await insertToken(org.id, person.id);
    const elsewhere = await insertToken(otherOrg.id, person.id);
    const them = new Agent(t.app);
    await them.signIn(person.email, PASSWORD);
    await them.post(
      '/switch-organisation',
      { organisation: org.id },
      { from: '/switch-organisation' },
    );
    expect((await them.get('/')).body).toContain(org.name);

    const confirm = await agent.get(`/admin/people/${person.id}/remove`);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('Remove Test editor');
    expect(confirm.body).toContain('API tokens for');
    expect(await membershipRole(t.database.db, org.id, person.id)).toBe('editor');

    const res = await agent.post(`/admin/people/${person.id}/remove`, {});
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/admin/people');
    const people = await agent.get('/admin/people');
    expect(people.body).toContain(
      `Test editor has been removed from ${org.name}. Their API token was revoked.`,
    );
    expect(people.body).not.toContain(person.email);

    expect(await membershipRole(t.database.db, org.id, person.id)).toBeUndefined();
    expect(await membershipRole(t.database.db, otherOrg.id, person.id)).toBe('viewer');
    const tokens = await t.database.db
      .selectFrom('api_tokens')
      .select(['id', 'revoked_at'])
      .where('user_id', '=', person.id)
      .execute();
    expect(tokens.find((x) => x.id === mine.id)?.revoked_at).not.toBeNull();
    expect(tokens.find((x) => x.id === elsewhere.id)?.revoked_at).toBeNull();

    const [removed] = await auditEvents(t.database.db, org.id, 'membership.removed');
    expect(removed?.entity_id).toBe(person.id);
    expect(removed?.before).toMatchObject({ role: 'editor', email: person.email });
    expect(removed?.after).toBeNull();
    expect(removed?.actor_user_id).toBe(admin.id);
    const revoked = await auditEvents(t.database.db, org.id, 'token.revoked');
    expect(revoked.map((e) => e.entity_id)).toEqual([mine.id]);

    // Their session carries on, but in the organisation they still belong to.
    const home = await them.get('/');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain(otherOrg.name);
    expect(home.body).not.toContain(org.name);
  });

  it('never removes the last admin, and says why', async () => {
    const { org, admin, agent } = await adminOf();
    const page = await agent.get(`/admin/people/${admin.id}/remove`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('You are the only administrator of');
    expect(page.body).not.toContain(`action="/admin/people/${admin.id}/remove"`);
    const res = await agent.post(`/admin/people/${admin.id}/remove`, {});
    expect(res.statusCode).toBe(409);
    expect(errorSummary(res.body)).toEqual([
      'You are the only administrator, so you cannot remove yourself. Make someone else an administrator first.',
    ]);
    expect(res.body).toContain('href="#last-admin"');
    expect(res.body).toContain('id="last-admin"');
    expect(await membershipRole(t.database.db, org.id, admin.id)).toBe('admin');
    expect(await auditEvents(t.database.db, org.id, 'membership.removed')).toHaveLength(0);
  });
});

describe('organisations are kept apart', () => {
  it('an admin of A cannot see, change or remove a member of B by their id (404, nothing changes)', async () => {
    const { agent } = await adminOf();
    const orgB = await makeOrganisation(t.database.db);
    const adminB = await makeUser(t.database.db, orgB.id, 'admin');
    const memberB = await makeUser(t.database.db, orgB.id, 'viewer');
    const auditBefore = (await auditEvents(t.database.db, orgB.id)).length;
    const inviteB = await t.database.db
      .insertInto('invitations')
      .values({
        tenant_id: orgB.id,
        id: '0190a0a0-0000-7000-8000-000000000001',
        email: 'someone@example.org',
        role: 'viewer',
        token_hash: unique('hash'),
        invited_by: adminB.id,
        expires_at: new Date(Date.now() + 86_400_000),
      })
      .returning('id')
      .executeTakeFirstOrThrow();

    for (const target of [memberB, adminB]) {
      expect((await agent.get(`/admin/people/${target.id}/role`)).statusCode).toBe(404);
      expect((await agent.get(`/admin/people/${target.id}/remove`)).statusCode).toBe(404);
      const role = await agent.post(
        `/admin/people/${target.id}/role`,
        { role: 'admin' },
        { from: '/admin/people' },
      );
      expect(role.statusCode).toBe(404);
      expect(role.body).toContain('There is no such person in your organisation.');
      const remove = await agent.post(`/admin/people/${target.id}/remove`, {});
      expect(remove.statusCode).toBe(404);
    }
    const withdraw = await agent.post(`/admin/people/invitations/${inviteB.id}/withdraw`, {});
    expect(withdraw.statusCode).toBe(404);
    expect((await agent.get('/admin/people/not-a-uuid/role')).statusCode).toBe(404);

    expect(await membershipRole(t.database.db, orgB.id, memberB.id)).toBe('viewer');
    expect(await membershipRole(t.database.db, orgB.id, adminB.id)).toBe('admin');
    const invitation = await t.database.db
      .selectFrom('invitations')
      .select('revoked_at')
      .where('id', '=', inviteB.id)
      .executeTakeFirstOrThrow();
    expect(invitation.revoked_at).toBeNull();
    expect(await auditEvents(t.database.db, orgB.id)).toHaveLength(auditBefore);
    expect((await agent.get('/admin/people')).body).not.toContain(memberB.email);
  });
});

describe('organisation settings', () => {
  it('shows the settings, saves a change audited before and after, and links to single sign-on', async () => {
    const { org, admin, agent } = await adminOf();
    const page = await agent.get('/admin/settings');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`value="${org.name}"`);
    expect(page.body).toContain('value="no" checked');
    expect(page.body).toContain('href="/admin/settings/sso"');
    expect(page.body).toContain('You have not set up two-step verification yourself');
    // An admin who uses two-step verification already carries straight on.
    await t.database.db
      .updateTable('users')
      .set({ totp_enabled_at: new Date() })
      .where('id', '=', admin.id)
      .execute();

    const res = await agent.post('/admin/settings', {
      name: '  Northmoor District Council  ',
      requireTwoFactor: 'yes',
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/admin/settings');
    const after = await agent.get('/admin/settings');
    expect(after.body).toContain('The organisation settings have been saved.');
    expect(after.body).toContain('value="Northmoor District Council"');
    expect(after.body).toContain('value="yes" checked');
    // The header shows the new name straight away.
    expect(after.body).toContain('Organisation settings – Northmoor District Council</title>');

    const row = await t.database.db
      .selectFrom('organisations')
      .select(['name', 'require_two_factor'])
      .where('id', '=', org.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ name: 'Northmoor District Council', require_two_factor: true });
    const [event] = await auditEvents(t.database.db, org.id, 'organisation.updated');
    expect(event?.before).toEqual({ name: org.name, require_two_factor: false });
    expect(event?.after).toEqual({ name: 'Northmoor District Council', require_two_factor: true });
    expect(event?.actor_user_id).toBe(admin.id);

    // Saving without a change writes nothing to the trail.
    await agent.post('/admin/settings', {
      name: 'Northmoor District Council',
      requireTwoFactor: 'yes',
    });
    expect(await auditEvents(t.database.db, org.id, 'organisation.updated')).toHaveLength(1);
  });

  it('sends an admin without two-step verification to set it up once they require it', async () => {
    const { org, agent } = await adminOf();
    const res = await agent.post(
      '/admin/settings',
      { name: org.name, requireTwoFactor: 'yes' },
      { from: '/admin/settings' },
    );
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/account/two-factor');
    const row = await t.database.db
      .selectFrom('organisations')
      .select('require_two_factor')
      .where('id', '=', org.id)
      .executeTakeFirstOrThrow();
    expect(row.require_two_factor).toBe(true);
    const [event] = await auditEvents(t.database.db, org.id, 'organisation.updated');
    expect(event?.before).toEqual({ name: org.name, require_two_factor: false });
    expect(event?.after).toEqual({ name: org.name, require_two_factor: true });
  });

  it('says what is wrong and changes nothing', async () => {
    const { org, agent } = await adminOf();
    const res = await agent.post('/admin/settings', { name: '   ' }, { from: '/admin/settings' });
    expect(res.statusCode).toBe(400);
    expect(errorSummary(res.body)).toEqual([
      'Enter the organisation’s name',
      'Select yes if everyone must use two-step verification',
    ]);
    expect(res.body).toContain('href="#name"');
    expect(res.body).toContain('href="#requireTwoFactor"');
    expect(res.body).toContain('id="requireTwoFactor"');
    const long = await agent.post('/admin/settings', {
      name: 'x'.repeat(201),
      requireTwoFactor: 'no',
    });
    expect(errorSummary(long.body)).toEqual([
      'The organisation’s name must be 200 characters or fewer',
    ]);
    const row = await t.database.db
      .selectFrom('organisations')
      .select('name')
      .where('id', '=', org.id)
      .executeTakeFirstOrThrow();
    expect(row.name).toBe(org.name);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { Agent } from '../../../test/helpers/agent.js';
import { makeOrganisation, makeUser, PASSWORD } from '../../../test/helpers/fixtures.js';
import { SYSTEM_ACTOR } from '../../kernel/audit/audit.js';
import { addMember } from '../organisations/index.js';

const NEW_PASSWORD = 'copper-meadow-lighthouse-81';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
}, 60_000);
afterAll(async () => t.close());

async function lastAudit(userId: string, action: string) {
  return t.database.db
    .selectFrom('audit_events')
    .selectAll()
    .where('entity_id', '=', userId)
    .where('action', '=', action)
    .orderBy('seq', 'desc')
    .executeTakeFirst();
}

describe('your account', () => {
  it('summarises the person: name, email, organisations and roles, two-step status, sessions', async () => {
    const first = await makeOrganisation(t.database.db, 'Aldermoor Borough Council');
    const second = await makeOrganisation(t.database.db, 'Brackenfield Shared ICT');
    const user = await makeUser(t.database.db, first.id, 'editor');
    await addMember(t.database.db, SYSTEM_ACTOR, second.id, user.id, 'viewer');
    const agent = new Agent(t.app);
    await agent.signIn(user.email, PASSWORD);
    await new Agent(t.app, '10.1.1.1').signIn(user.email, PASSWORD);

    const page = await agent.get('/account');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1 class="govuk-heading-l">Your account</h1>');
    expect(page.body).toContain(user.display_name);
    expect(page.body).toContain(user.email);
    expect(page.body).toContain('Aldermoor Borough Council: Editor');
    expect(page.body).toContain('Brackenfield Shared ICT: Viewer');
    expect(page.body).toMatch(/Two-step verification[\s\S]*Off/);
    expect(page.body).toContain('2 devices or browsers');
    expect(page.body).toMatch(
      /href="\/account\/name">\s*Change<span class="govuk-visually-hidden"> name<\/span>/,
    );
    expect(page.body).toContain('action="/account/sign-out-everywhere"');
  });

  it('sends a signed-out visitor to sign in', async () => {
    const res = await new Agent(t.app).get('/account');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/sign-in?next=%2Faccount');
  });

  it('changes the name, with an audit event of before and after', async () => {
    const org = await makeOrganisation(t.database.db);
    const user = await makeUser(t.database.db, org.id);
    const agent = new Agent(t.app);
    await agent.signIn(user.email, PASSWORD);
    const form = await agent.get('/account/name');
    expect(form.body).toContain(`value="${user.display_name}"`);

    const empty = await agent.post('/account/name', { displayName: '  ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Enter your name');
    expect(empty.body).toContain('href="#displayName"');

    const res = await agent.post('/account/name', { displayName: ' Priya Raman ' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/account');
    const page = await agent.get('/account');
    expect(page.body).toContain('Your name has been changed.');
    expect(page.body).toContain('Priya Raman');
    const row = await t.database.db
      .selectFrom('users')
      .select('display_name')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(row.display_name).toBe('Priya Raman');
    const audit = await lastAudit(user.id, 'user.renamed');
    expect(audit).toMatchObject({
      tenant_id: null,
      actor_user_id: user.id,
      before: { display_name: user.display_name },
      after: { display_name: 'Priya Raman' },
    });
  });

  it('changes the password after checking the current one, and ends the other sessions only', async () => {
    const org = await makeOrganisation(t.database.db);
    const user = await makeUser(t.database.db, org.id);
    const agent = new Agent(t.app);
    await agent.signIn(user.email, PASSWORD);
    const other = new Agent(t.app, '10.2.2.2');
    await other.signIn(user.email, PASSWORD);

    const wrong = await agent.post(
      '/account/password',
      { current: 'not-my-password-at-all', password: NEW_PASSWORD, confirm: NEW_PASSWORD },
      { from: '/account/password' },
    );
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('Your current password is not right');
    expect(wrong.body).toContain('href="#current"');

    const weak = await agent.post('/account/password', {
      current: PASSWORD,
      password: 'password1234',
      confirm: 'password1234',
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.body).toContain('Password is too common');

    const mismatch = await agent.post('/account/password', {
      current: PASSWORD,
      password: NEW_PASSWORD,
      confirm: 'something-else-entirely',
    });
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.body).toContain('href="#confirm"');
    expect((await other.get('/')).statusCode).toBe(200);

    const res = await agent.post('/account/password', {
      current: PASSWORD,
      password: NEW_PASSWORD,
      confirm: NEW_PASSWORD,
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/account');
    const page = await agent.get('/account');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Your password has been changed');
    expect((await other.get('/')).statusCode).toBe(303);

    const fresh = new Agent(t.app);
    expect(
      (await fresh.post('/sign-in', { email: user.email, password: PASSWORD })).statusCode,
    ).toBe(400);
    await fresh.signIn(user.email, NEW_PASSWORD);
    const audit = await lastAudit(user.id, 'user.password_changed');
    expect(audit).toMatchObject({
      tenant_id: null,
      actor_user_id: user.id,
      after: { other_sessions_ended: 1 },
    });
    expect(JSON.stringify(audit)).not.toContain(NEW_PASSWORD);
  });

  it('signs out everywhere: this session and every other one stop working', async () => {
    const org = await makeOrganisation(t.database.db);
    const user = await makeUser(t.database.db, org.id);
    const agent = new Agent(t.app);
    await agent.signIn(user.email, PASSWORD);
    const second = new Agent(t.app, '10.3.3.3');
    await second.signIn(user.email, PASSWORD);
    const bystander = await makeUser(t.database.db, org.id);
    const theirs = new Agent(t.app, '10.4.4.4');
    await theirs.signIn(bystander.email, PASSWORD);

    const res = await agent.post('/account/sign-out-everywhere', {}, { from: '/account' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/sign-in');
    expect(agent.cookie('waymark_session')).toBeUndefined();
    expect((await agent.get('/sign-in')).body).toContain('You have been signed out everywhere');
    expect((await agent.get('/')).statusCode).toBe(303);
    expect((await second.get('/')).statusCode).toBe(303);
    expect((await theirs.get('/')).statusCode).toBe(200);

    const left = await t.database.db
      .selectFrom('sessions')
      .select('id')
      .where('user_id', '=', user.id)
      .execute();
    expect(left).toHaveLength(0);
    const audit = await lastAudit(user.id, 'user.signed_out_everywhere');
    expect(audit).toMatchObject({ actor_user_id: user.id, after: { sessions_ended: 2 } });
  });

  it('refuses account changes without the form token', async () => {
    const org = await makeOrganisation(t.database.db);
    const user = await makeUser(t.database.db, org.id);
    const agent = new Agent(t.app);
    await agent.signIn(user.email, PASSWORD);
    const res = await agent.post('/account/name', { displayName: 'Mallory' }, { csrf: false });
    expect(res.statusCode).toBe(403);
  });
});

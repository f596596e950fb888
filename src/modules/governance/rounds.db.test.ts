import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { startTestSmtp, type TestSmtp } from '../../../test/helpers/smtp.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import {
  linkedActions,
  recordUpdate,
  roundAudit,
  seedBoard,
  signedIn,
  type Seeded,
} from './round.test-support.js';

const BASE = 'https://waymark.example';

let t: TestApp;
let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await startTestSmtp();
  t = await createTestApp({ env: { SMTP_URL: smtp.url, PUBLIC_URL: BASE } });
}, 120_000);
afterAll(async () => {
  await t.close();
  await smtp.close();
}, 60_000);

const mailsTo = (email: string) => smtp.messages.filter((m) => m.to.includes(email.toLowerCase()));

async function requestsOf(s: Seeded) {
  return withTenant(t.database.db, s.tenantId, null, (trx) =>
    trx.selectFrom('update_requests').selectAll().where('tenant_id', '=', s.tenantId).execute(),
  );
}

describe('the update round page', () => {
  let s: Seeded;
  beforeAll(async () => {
    s = await seedBoard(t, { meetsInDays: 40 });
  }, 120_000);

  it('before the round: says who would be asked, and offers to start it', async () => {
    const agent = await signedIn(t, s.editor);
    const res = await agent.get(`/meetings/${s.meetingId}/update-round`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Update round');
    expect(res.body).toContain(s.boardName);
    expect(res.body).toContain('Waymark will ask 3 people about 5 actions');
    expect(res.body).toContain('1 action has no owner Waymark can mail');
    expect(res.body).toContain('Start the round now');
    expect(smtp.messages.filter((m) => m.subject.includes(s.boardName))).toEqual([]);
  });

  it('starting it mails each owner once, listing their actions with links to record progress', async () => {
    const agent = await signedIn(t, s.editor);
    const res = await agent.post(
      `/meetings/${s.meetingId}/update-round`,
      {},
      { from: `/meetings/${s.meetingId}/update-round` },
    );
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/meetings/${s.meetingId}/update-round`);

    const alice = await smtp.waitFor(s.alice.email, /Progress updates needed/);
    expect(alice.subject).toContain(`the ${s.boardName} meeting on`);
    expect(alice.text).toContain(`Hello ${s.alice.name},`);
    expect(linkedActions(alice.text, BASE).sort()).toEqual(
      [s.actions['1.1'], s.actions['1.2'], s.actions['1.8']].sort(),
    );
    expect(alice.text).toContain('1.1 Action 1.1 title (ICT Strategy 2026 to 2029)');
    expect(alice.text).toContain(`${BASE}/my-actions`);
    expect(alice.html).toContain(`href="${BASE}/actions/${s.actions['1.1']}/progress"`);
    expect(alice.html).toContain('Record progress on 1.1');

    const bob = await smtp.waitFor(s.bob.email);
    expect(linkedActions(bob.text, BASE)).toEqual([s.actions['2.1']]);
    const carol = await smtp.waitFor(s.carol.email);
    expect(linkedActions(carol.text, BASE)).toEqual([s.actions['3.1']]);
    // Once each; Dave (held P1 before Alice) and the editor are not asked.
    for (const p of [s.alice, s.bob, s.carol]) expect(mailsTo(p.email)).toHaveLength(1);
    expect(mailsTo(s.dave.email)).toEqual([]);
    expect(mailsTo(s.editor.email)).toEqual([]);

    const requests = await requestsOf(s);
    expect(requests).toHaveLength(3);
    expect(requests.every((r) => r.requested_at && r.mails_sent === 1)).toBe(true);
    const audit = await roundAudit(t, s.tenantId);
    expect(audit.map((a) => a.action)).toEqual([
      'update_round.started',
      'update_request.sent',
      'update_request.sent',
      'update_request.sent',
    ]);
    expect(audit[0]!.actor_user_id).toBe(s.editor.id);
    expect(audit[0]!.after).toMatchObject({ people_asked: 3, actions_asked: 5 });

    const page = await agent.get(`/meetings/${s.meetingId}/update-round`);
    expect(page.body).toContain('Update round started. 3 people have been asked for updates.');
    expect(page.body).toContain('0 of 3 people have responded.');
    expect(page.body).toContain('Not responded');
    expect(page.body).toContain(s.alice.name);
    expect(page.body).not.toContain('Start the round now');
  });

  it('starting it again sends nothing more', async () => {
    const agent = await signedIn(t, s.editor);
    const before = smtp.messages.length;
    const res = await agent.post(
      `/meetings/${s.meetingId}/update-round`,
      {},
      { from: `/meetings/${s.meetingId}/update-round` },
    );
    expect(res.statusCode).toBe(303);
    const page = await agent.get(`/meetings/${s.meetingId}/update-round`);
    expect(page.body).toContain('The update round for this meeting had already started.');
    expect(smtp.messages.length).toBe(before);
  });

  it('shows who has responded since the round began, and who partly', async () => {
    await recordUpdate(t, s.bob, s.actions['2.1']!);
    await recordUpdate(t, s.alice, s.actions['1.1']!);
    const agent = await signedIn(t, s.editor);
    const page = await agent.get(`/meetings/${s.meetingId}/update-round`);
    expect(page.body).toContain('1 of 3 people have responded.');
    expect(page.body).toMatch(new RegExp(`${s.bob.name}[\\s\\S]*?Responded`));
    expect(page.body).toContain('Partly responded');
    expect(page.body).toContain('1 of 3 actions updated');
  });

  it('a nudge mails the person now about what is still outstanding, once an hour at most', async () => {
    const agent = await signedIn(t, s.editor);
    const res = await agent.post(
      `/meetings/${s.meetingId}/update-round/nudge`,
      { userId: s.alice.id },
      { from: `/meetings/${s.meetingId}/update-round` },
    );
    expect(res.statusCode).toBe(303);
    const nudge = await smtp.waitFor(s.alice.email, /Please update your actions/);
    expect(nudge.text).toContain(`${s.editor.name} asks you to record progress on these 2 actions`);
    expect(linkedActions(nudge.text, BASE).sort()).toEqual(
      [s.actions['1.2'], s.actions['1.8']].sort(),
    );
    const page = await agent.get(`/meetings/${s.meetingId}/update-round`);
    expect(page.body).toContain(`Nudge sent to ${s.alice.name} about 2 actions.`);
    expect(page.body).toContain('you can nudge again after');

    // A second nudge within the hour is refused, and nothing is sent.
    const again = await agent.post(
      `/meetings/${s.meetingId}/update-round/nudge`,
      { userId: s.alice.id },
      { from: `/meetings/${s.meetingId}/update-round` },
    );
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('<title>Error: ');
    expect(again.body).toContain('was nudged less than an hour ago');
    expect(mailsTo(s.alice.email)).toHaveLength(2);

    const audit = await roundAudit(t, s.tenantId);
    const nudges = audit.filter((a) => a.action === 'update_request.nudge_sent');
    expect(nudges).toHaveLength(1);
    expect(nudges[0]!.actor_user_id).toBe(s.editor.id);
    expect(nudges[0]!.after).toMatchObject({ email: s.alice.email, user_id: s.alice.id });
  });

  it('refuses to nudge someone who has responded, or someone not asked', async () => {
    const agent = await signedIn(t, s.editor);
    const done = await agent.post(
      `/meetings/${s.meetingId}/update-round/nudge`,
      { userId: s.bob.id },
      { from: `/meetings/${s.meetingId}/update-round` },
    );
    expect(done.statusCode).toBe(400);
    expect(done.body).toContain('has already recorded progress on every action');
    const stranger = await agent.post(
      `/meetings/${s.meetingId}/update-round/nudge`,
      { userId: s.dave.id },
      { from: `/meetings/${s.meetingId}/update-round` },
    );
    expect(stranger.statusCode).toBe(404);
    const invalid = await agent.post(
      `/meetings/${s.meetingId}/update-round/nudge`,
      { userId: 'nobody' },
      { from: `/meetings/${s.meetingId}/update-round` },
    );
    expect(invalid.statusCode).toBe(400);
    expect(invalid.body).toContain('Choose the person to nudge');
    expect(mailsTo(s.bob.email)).toHaveLength(1);
    expect(mailsTo(s.dave.email)).toHaveLength(0);
  });

  it('is the programme office’s: a contributor may not see it, and another council’s meeting is not found', async () => {
    const contributor = await signedIn(t, s.alice);
    expect((await contributor.get(`/meetings/${s.meetingId}/update-round`)).statusCode).toBe(403);
    const other = await seedBoard(t, { meetsInDays: 50 });
    const outsider = await signedIn(t, other.editor);
    expect((await outsider.get(`/meetings/${s.meetingId}/update-round`)).statusCode).toBe(404);
    const res = await outsider.post(
      `/meetings/${s.meetingId}/update-round`,
      {},
      { from: `/meetings/${other.meetingId}/update-round` },
    );
    expect(res.statusCode).toBe(404);
  });
});

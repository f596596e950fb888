import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import {
  auditOf,
  errorSummary,
  locationId,
  makeOrg,
  type Org,
} from '../strategy/strategy-pages.test-support.js';
import { boardFor, itemFor, meetingFor, rows, strategyFor } from './governance.test-support.js';
import { todayInLondon } from '../strategy/index.js';

let t: TestApp;
let org: Org;
let other: Org;
beforeAll(async () => {
  t = await createTestApp();
  org = await makeOrg(t);
  other = await makeOrg(t);
}, 120_000);
afterAll(async () => t.close(), 60_000);

const READERS = ['viewer', 'board', 'contributor'] as const;

function boardRow(tenantId: string, id: string) {
  return rows(t, tenantId, (trx) =>
    trx.selectFrom('boards').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
  );
}

describe('creating and editing a board', () => {
  it('creates a board with plain-English choices, audited', async () => {
    const agent = await org.as('editor');
    const form = await agent.get('/boards/new');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Scrutiny commission or committee');
    expect(form.body).toContain('Business strategy group');

    const res = await agent.post('/boards/new', {
      name: 'Scrutiny Commission',
      kind: 'scrutiny',
      purpose: 'Holds the executive to account.',
      reportingCycle: 'six_monthly',
      updateLeadDays: '21',
      reminderAfterDays: '5',
    });
    expect(res.statusCode).toBe(303);
    const id = locationId(res, '/boards');
    const row = await boardRow(org.id, id);
    expect(row).toMatchObject({
      name: 'Scrutiny Commission',
      kind: 'scrutiny',
      reporting_cycle: 'six_monthly',
      update_lead_days: 21,
      reminder_after_days: 5,
    });
    const events = await auditOf(t, org.id, id);
    expect(events.map((e) => e.action)).toEqual(['board.created']);

    const page = await (await org.as('viewer')).get(`/boards/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Holds the executive to account.');
    expect(page.body).toContain('Every six months');
    expect(page.body).not.toContain('Edit board');
    // The other council cannot see it.
    expect((await (await other.as('admin')).get(`/boards/${id}`)).statusCode).toBe(404);
    expect((await (await other.as('admin')).get('/boards')).body).not.toContain(id);
  });

  it('says what is wrong in plain English, keeping what was typed', async () => {
    const agent = await org.as('editor');
    const res = await agent.post('/boards/new', {
      name: '',
      purpose: 'Kept',
      updateLeadDays: '500',
      reminderAfterDays: 'soon',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('<title>Error: ');
    expect(errorSummary(res.body)).toEqual([
      'name: Enter the board’s name',
      'kind: Select what kind of board it is',
      'updateLeadDays: Days before a report that owners are asked must be a whole number from 0 to 120',
      'reminderAfterDays: Days before a reminder must be a whole number from 1 to 60',
    ]);
    expect(res.body).toContain('>Kept</textarea>');
  });

  it('refuses a duplicate name and a loop of boards reporting to each other', async () => {
    const ctx = await org.ctx('editor');
    const a = await boardFor(t, ctx, 'Cabinet');
    const b = await boardFor(t, ctx, 'CMT');
    const agent = await org.as('editor');
    const dup = await agent.post('/boards/new', { name: a.name.toUpperCase(), kind: 'cabinet' });
    expect(dup.statusCode).toBe(409);
    expect(errorSummary(dup.body)).toEqual([
      `name: There is already a board called ${a.name.toUpperCase()}`,
    ]);

    expect(
      (
        await agent.post(`/boards/${b.id}/edit`, {
          name: b.name,
          kind: 'corporate_management_team',
          reportsToBoardId: a.id,
        })
      ).statusCode,
    ).toBe(303);
    const loop = await agent.post(`/boards/${a.id}/edit`, {
      name: a.name,
      kind: 'cabinet',
      reportsToBoardId: b.id,
    });
    expect(loop.statusCode).toBe(400);
    expect(errorSummary(loop.body)).toEqual([
      'reportsToBoardId: A board cannot report to a board that reports to it',
    ]);
    const page = await agent.get(`/boards/${a.id}`);
    expect(page.body).toContain(`href="/boards/${b.id}">${b.name}</a>`);
    expect((await boardRow(org.id, b.id)).reports_to_board_id).toBe(a.id);
    const events = await auditOf(t, org.id, b.id);
    expect(events.map((e) => e.action)).toEqual(['board.created', 'board.updated']);
  });

  it('refuses readers on every managing page and form', async () => {
    const ctx = await org.ctx('editor');
    const board = await boardFor(t, ctx);
    const meeting = await meetingFor(t, ctx, board.id);
    const item = await itemFor(t, ctx, meeting.id);
    for (const role of READERS) {
      const agent = await org.as(role);
      for (const url of [
        '/boards/new',
        `/boards/${board.id}/edit`,
        `/boards/${board.id}/archive`,
        `/boards/${board.id}/members/new`,
        `/boards/${board.id}/strategies`,
        `/boards/${board.id}/meetings/new`,
        `/meetings/${meeting.id}/edit`,
        `/meetings/${meeting.id}/items/new`,
        `/meetings/${meeting.id}/items/${item.id}/edit`,
      ]) {
        expect((await agent.get(url)).statusCode, `${role} GET ${url}`).toBe(403);
        expect((await agent.post(url, { name: 'x' })).statusCode, `${role} POST ${url}`).toBe(403);
      }
      expect(
        (await agent.post(`/meetings/${meeting.id}/status`, { status: 'held' })).statusCode,
      ).toBe(403);
    }
    expect((await boardRow(org.id, board.id)).archived_at).toBeNull();
  });

  it('archives a board, keeping it readable', async () => {
    const board = await boardFor(t, await org.ctx('editor'));
    const agent = await org.as('admin');
    expect((await agent.get(`/boards/${board.id}/archive`)).body).toContain('Archive this board?');
    const res = await agent.post(`/boards/${board.id}/archive`);
    expect(res.statusCode).toBe(303);
    expect((await boardRow(org.id, board.id)).archived_at).not.toBeNull();
    const page = await agent.get(`/boards/${board.id}`);
    expect(page.body).toContain('This board is archived');
    expect(page.body).not.toContain('Edit board');
    const list = await agent.get('/boards');
    expect(list.body).toContain('Archived boards (');
    expect((await auditOf(t, org.id, board.id)).map((e) => e.action)).toContain('board.archived');
  });
});

describe('members and strategies of a board', () => {
  it('adds people with accounts and named councillors, and removes them', async () => {
    const board = await boardFor(t, await org.ctx('editor'));
    const agent = await org.as('editor');
    const viewerId = await org.userId('viewer');
    const form = await agent.get(`/boards/${board.id}/members/new`);
    expect(form.body).toContain(`value="${viewerId}"`);

    const empty = await agent.post(`/boards/${board.id}/members/new`, {});
    expect(empty.statusCode).toBe(400);
    expect(errorSummary(empty.body)).toEqual([
      'userId: Select a person with an account, or enter the name of someone without one',
    ]);
    const both = await agent.post(`/boards/${board.id}/members/new`, {
      userId: viewerId,
      personName: 'Cllr X',
    });
    expect(errorSummary(both.body)).toEqual([
      'personName: Either select a person or enter a name, not both',
    ]);
    const stranger = await other.userId('viewer');
    const outsider = await agent.post(`/boards/${board.id}/members/new`, { userId: stranger });
    expect(outsider.statusCode).toBe(400);
    expect(errorSummary(outsider.body)).toEqual(['userId: Select a person from the list']);

    expect(
      (
        await agent.post(`/boards/${board.id}/members/new`, {
          userId: viewerId,
          memberRole: 'Lead officer',
        })
      ).statusCode,
    ).toBe(303);
    expect(
      (
        await agent.post(`/boards/${board.id}/members/new`, {
          personName: 'Cllr Jane Morgan',
          memberRole: 'Chair',
        })
      ).statusCode,
    ).toBe(303);
    const again = await agent.post(`/boards/${board.id}/members/new`, { userId: viewerId });
    expect(again.statusCode).toBe(409);

    const members = await rows(t, org.id, (trx) =>
      trx
        .selectFrom('board_members')
        .selectAll()
        .where('board_id', '=', board.id)
        .orderBy('position')
        .execute(),
    );
    expect(members.map((m) => [m.user_id, m.person_name, m.member_role])).toEqual([
      [viewerId, null, 'Lead officer'],
      [null, 'Cllr Jane Morgan', 'Chair'],
    ]);
    const page = await agent.get(`/boards/${board.id}`);
    expect(page.body).toContain('Cllr Jane Morgan');
    expect(page.body).toContain('Chair');

    const removed = await agent.post(`/boards/${board.id}/members/${members[1]!.id}/remove`);
    expect(removed.statusCode).toBe(303);
    const left = await rows(t, org.id, (trx) =>
      trx.selectFrom('board_members').select('id').where('board_id', '=', board.id).execute(),
    );
    expect(left).toHaveLength(1);
    const actions = (await auditOf(t, org.id, board.id)).map((e) => e.action);
    expect(actions).toEqual([
      'board.created',
      'board.member_added',
      'board.member_added',
      'board.member_removed',
    ]);
  });

  it('chooses the strategies overseen, by lineage', async () => {
    const ctx = await org.ctx('editor');
    const board = await boardFor(t, ctx);
    const strategy = await strategyFor(t, ctx, 'Digital Strategy 2026');
    const foreign = await strategyFor(t, await other.ctx('editor'), 'Foreign plan');
    const agent = await org.as('editor');
    const form = await agent.get(`/boards/${board.id}/strategies`);
    expect(form.body).toContain('Digital Strategy 2026');
    expect(form.body).not.toContain('Foreign plan');
    const bad = await agent.post(`/boards/${board.id}/strategies`, {
      strategyLineageIds: foreign.lineage_id,
    });
    expect(bad.statusCode).toBe(400);
    expect(errorSummary(bad.body)).toEqual(['strategyLineageIds: Select strategies from the list']);
    const res = await agent.post(`/boards/${board.id}/strategies`, {
      strategyLineageIds: strategy.lineage_id,
    });
    expect(res.statusCode).toBe(303);
    const saved = await rows(t, org.id, (trx) =>
      trx.selectFrom('board_strategies').selectAll().where('board_id', '=', board.id).execute(),
    );
    expect(saved.map((s) => s.strategy_lineage_id)).toEqual([strategy.lineage_id]);
    expect((await agent.get(`/boards/${board.id}`)).body).toContain('Digital Strategy 2026');
    expect((await auditOf(t, org.id, board.id)).map((e) => e.action)).toContain(
      'board.strategies_changed',
    );
  });
});

describe('meetings, agenda items and decisions', () => {
  it('creates a meeting, adds and reorders items, records decisions and corrections', async () => {
    const ctx = await org.ctx('editor');
    const board = await boardFor(t, ctx);
    const strategy = await strategyFor(t, ctx, 'Network Strategy');
    const agent = await org.as('editor');

    const bad = await agent.post(`/boards/${board.id}/meetings/new`, {
      'meetsOn-day': '31',
      'meetsOn-month': '2',
      'meetsOn-year': '2099',
      startsAt: '25:00',
      minutesUrl: 'ftp://x',
    });
    expect(bad.statusCode).toBe(400);
    expect(errorSummary(bad.body)).toEqual([
      'meetsOn-day: Date of the meeting must be a real date',
      'startsAt: Start time must be a time on the 24-hour clock, like 14:00',
      'minutesUrl: Minutes link must be a web address starting http:// or https://',
    ]);
    const res = await agent.post(`/boards/${board.id}/meetings/new`, {
      'meetsOn-day': '14',
      'meetsOn-month': '7',
      'meetsOn-year': '2099',
      startsAt: '9:30',
      location: 'Committee Room 2',
    });
    expect(res.statusCode).toBe(303);
    const meetingId = locationId(res, '/meetings');
    const meeting = await rows(t, org.id, (trx) =>
      trx.selectFrom('meetings').selectAll().where('id', '=', meetingId).executeTakeFirstOrThrow(),
    );
    expect(meeting).toMatchObject({
      meets_on: '2099-07-14',
      starts_at: '09:30:00',
      status: 'planned',
    });

    const noTitle = await agent.post(`/meetings/${meetingId}/items/new`, { kind: 'report' });
    expect(errorSummary(noTitle.body)).toEqual(['title: Enter the item’s title']);
    const first = await agent.post(`/meetings/${meetingId}/items/new`, {
      title: 'Minutes of the last meeting',
      kind: 'other',
    });
    expect(first.statusCode).toBe(303);
    const second = await agent.post(`/meetings/${meetingId}/items/new`, {
      title: 'Network Strategy progress report',
      kind: 'report',
      strategyId: strategy.id,
      paperUrl: 'https://example.org/paper.pdf',
    });
    const items = await rows(t, org.id, (trx) =>
      trx
        .selectFrom('agenda_items')
        .selectAll()
        .where('meeting_id', '=', meetingId)
        .orderBy('position')
        .execute(),
    );
    expect(items.map((i) => i.title)).toEqual([
      'Minutes of the last meeting',
      'Network Strategy progress report',
    ]);
    expect(second.statusCode).toBe(303);
    const reportItem = items[1]!;
    expect(
      (await agent.post(`/meetings/${meetingId}/items/${reportItem.id}/move`, { direction: 'up' }))
        .statusCode,
    ).toBe(303);
    const moved = await rows(t, org.id, (trx) =>
      trx
        .selectFrom('agenda_items')
        .select('title')
        .where('meeting_id', '=', meetingId)
        .orderBy('position')
        .execute(),
    );
    expect(moved.map((i) => i.title)).toEqual([
      'Network Strategy progress report',
      'Minutes of the last meeting',
    ]);

    const page = await (await org.as('viewer')).get(`/meetings/${meetingId}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`href="/meetings/${meetingId}/update-round"`);
    expect(page.body).toContain('14 July 2099 at 09:30');
    expect(page.body).not.toContain('Record a decision');

    // Board members record decisions; the record is never changed, a correction supersedes.
    const member = await org.as('board');
    const url = `/meetings/${meetingId}/items/${reportItem.id}/decisions/new`;
    const none = await member.post(url, {});
    expect(none.statusCode).toBe(400);
    expect(errorSummary(none.body)).toEqual(['outcome: Select the decision']);
    expect(
      (await member.post(url, { outcome: 'approved', note: 'Approved as written.' })).statusCode,
    ).toBe(303);
    expect(
      (await member.post(url, { outcome: 'approved_with_changes', note: 'Minute corrected.' }))
        .statusCode,
    ).toBe(303);
    const decisions = await rows(t, org.id, (trx) =>
      trx
        .selectFrom('decisions')
        .selectAll()
        .where('agenda_item_id', '=', reportItem.id)
        .orderBy('recorded_at')
        .execute(),
    );
    expect(decisions.map((d) => [d.outcome, d.recorded_by])).toEqual([
      ['approved', await org.userId('board')],
      ['approved_with_changes', await org.userId('board')],
    ]);
    const shown = await member.get(`/meetings/${meetingId}`);
    expect(shown.body).toContain('Approved with changes');
    expect(shown.body).toMatch(/Approved<\/strong> \(superseded by the decision recorded on/);
    const audit = await auditOf(t, org.id, decisions[1]!.id);
    expect(audit.map((e) => e.action)).toEqual(['decision.corrected']);
    expect(audit[0]!.after).toMatchObject({ supersedes: decisions[0]!.id });

    // Viewers cannot record decisions.
    expect((await (await org.as('viewer')).post(url, { outcome: 'noted' })).statusCode).toBe(403);
    expect((await (await org.as('viewer')).get(url)).statusCode).toBe(403);
    // Cross-tenant: another council sees nothing.
    expect((await (await other.as('admin')).get(`/meetings/${meetingId}`)).statusCode).toBe(404);
    expect((await (await other.as('admin')).post(url, { outcome: 'noted' })).statusCode).toBe(404);

    // Held, then cancelled: no more decisions.
    expect((await agent.post(`/meetings/${meetingId}/status`, { status: 'held' })).statusCode).toBe(
      303,
    );
    expect(
      (await agent.post(`/meetings/${meetingId}/status`, { status: 'cancelled' })).statusCode,
    ).toBe(303);
    expect((await member.post(url, { outcome: 'noted' })).statusCode).toBe(409);
    const statusEvents = (await auditOf(t, org.id, meetingId)).map((e) => e.action);
    expect(statusEvents).toEqual([
      'meeting.created',
      'meeting.status_changed',
      'meeting.status_changed',
    ]);
  });

  it('edits a meeting and an agenda item', async () => {
    const ctx = await org.ctx('editor');
    const board = await boardFor(t, ctx);
    const meeting = await meetingFor(t, ctx, board.id, '2099-01-10');
    const item = await itemFor(t, ctx, meeting.id, { title: 'Old title' });
    const agent = await org.as('editor');
    const form = await agent.get(`/meetings/${meeting.id}/edit`);
    expect(form.body).toContain('value="2099"');
    const res = await agent.post(`/meetings/${meeting.id}/edit`, {
      'meetsOn-day': '11',
      'meetsOn-month': '1',
      'meetsOn-year': '2099',
      minutesUrl: 'https://example.org/minutes',
    });
    expect(res.statusCode).toBe(303);
    const itemRes = await agent.post(`/meetings/${meeting.id}/items/${item.id}/edit`, {
      title: 'New title',
      kind: 'paper',
    });
    expect(itemRes.statusCode).toBe(303);
    const after = await rows(t, org.id, async (trx) => ({
      m: await trx
        .selectFrom('meetings')
        .selectAll()
        .where('id', '=', meeting.id)
        .executeTakeFirstOrThrow(),
      i: await trx
        .selectFrom('agenda_items')
        .selectAll()
        .where('id', '=', item.id)
        .executeTakeFirstOrThrow(),
    }));
    expect(after.m).toMatchObject({
      meets_on: '2099-01-11',
      minutes_url: 'https://example.org/minutes',
    });
    expect(after.i).toMatchObject({ title: 'New title', kind: 'paper' });
    expect((await auditOf(t, org.id, meeting.id)).map((e) => e.action)).toContain(
      'meeting.updated',
    );
    expect((await auditOf(t, org.id, item.id)).map((e) => e.action)).toEqual([
      'agenda_item.created',
      'agenda_item.updated',
    ]);
  });
});

describe('the forward plan and governance history', () => {
  it('lists upcoming meetings in date order with what is due', async () => {
    const ctx = await org.ctx('editor');
    const strategy = await strategyFor(t, ctx, 'Data Strategy');
    const bsg = await boardFor(t, ctx, 'BSG');
    const sc = await boardFor(t, ctx, 'Scrutiny');
    const agent = await org.as('editor');
    await agent.post(`/boards/${sc.id}/strategies`, { strategyLineageIds: strategy.lineage_id });
    const later = await meetingFor(t, ctx, bsg.id, '2098-03-01');
    const sooner = await meetingFor(t, ctx, sc.id, '2098-02-01');
    await meetingFor(t, ctx, bsg.id, '2001-01-01');
    await itemFor(t, ctx, later.id, { title: 'Cloud business case', kind: 'paper' });
    const res = await (await org.as('viewer')).get('/forward-plan');
    expect(res.statusCode).toBe(200);
    const soonerAt = res.body.indexOf(`/meetings/${sooner.id}`);
    const laterAt = res.body.indexOf(`/meetings/${later.id}`);
    expect(soonerAt).toBeGreaterThan(0);
    expect(laterAt).toBeGreaterThan(soonerAt);
    expect(res.body).toContain('Progress report on Data Strategy due');
    expect(res.body).toContain('Cloud business case');
    expect(res.body).not.toContain('1 January 2001');
    expect((await (await other.as('admin')).get('/forward-plan')).body).not.toContain(sooner.id);

    // Once a report is on the agenda, it is no longer "due".
    await itemFor(t, ctx, sooner.id, {
      title: 'Data Strategy report',
      kind: 'report',
      strategyId: strategy.id,
    });
    const after = await agent.get('/forward-plan');
    expect(after.body).not.toContain('Progress report on Data Strategy due');
  });

  it('shows a strategy’s governance history across its versions', async () => {
    const ctx = await org.ctx('editor');
    const strategy = await strategyFor(t, ctx, 'Workplace Strategy');
    const board = await boardFor(t, ctx, 'Cabinet');
    const meeting = await meetingFor(t, ctx, board.id, '2025-03-18');
    const item = await itemFor(t, ctx, meeting.id, {
      title: 'Workplace Strategy for approval',
      strategyId: strategy.id,
    });
    const member = await org.as('board');
    await member.post(`/meetings/${meeting.id}/items/${item.id}/decisions/new`, {
      outcome: 'approved',
      note: 'Adopted.',
    });

    const strategyPage = await member.get(`/strategies/${strategy.id}`);
    expect(strategyPage.body).toContain(`href="/strategies/${strategy.id}/governance"`);
    const res = await member.get(`/strategies/${strategy.id}/governance`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Governance history');
    expect(res.body).toContain('Cabinet');
    expect(res.body).toContain('18 March 2025');
    expect(res.body).toContain('Workplace Strategy for approval');
    expect(res.body).toContain('Adopted.');
    expect(res.body).toContain('Recorded by Test board');
    expect(
      (await (await other.as('admin')).get(`/strategies/${strategy.id}/governance`)).statusCode,
    ).toBe(404);
    expect(todayInLondon()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});

describe('the calendar feed', () => {
  it('serves one event per meeting with stable UIDs, timed or all-day', async () => {
    const ctx = await org.ctx('editor');
    const board = await boardFor(t, ctx, 'Calendar board');
    const timed = await meetingFor(t, ctx, board.id, '2099-07-14', '10:00');
    const allDay = await meetingFor(t, ctx, board.id, '2099-12-01');
    const res = await (await org.as('viewer')).get(`/boards/${board.id}/calendar.ics`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/calendar/);
    const ics = res.body.replace(/\r\n /g, '');
    expect(ics.match(/BEGIN:VEVENT/g)).toHaveLength(2);
    expect(ics).toContain(`UID:meeting-${timed.id}@`);
    expect(ics).toContain(`UID:meeting-${allDay.id}@`);
    // 10:00 in July is British Summer Time: 09:00 UTC.
    expect(ics).toContain('DTSTART:20990714T090000Z');
    expect(ics).toContain('DTSTART;VALUE=DATE:20991201');
    expect(ics).toContain('X-WR-TIMEZONE:Europe/London');
    const again = await (await org.as('viewer')).get(`/boards/${board.id}/calendar.ics`);
    expect(again.body).toBe(res.body);
    expect(
      (await (await other.as('viewer')).get(`/boards/${board.id}/calendar.ics`)).statusCode,
    ).toBe(404);
  });
});

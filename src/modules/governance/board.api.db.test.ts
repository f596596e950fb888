import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { auditOf, bearer, makeOrg, type Org } from '../strategy/strategy-pages.test-support.js';
import { boardFor, meetingFor, rows, strategyFor } from './governance.test-support.js';

let t: TestApp;
let org: Org;
let other: Org;
beforeAll(async () => {
  t = await createTestApp();
  org = await makeOrg(t);
  other = await makeOrg(t);
}, 120_000);
afterAll(async () => t.close(), 60_000);

async function call(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  token: string,
  payload?: unknown,
) {
  return t.app.inject({
    method,
    url,
    headers: bearer(token),
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}

describe('boards through the API', () => {
  it('creates, reads, changes and lists boards', async () => {
    const editor = await org.token('editor');
    const strategy = await strategyFor(t, await org.ctx('editor'), 'API strategy');
    const created = await call('POST', '/api/v1/boards', editor, {
      name: 'Scrutiny Commission (API)',
      kind: 'scrutiny',
      purpose: 'Scrutiny of ICT',
      strategyLineageIds: [strategy.lineage_id],
    });
    expect(created.statusCode).toBe(201);
    const board = created.json<{
      id: string;
      strategyLineageIds: string[];
      reportingCycle: string;
    }>();
    expect(board.strategyLineageIds).toEqual([strategy.lineage_id]);
    expect(board.reportingCycle).toBe('quarterly');
    expect(created.headers.location).toBe(`/api/v1/boards/${board.id}`);

    const patched = await call('PATCH', `/api/v1/boards/${board.id}`, editor, {
      reportingCycle: 'annual',
      purpose: null,
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({
      reportingCycle: 'annual',
      purpose: null,
      kind: 'scrutiny',
    });
    const row = await rows(t, org.id, (trx) =>
      trx.selectFrom('boards').selectAll().where('id', '=', board.id).executeTakeFirstOrThrow(),
    );
    expect(row).toMatchObject({ reporting_cycle: 'annual', purpose: null });
    expect((await auditOf(t, org.id, board.id)).map((e) => e.action)).toEqual([
      'board.created',
      'board.strategies_changed',
      'board.updated',
    ]);

    await boardFor(t, await org.ctx('editor'));
    const reader = await org.token('viewer');
    const read = await call('GET', `/api/v1/boards/${board.id}`, reader);
    expect(read.statusCode).toBe(200);
    const first = await call('GET', '/api/v1/boards?limit=1', reader);
    expect(first.statusCode).toBe(200);
    const page = first.json<{ data: unknown[]; links: { next: string | null } }>();
    expect(page.data).toHaveLength(1);
    expect(page.links.next).not.toBeNull();

    // Another council sees nothing.
    const foreign = await other.token('admin');
    expect((await call('GET', `/api/v1/boards/${board.id}`, foreign)).statusCode).toBe(404);
    const theirs = await call('GET', '/api/v1/boards', foreign);
    expect(JSON.stringify(theirs.json())).not.toContain(board.id);
  });

  it('refuses readers and explains invalid bodies as problem+json', async () => {
    const viewer = await org.token('viewer');
    const refused = await call('POST', '/api/v1/boards', viewer, { name: 'X', kind: 'other' });
    expect(refused.statusCode).toBe(403);
    const editor = await org.token('editor');
    const bad = await call('POST', '/api/v1/boards', editor, {
      name: '',
      kind: 'committee',
      updateLeadDays: 500,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
    const fields = bad.json<{ errors: { field: string; message: string }[] }>().errors;
    expect(fields.map((e) => e.field)).toEqual(
      expect.arrayContaining(['body.name', 'body.kind', 'body.updateLeadDays']),
    );
    const messages = fields.map((e) => e.message).join(' | ');
    expect(messages).toContain('Enter the board’s name');
    expect(messages).toContain('Select what kind of board it is');
  });

  it('adds and removes members', async () => {
    const editor = await org.token('editor');
    const board = await boardFor(t, await org.ctx('editor'));
    const added = await call('POST', `/api/v1/boards/${board.id}/members`, editor, {
      personName: 'Cllr Aled Jones',
      memberRole: 'Chair',
    });
    expect(added.statusCode).toBe(201);
    const member = added.json<{ id: string; name: string; role: string }>();
    expect(member).toMatchObject({ name: 'Cllr Aled Jones', role: 'Chair' });
    const none = await call('POST', `/api/v1/boards/${board.id}/members`, editor, {});
    expect(none.statusCode).toBe(400);
    const list = await call('GET', `/api/v1/boards/${board.id}/members`, await org.token('board'));
    expect(list.json<{ data: unknown[] }>().data).toHaveLength(1);
    expect(
      (
        await call(
          'DELETE',
          `/api/v1/boards/${board.id}/members/${member.id}`,
          await org.token('viewer'),
        )
      ).statusCode,
    ).toBe(403);
    expect(
      (await call('DELETE', `/api/v1/boards/${board.id}/members/${member.id}`, editor)).statusCode,
    ).toBe(204);
    expect((await auditOf(t, org.id, board.id)).map((e) => e.action)).toEqual([
      'board.created',
      'board.member_added',
      'board.member_removed',
    ]);
  });

  it('serves the calendar feed to an API token', async () => {
    const ctx = await org.ctx('editor');
    const board = await boardFor(t, ctx);
    const meeting = await meetingFor(t, ctx, board.id, '2099-02-02', '14:00');
    const res = await call(
      'GET',
      `/api/v1/boards/${board.id}/calendar.ics`,
      await org.token('viewer', ['read']),
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/calendar/);
    expect(res.body).toContain(`UID:meeting-${meeting.id}@`);
    expect(res.body).toContain('DTSTART:20990202T140000Z');
    const anonymous = await t.app.inject({
      method: 'GET',
      url: `/api/v1/boards/${board.id}/calendar.ics`,
    });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe('meetings, agenda items and decisions through the API', () => {
  it('creates a meeting with items, records decisions and lists them', async () => {
    const ctx = await org.ctx('editor');
    const board = await boardFor(t, ctx);
    const strategy = await strategyFor(t, ctx, 'API meeting strategy');
    const editor = await org.token('editor');

    const bad = await call('POST', '/api/v1/meetings', editor, {
      boardId: board.id,
      meetsOn: '2099-02-30',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ errors: { field: string; message: string }[] }>().errors).toEqual([
      { field: 'body.meetsOn', message: 'Date of the meeting must be a real date' },
    ]);
    const foreignBoard = await boardFor(t, await other.ctx('editor'));
    expect(
      (
        await call('POST', '/api/v1/meetings', editor, {
          boardId: foreignBoard.id,
          meetsOn: '2099-02-01',
        })
      ).statusCode,
    ).toBe(400);

    const created = await call('POST', '/api/v1/meetings', editor, {
      boardId: board.id,
      meetsOn: '2099-03-01',
      startsAt: '18:30',
      location: 'Town Hall',
    });
    expect(created.statusCode).toBe(201);
    const meeting = created.json<{ id: string; startsAt: string }>();
    expect(meeting.startsAt).toBe('18:30');

    const item = await call('POST', `/api/v1/meetings/${meeting.id}/agenda-items`, editor, {
      title: 'Progress report',
      kind: 'report',
      strategyId: strategy.id,
    });
    expect(item.statusCode).toBe(201);
    const itemId = item.json<{ id: string }>().id;
    const badItem = await call('POST', `/api/v1/meetings/${meeting.id}/agenda-items`, editor, {
      title: 'x',
      paperUrl: 'not a link',
    });
    expect(badItem.statusCode).toBe(400);
    const patchedItem = await call(
      'PATCH',
      `/api/v1/meetings/${meeting.id}/agenda-items/${itemId}`,
      editor,
      {
        title: 'Quarterly progress report',
      },
    );
    expect(patchedItem.json()).toMatchObject({
      title: 'Quarterly progress report',
      kind: 'report',
    });

    const boardToken = await org.token('board');
    const decisionUrl = `/api/v1/meetings/${meeting.id}/agenda-items/${itemId}/decisions`;
    expect(
      (await call('POST', decisionUrl, await org.token('viewer'), { outcome: 'noted' })).statusCode,
    ).toBe(403);
    const noOutcome = await call('POST', decisionUrl, boardToken, {});
    expect(noOutcome.statusCode).toBe(400);
    const d1 = await call('POST', decisionUrl, boardToken, {
      outcome: 'deferred',
      note: 'To next meeting',
    });
    expect(d1.statusCode).toBe(201);
    expect(d1.json()).toMatchObject({
      outcome: 'deferred',
      recordedBy: { userId: await org.userId('board') },
    });
    const d2 = await call('POST', decisionUrl, boardToken, { outcome: 'noted' });
    expect(d2.statusCode).toBe(201);

    const listed = await call(
      'GET',
      `/api/v1/meetings/${meeting.id}/decisions`,
      await org.token('viewer'),
    );
    expect(listed.statusCode).toBe(200);
    const data = listed.json<{ data: { id: string; supersededById: string | null }[] }>().data;
    expect(data).toHaveLength(2);
    expect(data[0]!.supersededById).toBe(d2.json<{ id: string }>().id);

    const read = await call('GET', `/api/v1/meetings/${meeting.id}`, await org.token('viewer'));
    expect(read.json()).toMatchObject({ agendaItems: [{ title: 'Quarterly progress report' }] });
    const patched = await call('PATCH', `/api/v1/meetings/${meeting.id}`, editor, {
      status: 'held',
      minutesUrl: 'https://example.org/m',
      startsAt: null,
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({
      status: 'held',
      minutesUrl: 'https://example.org/m',
      startsAt: null,
    });
    const list = await call(
      'GET',
      `/api/v1/meetings?boardId=${board.id}`,
      await org.token('viewer'),
    );
    expect(list.json<{ data: { id: string }[] }>().data.map((m) => m.id)).toEqual([meeting.id]);
    expect((await call('GET', '/api/v1/meetings?boardId=nope', editor)).statusCode).toBe(400);

    expect((await auditOf(t, org.id, meeting.id)).map((e) => e.action)).toEqual([
      'meeting.created',
      'meeting.updated',
      'meeting.status_changed',
    ]);
    const foreign = await other.token('admin');
    expect((await call('GET', `/api/v1/meetings/${meeting.id}`, foreign)).statusCode).toBe(404);
    expect((await call('POST', decisionUrl, foreign, { outcome: 'noted' })).statusCode).toBe(404);
  });

  it('is documented under its own tag', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{
      tags: { name: string }[];
      paths: Record<string, Record<string, { tags: string[] }>>;
    }>();
    expect(doc.tags.map((tag) => tag.name)).toContain('Boards and meetings');
    expect(doc.paths['/api/v1/boards']?.get?.tags).toEqual(['Boards and meetings']);
    expect(Object.keys(doc.paths)).toContain(
      '/api/v1/meetings/{id}/agenda-items/{itemId}/decisions',
    );
  });
});

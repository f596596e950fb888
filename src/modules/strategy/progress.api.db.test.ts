import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { insertApiToken } from '../../../test/security/support.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import { makePlan, person, type Person, type Plan } from './progress.test-support.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

async function tokenFor(p: Person, orgId: string, scopes?: string[]) {
  return (await insertApiToken(t.database.db, orgId, p.id, scopes)).token;
}

function call(
  token: string,
  method: 'GET' | 'POST',
  url: string,
  payload?: Record<string, unknown>,
) {
  return t.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}` },
    ...(payload ? { payload } : {}),
  });
}

interface UpdatesPage {
  data: { id: string; happened: string; status: string; correctsId: string | null }[];
  links: { self: string; next: string | null; prev: string | null };
  meta: { total: number; count: number; limit: number; offset: number };
}

describe('the progress API', () => {
  let plan: Plan;
  let ownerToken: string;
  beforeAll(async () => {
    plan = await makePlan(t.database.db);
    ownerToken = await tokenFor(plan.owner, plan.orgId);
  });

  it('lists My actions as JSON, those needing an update first', async () => {
    const res = await call(ownerToken, 'GET', '/api/v1/me/actions');
    expect(res.statusCode).toBe(200);
    const body = res.json<{
      data: { ref: string; needsUpdate: boolean; reason: string | null; statusLabel: string }[];
      meta: { total: number; needingUpdate: number };
    }>();
    expect(body.data.map((a) => a.ref)).toEqual(['1.2', '1.3', '1.4', '1.1', '1.5', '2.1']);
    expect(body.data.map((a) => a.reason)).toEqual(['overdue', 'never', 'stale', null, null, null]);
    expect(body.meta).toMatchObject({ total: 6, needingUpdate: 3 });
    expect(body.data[0]!.statusLabel).toBe('Not started');
    const paged = await call(ownerToken, 'GET', '/api/v1/me/actions?limit=2&offset=2');
    expect(paged.json<{ data: { ref: string }[] }>().data.map((a) => a.ref)).toEqual([
      '1.4',
      '1.1',
    ]);
    // Readers own nothing to update.
    const viewer = await person(t.database.db, plan.orgId, 'viewer');
    const refused = await call(await tokenFor(viewer, plan.orgId), 'GET', '/api/v1/me/actions');
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('records progress with the same rules as the page, and lists updates newest first', async () => {
    const id = plan.actions['1.3']!.id;
    const first = await call(ownerToken, 'POST', `/api/v1/actions/${id}/updates`, {
      status: 'on_track',
      happened: 'Rules reviewed; three removed.',
      forecastStatus: 'complete',
      percentComplete: 60,
      evidenceUrl: 'https://intranet.example/firewall',
    });
    expect(first.statusCode, first.body).toBe(201);
    const created = first.json<{ id: string; status: string; recordedBy: { id: string } }>();
    expect(created).toMatchObject({ status: 'on_track', recordedBy: { id: plan.owner.id } });
    const second = await call(ownerToken, 'POST', `/api/v1/actions/${id}/updates`, {
      status: 'complete',
      happened: 'Review signed off.',
    });
    expect(second.statusCode).toBe(201);

    const action = await withTenant(t.database.db, plan.orgId, null, async (trx) => ({
      row: await trx
        .selectFrom('actions')
        .select(['status', 'last_update_at'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow(),
      audit: await trx
        .selectFrom('audit_events')
        .select('action')
        .where('entity_id', '=', id)
        .where('action', '=', 'progress.recorded')
        .execute(),
    }));
    expect(action.row.status).toBe('complete');
    expect(action.audit).toHaveLength(2);

    const list = await call(ownerToken, 'GET', `/api/v1/actions/${id}/updates?limit=1`);
    expect(list.statusCode).toBe(200);
    const page = list.json<UpdatesPage>();
    expect(page.data.map((u) => u.happened)).toEqual(['Review signed off.']);
    expect(page.meta).toMatchObject({ total: 2, count: 1, limit: 1, offset: 0 });
    expect(page.links.prev).toBeNull();
    const next = await call(ownerToken, 'GET', page.links.next!);
    const nextPage = next.json<UpdatesPage>();
    expect(nextPage.data.map((u) => u.id)).toEqual([created.id]);
    expect(nextPage.links.next).toBeNull();

    // Readers may read updates.
    const board = await person(t.database.db, plan.orgId, 'board');
    const read = await call(
      await tokenFor(board, plan.orgId),
      'GET',
      `/api/v1/actions/${id}/updates`,
    );
    expect(read.json<UpdatesPage>().meta.total).toBe(2);
  });

  it('answers problems with the field they concern', async () => {
    const id = plan.actions['1.1']!.id;
    const missing = await call(ownerToken, 'POST', `/api/v1/actions/${id}/updates`, {
      percentComplete: 150,
      evidenceUrl: 'not a link',
    });
    expect(missing.statusCode).toBe(400);
    const fields = missing.json<{ errors: { field: string; message: string }[] }>().errors;
    expect(fields).toEqual(
      expect.arrayContaining([
        { field: 'body.status', message: 'Select the status now' },
        { field: 'body.happened', message: 'Enter what has happened' },
        { field: 'body.percentComplete', message: 'Percent complete must be 100 or less' },
        {
          field: 'body.evidenceUrl',
          message: 'Evidence link must be a web address starting with https://',
        },
      ]),
    );
    const noNote = await call(ownerToken, 'POST', `/api/v1/actions/${id}/updates`, {
      status: 'on_track',
      happened: 'x',
      correctsId: plan.actions['1.1']!.id,
    });
    expect(noNote.json<{ errors: unknown[] }>().errors).toEqual([
      { field: 'body.correctionNote', message: 'Say what this correction changes' },
    ]);
    const foreign = await call(ownerToken, 'POST', `/api/v1/actions/${id}/updates`, {
      status: 'on_track',
      happened: 'x',
      correctsId: plan.actions['1.1']!.id,
      correctionNote: 'Wrong',
    });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json<{ errors: unknown[] }>().errors).toEqual([
      {
        field: 'body.correctsId',
        message: 'The update being corrected is not one of this action’s updates',
      },
    ]);
  });

  it('records corrections as new updates that name the one they correct', async () => {
    const id = plan.actions['1.5']!.id;
    const before = (
      await call(ownerToken, 'GET', `/api/v1/actions/${id}/updates`)
    ).json<UpdatesPage>().data[0]!;
    const res = await call(ownerToken, 'POST', `/api/v1/actions/${id}/updates`, {
      status: 'at_risk',
      happened: 'The assessor found two gaps.',
      correctsId: before.id,
      correctionNote: 'Was reported on track before the assessment.',
    });
    expect(res.statusCode).toBe(201);
    const list = (
      await call(ownerToken, 'GET', `/api/v1/actions/${id}/updates`)
    ).json<UpdatesPage>();
    expect(list.data).toHaveLength(2);
    expect(list.data[0]).toMatchObject({ correctsId: before.id, status: 'at_risk' });
    expect(list.data[1]).toEqual(before);
  });

  it('refuses a contributor who does not hold the post, and readers, writing nothing', async () => {
    const id = plan.actions['1.2']!.id;
    const otherToken = await tokenFor(plan.other, plan.orgId);
    const res = await call(otherToken, 'POST', `/api/v1/actions/${id}/updates`, {
      status: 'complete',
      happened: 'Not mine.',
    });
    expect(res.statusCode).toBe(403);
    expect(res.json<{ detail: string }>().detail).toBe(
      'You can record progress only on actions owned by a post you hold.',
    );
    const viewer = await person(t.database.db, plan.orgId, 'viewer');
    const asViewer = await call(
      await tokenFor(viewer, plan.orgId),
      'POST',
      `/api/v1/actions/${id}/updates`,
      {
        status: 'complete',
        happened: 'x',
      },
    );
    expect(asViewer.statusCode).toBe(403);
    const readOnly = await call(
      await tokenFor(plan.owner, plan.orgId, ['read']),
      'POST',
      `/api/v1/actions/${id}/updates`,
      { status: 'complete', happened: 'x' },
    );
    expect(readOnly.statusCode).toBe(403);
    const list = (
      await call(ownerToken, 'GET', `/api/v1/actions/${id}/updates`)
    ).json<UpdatesPage>();
    expect(list.meta.total).toBe(0);
  });

  it('does not find another organisation’s action', async () => {
    const elsewhere = await makePlan(t.database.db);
    const id = elsewhere.actions['1.1']!.id;
    expect((await call(ownerToken, 'GET', `/api/v1/actions/${id}/updates`)).statusCode).toBe(404);
    const res = await call(ownerToken, 'POST', `/api/v1/actions/${id}/updates`, {
      status: 'complete',
      happened: 'x',
    });
    expect(res.statusCode).toBe(404);
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ url: '/api/openapi.json' })).json<{
      paths: Record<string, Record<string, { tags: string[] }>>;
    }>();
    expect(doc.paths['/api/v1/actions/{id}/updates']?.get?.tags).toEqual(['Progress']);
    expect(doc.paths['/api/v1/actions/{id}/updates']?.post).toBeDefined();
    expect(doc.paths['/api/v1/me/actions']?.get).toBeDefined();
  });
});

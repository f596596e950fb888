import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import { createAction } from './action.service.js';
import { createTerm } from './glossary.service.js';
import { assignPostHolder } from './posts.service.js';
import { recordProgress } from './progress.service.js';
import { actionInput, progressInput, strategyInput } from './strategy.schemas.js';
import { addArea, createStrategy } from './strategy.service.js';
import { auditOf, bearer, makeOrg, type Org } from './strategy-pages.test-support.js';

let t: TestApp;
let org: Org;
let other: Org;
beforeAll(async () => {
  t = await createTestApp();
  org = await makeOrg(t);
  other = await makeOrg(t);
}, 60_000);
afterAll(async () => t.close());

type Json = Record<string, unknown> & { data?: Record<string, unknown>[] };

async function call(
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  url: string,
  token: string,
  payload?: unknown,
) {
  const res = await t.app.inject({
    method,
    url,
    headers: bearer(token),
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
  return { res, json: (res.body ? JSON.parse(res.body) : null) as Json };
}

describe('/api/v1/strategies', () => {
  it('lists the organisation’s strategies with their action counts', async () => {
    const ctx = await org.ctx('editor');
    const s = await createStrategy(
      t.database.db,
      ctx,
      strategyInput.parse({ title: 'Listed plan' }),
    );
    await createAction(t.database.db, ctx, s.id, actionInput.parse({ ref: '1', title: 'One' }));
    const theirs = await createStrategy(
      t.database.db,
      await other.ctx('editor'),
      strategyInput.parse({ title: 'Not yours' }),
    );
    const { res, json } = await call('GET', '/api/v1/strategies', await org.token('viewer'));
    expect(res.statusCode).toBe(200);
    const mine = json.data!.find((d) => d.id === s.id);
    expect(mine).toMatchObject({
      title: 'Listed plan',
      version: 1,
      lineageId: s.id,
      status: 'draft',
      actionCount: 1,
    });
    expect(json.data!.some((d) => d.id === theirs.id)).toBe(false);
    expect(json.links).toBeDefined();
  });

  it('creates a strategy for editors only, validating every field, audited', async () => {
    const body = {
      title: 'ICT Strategy 2026',
      periodLabel: '2026–2029',
      periodStart: '2026-04-01',
      periodEnd: '2029-03-31',
      approvedBy: 'Cabinet',
      documentDate: '2026-03-01',
    };
    const denied = await call('POST', '/api/v1/strategies', await org.token('viewer'), body);
    expect(denied.res.statusCode).toBe(403);

    const editor = await org.token('editor');
    const invalid = await call('POST', '/api/v1/strategies', editor, { periodStart: '2026-02-30' });
    expect(invalid.res.statusCode).toBe(400);
    expect(invalid.res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(invalid.json.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'body.title' }),
        expect.objectContaining({ field: 'body.periodStart' }),
      ]),
    );
    const backwards = await call('POST', '/api/v1/strategies', editor, {
      title: 'Backwards',
      periodStart: '2026-04-01',
      periodEnd: '2025-04-01',
    });
    expect(backwards.res.statusCode).toBe(400);
    expect(backwards.json.errors).toEqual([
      {
        field: 'body.periodEnd',
        message: 'End of the period must be the same as or after its start',
      },
    ]);

    const { res, json } = await call('POST', '/api/v1/strategies', editor, body);
    expect(res.statusCode).toBe(201);
    expect(res.headers.location).toBe(`/api/v1/strategies/${String(json.id)}`);
    expect(json).toMatchObject({ ...body, status: 'draft', version: 1, previousVersionId: null });
    expect((await auditOf(t, org.id, String(json.id))).map((e) => e.action)).toEqual([
      'strategy.created',
    ]);
  });

  it('reads and patches a strategy: given fields change, null clears, the rest stay', async () => {
    const ctx = await org.ctx('editor');
    const s = await createStrategy(
      t.database.db,
      ctx,
      strategyInput.parse({ title: 'Patch me', leadOfficer: 'Head of ICT', approvedBy: 'Cabinet' }),
    );
    const reader = await org.token('board');
    const read = await call('GET', `/api/v1/strategies/${s.id}`, reader);
    expect(read.res.statusCode).toBe(200);
    expect(read.json).toMatchObject({ id: s.id, title: 'Patch me', leadOfficer: 'Head of ICT' });

    expect(
      (await call('PATCH', `/api/v1/strategies/${s.id}`, reader, { title: 'x' })).res.statusCode,
    ).toBe(403);
    const editor = await org.token('admin');
    const patched = await call('PATCH', `/api/v1/strategies/${s.id}`, editor, {
      status: 'consultation',
      approvedBy: null,
      nextReviewOn: '2027-03-01',
    });
    expect(patched.res.statusCode).toBe(200);
    expect(patched.json).toMatchObject({
      title: 'Patch me',
      status: 'consultation',
      approvedBy: null,
      leadOfficer: 'Head of ICT',
      nextReviewOn: '2027-03-01',
    });
    const bad = await call('PATCH', `/api/v1/strategies/${s.id}`, editor, { title: '' });
    expect(bad.res.statusCode).toBe(400);
    expect(bad.json.errors).toEqual([
      { field: 'body.title', message: 'Enter the strategy’s title' },
    ]);
    expect((await auditOf(t, org.id, s.id)).map((e) => e.action)).toEqual([
      'strategy.created',
      'strategy.updated',
    ]);
  });

  it('finds nothing in another organisation', async () => {
    const theirs = await createStrategy(
      t.database.db,
      await other.ctx('editor'),
      strategyInput.parse({ title: 'Theirs' }),
    );
    const token = await org.token('admin');
    for (const [method, url] of [
      ['GET', `/api/v1/strategies/${theirs.id}`],
      ['PATCH', `/api/v1/strategies/${theirs.id}`],
      ['GET', `/api/v1/strategies/${theirs.id}/export.json`],
      ['GET', `/api/v1/glossary?strategyId=${theirs.id}`],
    ] as const) {
      const { res } = await call(
        method,
        url,
        token,
        method === 'PATCH' ? { title: 'Mine' } : undefined,
      );
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
    }
  });
});

describe('the whole-strategy export', () => {
  it('holds the record, areas, actions with supporters, dependencies and updates, and the glossary', async () => {
    const ctx = await org.ctx('editor');
    const { db } = t.database;
    const s = await createStrategy(
      db,
      ctx,
      strategyInput.parse({
        title: 'Exported',
        documentDate: '2007-04-01',
        summary: '**Bold** aims',
      }),
    );
    const area = await addArea(db, ctx, s.id, {
      number: '4',
      title: 'Best Value',
      vision: '4.1.1 Value.',
    });
    await createTerm(db, ctx, s.id, { code: 'CR', expansion: 'Current resources' });
    const first = await createAction(
      db,
      ctx,
      s.id,
      actionInput.parse({ ref: '4.1', title: 'Programme office' }),
    );
    const second = await createAction(
      db,
      ctx,
      s.id,
      actionInput.parse({
        ref: '4.3',
        title: 'Review ICT support',
        areaId: area.id,
        priority: 'H',
        timescale: "Aug '07",
        lead: 'AD, ICT (SMT, BoD)',
        resources: '£1,000',
        dependsOn: ['4.1'],
      }),
    );
    await recordProgress(
      db,
      ctx,
      second.id,
      progressInput.parse({ status: 'at_risk', happened: 'Delayed.' }),
    );

    const { res, json } = await call(
      'GET',
      `/api/v1/strategies/${s.id}/export.json`,
      await org.token('viewer'),
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toContain(`strategy-${s.id}-v1.json`);
    expect(json).toMatchObject({
      format: 'waymark.strategy',
      formatVersion: 1,
      strategy: {
        id: s.id,
        title: 'Exported',
        summary: '**Bold** aims',
        documentDate: '2007-04-01',
      },
      areas: [
        { id: area.id, number: '4', title: 'Best Value', vision: '4.1.1 Value.', position: 1 },
      ],
      glossary: [{ code: 'CR', expansion: 'Current resources', scope: 'strategy' }],
    });
    const actions = json.actions as Record<string, unknown>[];
    expect(actions.map((a) => a.ref)).toEqual(['4.1', '4.3']);
    expect(actions[1]).toMatchObject({
      id: second.id,
      lineageId: second.lineage_id,
      areaId: area.id,
      priority: 'high',
      priorityText: 'H',
      timescale: { text: "Aug '07", start: '2007-08-01', due: '2007-08-31', needsReview: false },
      lead: { text: 'AD, ICT (SMT, BoD)', post: 'AD, ICT' },
      with: [
        { text: 'SMT', postId: null },
        { text: 'BoD', postId: null },
      ],
      resources: { kind: 'amount', amountPence: 100_000 },
      status: 'at_risk',
      dependsOn: [{ actionId: first.id, ref: '4.1', note: null }],
      archived: null,
      updates: [{ status: 'at_risk', happened: 'Delayed.', actionId: second.id }],
    });
  });
});

describe('/api/v1/posts', () => {
  it('lists posts with who holds them now, and creates them (editors only)', async () => {
    const editor = await org.token('editor');
    const denied = await call('POST', '/api/v1/posts', await org.token('contributor'), {
      shortName: 'HoICT',
      title: 'Head of ICT',
      kind: 'post',
    });
    expect(denied.res.statusCode).toBe(403);

    const created = await call('POST', '/api/v1/posts', editor, {
      shortName: 'HoICT',
      title: 'Head of ICT',
      kind: 'post',
    });
    expect(created.res.statusCode).toBe(201);
    expect(created.json).toMatchObject({ shortName: 'HoICT', kind: 'post', currentHolder: null });
    const id = String(created.json.id);
    expect((await auditOf(t, org.id, id)).map((e) => e.action)).toEqual(['post.created']);

    const clash = await call('POST', '/api/v1/posts', editor, {
      shortName: 'hoict',
      title: 'Again',
      kind: 'post',
    });
    expect(clash.res.statusCode).toBe(409);
    expect(clash.json.errors).toEqual([expect.objectContaining({ field: 'body.shortName' })]);

    const ctx = await org.ctx('editor');
    const holder = await org.userId('contributor');
    await withTenant(t.database.db, org.id, ctx.actor.userId, (trx) =>
      assignPostHolder(
        trx,
        ctx.actor,
        org.id,
        id,
        { userId: holder, personName: null },
        '2020-01-01',
      ),
    );
    const list = await call('GET', '/api/v1/posts', await org.token('viewer'));
    expect(list.json.data!.find((p) => p.id === id)).toMatchObject({
      currentHolder: { userId: holder, name: 'Test contributor', from: '2020-01-01' },
    });
    const one = await call('GET', `/api/v1/posts/${id}`, await org.token('viewer'));
    expect(one.json).toMatchObject({ id, title: 'Head of ICT' });
    expect(
      (await call('GET', `/api/v1/posts/${id}`, await other.token('viewer'))).res.statusCode,
    ).toBe(404);
  });
});

describe('/api/v1/glossary', () => {
  it('puts, lists and deletes terms by code, for the organisation and for a strategy, audited', async () => {
    const editor = await org.token('editor');
    const ctx = await org.ctx('editor');
    const s = await createStrategy(
      t.database.db,
      ctx,
      strategyInput.parse({ title: 'Glossary plan' }),
    );

    expect(
      (await call('PUT', '/api/v1/glossary/AR', await org.token('viewer'), { expansion: 'x' })).res
        .statusCode,
    ).toBe(403);
    const created = await call('PUT', '/api/v1/glossary/AR', editor, {
      expansion: 'Additional resources',
    });
    expect(created.res.statusCode).toBe(201);
    expect(created.json).toMatchObject({
      code: 'AR',
      expansion: 'Additional resources',
      strategyId: null,
    });
    const changed = await call('PUT', '/api/v1/glossary/AR', editor, {
      expansion: 'Additional resources required',
    });
    expect(changed.res.statusCode).toBe(200);
    expect(changed.json.id).toBe(created.json.id);
    const codeWithSpace = await call(
      'PUT',
      `/api/v1/glossary/${encodeURIComponent('T&D Mgr')}?strategyId=${s.id}`,
      editor,
      {
        expansion: 'Training and Development Manager',
      },
    );
    expect(codeWithSpace.res.statusCode).toBe(201);
    expect(codeWithSpace.json).toMatchObject({ code: 'T&D Mgr', strategyId: s.id });
    const empty = await call('PUT', '/api/v1/glossary/AR', editor, { expansion: ' ' });
    expect(empty.res.statusCode).toBe(400);

    const orgList = await call('GET', '/api/v1/glossary', await org.token('viewer'));
    expect(orgList.json.data!.map((d) => d.code)).toEqual(['AR']);
    const strategyList = await call(
      'GET',
      `/api/v1/glossary?strategyId=${s.id}`,
      await org.token('viewer'),
    );
    expect(strategyList.json.data!.map((d) => d.code)).toEqual(['T&D Mgr']);

    const deleted = await call('DELETE', '/api/v1/glossary/AR', editor);
    expect(deleted.res.statusCode).toBe(204);
    expect((await call('DELETE', '/api/v1/glossary/AR', editor)).res.statusCode).toBe(404);
    const audit = await auditOf(t, org.id, String(created.json.id));
    expect(audit.map((e) => e.action)).toEqual([
      'glossary.term_created',
      'glossary.term_updated',
      'glossary.term_removed',
    ]);
  });

  it('is in the OpenAPI document', async () => {
    const doc = JSON.parse(
      (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).body,
    ) as {
      paths: Record<string, Record<string, unknown>>;
    };
    for (const path of [
      '/api/v1/strategies',
      '/api/v1/strategies/{id}',
      '/api/v1/strategies/{id}/export.json',
      '/api/v1/posts',
      '/api/v1/posts/{id}',
      '/api/v1/glossary',
      '/api/v1/glossary/{code}',
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(Object.keys(doc.paths['/api/v1/glossary/{code}']!)).toEqual(
      expect.arrayContaining(['put', 'delete']),
    );
  });
});

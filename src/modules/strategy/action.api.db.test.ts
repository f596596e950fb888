import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { makeOrganisation, makeUser } from '../../../test/helpers/fixtures.js';
import { insertApiToken } from '../../../test/security/support.js';
import type { TenantContext } from '../../kernel/auth/plugin.js';
import type { Role } from '../../kernel/db/schema.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import { archiveAction, createAction } from './action.service.js';
import { actionInput, strategyInput } from './strategy.schemas.js';
import { addArea, createStrategy } from './strategy.service.js';
import type { Action } from './strategy.tables.js';

/** The action plan's JSON API: the page's filters as query parameters, create, read, change. */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
}, 60_000);
afterAll(async () => t.close());

interface Org {
  tenantId: string;
  tokens: Record<Role, string>;
  userIds: Record<Role, string>;
  strategyId: string;
  areaId: string;
  actions: Record<string, Action>;
}

async function makeOrg(): Promise<Org> {
  const { db } = t.database;
  const org = await makeOrganisation(db);
  const tokens = {} as Org['tokens'];
  const userIds = {} as Org['userIds'];
  for (const role of ['admin', 'editor', 'contributor', 'board', 'viewer'] as const) {
    const user = await makeUser(db, org.id, role);
    userIds[role] = user.id;
    tokens[role] = (await insertApiToken(db, org.id, user.id)).token;
  }
  const ctx: TenantContext = {
    tenantId: org.id,
    role: 'editor',
    actor: { userId: userIds.editor, label: 'Test editor' },
  };
  const strategy = await createStrategy(
    db,
    ctx,
    strategyInput.parse({ title: 'ICT Strategy 2007', documentDate: '2007-04-01' }),
  );
  const area = await addArea(db, ctx, strategy.id, { number: '4', title: 'Best Value' });
  const actions: Record<string, Action> = {};
  for (const [ref, priority, timescale, status, lead] of [
    ['4.1', 'H', "Jul '07", 'on_track', 'AD, ICT'],
    ['4.2', 'M', 'Annually', 'on_track', 'AD, ICT'],
    ['4.7', 'H', "Aug '07", 'at_risk', 'ICT BS Mgr (Proc Officer)'],
    ['4.9', 'H', "Jan'08", 'complete', 'ICT BS Mgr'],
    ['4.11', 'L', "Aug '08", 'not_started', 'AD, ICT (Procurement Mgr)'],
  ] as const) {
    actions[ref] = await createAction(
      db,
      ctx,
      strategy.id,
      actionInput.parse({
        ref,
        title: `Action ${ref}`,
        priority,
        timescale,
        status,
        lead,
        areaId: ref === '4.11' ? undefined : area.id,
        resources: 'CR',
      }),
    );
  }
  await archiveAction(db, ctx, actions['4.1']!.id, 'Done another way');
  return { tenantId: org.id, tokens, userIds, strategyId: strategy.id, areaId: area.id, actions };
}

function call(method: 'GET' | 'POST' | 'PATCH', url: string, token: string, payload?: object) {
  return t.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}` },
    ...(payload ? { payload: payload as Record<string, unknown> } : {}),
  });
}

interface ListBody {
  data: {
    ref: string;
    overdue: boolean;
    byWho: string;
    statusLabel: string;
    timescale: { due: string | null };
  }[];
  links: { self: string; first: string; prev: string | null; next: string | null; last: string };
  meta: { total: number; page: number; limit: number; count: number; asAt: string };
}

let o: Org;
beforeAll(async () => {
  o = await makeOrg();
}, 120_000);

describe('GET /api/v1/strategies/{id}/actions', () => {
  it('lists the plan in reference order, leaving archived actions out', async () => {
    const res = await call('GET', `/api/v1/strategies/${o.strategyId}/actions`, o.tokens.viewer);
    expect(res.statusCode).toBe(200);
    const body = res.json<ListBody>();
    expect(body.data.map((a) => a.ref)).toEqual(['4.2', '4.7', '4.9', '4.11']);
    expect(body.meta).toMatchObject({ total: 4, page: 1, limit: 50, count: 4 });
    expect(body.links.next).toBeNull();
    expect(body.data[1]).toMatchObject({
      ref: '4.7',
      byWho: 'ICT BS Mgr (Proc Officer)',
      statusLabel: 'At risk',
      timescale: { due: '2007-08-31' },
    });
  });

  it('takes the page’s filters and sort as query parameters', async () => {
    const base = `/api/v1/strategies/${o.strategyId}/actions`;
    const list = async (query: string) =>
      (await call('GET', `${base}?${query}`, o.tokens.board))
        .json<ListBody>()
        .data.map((a) => a.ref);
    expect(await list('priority=high&overdue=true&asAt=2007-09-30')).toEqual(['4.7']);
    expect(await list('status=on_track,complete')).toEqual(['4.2', '4.9']);
    expect(await list('status=on_track&status=complete')).toEqual(['4.2', '4.9']);
    expect(await list(`area=${o.areaId}&sort=due&dir=desc`)).toEqual(['4.9', '4.7', '4.2']);
    expect(await list('dueFrom=2008-01-01')).toEqual(['4.9', '4.11']);
    expect(await list('archived=true')).toEqual(['4.1', '4.2', '4.7', '4.9', '4.11']);
    const overdue = (await call('GET', `${base}?asAt=2007-09-30`, o.tokens.board)).json<ListBody>();
    expect(overdue.data.find((a) => a.ref === '4.7')!.overdue).toBe(true);
    expect(overdue.meta.asAt).toBe('2007-09-30');
  });

  it('pages with links that keep the filters, and counts the total', async () => {
    const base = `/api/v1/strategies/${o.strategyId}/actions`;
    const first = (
      await call('GET', `${base}?limit=2&sort=ref&dir=desc`, o.tokens.viewer)
    ).json<ListBody>();
    expect(first.data.map((a) => a.ref)).toEqual(['4.11', '4.9']);
    expect(first.meta).toMatchObject({ total: 4, page: 1, limit: 2, count: 2 });
    expect(first.links.next).toBe(`${base}?sort=ref&dir=desc&page=2&limit=2`);
    expect(first.links.prev).toBeNull();
    const second = (await call('GET', first.links.next!, o.tokens.viewer)).json<ListBody>();
    expect(second.data.map((a) => a.ref)).toEqual(['4.7', '4.2']);
    expect(second.links.next).toBeNull();
    expect(second.links.prev).toBe(`${base}?sort=ref&dir=desc&limit=2`);
    expect(second.links.last).toBe(second.links.self);
  });

  it('explains parameters that are not valid', async () => {
    const res = await call(
      'GET',
      `/api/v1/strategies/${o.strategyId}/actions?status=finished&limit=500`,
      o.tokens.viewer,
    );
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const fields = res.json<{ errors: { field: string }[] }>().errors.map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['query.status.0', 'query.limit']));
  });

  it('answers 404 for another organisation’s strategy', async () => {
    const other = await makeOrg();
    const res = await call('GET', `/api/v1/strategies/${other.strategyId}/actions`, o.tokens.admin);
    expect(res.statusCode).toBe(404);
    expect(
      (await call('GET', `/api/v1/actions/${other.actions['4.7']!.id}`, o.tokens.admin)).statusCode,
    ).toBe(404);
    const patch = await call(
      'PATCH',
      `/api/v1/actions/${other.actions['4.7']!.id}`,
      o.tokens.admin,
      {
        title: 'Mine now',
      },
    );
    expect(patch.statusCode).toBe(404);
    const create = await call(
      'POST',
      `/api/v1/strategies/${other.strategyId}/actions`,
      o.tokens.admin,
      {
        ref: '9.1',
        title: 'Mine now',
      },
    );
    expect(create.statusCode).toBe(404);
  });
});

describe('POST /api/v1/strategies/{id}/actions', () => {
  it('creates an action for an editor, derives what it can and audits it', async () => {
    const res = await call('POST', `/api/v1/strategies/${o.strategyId}/actions`, o.tokens.editor, {
      ref: '4.12',
      title: 'Consider open source for corporate platforms',
      areaId: o.areaId,
      priority: 'M',
      timescale: "Sept '08",
      lead: 'ICT Infrastructure Mgr',
      with: ['AD, ICT'],
      resources: '£2,000 p.a.',
      tags: ['Value for money'],
      dependsOn: ['4.7'],
    });
    expect(res.statusCode).toBe(201);
    const body = res.json<{
      id: string;
      priority: { asWritten: string; level: string };
      timescale: { due: string; duePrecision: string };
      resources: { kind: string; amountPence: number; period: string };
      with: { text: string }[];
      dependsOn: { ref: string }[];
    }>();
    expect(res.headers.location).toBe(`/api/v1/actions/${body.id}`);
    expect(body.priority).toEqual({ asWritten: 'M', level: 'medium' });
    expect(body.timescale).toMatchObject({ due: '2008-09-30', duePrecision: 'month' });
    expect(body.resources).toEqual({
      asWritten: '£2,000 p.a.',
      kind: 'amount',
      amountPence: 200_000,
      period: 'per-year',
    });
    expect(body.with.map((w) => w.text)).toEqual(['AD, ICT']);
    expect(body.dependsOn.map((d) => d.ref)).toEqual(['4.7']);
    const audit = await withTenant(t.database.db, o.tenantId, null, (trx) =>
      trx
        .selectFrom('audit_events')
        .select(['action', 'actor_user_id'])
        .where('entity_id', '=', body.id)
        .execute(),
    );
    expect(audit).toEqual([{ action: 'action.created', actor_user_id: o.userIds.editor }]);
  });

  it('refuses contributors, board members and viewers', async () => {
    for (const role of ['contributor', 'board', 'viewer'] as const) {
      const res = await call('POST', `/api/v1/strategies/${o.strategyId}/actions`, o.tokens[role], {
        ref: '9.9',
        title: 'Not allowed',
      });
      expect(res.statusCode, role).toBe(403);
    }
    const stored = await withTenant(t.database.db, o.tenantId, null, (trx) =>
      trx.selectFrom('actions').select('id').where('ref', '=', '9.9').execute(),
    );
    expect(stored).toEqual([]);
  });

  it('reports invalid fields and a duplicate reference against the body', async () => {
    const invalid = await call(
      'POST',
      `/api/v1/strategies/${o.strategyId}/actions`,
      o.tokens.editor,
      {
        ref: '',
        title: 'x',
      },
    );
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json<{ errors: { field: string }[] }>().errors[0]!.field).toBe('body.ref');
    const duplicate = await call(
      'POST',
      `/api/v1/strategies/${o.strategyId}/actions`,
      o.tokens.editor,
      {
        ref: '4.7',
        title: 'Again',
      },
    );
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json<{ errors: { field: string; message: string }[] }>().errors[0]).toEqual({
      field: 'body.ref',
      message: 'Another action in this strategy already has the reference 4.7',
    });
  });
});

describe('GET and PATCH /api/v1/actions/{id}', () => {
  it('reads an action with the words as written', async () => {
    const res = await call('GET', `/api/v1/actions/${o.actions['4.7']!.id}`, o.tokens.viewer);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      ref: '4.7',
      lead: { asWritten: 'ICT BS Mgr (Proc Officer)', post: { shortName: 'ICT BS Mgr' } },
      with: [{ text: 'Proc Officer' }],
      timescale: { asWritten: "Aug '07", due: '2007-08-31' },
      status: 'at_risk',
    });
  });

  it('changes only what is sent, keeps owners as written, and audits the change', async () => {
    const id = o.actions['4.7']!.id;
    const res = await call('PATCH', `/api/v1/actions/${id}`, o.tokens.editor, {
      timescale: "Dec '07",
      comments: 'Re-dated after the restructure',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      title: 'Action 4.7',
      priority: { asWritten: 'H' },
      timescale: { asWritten: "Dec '07", due: '2007-12-31' },
      lead: { asWritten: 'ICT BS Mgr (Proc Officer)' },
      with: [{ text: 'Proc Officer' }],
      comments: 'Re-dated after the restructure',
    });
    const audit = await withTenant(t.database.db, o.tenantId, null, (trx) =>
      trx
        .selectFrom('audit_events')
        .select(['action', 'before', 'after'])
        .where('entity_id', '=', id)
        .where('action', '=', 'action.updated')
        .execute(),
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]!.before).toMatchObject({ timescale_text: "Aug '07" });
    expect(audit[0]!.after).toMatchObject({ timescale_text: "Dec '07", due_on: '2007-12-31' });
  });

  it('refuses readers, invalid changes and archived actions', async () => {
    const id = o.actions['4.9']!.id;
    for (const role of ['contributor', 'board', 'viewer'] as const) {
      expect(
        (await call('PATCH', `/api/v1/actions/${id}`, o.tokens[role], { title: 'x' })).statusCode,
      ).toBe(403);
    }
    const invalid = await call('PATCH', `/api/v1/actions/${id}`, o.tokens.editor, {
      status: 'finished',
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json<{ errors: { field: string }[] }>().errors[0]!.field).toBe('body.status');
    const archived = await call(
      'PATCH',
      `/api/v1/actions/${o.actions['4.1']!.id}`,
      o.tokens.editor,
      {
        title: 'Back again',
      },
    );
    expect(archived.statusCode).toBe(409);
  });

  it('is in the OpenAPI document with its parameters', async () => {
    const doc = (await t.app.inject('/api/openapi.json')).json<{
      paths: Record<
        string,
        Record<
          string,
          { parameters?: { name: string; in: string; required?: boolean }[]; tags?: string[] }
        >
      >;
    }>();
    const list = doc.paths['/api/v1/strategies/{id}/actions']!;
    expect(list.get!.tags).toEqual(['Actions']);
    expect(list.get!.parameters!.map((p) => p.name)).toEqual(
      expect.arrayContaining([
        'area',
        'priority',
        'status',
        'post',
        'dueFrom',
        'dueTo',
        'overdue',
        'needsReview',
        'q',
        'asAt',
        'sort',
        'dir',
        'page',
        'limit',
      ]),
    );
    // Every filter is optional.
    expect(list.get!.parameters!.filter((p) => p.in === 'query' && p.required)).toEqual([]);
    expect(list.post).toBeDefined();
    expect(doc.paths['/api/v1/actions/{id}']!.get).toBeDefined();
    expect(doc.paths['/api/v1/actions/{id}']!.patch).toBeDefined();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import { createAction } from './action.service.js';
import { actionInput, areaInput, strategyInput } from './strategy.schemas.js';
import { addArea, createStrategy } from './strategy.service.js';
import { auditOf, bearer, errorSummary, makeOrg, type Org } from './strategy-pages.test-support.js';

let t: TestApp;
let org: Org;
let other: Org;
beforeAll(async () => {
  t = await createTestApp();
  org = await makeOrg(t);
  other = await makeOrg(t);
}, 120_000);
afterAll(async () => t.close());

async function strategyWithArea(o: Org) {
  const ctx = await o.ctx('editor');
  const strategy = await createStrategy(
    t.database.db,
    ctx,
    strategyInput.parse({ title: 'Digital Strategy 2026' }),
  );
  const area = await addArea(
    t.database.db,
    ctx,
    strategy.id,
    areaInput.parse({ number: '3', title: 'Governance for ICT' }),
  );
  return { strategy, area };
}

async function objectivesOf(tenantId: string, strategyId: string) {
  return withTenant(t.database.db, tenantId, null, (trx) =>
    trx
      .selectFrom('objectives')
      .selectAll()
      .where('strategy_id', '=', strategyId)
      .orderBy('position')
      .execute(),
  );
}

describe('objectives on the pages', () => {
  it('lets an editor add, change and remove an objective, each audited, and shows it under its area', async () => {
    const { strategy, area } = await strategyWithArea(org);
    const editor = await org.as('editor');
    const base = `/strategies/${strategy.id}`;

    const form = await editor.get(`${base}/areas/${area.id}/objectives/new`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('3. Governance for ICT');

    const empty = await editor.post(`${base}/areas/${area.id}/objectives/new`, { ref: '3.1' });
    expect(empty.statusCode).toBe(400);
    expect(errorSummary(empty.body)).toEqual(['title: Enter the objective']);
    expect(empty.body).toContain('value="3.1"');
    expect(await objectivesOf(org.id, strategy.id)).toHaveLength(0);

    const added = await editor.post(`${base}/areas/${area.id}/objectives/new`, {
      ref: '3.1',
      title: 'Make the cost of ICT clear to every service',
    });
    expect(added.statusCode).toBe(303);
    expect(added.headers.location).toBe(`${base}#area-${area.id}`);
    const [objective] = await objectivesOf(org.id, strategy.id);
    expect(objective).toMatchObject({ ref: '3.1', area_id: area.id, position: 1 });
    if (!objective) throw new Error('no objective');

    const page = await (await org.as('viewer')).get(base);
    expect(page.body).toContain('3.1 Make the cost of ICT clear to every service');
    expect(page.body).not.toContain(`/objectives/${objective.id}/edit`);

    const changed = await editor.post(`${base}/objectives/${objective.id}/edit`, {
      ref: '3.1',
      title: 'Make ICT costs clear',
    });
    expect(changed.statusCode).toBe(303);
    expect((await objectivesOf(org.id, strategy.id))[0]?.title).toBe('Make ICT costs clear');

    const confirm = await editor.get(`${base}/objectives/${objective.id}/remove`);
    expect(confirm.body).toContain('Remove objective');
    const removed = await editor.post(`${base}/objectives/${objective.id}/remove`);
    expect(removed.statusCode).toBe(303);
    expect(await objectivesOf(org.id, strategy.id)).toHaveLength(0);

    expect((await auditOf(t, org.id, objective.id)).map((e) => e.action)).toEqual([
      'objective.created',
      'objective.updated',
      'objective.removed',
    ]);
  });

  it('refuses to remove an objective an action belongs to, naming the action', async () => {
    const { strategy, area } = await strategyWithArea(org);
    const ctx = await org.ctx('editor');
    const editor = await org.as('editor');
    await editor.post(`/strategies/${strategy.id}/areas/${area.id}/objectives/new`, {
      title: 'Keep services running',
    });
    const [objective] = await objectivesOf(org.id, strategy.id);
    if (!objective) throw new Error('no objective');
    const action = await createAction(
      t.database.db,
      ctx,
      strategy.id,
      actionInput.parse({ ref: '3.4', title: 'Test the disaster recovery plan' }),
    );
    await withTenant(t.database.db, org.id, null, (trx) =>
      trx
        .updateTable('actions')
        .set({ objective_id: objective.id })
        .where('id', '=', action.id)
        .execute(),
    );
    const res = await editor.post(`/strategies/${strategy.id}/objectives/${objective.id}/remove`);
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('action 3.4 belongs to it');
    expect(await objectivesOf(org.id, strategy.id)).toHaveLength(1);
  });

  it('is closed to readers and to other organisations', async () => {
    const { strategy, area } = await strategyWithArea(org);
    const viewer = await org.as('viewer');
    const refused = await viewer.post(
      `/strategies/${strategy.id}/areas/${area.id}/objectives/new`,
      {
        title: 'Not allowed',
      },
    );
    expect(refused.statusCode).toBe(403);
    const outsider = await other.as('editor');
    const hidden = await outsider.get(`/strategies/${strategy.id}/areas/${area.id}/objectives/new`);
    expect(hidden.statusCode).toBe(404);
    expect(await objectivesOf(org.id, strategy.id)).toHaveLength(0);
  });
});

describe('objectives in the API', () => {
  it('lists, adds, changes and removes objectives with plain errors', async () => {
    const { strategy, area } = await strategyWithArea(org);
    const token = await org.token('editor');
    const url = `/api/v1/strategies/${strategy.id}/objectives`;

    const bad = await t.app.inject({
      method: 'POST',
      url,
      headers: bearer(token),
      payload: { areaId: area.id, title: '' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ errors: { field: string; message: string }[] }>().errors).toEqual([
      { field: 'body.title', message: 'Enter the objective' },
    ]);

    const created = await t.app.inject({
      method: 'POST',
      url,
      headers: bearer(token),
      payload: { areaId: area.id, ref: '3.2', title: 'Decide investment by business case' },
    });
    expect(created.statusCode).toBe(201);
    const { id } = created.json<{ id: string }>();

    const patched = await t.app.inject({
      method: 'PATCH',
      url: `${url}/${id}`,
      headers: bearer(token),
      payload: { title: 'Decide every investment by business case' },
    });
    expect(patched.json()).toMatchObject({
      ref: '3.2',
      title: 'Decide every investment by business case',
    });

    const list = await t.app.inject({
      method: 'GET',
      url,
      headers: bearer(await org.token('viewer')),
    });
    expect(list.json<{ items: { id: string }[] }>().items.map((o) => o.id)).toEqual([id]);

    const elsewhere = await t.app.inject({
      method: 'GET',
      url,
      headers: bearer(await other.token('editor')),
    });
    expect(elsewhere.statusCode).toBe(404);

    const deleted = await t.app.inject({
      method: 'DELETE',
      url: `${url}/${id}`,
      headers: bearer(token),
    });
    expect(deleted.statusCode).toBe(204);
    expect(await objectivesOf(org.id, strategy.id)).toHaveLength(0);
  });
});

describe('an action’s objective', () => {
  it('is chosen on the action form, sets the action’s area, and must belong to that area', async () => {
    const { strategy, area } = await strategyWithArea(org);
    const ctx = await org.ctx('editor');
    const other = await addArea(
      t.database.db,
      ctx,
      strategy.id,
      areaInput.parse({ number: '4', title: 'Service delivery' }),
    );
    const editor = await org.as('editor');
    await editor.post(`/strategies/${strategy.id}/areas/${area.id}/objectives/new`, {
      ref: '3.1',
      title: 'Decide investment by business case',
    });
    const [objective] = await objectivesOf(org.id, strategy.id);
    if (!objective) throw new Error('no objective');

    const form = await editor.get(`/strategies/${strategy.id}/actions/new`);
    expect(form.body).toContain('3 Governance for ICT: 3.1 Decide investment by business case');

    const wrongArea = await editor.post(`/strategies/${strategy.id}/actions/new`, {
      ref: '4.1',
      title: 'Write the business case template',
      areaId: other.id,
      objectiveId: objective.id,
    });
    expect(wrongArea.statusCode).toBe(400);
    expect(errorSummary(wrongArea.body)).toEqual([
      'objectiveId: Select an objective of the action’s area, or none',
    ]);

    const created = await editor.post(`/strategies/${strategy.id}/actions/new`, {
      ref: '3.2',
      title: 'Write the business case template',
      objectiveId: objective.id,
    });
    expect(created.statusCode).toBe(303);
    const action = await withTenant(t.database.db, org.id, null, (trx) =>
      trx
        .selectFrom('actions')
        .select(['objective_id', 'area_id'])
        .where('strategy_id', '=', strategy.id)
        .where('ref', '=', '3.2')
        .executeTakeFirstOrThrow(),
    );
    expect(action).toEqual({ objective_id: objective.id, area_id: area.id });
  });
});

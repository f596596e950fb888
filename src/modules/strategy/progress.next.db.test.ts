import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import { createAction } from './action.service.js';
import { makePlan, person, POST_NAME, type Person, type Plan } from './progress.test-support.js';
import {
  listOwnedActions,
  loadActionForProgress,
  londonMidnight,
  nextNeedingUpdate,
  orderMyActions,
  whatsNextFor,
} from './progress.service.js';
import { todayInLondon } from './status.js';
import { actionInput, strategyInput } from './strategy.schemas.js';
import { createStrategy } from './strategy.service.js';
import { STATUSES } from './strategy.tables.js';

/**
 * "What's next" after recording progress is found by one query; these tests hold it to the
 * ordering of My actions (orderMyActions + nextNeedingUpdate) over varied plans.
 */

let database: TestDatabase;
let plan: Plan;
let viewer: Person;

/** A small deterministic generator, so a failure can be repeated. */
function generator(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

function shiftDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

beforeAll(async () => {
  database = await openTestDatabase();
  const db = database.db;
  plan = await makePlan(db);
  viewer = await person(db, plan.orgId, 'viewer');
  // A second plan the owner also delivers, and a retired one whose actions are no longer theirs.
  const second = await createStrategy(
    db,
    plan.editor.ctx,
    strategyInput.parse({ title: 'Customer Access Strategy', periodLabel: '2025–2027' }),
  );
  const retired = await createStrategy(
    db,
    plan.editor.ctx,
    strategyInput.parse({ title: 'Old ICT Strategy', periodLabel: '2019–2022' }),
  );
  const extra: string[] = [];
  for (let i = 1; i <= 14; i++) {
    const target = i <= 11 ? second.id : retired.id;
    const lead = i % 4 === 0 ? 'ICT BS Mgr' : POST_NAME;
    const action = await createAction(
      db,
      plan.editor.ctx,
      target,
      actionInput.parse({ ref: `${i}`, title: `Extra action ${i}`, lead }),
    );
    extra.push(action.id);
  }
  const random = generator(20261122);
  const today = todayInLondon();
  const ids = [...Object.values(plan.actions).map((a) => a.id), ...extra];
  await withTenant(db, plan.orgId, null, async (trx) => {
    await trx
      .updateTable('strategies')
      .set({ status: 'superseded' })
      .where('id', '=', retired.id)
      .execute();
    for (const [n, id] of ids.entries()) {
      const r = () => random();
      const lastUpdate =
        r() < 0.25 ? null : new Date(Date.now() - Math.floor(r() * 400) * 86_400_000);
      await trx
        .updateTable('actions')
        .set({
          status: STATUSES[Math.floor(r() * STATUSES.length)]!,
          // Some due dates shared, so the later keys decide.
          due_on: r() < 0.2 ? null : shiftDate(today, Math.floor(r() * 12) * 30 - 180),
          last_update_at: lastUpdate,
          created_at: new Date(Date.now() - (400 + Math.floor(r() * 300)) * 86_400_000),
          lead_user_id: n % 9 === 0 ? plan.owner.id : null,
          archived_at: n % 13 === 5 ? new Date() : null,
        })
        .where('id', '=', id)
        .execute();
    }
  });
}, 180_000);
afterAll(async () => database.close());

async function compare(who: Person, asAt: string) {
  const db = database.db;
  const userId = who.ctx.actor.userId!;
  const ids = await withTenant(db, plan.orgId, null, (trx) =>
    trx.selectFrom('actions').select('id').where('tenant_id', '=', plan.orgId).execute(),
  );
  let withNext = 0;
  await withTenant(db, plan.orgId, userId, async (trx) => {
    const { rows } = await listOwnedActions(trx, plan.orgId, userId, asAt);
    const { open, finished } = orderMyActions(rows, asAt);
    for (const { id } of ids) {
      const loaded = await loadActionForProgress(trx, who.ctx, id, asAt);
      const got = await whatsNextFor(trx, who.ctx, loaded, asAt);
      const next = nextNeedingUpdate(open, id);
      const expected = {
        mine: [...open, ...finished].some((a) => a.id === id),
        next: next ? { id: next.id, ref: next.ref, title: next.title } : null,
        othersNeeding: open.filter((a) => a.id !== id && a.need.needsUpdate).length,
      };
      expect(got, `after action ${loaded.action.ref} of ${loaded.strategyTitle}`).toEqual(expected);
      if (got.next) withNext++;
    }
  });
  return { withNext, total: ids.length };
}

describe("what's next after recording progress", () => {
  it('matches the order of My actions for the owner, today', async () => {
    const { withNext, total } = await compare(plan.owner, todayInLondon());
    // The data must exercise both answers.
    expect(withNext).toBeGreaterThan(3);
    expect(withNext).toBeLessThan(total);
  });

  it('matches it at other dates (either side of a quarter end, in summer and winter time)', async () => {
    for (const asAt of ['2026-04-01', '2026-03-31', '2026-10-01', '2027-01-05']) {
      await compare(plan.owner, asAt);
    }
  });

  it('matches it for a colleague and for someone who owns nothing', async () => {
    await compare(plan.other, todayInLondon());
    const none = await compare(viewer, todayInLondon());
    expect(none.withNext).toBe(0);
  });

  it('finds London midnight in summer and winter time', () => {
    expect(londonMidnight('2026-06-30').toISOString()).toBe('2026-06-29T23:00:00.000Z');
    expect(londonMidnight('2026-12-31').toISOString()).toBe('2026-12-31T00:00:00.000Z');
    // The clocks go forward at 01:00 on 29 March 2026: its midnight is still GMT.
    expect(londonMidnight('2026-03-29').toISOString()).toBe('2026-03-29T00:00:00.000Z');
    expect(londonMidnight('2026-10-25').toISOString()).toBe('2026-10-24T23:00:00.000Z');
  });
});

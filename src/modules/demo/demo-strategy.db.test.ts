import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { makeOrganisation, makeUser } from '../../../test/helpers/fixtures.js';
import { verifyChain } from '../../kernel/audit/audit.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import {
  DEMO_QUARTER_ENDS,
  DEMO_STRATEGY_TITLE,
  loadDemoStrategy,
  type DemoPeople,
} from './demo-strategy.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

async function organisationWithPeople() {
  const db = t.database.db;
  const org = await makeOrganisation(db);
  const people: DemoPeople = {
    admin: (await makeUser(db, org.id, 'admin')).id,
    editor: (await makeUser(db, org.id, 'editor')).id,
    contributor: (await makeUser(db, org.id, 'contributor')).id,
    board: (await makeUser(db, org.id, 'board')).id,
    viewer: (await makeUser(db, org.id, 'viewer')).id,
  };
  return { org, people };
}

async function timedLoad(
  organisationId: string,
  people: DemoPeople,
  today: string,
): Promise<Awaited<ReturnType<typeof loadDemoStrategy>>> {
  const started = performance.now();
  const result = await loadDemoStrategy(t.database.db, organisationId, people, { today });
  const ms = Math.round(performance.now() - started);
  console.info(
    `[${process.env.WAYMARK_TEST_ENGINE ?? 'db'}] loadDemoStrategy(today ${today}): ${result.actions} actions, ${result.updates} updates in ${ms} ms`,
  );
  return result;
}

function readAll(organisationId: string, strategyId: string) {
  return withTenant(t.database.db, organisationId, null, async (trx) => ({
    strategy: await trx
      .selectFrom('strategies')
      .selectAll()
      .where('id', '=', strategyId)
      .executeTakeFirstOrThrow(),
    areas: await trx
      .selectFrom('strategy_areas')
      .selectAll()
      .where('strategy_id', '=', strategyId)
      .orderBy('position')
      .execute(),
    actions: await trx
      .selectFrom('actions')
      .selectAll()
      .where('strategy_id', '=', strategyId)
      .orderBy('ref_sort')
      .execute(),
    supporters: await trx.selectFrom('action_supporters').selectAll().execute(),
    updates: await trx.selectFrom('progress_updates').selectAll().orderBy('recorded_at').execute(),
    holders: await trx
      .selectFrom('post_holders as h')
      .innerJoin('posts as p', (j) => j.onRef('p.id', '=', 'h.post_id'))
      .select([
        'p.short_name',
        'h.user_id',
        'h.person_name',
        'h.from_date',
        'h.to_date',
        'h.post_id',
      ])
      .orderBy('h.from_date')
      .execute(),
    audit: await trx
      .selectFrom('audit_events')
      .select(['action', 'actor_user_id', 'entity_id'])
      .where('tenant_id', '=', organisationId)
      .execute(),
  }));
}

describe('the demo council’s strategy', () => {
  it('loads a full plan with two years of quarterly progress, owned by the demo people', async () => {
    const { org, people } = await organisationWithPeople();
    const result = await timedLoad(org.id, people, '2027-06-30');
    expect(result.created).toBe(true);
    const data = await readAll(org.id, result.strategyId);

    expect(data.strategy).toMatchObject({
      title: DEMO_STRATEGY_TITLE,
      status: 'approved',
      approved_by: 'Cabinet',
      approved_on: '2025-03-18',
      document_date: '2025-04-01',
      lead_officer: 'Head of ICT',
      next_review_on: '2028-03-14',
    });
    expect(data.strategy.summary).toMatch(/Digital Board/);

    // Areas: each with the three parts of the gap analysis, numbered as the council writes them.
    expect(data.areas.length).toBeGreaterThanOrEqual(6);
    expect(data.areas.length).toBeLessThanOrEqual(7);
    for (const area of data.areas) {
      const n = area.number ?? '';
      expect(area.vision).toContain(`${n}.1.1 `);
      expect(area.current_position).toContain(`${n}.2.1 `);
      expect(area.getting_there).toContain(`${n}.3.1 `);
    }

    // Actions: about 40, unique references, every one with a lead, a timescale and derived dates.
    const actions = data.actions;
    expect(actions.length).toBeGreaterThanOrEqual(35);
    expect(actions.length).toBeLessThanOrEqual(45);
    expect(result.actions).toBe(actions.length);
    expect(new Set(actions.map((a) => a.ref.toLowerCase())).size).toBe(actions.length);
    for (const a of actions) {
      expect(a.lead_text, a.ref).toBeTruthy();
      expect(a.lead_post_id, a.ref).not.toBeNull();
      expect(a.timescale_text, a.ref).toBeTruthy();
      expect(a.area_id, a.ref).not.toBeNull();
      expect(a.due_on !== null || a.ongoing || a.recurrence !== null, a.ref).toBe(true);
      expect(a.ref.startsWith(`${data.areas.find((x) => x.id === a.area_id)?.number}.`)).toBe(true);
    }
    expect(new Set(actions.map((a) => a.priority))).toEqual(new Set(['high', 'medium', 'low']));
    expect(new Set(actions.map((a) => a.timescale_text)).size).toBeGreaterThanOrEqual(20);
    expect(new Set(actions.map((a) => a.resources_kind))).toEqual(
      new Set(['current', 'additional', 'amount']),
    );
    expect(actions.some((a) => a.resources_period === 'per-year')).toBe(true);
    expect(actions.some((a) => a.recurrence === 'annually')).toBe(true);
    expect(actions.some((a) => a.ongoing)).toBe(true);
    expect(data.supporters.filter((s) => s.post_id !== null).length).toBeGreaterThan(20);

    // Progress: most actions updated, across the quarters, never after "today".
    const updates = data.updates;
    expect(result.updates).toBe(updates.length);
    const updated = new Set(updates.map((u) => u.action_id));
    expect(updated.size).toBeGreaterThanOrEqual(Math.ceil(actions.length * 0.8));
    const quarters = new Set(updates.map((u) => u.as_at));
    expect(quarters.size).toBeGreaterThanOrEqual(6);
    for (const q of quarters) expect(DEMO_QUARTER_ENDS).toContain(q);
    expect(updates.every((u) => u.happened.length > 0 && (u.next_steps ?? '').length > 0)).toBe(
      true,
    );
    expect(updates.filter((u) => u.percent_complete !== null).length).toBeGreaterThan(50);
    expect(
      updates.filter((u) => u.evidence_url?.startsWith('https://intranet.castlemere.example/'))
        .length,
    ).toBeGreaterThanOrEqual(10);

    // A believable story: every kind of outcome, and actions that recovered from "at risk".
    const updateStatuses = new Set(updates.map((u) => u.status));
    expect(updateStatuses.size).toBeGreaterThanOrEqual(5);
    for (const s of ['on_track', 'at_risk', 'off_track', 'complete', 'deferred', 'cancelled']) {
      expect(updateStatuses).toContain(s);
    }
    expect(new Set(actions.map((a) => a.status)).size).toBeGreaterThanOrEqual(5);
    expect(actions.filter((a) => a.status === 'complete').length).toBeGreaterThanOrEqual(10);
    // The action's own status is its latest update's.
    for (const a of actions.filter((x) => updated.has(x.id))) {
      const latest = updates.filter((u) => u.action_id === a.id).at(-1);
      expect(a.status, a.ref).toBe(latest?.status);
      expect(a.last_update_at?.getTime(), a.ref).toBe(latest?.recorded_at.getTime());
    }

    // The contributor holds posts that lead actions, so "My actions" has work in it.
    const held = data.holders.filter((h) => h.user_id === people.contributor && !h.to_date);
    const heldPostIds = new Set(held.map((h) => h.post_id));
    expect(held.map((h) => h.short_name).sort()).toEqual([
      'Cyber Security Lead',
      'ICT Infrastructure Mgr',
    ]);
    expect(
      actions.filter((a) => a.lead_post_id && heldPostIds.has(a.lead_post_id)).length,
    ).toBeGreaterThanOrEqual(5);
    expect(data.holders.find((h) => h.short_name === 'ICT BS Mgr')?.user_id).toBe(people.editor);
    expect(data.holders.find((h) => h.short_name === 'Head of ICT')?.user_id).toBe(people.admin);
    const contributorUpdates = updates.filter((u) => u.recorded_by === people.contributor);
    expect(contributorUpdates.length).toBeGreaterThan(20);
    expect(contributorUpdates[0]?.recorded_by_label).toBe('Test contributor');
    // Posts change hands: the Digital Services Manager changed in February 2026.
    const digital = data.holders.filter((h) => h.short_name === 'Digital Services Mgr');
    expect(digital.map((h) => [h.person_name, h.to_date])).toEqual([
      ['Owen Price', '2026-01-31'],
      ['Aisha Rahman', null],
    ]);
    expect(updates.some((u) => u.recorded_by_label.endsWith(', for Aisha Rahman'))).toBe(true);

    // The audit trail recorded all of it, by the people who did it, in an unbroken chain.
    const count = (action: string) => data.audit.filter((e) => e.action === action).length;
    expect(count('strategy.created')).toBe(1);
    expect(count('area.created')).toBe(data.areas.length);
    expect(count('action.created')).toBe(actions.length);
    expect(count('progress.recorded')).toBe(updates.length);
    expect(count('post.holder_assigned')).toBeGreaterThanOrEqual(19);
    expect(
      data.audit.some(
        (e) => e.action === 'progress.recorded' && e.actor_user_id === people.contributor,
      ),
    ).toBe(true);
    expect((await verifyChain(t.database.db, org.id)).broken).toBeNull();

    // A second run finds the strategy and adds nothing.
    const again = await loadDemoStrategy(t.database.db, org.id, people, { today: '2027-06-30' });
    expect(again).toMatchObject({ created: false, strategyId: result.strategyId, updates: 0 });
    const after = await readAll(org.id, result.strategyId);
    expect(after.actions.length).toBe(actions.length);
    expect(after.updates.length).toBe(updates.length);
  });

  it('writes nothing dated after the "today" it is given', async () => {
    const { org, people } = await organisationWithPeople();
    const today = '2025-11-15';
    const result = await timedLoad(org.id, people, today);
    const data = await readAll(org.id, result.strategyId);

    expect(data.updates.length).toBeGreaterThan(40);
    expect(new Set(data.updates.map((u) => u.as_at))).toEqual(
      new Set(['2025-06-30', '2025-09-30']),
    );
    for (const u of data.updates) {
      expect(u.as_at <= today).toBe(true);
      expect(u.recorded_at.getTime()).toBeLessThan(new Date(`${today}T23:59:59Z`).getTime());
    }
    expect(data.strategy.next_review_on).toBe('2026-03-17');
    // The hand-over in February 2026 has not happened yet.
    expect(
      data.holders
        .filter((h) => h.short_name === 'Digital Services Mgr')
        .map((h) => [h.person_name, h.to_date]),
    ).toEqual([['Owen Price', null]]);
  });
});

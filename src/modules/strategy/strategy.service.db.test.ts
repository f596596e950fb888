import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { makeOrganisation, makeUser } from '../../../test/helpers/fixtures.js';
import type { TenantContext } from '../../kernel/auth/plugin.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import type { Role } from '../../kernel/db/schema.js';
import { archiveAction, createAction, updateAction } from './action.service.js';
import { queryActions } from './action.queries.js';
import { assignPostHolder } from './posts.service.js';
import { recordProgress } from './progress.service.js';
import { actionInput, progressInput, strategyInput } from './strategy.schemas.js';
import { addArea, createStrategy } from './strategy.service.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

async function contextFor(role: Role) {
  const org = await makeOrganisation(t.database.db);
  const user = await makeUser(t.database.db, org.id, role);
  const ctx: TenantContext = {
    tenantId: org.id,
    role,
    actor: { userId: user.id, label: user.email },
  };
  return { org, user, ctx };
}

describe('strategy services', () => {
  it('creates a strategy and an action, deriving dates, owners, resources and priority from the words', async () => {
    const { ctx } = await contextFor('editor');
    const strategy = await createStrategy(
      t.database.db,
      ctx,
      strategyInput.parse({
        title: 'ICT Strategy 2007',
        periodLabel: '2007-2009',
        documentDate: '2007-04-01',
      }),
    );
    const area = await addArea(t.database.db, ctx, strategy.id, {
      title: 'Best Value',
      number: '4',
    });
    const action = await createAction(
      t.database.db,
      ctx,
      strategy.id,
      actionInput.parse({
        ref: '4.3',
        title: 'Review, with external support, all ICT support activity',
        areaId: area.id,
        priority: 'H',
        timescale: "Aug '07",
        lead: 'AD, ICT (SMT, BoD)',
        resources: '£1,000',
        targets: 'Review complete and plans made',
      }),
    );
    expect(action).toMatchObject({
      ref: '4.3',
      priority: 'high',
      priority_text: 'H',
      timescale_text: "Aug '07",
      start_on: '2007-08-01',
      due_on: '2007-08-31',
      resources_kind: 'amount',
      resources_amount_pence: 100_000,
      lead_text: 'AD, ICT (SMT, BoD)',
      status: 'not_started',
    });
    const stored = await withTenant(t.database.db, ctx.tenantId, null, async (trx) => ({
      supporters: await trx
        .selectFrom('action_supporters')
        .select(['text', 'position'])
        .where('action_id', '=', action.id)
        .orderBy('position')
        .execute(),
      lead: await trx
        .selectFrom('posts')
        .select('short_name')
        .where('id', '=', action.lead_post_id!)
        .executeTakeFirstOrThrow(),
      audit: await trx
        .selectFrom('audit_events')
        .select('action')
        .where('entity_id', '=', action.id)
        .execute(),
    }));
    expect(stored.lead.short_name).toBe('AD, ICT');
    expect(stored.supporters.map((s) => s.text)).toEqual(['SMT', 'BoD']);
    expect(stored.audit.map((a) => a.action)).toContain('action.created');
  });

  it('refuses a second action with the same reference in one strategy', async () => {
    const { ctx } = await contextFor('editor');
    const strategy = await createStrategy(
      t.database.db,
      ctx,
      strategyInput.parse({ title: 'Plan' }),
    );
    await createAction(
      t.database.db,
      ctx,
      strategy.id,
      actionInput.parse({ ref: '1.1', title: 'First' }),
    );
    await expect(
      createAction(
        t.database.db,
        ctx,
        strategy.id,
        actionInput.parse({ ref: '1.1', title: 'Again' }),
      ),
    ).rejects.toThrow(/already has the reference 1.1/);
  });

  it('lets a contributor record progress only on actions of a post they hold', async () => {
    const { org, ctx: editor } = await contextFor('editor');
    const owner = await makeUser(t.database.db, org.id, 'contributor');
    const ownerCtx: TenantContext = {
      tenantId: org.id,
      role: 'contributor',
      actor: { userId: owner.id, label: owner.email },
    };
    const strategy = await createStrategy(
      t.database.db,
      editor,
      strategyInput.parse({ title: 'Plan', documentDate: '2026-01-01' }),
    );
    const mine = await createAction(
      t.database.db,
      editor,
      strategy.id,
      actionInput.parse({ ref: '1', title: 'Mine', lead: 'ICT Infrastructure Mgr' }),
    );
    const theirs = await createAction(
      t.database.db,
      editor,
      strategy.id,
      actionInput.parse({ ref: '2', title: 'Theirs', lead: 'ICT BS Mgr' }),
    );
    await withTenant(t.database.db, org.id, null, (trx) =>
      assignPostHolder(
        trx,
        editor.actor,
        org.id,
        mine.lead_post_id!,
        { userId: owner.id, personName: null },
        '2026-01-01',
      ),
    );
    const update = progressInput.parse({
      status: 'at_risk',
      forecastStatus: 'on_track',
      happened: 'Supplier late; recovery plan agreed.',
    });
    await recordProgress(t.database.db, ownerCtx, mine.id, update);
    await expect(recordProgress(t.database.db, ownerCtx, theirs.id, update)).rejects.toThrow(
      /post you hold/,
    );
    const after = await withTenant(t.database.db, org.id, null, (trx) =>
      trx
        .selectFrom('actions')
        .select(['status', 'forecast_status', 'last_update_at'])
        .where('id', '=', mine.id)
        .executeTakeFirstOrThrow(),
    );
    expect(after.status).toBe('at_risk');
    expect(after.forecast_status).toBe('on_track');
    expect(after.last_update_at).not.toBeNull();
  });

  it('never lets an update be changed or deleted inside a tenant transaction', async () => {
    const { ctx } = await contextFor('admin');
    const strategy = await createStrategy(
      t.database.db,
      ctx,
      strategyInput.parse({ title: 'Plan' }),
    );
    const action = await createAction(
      t.database.db,
      ctx,
      strategy.id,
      actionInput.parse({ ref: '1', title: 'One' }),
    );
    const update = await recordProgress(
      t.database.db,
      ctx,
      action.id,
      progressInput.parse({ status: 'on_track', happened: 'Started' }),
    );
    await expect(
      withTenant(t.database.db, ctx.tenantId, null, (trx) =>
        trx
          .updateTable('progress_updates')
          .set({ happened: 'rewritten' })
          .where('id', '=', update.id)
          .execute(),
      ),
    ).rejects.toThrow(/permission denied/);
  });

  it('filters, sorts and pages the action plan, including overdue at an as-at date', async () => {
    const { ctx } = await contextFor('editor');
    const strategy = await createStrategy(
      t.database.db,
      ctx,
      strategyInput.parse({ title: 'Plan', documentDate: '2007-04-01' }),
    );
    for (const [ref, timescale, priority] of [
      ['1.10', "Mar '08", 'H'],
      ['1.2', "Apr '07", 'H'],
      ['1.9', "Dec '07", 'L'],
      ['2.1', 'Ongoing', 'M'],
    ] as const) {
      await createAction(
        t.database.db,
        ctx,
        strategy.id,
        actionInput.parse({ ref, title: `Action ${ref} network review`, timescale, priority }),
      );
    }
    const run = (filters: object, sort: 'ref' | 'due' | 'priority' = 'ref') =>
      withTenant(t.database.db, ctx.tenantId, null, (trx) =>
        queryActions(trx, {
          tenantId: ctx.tenantId,
          strategyId: strategy.id,
          filters,
          sort,
          direction: 'asc',
          limit: 50,
          offset: 0,
          asAt: '2007-12-31',
        }),
      );
    expect((await run({})).rows.map((r) => r.ref)).toEqual(['1.2', '1.9', '1.10', '2.1']);
    expect((await run({ overdue: true })).rows.map((r) => r.ref)).toEqual(['1.2']);
    expect((await run({ overdue: true, priority: 'low' })).total).toBe(0);
    expect((await run({}, 'due')).rows.map((r) => r.ref)).toEqual(['1.2', '1.9', '1.10', '2.1']);
    expect((await run({ q: 'network' })).total).toBe(4);
    const archived = (await run({})).rows[0]!;
    await archiveAction(t.database.db, ctx, archived.id, 'Merged into 1.9');
    expect((await run({})).total).toBe(3);
    await expect(
      updateAction(t.database.db, ctx, archived.id, actionInput.parse({ ref: '1.2', title: 'x' })),
    ).rejects.toThrow(/archived/);
  });
});

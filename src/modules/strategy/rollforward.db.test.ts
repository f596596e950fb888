import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import { archiveAction, createAction, updateAction } from './action.service.js';
import { createTerm } from './glossary.service.js';
import { listUpdates, recordProgress } from './progress.service.js';
import { actionInput, progressInput, strategyInput } from './strategy.schemas.js';
import { addArea, createStrategy } from './strategy.service.js';
import {
  auditOf,
  errorSummary,
  locationId,
  makeOrg,
  type Org,
} from './strategy-pages.test-support.js';

let t: TestApp;
let org: Org;
beforeAll(async () => {
  t = await createTestApp();
  org = await makeOrg(t);
}, 60_000);
afterAll(async () => t.close());

/** A plan of six actions: two finished, one archived, three unfinished (one to be dropped). */
async function planV1(title = 'ICT Strategy 2007') {
  const ctx = await org.ctx('editor');
  const { db } = t.database;
  const s = await createStrategy(
    db,
    ctx,
    strategyInput.parse({
      title,
      periodLabel: '2007–2009',
      status: 'approved',
      documentDate: '2007-04-01',
    }),
  );
  const area1 = await addArea(db, ctx, s.id, {
    number: '1',
    title: 'Strategic direction',
    vision: '1.1.1 One council, one network.',
  });
  const area2 = await addArea(db, ctx, s.id, { number: '2', title: 'Reliable and secure' });
  await createTerm(db, ctx, s.id, { code: 'MM', expansion: 'Mike Morris, ICT BS Mgr' });
  const make = (ref: string, extra: Record<string, unknown>) =>
    createAction(db, ctx, s.id, actionInput.parse({ ref, title: `Action ${ref}`, ...extra }));
  const a = {
    '1.1': await make('1.1', { areaId: area1.id, status: 'complete', timescale: "Apr '07" }),
    '1.2': await make('1.2', {
      areaId: area1.id,
      status: 'on_track',
      timescale: "Sept '07",
      lead: 'ICT BS Mgr (BoD)',
      tags: ['Corporate plan'],
      dependsOn: ['1.1'],
    }),
    '1.3': await make('1.3', {
      areaId: area1.id,
      timescale: "Mar '08",
      priority: 'H',
      dependsOn: ['1.2'],
    }),
    '2.1': await make('2.1', { areaId: area2.id, status: 'at_risk', timescale: 'Summer 2008' }),
    '2.2': await make('2.2', { areaId: area2.id, status: 'cancelled' }),
    '2.3': await make('2.3', { areaId: area2.id }),
  };
  await archiveAction(db, ctx, a['2.3'].id, 'Merged into 2.1');
  await recordProgress(
    db,
    ctx,
    a['1.2'].id,
    progressInput.parse({ status: 'on_track', happened: 'Supplier chosen.' }),
  );
  return { s, a, area1, area2 };
}

async function actionsOf(strategyId: string) {
  return withTenant(t.database.db, org.id, null, (trx) =>
    trx
      .selectFrom('actions')
      .selectAll()
      .where('strategy_id', '=', strategyId)
      .orderBy('ref_sort')
      .execute(),
  );
}

async function strategyRow(id: string) {
  return withTenant(t.database.db, org.id, null, (trx) =>
    trx.selectFrom('strategies').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
  );
}

describe('the roll forward page', () => {
  it('lists the unfinished actions, each with a box to drop it and a reason box', async () => {
    const { s, a } = await planV1();
    const res = await (await org.as('editor')).get(`/strategies/${s.id}/roll-forward`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Roll forward to version 2');
    expect(res.body).toContain('3 unfinished actions, carried forward');
    expect(res.body).toContain('2 finished actions stay with version 1');
    for (const ref of ['1.2', '1.3', '2.1'] as const) {
      expect(res.body).toContain(`value="${a[ref].id}"`);
      expect(res.body).toContain(`id="reason-${a[ref].id}"`);
    }
    expect(res.body).not.toContain(`value="${a['1.1'].id}"`);
    expect(res.body).not.toContain(`value="${a['2.3'].id}"`);
  });

  it('needs a reason for each dropped action, and a kind; nothing is created until then', async () => {
    const { s, a } = await planV1();
    const agent = await org.as('editor');
    const res = await agent.post(`/strategies/${s.id}/roll-forward`, {
      supersede: 'on-approval',
      drop: [a['2.1'].id, a['1.3'].id],
      [`reason-${a['1.3'].id}`]: 'Done by the shared service instead',
      [`reason-${a['2.1'].id}`]: '   ',
    });
    expect(res.statusCode).toBe(400);
    expect(errorSummary(res.body)).toEqual([
      'kind: Select whether this is an annual refresh or a new period',
      `reason-${a['2.1'].id}: Enter why action 2.1 is being dropped`,
    ]);
    // The ticks and the reason typed are kept.
    expect(res.body).toMatch(new RegExp(`value="${a['2.1'].id}" checked`));
    expect(res.body).toContain('Done by the shared service instead');

    const newPeriod = await agent.post(`/strategies/${s.id}/roll-forward`, {
      kind: 'new-period',
      supersede: 'now',
    });
    expect(newPeriod.statusCode).toBe(400);
    expect(errorSummary(newPeriod.body)).toEqual(['title: Enter the title of the new version']);

    const versions = await withTenant(t.database.db, org.id, null, (trx) =>
      trx.selectFrom('strategies').select('id').where('lineage_id', '=', s.lineage_id).execute(),
    );
    expect(versions).toHaveLength(1);
  });
});

describe('rolling forward', () => {
  it('carries every unfinished action with the same reference, lineage, owners and history; finished ones stay', async () => {
    const { s, a } = await planV1();
    const agent = await org.as('editor');
    const res = await agent.post(`/strategies/${s.id}/roll-forward`, {
      kind: 'annual',
      supersede: 'on-approval',
      drop: a['2.1'].id,
      [`reason-${a['2.1'].id}`]: 'Overtaken by the shared service',
    });
    expect(res.statusCode).toBe(303);
    const v2Id = locationId(res, '/strategies');
    const v2 = await strategyRow(v2Id);
    expect(v2).toMatchObject({
      lineage_id: s.lineage_id,
      version: 2,
      previous_version_id: s.id,
      status: 'draft',
      title: 'ICT Strategy 2007',
      period_label: '2007–2009',
      document_date: '2007-04-01',
      approved_by: null,
    });
    // The old version is superseded only when the new one is approved.
    expect((await strategyRow(s.id)).status).toBe('approved');

    const carried = await actionsOf(v2Id);
    expect(carried.map((c) => c.ref)).toEqual(['1.2', '1.3']);
    const [c12, c13] = carried as [(typeof carried)[0], (typeof carried)[0]];
    expect(c12).toMatchObject({
      lineage_id: a['1.2'].lineage_id,
      carried_from_id: a['1.2'].id,
      lead_post_id: a['1.2'].lead_post_id,
      lead_text: 'ICT BS Mgr (BoD)',
      status: 'on_track',
      due_on: '2007-09-30',
      tags: ['Corporate plan'],
    });
    expect(c13).toMatchObject({ carried_from_id: a['1.3'].id, priority: 'high' });
    // Areas (with their gap analysis) came too, and the carried actions sit in the new ones.
    const areas = await withTenant(t.database.db, org.id, null, (trx) =>
      trx
        .selectFrom('strategy_areas')
        .selectAll()
        .where('strategy_id', '=', v2Id)
        .orderBy('position')
        .execute(),
    );
    expect(areas.map((x) => [x.number, x.title, x.vision])).toEqual([
      ['1', 'Strategic direction', '1.1.1 One council, one network.'],
      ['2', 'Reliable and secure', null],
    ]);
    expect(c12.area_id).toBe(areas[0]!.id);

    const links = await withTenant(t.database.db, org.id, null, async (trx) => ({
      supporters: await trx
        .selectFrom('action_supporters')
        .select(['text'])
        .where('action_id', '=', c12.id)
        .execute(),
      dependencies: await trx
        .selectFrom('action_dependencies')
        .select(['action_id', 'depends_on_id'])
        .where('action_id', 'in', [c12.id, c13.id])
        .execute(),
      glossary: await trx
        .selectFrom('glossary_terms')
        .select(['code', 'expansion'])
        .where('strategy_id', '=', v2Id)
        .execute(),
      drops: await trx
        .selectFrom('strategy_version_drops')
        .selectAll()
        .where('strategy_id', '=', v2Id)
        .execute(),
      history: await listUpdates(trx, org.id, c12.lineage_id),
    }));
    expect(links.supporters.map((x) => x.text)).toEqual(['BoD']);
    // 1.3 depends on the carried 1.2; 1.2 still depends on 1.1, which stayed with version 1.
    expect(links.dependencies).toEqual(
      expect.arrayContaining([
        { action_id: c13.id, depends_on_id: c12.id },
        { action_id: c12.id, depends_on_id: a['1.1'].id },
      ]),
    );
    expect(links.glossary).toEqual([{ code: 'MM', expansion: 'Mike Morris, ICT BS Mgr' }]);
    expect(links.drops).toMatchObject([
      { action_id: a['2.1'].id, from_strategy_id: s.id, reason: 'Overtaken by the shared service' },
    ]);
    // The history recorded in version 1 is reachable from the carried action's lineage.
    expect(links.history.map((u) => u.happened)).toEqual(['Supplier chosen.']);

    // Version 1 is untouched: its five actions (and the archived one) are still there.
    expect((await actionsOf(s.id)).map((x) => x.ref)).toEqual([
      '1.1',
      '1.2',
      '1.3',
      '2.1',
      '2.2',
      '2.3',
    ]);

    const audit = await auditOf(t, org.id);
    const rolled = audit.find(
      (e) => e.action === 'strategy.rolled_forward' && e.entity_id === v2Id,
    );
    expect(rolled?.after).toMatchObject({
      kind: 'annual',
      from_strategy_id: s.id,
      carried: ['1.2', '1.3'],
      dropped: [{ ref: '2.1', reason: 'Overtaken by the shared service' }],
    });
    expect(
      audit.filter((e) => e.action === 'action.carried_forward').map((e) => e.entity_id),
    ).toEqual(expect.arrayContaining([c12.id, c13.id]));
    expect(audit.find((e) => e.action === 'action.dropped')?.entity_id).toBe(a['2.1'].id);

    // Approving version 2 supersedes version 1, audited.
    const approve = await agent.post(`/strategies/${v2Id}/edit`, {
      title: 'ICT Strategy 2007',
      status: 'approved',
      approvedBy: 'Cabinet',
    });
    expect(approve.statusCode).toBe(303);
    expect((await strategyRow(s.id)).status).toBe('superseded');
    expect((await auditOf(t, org.id, s.id)).at(-1)).toMatchObject({
      action: 'strategy.superseded',
      after: { status: 'superseded', superseded_by: v2Id, superseded_by_version: 2 },
    });

    // Version 1 cannot be rolled forward a second time.
    const again = await agent.post(`/strategies/${s.id}/roll-forward`, {
      kind: 'annual',
      supersede: 'on-approval',
    });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('already been rolled forward to version 2');
    const page = await agent.get(`/strategies/${s.id}/roll-forward`);
    expect(page.body).toContain(`href="/strategies/${v2Id}">version 2</a>`);
  });

  it('starts a new period with its own record, superseding the old version at once if asked', async () => {
    const { s } = await planV1('ICT Strategy 2005–2007');
    const res = await (
      await org.as('admin')
    ).post(`/strategies/${s.id}/roll-forward`, {
      kind: 'new-period',
      supersede: 'now',
      title: 'ICT Strategy 2008–2011',
      periodLabel: '2008–2011',
      'periodStart-day': '1',
      'periodStart-month': '4',
      'periodStart-year': '2008',
      'periodEnd-day': '31',
      'periodEnd-month': '3',
      'periodEnd-year': '2011',
      'documentDate-day': '1',
      'documentDate-month': '3',
      'documentDate-year': '2008',
    });
    expect(res.statusCode).toBe(303);
    const v2 = await strategyRow(locationId(res, '/strategies'));
    expect(v2).toMatchObject({
      title: 'ICT Strategy 2008–2011',
      period_label: '2008–2011',
      period_start: '2008-04-01',
      period_end: '2011-03-31',
      document_date: '2008-03-01',
      version: 2,
      status: 'draft',
    });
    expect((await strategyRow(s.id)).status).toBe('superseded');
    expect((await actionsOf(v2.id)).map((x) => x.ref)).toEqual(['1.2', '1.3', '2.1']);
  });
});

describe('what changed between versions', () => {
  it('lists added, carried, dropped (with the reason) and re-dated actions, with counts', async () => {
    const { s, a } = await planV1();
    const ctx = await org.ctx('editor');
    const agent = await org.as('editor');
    const res = await agent.post(`/strategies/${s.id}/roll-forward`, {
      kind: 'annual',
      supersede: 'on-approval',
      drop: a['2.1'].id,
      [`reason-${a['2.1'].id}`]: 'No longer a council priority',
    });
    const v2Id = locationId(res, '/strategies');
    const added = await createAction(
      t.database.db,
      ctx,
      v2Id,
      actionInput.parse({ ref: '3.1', title: 'Move to cloud email', timescale: 'Q3 2008/09' }),
    );
    const c13 = (await actionsOf(v2Id)).find((x) => x.ref === '1.3')!;
    await updateAction(
      t.database.db,
      ctx,
      c13.id,
      actionInput.parse({ ref: '1.3', title: 'Action 1.3', timescale: "Dec '08", priority: 'H' }),
    );

    const page = await (await org.as('viewer')).get(`/strategies/${v2Id}/changes`);
    expect(page.statusCode).toBe(200);
    const body = page.body;
    expect(body).toContain('What changed from version 1 to version 2');
    const count = (label: string) =>
      new RegExp(
        `>${label}</a></th><td class="govuk-table__cell govuk-table__cell--numeric">(\\d+)<`,
      ).exec(body)?.[1];
    expect(count('Added')).toBe('1');
    expect(count('Carried forward')).toBe('2');
    expect(count('Dropped')).toBe('1');
    expect(count('Re-dated')).toBe('1');
    expect(count('Finished, not carried forward')).toBe('2');

    const section = (id: string) =>
      body.slice(body.indexOf(`id="${id}"`), body.indexOf('<h2', body.indexOf(`id="${id}"`) + 1));
    expect(section('added')).toContain(`href="/actions/${added.id}">Move to cloud email</a>`);
    expect(section('carried')).toContain('Action 1.2');
    expect(section('carried')).toContain('Action 1.3');
    expect(section('dropped')).toContain('No longer a council priority');
    expect(section('dropped')).toContain(`href="/actions/${a['2.1'].id}"`);
    expect(section('redated')).toContain('<time datetime="2008-03-31">31 March 2008</time>');
    expect(section('redated')).toContain('<time datetime="2008-12-31">31 December 2008</time>');
    expect(section('finished')).toContain('Action 1.1');
    expect(section('finished')).toContain('Action 2.2');

    // From the old version, pointing at the new one, gives the same comparison.
    const reverse = await agent.get(`/strategies/${s.id}/changes?from=${v2Id}`);
    expect(reverse.body).toContain('What changed from version 1 to version 2');
    // A strategy outside this lineage (or organisation) is not a version of it.
    const unrelated = await planV1('Unrelated');
    expect((await agent.get(`/strategies/${v2Id}/changes?from=${unrelated.s.id}`)).statusCode).toBe(
      404,
    );
    expect((await agent.get(`/strategies/${v2Id}/changes?from=nonsense`)).statusCode).toBe(404);
    // One version alone has nothing to compare.
    const alone = await agent.get(`/strategies/${unrelated.s.id}/changes`);
    expect(alone.statusCode).toBe(200);
    expect(alone.body).toContain('only one version');
  });
});

import type { Kysely } from 'kysely';
import { recordAudit } from '../../kernel/audit/audit.js';
import type { TenantContext } from '../../kernel/auth/plugin.js';
import { isUuid, newId } from '../../kernel/db/ids.js';
import type { DB } from '../../kernel/db/schema.js';
import { findOwned } from '../../kernel/db/find.js';
import { withTenant, type Tx } from '../../kernel/db/tenancy.js';
import { NotFoundError } from '../../kernel/http/errors.js';
import type { AreaInput, StrategyInput } from './strategy.schemas.js';
import type { Area, Strategy } from './strategy.tables.js';
import { queryActions } from './action.queries.js';
import { loadGlossary, loadPriorities, loadStatusLabels } from './display.js';
import { todayInLondon } from './status.js';

function strategyColumns(input: StrategyInput) {
  return {
    title: input.title,
    period_label: input.periodLabel ?? null,
    period_start: input.periodStart ?? null,
    period_end: input.periodEnd ?? null,
    status: input.status,
    approved_by: input.approvedBy ?? null,
    approved_on: input.approvedOn ?? null,
    next_review_on: input.nextReviewOn ?? null,
    lead_officer: input.leadOfficer ?? null,
    summary: input.summary ?? null,
    document_date: input.documentDate ?? null,
  };
}

export async function findStrategy(trx: Tx, tenantId: string, id: string): Promise<Strategy> {
  const strategy = /^[0-9a-f-]{36}$/i.test(id)
    ? await trx
        .selectFrom('strategies')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst()
    : undefined;
  if (!strategy) throw new NotFoundError('There is no such strategy.');
  return strategy;
}

export async function listStrategies(db: Kysely<DB>, ctx: TenantContext) {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
    trx
      .selectFrom('strategies as s')
      .selectAll('s')
      .select((eb) =>
        eb
          .selectFrom('actions as a')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('a.strategy_id', '=', 's.id')
          .where('a.archived_at', 'is', null)
          .as('action_count'),
      )
      .where('s.tenant_id', '=', ctx.tenantId)
      .orderBy('s.status', 'asc')
      .orderBy('s.created_at', 'desc')
      .execute(),
  );
}

export async function getStrategy(db: Kysely<DB>, ctx: TenantContext, id: string) {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
    const strategy = await findStrategy(trx, ctx.tenantId, id);
    const areas = await trx
      .selectFrom('strategy_areas')
      .selectAll()
      .where('tenant_id', '=', ctx.tenantId)
      .where('strategy_id', '=', id)
      .orderBy('position')
      .execute();
    return { strategy, areas };
  });
}

export async function createStrategyInTx(
  trx: Tx,
  ctx: TenantContext,
  input: StrategyInput,
): Promise<Strategy> {
  const id = newId();
  const strategy = await trx
    .insertInto('strategies')
    .values({ tenant_id: ctx.tenantId, id, lineage_id: id, version: 1, ...strategyColumns(input) })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx.actor, {
    tenantId: ctx.tenantId,
    action: 'strategy.created',
    entityType: 'strategy',
    entityId: id,
    after: strategy,
  });
  return strategy;
}

export async function createStrategy(
  db: Kysely<DB>,
  ctx: TenantContext,
  input: StrategyInput,
): Promise<Strategy> {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
    createStrategyInTx(trx, ctx, input),
  );
}

export async function updateStrategy(
  db: Kysely<DB>,
  ctx: TenantContext,
  id: string,
  input: StrategyInput,
): Promise<Strategy> {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
    const before = await findStrategy(trx, ctx.tenantId, id);
    const after = await trx
      .updateTable('strategies')
      .set({ ...strategyColumns(input), updated_at: new Date() })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, {
      tenantId: ctx.tenantId,
      action: 'strategy.updated',
      entityType: 'strategy',
      entityId: id,
      before,
      after,
    });
    if (after.status === 'approved' && before.status !== 'approved') {
      await supersedePreviousVersionInTx(trx, ctx, after);
    }
    return after;
  });
}

/**
 * Marks a strategy version superseded (roll forward: when its successor is approved, or at once
 * if the editor chose so). Archived versions stay archived.
 */
export async function supersedeInTx(
  trx: Tx,
  ctx: TenantContext,
  strategy: Strategy,
  by: Strategy,
): Promise<void> {
  if (strategy.status === 'superseded' || strategy.status === 'archived') return;
  const after = await trx
    .updateTable('strategies')
    .set({ status: 'superseded', updated_at: new Date() })
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', strategy.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx.actor, {
    tenantId: ctx.tenantId,
    action: 'strategy.superseded',
    entityType: 'strategy',
    entityId: strategy.id,
    before: { status: strategy.status },
    after: { status: after.status, superseded_by: by.id, superseded_by_version: by.version },
  });
}

/** A newly approved version supersedes the one it was rolled forward from. */
async function supersedePreviousVersionInTx(trx: Tx, ctx: TenantContext, approved: Strategy) {
  if (!approved.previous_version_id) return;
  const previous = await findStrategy(trx, ctx.tenantId, approved.previous_version_id);
  await supersedeInTx(trx, ctx, previous, approved);
}

function areaColumns(input: AreaInput) {
  return {
    number: input.number ?? null,
    title: input.title,
    vision: input.vision ?? null,
    current_position: input.currentPosition ?? null,
    getting_there: input.gettingThere ?? null,
  };
}

export async function addAreaInTx(
  trx: Tx,
  ctx: TenantContext,
  strategyId: string,
  input: AreaInput,
): Promise<Area> {
  await findStrategy(trx, ctx.tenantId, strategyId);
  const last = await trx
    .selectFrom('strategy_areas')
    .select((eb) => eb.fn.max('position').as('max'))
    .where('tenant_id', '=', ctx.tenantId)
    .where('strategy_id', '=', strategyId)
    .executeTakeFirst();
  const area = await trx
    .insertInto('strategy_areas')
    .values({
      tenant_id: ctx.tenantId,
      id: newId(),
      strategy_id: strategyId,
      position: (last?.max ?? 0) + 1,
      ...areaColumns(input),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx.actor, {
    tenantId: ctx.tenantId,
    action: 'area.created',
    entityType: 'strategy_area',
    entityId: area.id,
    after: area,
  });
  return area;
}

export async function addArea(
  db: Kysely<DB>,
  ctx: TenantContext,
  strategyId: string,
  input: AreaInput,
) {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
    addAreaInTx(trx, ctx, strategyId, input),
  );
}

export async function updateArea(
  db: Kysely<DB>,
  ctx: TenantContext,
  areaId: string,
  input: AreaInput,
  /** When given, the area must belong to this strategy (a page's URL names both). */
  strategyId?: string,
) {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
    const before = isUuid(areaId)
      ? await trx
          .selectFrom('strategy_areas')
          .selectAll()
          .where('tenant_id', '=', ctx.tenantId)
          .where('id', '=', areaId)
          .executeTakeFirst()
      : undefined;
    if (!before || (strategyId !== undefined && before.strategy_id !== strategyId))
      throw new NotFoundError('There is no such area.');
    const after = await trx
      .updateTable('strategy_areas')
      .set(areaColumns(input))
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', areaId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, {
      tenantId: ctx.tenantId,
      action: 'area.updated',
      entityType: 'strategy_area',
      entityId: areaId,
      before,
      after,
    });
    return after;
  });
}

// ---------------------------------------------------------------------------------------------
// Strategy pages: archive, areas in order, versions, and everything the strategy page shows.

/** Nothing a board has seen is deleted: a strategy is archived (its status), and stays readable. */
export async function archiveStrategy(
  db: Kysely<DB>,
  ctx: TenantContext,
  id: string,
): Promise<Strategy> {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
    const before = await findStrategy(trx, ctx.tenantId, id);
    if (before.status === 'archived') return before;
    const after = await trx
      .updateTable('strategies')
      .set({ status: 'archived', updated_at: new Date() })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, {
      tenantId: ctx.tenantId,
      action: 'strategy.archived',
      entityType: 'strategy',
      entityId: id,
      before: { status: before.status },
      after: { status: after.status },
    });
    return after;
  });
}

/** An area of this strategy (a URL naming another strategy's area finds nothing). */
export async function findArea(
  trx: Tx,
  tenantId: string,
  strategyId: string,
  areaId: string,
): Promise<Area> {
  return findOwned(
    trx,
    'strategy_areas',
    { tenantId, id: areaId },
    'There is no such area in this strategy.',
    { strategy_id: strategyId },
  );
}

export async function listAreas(trx: Tx, tenantId: string, strategyId: string): Promise<Area[]> {
  return trx
    .selectFrom('strategy_areas')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('strategy_id', '=', strategyId)
    .orderBy('position')
    .orderBy('id')
    .execute();
}

/**
 * Moves an area one place up or down by swapping positions with its neighbour. Returns false
 * when it is already first (or last), which is not an error: the order simply stays.
 */
export async function moveArea(
  db: Kysely<DB>,
  ctx: TenantContext,
  strategyId: string,
  areaId: string,
  direction: 'up' | 'down',
): Promise<boolean> {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
    await findStrategy(trx, ctx.tenantId, strategyId);
    const area = await findArea(trx, ctx.tenantId, strategyId, areaId);
    const areas = await listAreas(trx, ctx.tenantId, strategyId);
    const index = areas.findIndex((a) => a.id === area.id);
    const other = areas[direction === 'up' ? index - 1 : index + 1];
    if (!other) return false;
    // Positions are renumbered 1..n in the new order, which also mends any gaps or ties.
    const order = areas.map((a) => a.id);
    order[index] = other.id;
    order[areas.indexOf(other)] = area.id;
    for (const [i, id] of order.entries()) {
      await trx
        .updateTable('strategy_areas')
        .set({ position: i + 1 })
        .where('tenant_id', '=', ctx.tenantId)
        .where('id', '=', id)
        .execute();
    }
    await recordAudit(trx, ctx.actor, {
      tenantId: ctx.tenantId,
      action: 'area.moved',
      entityType: 'strategy_area',
      entityId: area.id,
      before: { position: index + 1 },
      after: { position: order.indexOf(area.id) + 1, direction },
    });
    return true;
  });
}

/** Every version of a strategy (its lineage), oldest first. */
export async function lineageVersions(trx: Tx, tenantId: string, lineageId: string) {
  return trx
    .selectFrom('strategies')
    .select(['id', 'version', 'title', 'period_label', 'status', 'previous_version_id'])
    .where('tenant_id', '=', tenantId)
    .where('lineage_id', '=', lineageId)
    .orderBy('version')
    .execute();
}

/** Everything the strategy page shows, read in one transaction. */
export async function loadStrategyOverview(db: Kysely<DB>, ctx: TenantContext, id: string) {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
    const strategy = await findStrategy(trx, ctx.tenantId, id);
    const asAt = todayInLondon();
    // One connection per transaction: the reads run one after another.
    const areas = await listAreas(trx, ctx.tenantId, id);
    const actions = await queryActions(trx, {
      tenantId: ctx.tenantId,
      strategyId: id,
      filters: {},
      sort: 'ref',
      direction: 'asc',
      limit: 10_000,
      offset: 0,
      asAt,
    });
    const glossary = await loadGlossary(trx, ctx.tenantId, id);
    const labels = await loadStatusLabels(trx, ctx.tenantId);
    const priorities = await loadPriorities(trx, ctx.tenantId);
    const versions = await lineageVersions(trx, ctx.tenantId, strategy.lineage_id);
    const objectives = await trx
      .selectFrom('objectives')
      .selectAll()
      .where('tenant_id', '=', ctx.tenantId)
      .where('strategy_id', '=', id)
      .orderBy('position')
      .execute();
    return {
      strategy,
      areas,
      objectives,
      actions: actions.rows,
      glossary,
      labels,
      priorities,
      versions,
      asAt,
    };
  });
}

/**
 * The whole strategy for the JSON export: record, areas, objectives, every action (archived ones
 * too) with supporters and dependencies, every progress update of each action's lineage (history
 * from earlier versions included), and the glossary that applies.
 */
export async function loadStrategyExport(db: Kysely<DB>, ctx: TenantContext, id: string) {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
    const strategy = await findStrategy(trx, ctx.tenantId, id);
    const areas = await listAreas(trx, ctx.tenantId, id);
    const objectives = await trx
      .selectFrom('objectives')
      .selectAll()
      .where('tenant_id', '=', ctx.tenantId)
      .where('strategy_id', '=', id)
      .orderBy('position')
      .execute();
    const actions = await trx
      .selectFrom('actions as a')
      .leftJoin('posts as p', (j) =>
        j.onRef('p.id', '=', 'a.lead_post_id').onRef('p.tenant_id', '=', 'a.tenant_id'),
      )
      .selectAll('a')
      .select(['p.short_name as lead_post_name'])
      .where('a.tenant_id', '=', ctx.tenantId)
      .where('a.strategy_id', '=', id)
      .orderBy('a.ref_sort')
      .orderBy('a.id')
      .execute();
    const actionIds = actions.map((a) => a.id);
    const lineages = [...new Set(actions.map((a) => a.lineage_id))];
    const supporters = actionIds.length
      ? await trx
          .selectFrom('action_supporters')
          .selectAll()
          .where('tenant_id', '=', ctx.tenantId)
          .where('action_id', 'in', actionIds)
          .orderBy('position')
          .execute()
      : [];
    const dependencies = actionIds.length
      ? await trx
          .selectFrom('action_dependencies as d')
          .innerJoin('actions as t', (j) =>
            j.onRef('t.id', '=', 'd.depends_on_id').onRef('t.tenant_id', '=', 'd.tenant_id'),
          )
          .select(['d.action_id', 'd.depends_on_id', 'd.note', 't.ref'])
          .where('d.tenant_id', '=', ctx.tenantId)
          .where('d.action_id', 'in', actionIds)
          .orderBy('t.ref_sort')
          .execute()
      : [];
    const updates = lineages.length
      ? await trx
          .selectFrom('progress_updates')
          .selectAll()
          .where('tenant_id', '=', ctx.tenantId)
          .where('action_lineage_id', 'in', lineages)
          .orderBy('recorded_at')
          .orderBy('id')
          .execute()
      : [];
    const glossary = await trx
      .selectFrom('glossary_terms')
      .selectAll()
      .where('tenant_id', '=', ctx.tenantId)
      .where((eb) => eb.or([eb('strategy_id', 'is', null), eb('strategy_id', '=', id)]))
      .orderBy('code')
      .execute();
    return { strategy, areas, objectives, actions, supporters, dependencies, updates, glossary };
  });
}

import type { Kysely } from 'kysely';
import { recordAudit } from '../../kernel/audit/audit.js';
import type { TenantContext } from '../../kernel/auth/plugin.js';
import { newId } from '../../kernel/db/ids.js';
import type { DB } from '../../kernel/db/schema.js';
import { withTenant, type Tx } from '../../kernel/db/tenancy.js';
import { NotFoundError } from '../../kernel/http/errors.js';
import type { AreaInput, StrategyInput } from './strategy.schemas.js';
import type { Area, Strategy } from './strategy.tables.js';

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
    return after;
  });
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
) {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
    const before = await trx
      .selectFrom('strategy_areas')
      .selectAll()
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', areaId)
      .executeTakeFirst();
    if (!before) throw new NotFoundError('There is no such area.');
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

import type { Kysely } from 'kysely';
import { recordAudit } from '../../kernel/audit/audit.js';
import type { TenantContext } from '../../kernel/auth/plugin.js';
import { newId } from '../../kernel/db/ids.js';
import type { DB } from '../../kernel/db/schema.js';
import { findOwned } from '../../kernel/db/find.js';
import { withTenant, type Tx } from '../../kernel/db/tenancy.js';
import { ConflictError } from '../../kernel/http/errors.js';
import type { ObjectiveInput } from './strategy.schemas.js';
import { findArea, findStrategy } from './strategy.service.js';
import type { Objective } from './strategy.tables.js';

/**
 * Objectives sit between an area and its actions ("1.2 Make ICT costs clear"). Some strategies
 * have them and many do not, so they are optional everywhere.
 */

export async function listObjectives(
  trx: Tx,
  tenantId: string,
  strategyId: string,
): Promise<Objective[]> {
  return trx
    .selectFrom('objectives')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('strategy_id', '=', strategyId)
    .orderBy('area_id')
    .orderBy('position')
    .execute();
}

export async function findObjective(
  trx: Tx,
  tenantId: string,
  strategyId: string,
  objectiveId: string,
): Promise<Objective> {
  return findOwned(
    trx,
    'objectives',
    { tenantId, id: objectiveId },
    'There is no such objective in this strategy.',
    { strategy_id: strategyId },
  );
}

function columns(input: ObjectiveInput) {
  return { ref: input.ref ?? null, title: input.title };
}

export async function addObjectiveInTx(
  trx: Tx,
  ctx: TenantContext,
  strategyId: string,
  areaId: string,
  input: ObjectiveInput,
): Promise<Objective> {
  await findStrategy(trx, ctx.tenantId, strategyId);
  await findArea(trx, ctx.tenantId, strategyId, areaId);
  const last = await trx
    .selectFrom('objectives')
    .select((eb) => eb.fn.max('position').as('max'))
    .where('tenant_id', '=', ctx.tenantId)
    .where('area_id', '=', areaId)
    .executeTakeFirst();
  const objective = await trx
    .insertInto('objectives')
    .values({
      tenant_id: ctx.tenantId,
      id: newId(),
      strategy_id: strategyId,
      area_id: areaId,
      position: (last?.max ?? 0) + 1,
      ...columns(input),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx.actor, {
    tenantId: ctx.tenantId,
    action: 'objective.created',
    entityType: 'objective',
    entityId: objective.id,
    after: objective,
  });
  return objective;
}

export function addObjective(
  db: Kysely<DB>,
  ctx: TenantContext,
  strategyId: string,
  areaId: string,
  input: ObjectiveInput,
): Promise<Objective> {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
    addObjectiveInTx(trx, ctx, strategyId, areaId, input),
  );
}

export function updateObjective(
  db: Kysely<DB>,
  ctx: TenantContext,
  strategyId: string,
  objectiveId: string,
  input: ObjectiveInput,
): Promise<Objective> {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
    const before = await findObjective(trx, ctx.tenantId, strategyId, objectiveId);
    const after = await trx
      .updateTable('objectives')
      .set(columns(input))
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', before.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, {
      tenantId: ctx.tenantId,
      action: 'objective.updated',
      entityType: 'objective',
      entityId: after.id,
      before,
      after,
    });
    return after;
  });
}

/** Removes an objective no action points to; otherwise says which actions to move first. */
export function removeObjective(
  db: Kysely<DB>,
  ctx: TenantContext,
  strategyId: string,
  objectiveId: string,
): Promise<Objective> {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
    const before = await findObjective(trx, ctx.tenantId, strategyId, objectiveId);
    const users = await trx
      .selectFrom('actions')
      .select('ref')
      .where('tenant_id', '=', ctx.tenantId)
      .where('objective_id', '=', before.id)
      .orderBy('ref_sort')
      .execute();
    if (users.length) {
      const refs = users.map((a) => a.ref).join(', ');
      throw new ConflictError(
        `This objective cannot be removed because ${users.length === 1 ? 'action' : 'actions'} ${refs} ${users.length === 1 ? 'belongs' : 'belong'} to it. Move ${users.length === 1 ? 'it' : 'them'} to another objective first.`,
      );
    }
    await trx
      .deleteFrom('objectives')
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', before.id)
      .execute();
    await recordAudit(trx, ctx.actor, {
      tenantId: ctx.tenantId,
      action: 'objective.removed',
      entityType: 'objective',
      entityId: before.id,
      before,
    });
    return before;
  });
}

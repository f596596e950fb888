import { sql, type Kysely } from 'kysely';
import { recordAudit } from '../../kernel/audit/audit.js';
import type { TenantContext } from '../../kernel/auth/plugin.js';
import { newId } from '../../kernel/db/ids.js';
import type { DB } from '../../kernel/db/schema.js';
import { withTenant, type Tx } from '../../kernel/db/tenancy.js';
import { ConflictError, NotFoundError, ValidationError } from '../../kernel/http/errors.js';
import { parseOwners } from './owners.js';
import { resolvePost } from './posts.service.js';
import { parsePriority } from './priority.js';
import { parseResources } from './resources.js';
import type { ActionInput } from './strategy.schemas.js';
import { findStrategy } from './strategy.service.js';
import type { Action } from './strategy.tables.js';
import { parseTimescale } from './timescale.js';

/** "4.10" sorts after "4.9": every run of digits is zero-padded. */
export function refSortKey(ref: string): string {
  return ref.toLowerCase().replace(/\d+/g, (d) => d.padStart(10, '0'));
}

/** Everything Waymark derives from the words as written: dates, owners, resources, priority. */
export function deriveActionFields(input: ActionInput, documentDate: string) {
  const timescale = parseTimescale(input.timescale ?? '', { documentDate });
  const resources = parseResources(input.resources);
  return {
    ref: input.ref,
    ref_sort: refSortKey(input.ref),
    title: input.title,
    description: input.description ?? null,
    area_id: input.areaId ?? null,
    objective_id: input.objectiveId ?? null,
    priority: parsePriority(input.priority),
    priority_text: input.priority ?? null,
    timescale_text: input.timescale ?? null,
    start_on: timescale.start,
    due_on: timescale.due,
    start_precision: timescale.startPrecision,
    due_precision: timescale.duePrecision,
    ongoing: timescale.ongoing,
    recurrence: timescale.recurrence,
    timescale_needs_review: timescale.needsReview,
    resources_kind: resources.kind,
    resources_amount_pence: resources.amountPence,
    resources_period: resources.period,
    resources_text: resources.text || null,
    targets: input.targets ?? null,
    outcome: input.outcome ?? null,
    comments: input.comments ?? null,
    tags: input.tags ?? [],
  };
}

async function knownPostNames(trx: Tx, tenantId: string): Promise<string[]> {
  const rows = await trx
    .selectFrom('posts')
    .select(['short_name', 'title'])
    .where('tenant_id', '=', tenantId)
    .where('archived_at', 'is', null)
    .execute();
  return rows.flatMap((r) => [r.short_name, r.title]);
}

/** Lead and "(with)": the lead's post is found (or created); supporters keep their words and order. */
async function resolveOwners(trx: Tx, ctx: TenantContext, input: ActionInput) {
  const known = await knownPostNames(trx, ctx.tenantId);
  const parsed =
    input.with === undefined
      ? parseOwners(input.lead, known)
      : { lead: input.lead ?? null, with: input.with };
  const leadPost = parsed.lead
    ? await resolvePost(trx, ctx.actor, ctx.tenantId, parsed.lead, { create: true })
    : null;
  return { lead_post_id: leadPost?.id ?? null, lead_text: input.lead ?? null, with: parsed.with };
}

/** Supporters reference the action row, so they are written after it. */
async function writeSupporters(trx: Tx, ctx: TenantContext, actionId: string, names: string[]) {
  await trx
    .deleteFrom('action_supporters')
    .where('tenant_id', '=', ctx.tenantId)
    .where('action_id', '=', actionId)
    .execute();
  let position = 0;
  for (const name of names) {
    const post = await resolvePost(trx, ctx.actor, ctx.tenantId, name, { create: false });
    await trx
      .insertInto('action_supporters')
      .values({
        tenant_id: ctx.tenantId,
        action_id: actionId,
        position: position++,
        post_id: post?.id ?? null,
        text: name,
      })
      .execute();
  }
}

async function writeDependencies(
  trx: Tx,
  ctx: TenantContext,
  action: Action,
  refs: string[] | undefined,
) {
  if (refs === undefined) return;
  await trx
    .deleteFrom('action_dependencies')
    .where('tenant_id', '=', ctx.tenantId)
    .where('action_id', '=', action.id)
    .execute();
  for (const ref of refs) {
    const target = await trx
      .selectFrom('actions')
      .select('id')
      .where('tenant_id', '=', ctx.tenantId)
      .where('strategy_id', '=', action.strategy_id)
      .where(sql`lower(ref)`, '=', ref.toLowerCase())
      .where('archived_at', 'is', null)
      .executeTakeFirst();
    if (!target || target.id === action.id) {
      throw new ValidationError([
        {
          field: 'dependsOn',
          message: `There is no other action with the reference ${ref} in this strategy`,
        },
      ]);
    }
    await trx
      .insertInto('action_dependencies')
      .values({
        tenant_id: ctx.tenantId,
        action_id: action.id,
        depends_on_id: target.id,
        note: null,
      })
      .execute();
  }
}

async function assertRefFree(
  trx: Tx,
  tenantId: string,
  strategyId: string,
  ref: string,
  exceptId?: string,
) {
  let q = trx
    .selectFrom('actions')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('strategy_id', '=', strategyId)
    .where(sql`lower(ref)`, '=', ref.toLowerCase())
    .where('archived_at', 'is', null);
  if (exceptId) q = q.where('id', '<>', exceptId);
  if (await q.executeTakeFirst()) {
    throw new ConflictError(`Another action in this strategy already has the reference ${ref}.`, [
      { field: 'ref', message: `Another action in this strategy already has the reference ${ref}` },
    ]);
  }
}

/** An action's area must be one of its own strategy's areas. */
async function assertAreaInStrategy(
  trx: Tx,
  tenantId: string,
  strategyId: string,
  areaId: string | undefined,
) {
  if (!areaId) return;
  const area = await trx
    .selectFrom('strategy_areas')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('strategy_id', '=', strategyId)
    .where('id', '=', areaId)
    .executeTakeFirst();
  if (!area) {
    throw new ValidationError([
      { field: 'areaId', message: 'Select one of this strategy’s areas, or no area' },
    ]);
  }
}

/**
 * An action's objective must be one of its strategy's objectives, in the action's area; an action
 * given an objective but no area takes the objective's area.
 */
async function withObjectiveArea(
  trx: Tx,
  tenantId: string,
  strategyId: string,
  input: ActionInput,
): Promise<ActionInput> {
  if (!input.objectiveId) return input;
  const objective = await trx
    .selectFrom('objectives')
    .select(['id', 'area_id'])
    .where('tenant_id', '=', tenantId)
    .where('strategy_id', '=', strategyId)
    .where('id', '=', input.objectiveId)
    .executeTakeFirst();
  if (!objective) {
    throw new ValidationError([
      { field: 'objectiveId', message: 'Select one of this strategy’s objectives, or none' },
    ]);
  }
  if (input.areaId && input.areaId !== objective.area_id) {
    throw new ValidationError([
      { field: 'objectiveId', message: 'Select an objective of the action’s area, or none' },
    ]);
  }
  return { ...input, areaId: objective.area_id };
}

export async function findAction(trx: Tx, tenantId: string, id: string): Promise<Action> {
  const action = /^[0-9a-f-]{36}$/i.test(id)
    ? await trx
        .selectFrom('actions')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst()
    : undefined;
  if (!action) throw new NotFoundError('There is no such action.');
  return action;
}

export async function createActionInTx(
  trx: Tx,
  ctx: TenantContext,
  strategyId: string,
  given: ActionInput,
  extra: { source?: Record<string, unknown>; extraFields?: Record<string, unknown> } = {},
): Promise<Action> {
  const strategy = await findStrategy(trx, ctx.tenantId, strategyId);
  await assertRefFree(trx, ctx.tenantId, strategyId, given.ref);
  await assertAreaInStrategy(trx, ctx.tenantId, strategyId, given.areaId);
  const input = await withObjectiveArea(trx, ctx.tenantId, strategyId, given);
  const id = newId();
  const documentDate =
    strategy.document_date ?? strategy.period_start ?? new Date().toISOString().slice(0, 10);
  const owners = await resolveOwners(trx, ctx, input);
  const action = await trx
    .insertInto('actions')
    .values({
      tenant_id: ctx.tenantId,
      id,
      strategy_id: strategyId,
      lineage_id: id,
      ...deriveActionFields(input, documentDate),
      lead_post_id: owners.lead_post_id,
      lead_text: owners.lead_text,
      status: input.status ?? 'not_started',
      forecast_status: input.forecastStatus ?? null,
      extra: JSON.stringify(extra.extraFields ?? {}),
      source: extra.source ? JSON.stringify(extra.source) : null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await writeSupporters(trx, ctx, id, owners.with);
  await writeDependencies(trx, ctx, action, input.dependsOn);
  await recordAudit(trx, ctx.actor, {
    tenantId: ctx.tenantId,
    action: 'action.created',
    entityType: 'action',
    entityId: id,
    after: { ...action, with: owners.with },
  });
  return action;
}

export async function createAction(
  db: Kysely<DB>,
  ctx: TenantContext,
  strategyId: string,
  input: ActionInput,
): Promise<Action> {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
    createActionInTx(trx, ctx, strategyId, input),
  );
}

export async function updateAction(
  db: Kysely<DB>,
  ctx: TenantContext,
  id: string,
  input: ActionInput,
  /** replaceForecast: a missing forecast clears it (the edit form and the API send the whole action). */
  options: { replaceForecast?: boolean } = {},
): Promise<Action> {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
    updateActionInTx(trx, ctx, id, input, options),
  );
}

/** updateAction inside the caller's transaction; an import also replaces the cells as read. */
export async function updateActionInTx(
  trx: Tx,
  ctx: TenantContext,
  id: string,
  given: ActionInput,
  options: {
    replaceForecast?: boolean;
    source?: Record<string, unknown>;
    extraFields?: Record<string, unknown>;
  } = {},
): Promise<Action> {
  const before = await findAction(trx, ctx.tenantId, id);
  if (before.archived_at) throw new ConflictError('This action is archived and cannot be changed.');
  const strategy = await findStrategy(trx, ctx.tenantId, before.strategy_id);
  await assertRefFree(trx, ctx.tenantId, before.strategy_id, given.ref, id);
  await assertAreaInStrategy(trx, ctx.tenantId, before.strategy_id, given.areaId);
  const input = await withObjectiveArea(trx, ctx.tenantId, before.strategy_id, given);
  const documentDate =
    strategy.document_date ?? strategy.period_start ?? new Date().toISOString().slice(0, 10);
  const owners = await resolveOwners(trx, ctx, input);
  await writeSupporters(trx, ctx, id, owners.with);
  const after = await trx
    .updateTable('actions')
    .set({
      ...deriveActionFields(input, documentDate),
      lead_post_id: owners.lead_post_id,
      lead_text: owners.lead_text,
      ...(input.status ? { status: input.status } : {}),
      ...(input.forecastStatus || options.replaceForecast
        ? { forecast_status: input.forecastStatus ?? null }
        : {}),
      ...(options.source ? { source: JSON.stringify(options.source) } : {}),
      ...(options.extraFields ? { extra: JSON.stringify(options.extraFields) } : {}),
      updated_at: new Date(),
    })
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await writeDependencies(trx, ctx, after, input.dependsOn);
  await recordAudit(trx, ctx.actor, {
    tenantId: ctx.tenantId,
    action: 'action.updated',
    entityType: 'action',
    entityId: id,
    before,
    after: { ...after, with: owners.with },
  });
  return after;
}

/** Nothing a board has seen is deleted: an action is archived, with the reason kept. */
export async function archiveAction(
  db: Kysely<DB>,
  ctx: TenantContext,
  id: string,
  reason: string,
): Promise<Action> {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
    archiveActionInTx(trx, ctx, id, reason),
  );
}

/** archiveAction inside the caller's transaction (an import archives what its plan dropped). */
export async function archiveActionInTx(
  trx: Tx,
  ctx: TenantContext,
  id: string,
  reason: string,
): Promise<Action> {
  const before = await findAction(trx, ctx.tenantId, id);
  if (before.archived_at) return before;
  const after = await trx
    .updateTable('actions')
    .set({ archived_at: new Date(), archive_reason: reason, updated_at: new Date() })
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx.actor, {
    tenantId: ctx.tenantId,
    action: 'action.archived',
    entityType: 'action',
    entityId: id,
    before,
    after,
  });
  return after;
}

/**
 * Roll forward: the next version of a strategy (an annual refresh, or a new period). Every
 * unfinished action goes with it, keeping its reference and lineage (so its whole history of
 * progress follows it); finished ones stay with the old version; an editor may drop an unfinished
 * action instead, but must say why. "What changed" compares two versions of a lineage.
 */
import type { Kysely } from 'kysely';
import { recordAudit } from '../../kernel/audit/audit.js';
import type { TenantContext } from '../../kernel/auth/plugin.js';
import { isUuid, newId } from '../../kernel/db/ids.js';
import type { DB } from '../../kernel/db/schema.js';
import { withTenant, type Tx } from '../../kernel/db/tenancy.js';
import { ConflictError, NotFoundError, ValidationError } from '../../kernel/http/errors.js';
import { loadStatusLabels } from './display.js';
import { copyStrategyTermsInTx } from './glossary.service.js';
import { CLOSED_STATUSES } from './status.js';
import { findStrategy, lineageVersions, supersedeInTx } from './strategy.service.js';
import type { Action, Strategy } from './strategy.tables.js';

export const ROLL_FORWARD_KINDS = ['annual', 'new-period'] as const;
export type RollForwardKind = (typeof ROLL_FORWARD_KINDS)[number];

export interface RollForwardInput {
  kind: RollForwardKind;
  /** Supersede the old version now, rather than when the new one is approved. */
  supersedeNow: boolean;
  /** A new period's record (an annual refresh keeps the old title and period). */
  newPeriod?: {
    title: string;
    periodLabel?: string | undefined;
    periodStart?: string | undefined;
    periodEnd?: string | undefined;
    documentDate?: string | undefined;
  };
  /** Unfinished actions not carried forward, each with its reason. */
  drops: { actionId: string; reason: string }[];
}

/** Open work: not complete, cancelled or superseded, and not archived. */
export async function unfinishedActions(trx: Tx, tenantId: string, strategyId: string) {
  return trx
    .selectFrom('actions')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('strategy_id', '=', strategyId)
    .where('archived_at', 'is', null)
    .where('status', 'not in', CLOSED_STATUSES)
    .orderBy('ref_sort')
    .orderBy('id')
    .execute();
}

async function successorOf(trx: Tx, tenantId: string, strategyId: string) {
  return trx
    .selectFrom('strategies')
    .select(['id', 'version'])
    .where('tenant_id', '=', tenantId)
    .where('previous_version_id', '=', strategyId)
    .executeTakeFirst();
}

/** What the roll forward page shows before anything is created. */
export async function rollForwardPlan(db: Kysely<DB>, ctx: TenantContext, strategyId: string) {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
    const strategy = await findStrategy(trx, ctx.tenantId, strategyId);
    const unfinished = await unfinishedActions(trx, ctx.tenantId, strategyId);
    const total = await trx
      .selectFrom('actions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', ctx.tenantId)
      .where('strategy_id', '=', strategyId)
      .where('archived_at', 'is', null)
      .executeTakeFirstOrThrow();
    return {
      strategy,
      unfinished,
      finishedCount: total.n - unfinished.length,
      successor: (await successorOf(trx, ctx.tenantId, strategyId)) ?? null,
      labels: await loadStatusLabels(trx, ctx.tenantId),
    };
  });
}

function copyOfAction(
  action: Action,
  tenantId: string,
  strategyId: string,
  areaId: string | null,
  objectiveId: string | null,
) {
  return {
    tenant_id: tenantId,
    id: newId(),
    strategy_id: strategyId,
    lineage_id: action.lineage_id,
    carried_from_id: action.id,
    area_id: areaId,
    objective_id: objectiveId,
    ref: action.ref,
    ref_sort: action.ref_sort,
    title: action.title,
    description: action.description,
    priority: action.priority,
    priority_text: action.priority_text,
    timescale_text: action.timescale_text,
    start_on: action.start_on,
    due_on: action.due_on,
    start_precision: action.start_precision,
    due_precision: action.due_precision,
    ongoing: action.ongoing,
    recurrence: action.recurrence,
    timescale_needs_review: action.timescale_needs_review,
    lead_post_id: action.lead_post_id,
    lead_user_id: action.lead_user_id,
    lead_text: action.lead_text,
    resources_kind: action.resources_kind,
    resources_amount_pence: action.resources_amount_pence,
    resources_period: action.resources_period,
    resources_text: action.resources_text,
    targets: action.targets,
    outcome: action.outcome,
    comments: action.comments,
    status: action.status,
    forecast_status: action.forecast_status,
    tags: action.tags,
    extra: JSON.stringify(action.extra),
    source: action.source ? JSON.stringify(action.source) : null,
    position: action.position,
    last_update_at: action.last_update_at,
  };
}

/** Areas (with their gap analysis) and objectives go into the new version; returns id maps. */
async function copyAreasAndObjectives(trx: Tx, tenantId: string, from: string, to: string) {
  const areaIds = new Map<string, string>();
  const areas = await trx
    .selectFrom('strategy_areas')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('strategy_id', '=', from)
    .orderBy('position')
    .execute();
  for (const a of areas) {
    const id = newId();
    areaIds.set(a.id, id);
    // Columns named one by one: generated columns (such as search) cannot be copied.
    await trx
      .insertInto('strategy_areas')
      .values({
        tenant_id: tenantId,
        id,
        strategy_id: to,
        number: a.number,
        title: a.title,
        position: a.position,
        vision: a.vision,
        current_position: a.current_position,
        getting_there: a.getting_there,
      })
      .execute();
  }
  const objectiveIds = new Map<string, string>();
  const objectives = await trx
    .selectFrom('objectives')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('strategy_id', '=', from)
    .execute();
  for (const o of objectives) {
    const id = newId();
    const areaId = areaIds.get(o.area_id);
    if (!areaId) continue;
    objectiveIds.set(o.id, id);
    await trx
      .insertInto('objectives')
      .values({
        tenant_id: tenantId,
        id,
        strategy_id: to,
        area_id: areaId,
        ref: o.ref,
        title: o.title,
        position: o.position,
      })
      .execute();
  }
  return { areaIds, objectiveIds, areaCount: areas.length };
}

/** Supporters ("with") and dependencies follow each carried action, in the same order. */
async function copyOwnersAndDependencies(
  trx: Tx,
  tenantId: string,
  actionIds: Map<string, string>,
) {
  const oldIds = [...actionIds.keys()];
  if (!oldIds.length) return;
  const supporters = await trx
    .selectFrom('action_supporters')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('action_id', 'in', oldIds)
    .execute();
  for (const s of supporters) {
    await trx
      .insertInto('action_supporters')
      .values({
        tenant_id: tenantId,
        action_id: actionIds.get(s.action_id) ?? s.action_id,
        position: s.position,
        post_id: s.post_id,
        text: s.text,
      })
      .execute();
  }
  const dependencies = await trx
    .selectFrom('action_dependencies')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('action_id', 'in', oldIds)
    .execute();
  for (const d of dependencies) {
    await trx
      .insertInto('action_dependencies')
      .values({
        tenant_id: tenantId,
        note: d.note,
        action_id: actionIds.get(d.action_id) ?? d.action_id,
        // A dependency on work that stays behind (finished or dropped) still points at it.
        depends_on_id: actionIds.get(d.depends_on_id) ?? d.depends_on_id,
      })
      .execute();
  }
}

/**
 * Creates the next version in one transaction: the record, areas, objectives, every unfinished
 * action not dropped (same reference and lineage, carried_from the old one), their supporters
 * and dependencies, the strategy's glossary, the drop reasons, and the audit events.
 */
export async function rollForward(
  db: Kysely<DB>,
  ctx: TenantContext,
  strategyId: string,
  input: RollForwardInput,
): Promise<{ strategy: Strategy; carried: number; dropped: number }> {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
    await findStrategy(trx, ctx.tenantId, strategyId);
    // Locked so two editors pressing the button at once cannot both make "the next version".
    const old = await trx
      .selectFrom('strategies')
      .selectAll()
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', strategyId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const successor = await successorOf(trx, ctx.tenantId, old.id);
    if (successor) {
      throw new ConflictError(
        `Version ${old.version} has already been rolled forward to version ${successor.version}. Roll forward the latest version instead.`,
      );
    }
    const unfinished = await unfinishedActions(trx, ctx.tenantId, old.id);
    const byId = new Map(unfinished.map((a) => [a.id, a]));
    const reasons = new Map<string, string>();
    for (const d of input.drops) {
      if (!byId.has(d.actionId)) {
        throw new ValidationError([
          { field: 'drop', message: 'Only unfinished actions of this version can be dropped' },
        ]);
      }
      if (!d.reason.trim()) {
        throw new ValidationError([
          {
            field: `reason-${d.actionId}`,
            message: `Enter why action ${byId.get(d.actionId)?.ref ?? ''} is being dropped`,
          },
        ]);
      }
      reasons.set(d.actionId, d.reason.trim());
    }

    const last = await trx
      .selectFrom('strategies')
      .select((eb) => eb.fn.max('version').as('max'))
      .where('tenant_id', '=', ctx.tenantId)
      .where('lineage_id', '=', old.lineage_id)
      .executeTakeFirstOrThrow();
    const record = input.newPeriod
      ? {
          title: input.newPeriod.title,
          period_label: input.newPeriod.periodLabel ?? null,
          period_start: input.newPeriod.periodStart ?? null,
          period_end: input.newPeriod.periodEnd ?? null,
          document_date: input.newPeriod.documentDate ?? null,
        }
      : {
          title: old.title,
          period_label: old.period_label,
          period_start: old.period_start,
          period_end: old.period_end,
          document_date: old.document_date,
        };
    const next = await trx
      .insertInto('strategies')
      .values({
        tenant_id: ctx.tenantId,
        id: newId(),
        lineage_id: old.lineage_id,
        version: last.max + 1,
        previous_version_id: old.id,
        ...record,
        status: 'draft',
        lead_officer: old.lead_officer,
        summary: old.summary,
      })
      .returningAll()
      .executeTakeFirstOrThrow();

    const { areaIds, objectiveIds, areaCount } = await copyAreasAndObjectives(
      trx,
      ctx.tenantId,
      old.id,
      next.id,
    );

    const actionIds = new Map<string, string>();
    const carried: string[] = [];
    for (const action of unfinished) {
      if (reasons.has(action.id)) continue;
      const copy = copyOfAction(
        action,
        ctx.tenantId,
        next.id,
        action.area_id ? (areaIds.get(action.area_id) ?? null) : null,
        action.objective_id ? (objectiveIds.get(action.objective_id) ?? null) : null,
      );
      await trx.insertInto('actions').values(copy).execute();
      actionIds.set(action.id, copy.id);
      carried.push(action.ref);
      await recordAudit(trx, ctx.actor, {
        tenantId: ctx.tenantId,
        action: 'action.carried_forward',
        entityType: 'action',
        entityId: copy.id,
        after: {
          ref: action.ref,
          lineage_id: action.lineage_id,
          carried_from_id: action.id,
          from_strategy_id: old.id,
          strategy_id: next.id,
          version: next.version,
        },
      });
    }
    await copyOwnersAndDependencies(trx, ctx.tenantId, actionIds);

    const dropped: { ref: string; reason: string }[] = [];
    for (const [actionId, reason] of reasons) {
      const action = byId.get(actionId);
      if (!action) continue;
      await trx
        .insertInto('strategy_version_drops')
        .values({
          tenant_id: ctx.tenantId,
          id: newId(),
          strategy_id: next.id,
          from_strategy_id: old.id,
          action_id: actionId,
          reason,
          dropped_by: ctx.actor.userId,
          dropped_by_label: ctx.actor.label,
        })
        .execute();
      dropped.push({ ref: action.ref, reason });
      await recordAudit(trx, ctx.actor, {
        tenantId: ctx.tenantId,
        action: 'action.dropped',
        entityType: 'action',
        entityId: actionId,
        after: { ref: action.ref, reason, not_carried_into: next.id, version: next.version },
      });
    }

    const glossaryTerms = await copyStrategyTermsInTx(trx, ctx.tenantId, old.id, next.id);
    await recordAudit(trx, ctx.actor, {
      tenantId: ctx.tenantId,
      action: 'strategy.rolled_forward',
      entityType: 'strategy',
      entityId: next.id,
      after: {
        ...next,
        kind: input.kind,
        from_strategy_id: old.id,
        from_version: old.version,
        supersede: input.supersedeNow ? 'now' : 'on-approval',
        areas: areaCount,
        glossary_terms: glossaryTerms,
        carried,
        dropped,
      },
    });
    if (input.supersedeNow) await supersedeInTx(trx, ctx, old, next);
    return { strategy: next, carried: carried.length, dropped: dropped.length };
  });
}

// ---------------------------------------------------------------------------------------------
// What changed between two versions

function versionActions(trx: Tx, tenantId: string, strategyId: string) {
  return trx
    .selectFrom('actions')
    .select([
      'id',
      'ref',
      'ref_sort',
      'title',
      'lineage_id',
      'status',
      'forecast_status',
      'due_on',
      'timescale_text',
    ])
    .where('tenant_id', '=', tenantId)
    .where('strategy_id', '=', strategyId)
    .where('archived_at', 'is', null)
    .orderBy('ref_sort')
    .orderBy('id')
    .execute();
}

export type VersionAction = Awaited<ReturnType<typeof versionActions>>[number];

export interface VersionChanges {
  older: Strategy;
  newer: Strategy;
  /** In the newer version with no earlier lineage in the older one. */
  added: VersionAction[];
  /** In both: carried forward (possibly through versions in between). */
  carried: { action: VersionAction; was: VersionAction }[];
  /** Carried with a due date that differs from the older version's. */
  redated: { action: VersionAction; was: VersionAction }[];
  /** Left out on purpose, with the reason given. */
  dropped: {
    action: VersionAction;
    reason: string;
    droppedBy: string;
    droppedAt: Date;
    version: number;
  }[];
  /** Finished in the older version, so they stayed with it. */
  finished: VersionAction[];
}

/** Compares two versions of one lineage (in either order: the lower version is "older"). */
export async function compareVersions(
  db: Kysely<DB>,
  ctx: TenantContext,
  strategyId: string,
  otherId: string,
): Promise<VersionChanges & { strategy: Strategy }> {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
    const strategy = await findStrategy(trx, ctx.tenantId, strategyId);
    const other = isUuid(otherId)
      ? await trx
          .selectFrom('strategies')
          .selectAll()
          .where('tenant_id', '=', ctx.tenantId)
          .where('id', '=', otherId)
          .executeTakeFirst()
      : undefined;
    if (!other || other.lineage_id !== strategy.lineage_id || other.id === strategy.id) {
      throw new NotFoundError('That is not another version of this strategy.');
    }
    const [older, newer] = other.version < strategy.version ? [other, strategy] : [strategy, other];
    const before = await versionActions(trx, ctx.tenantId, older.id);
    const after = await versionActions(trx, ctx.tenantId, newer.id);
    const beforeByLineage = new Map(before.map((a) => [a.lineage_id, a]));
    const afterLineages = new Set(after.map((a) => a.lineage_id));

    const versionsBetween = (await lineageVersions(trx, ctx.tenantId, strategy.lineage_id))
      .filter((v) => v.version > older.version && v.version <= newer.version)
      .map((v) => v.id);
    const drops = await trx
      .selectFrom('strategy_version_drops as d')
      .innerJoin('actions as a', (j) =>
        j.onRef('a.id', '=', 'd.action_id').onRef('a.tenant_id', '=', 'd.tenant_id'),
      )
      .innerJoin('strategies as s', (j) =>
        j.onRef('s.id', '=', 'd.strategy_id').onRef('s.tenant_id', '=', 'd.tenant_id'),
      )
      .select([
        'a.id',
        'a.ref',
        'a.ref_sort',
        'a.title',
        'a.lineage_id',
        'a.status',
        'a.forecast_status',
        'a.due_on',
        'a.timescale_text',
        'd.reason',
        'd.dropped_by_label',
        'd.dropped_at',
        's.version',
      ])
      .where('d.tenant_id', '=', ctx.tenantId)
      .where('d.strategy_id', 'in', versionsBetween)
      .orderBy('a.ref_sort')
      .execute();
    const droppedLineages = new Set(drops.map((d) => d.lineage_id));

    const carried = after.flatMap((a) => {
      const was = beforeByLineage.get(a.lineage_id);
      return was ? [{ action: a, was }] : [];
    });
    return {
      strategy,
      older,
      newer,
      added: after.filter((a) => !beforeByLineage.has(a.lineage_id)),
      carried,
      redated: carried.filter((c) => c.action.due_on !== c.was.due_on),
      dropped: drops.map((d) => ({
        action: {
          id: d.id,
          ref: d.ref,
          ref_sort: d.ref_sort,
          title: d.title,
          lineage_id: d.lineage_id,
          status: d.status,
          forecast_status: d.forecast_status,
          due_on: d.due_on,
          timescale_text: d.timescale_text,
        },
        reason: d.reason,
        droppedBy: d.dropped_by_label,
        droppedAt: d.dropped_at,
        version: d.version,
      })),
      finished: before.filter(
        (a) => !afterLineages.has(a.lineage_id) && !droppedLineages.has(a.lineage_id),
      ),
    };
  });
}

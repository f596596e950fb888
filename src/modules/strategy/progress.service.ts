import type { Kysely } from 'kysely';
import { recordAudit } from '../../kernel/audit/audit.js';
import type { TenantContext } from '../../kernel/auth/plugin.js';
import { newId } from '../../kernel/db/ids.js';
import type { DB } from '../../kernel/db/schema.js';
import { withTenant, type Tx } from '../../kernel/db/tenancy.js';
import { ConflictError, ForbiddenError, ValidationError } from '../../kernel/http/errors.js';
import { findAction } from './action.service.js';
import { postsHeldBy } from './posts.service.js';
import { todayInLondon } from './status.js';
import type { ProgressInput } from './strategy.schemas.js';
import type { Action, ProgressUpdate } from './strategy.tables.js';

/** Editors and admins may update any action; a contributor only those whose post they hold. */
export async function mayRecordProgress(
  trx: Tx,
  ctx: TenantContext,
  action: Action,
): Promise<boolean> {
  if (ctx.role === 'admin' || ctx.role === 'editor') return true;
  if (ctx.role !== 'contributor' || !ctx.actor.userId) return false;
  if (action.lead_user_id === ctx.actor.userId) return true;
  if (!action.lead_post_id) return false;
  const held = await postsHeldBy(trx, ctx.tenantId, ctx.actor.userId, todayInLondon());
  return held.includes(action.lead_post_id);
}

export async function recordProgressInTx(
  trx: Tx,
  ctx: TenantContext,
  actionId: string,
  input: ProgressInput,
  /** recordedAt: only for loading history (demo data, imports); people's updates are stamped now. */
  options: { asAt?: string; evidenceFileId?: string | null; recordedAt?: Date } = {},
): Promise<ProgressUpdate> {
  const action = await findAction(trx, ctx.tenantId, actionId);
  if (action.archived_at)
    throw new ConflictError('This action is archived: progress can no longer be recorded on it.');
  if (!(await mayRecordProgress(trx, ctx, action))) {
    throw new ForbiddenError('You can record progress only on actions owned by a post you hold.');
  }
  if (input.correctsId) {
    const corrected = await trx
      .selectFrom('progress_updates')
      .select('id')
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', input.correctsId)
      .where('action_lineage_id', '=', action.lineage_id)
      .executeTakeFirst();
    if (!corrected)
      throw new ValidationError([
        {
          field: 'correctsId',
          message: 'The update being corrected is not one of this action’s updates',
        },
      ]);
  }
  const now = options.recordedAt ?? new Date();
  const update = await trx
    .insertInto('progress_updates')
    .values({
      tenant_id: ctx.tenantId,
      id: newId(),
      action_id: action.id,
      action_lineage_id: action.lineage_id,
      status: input.status,
      forecast_status: input.forecastStatus ?? null,
      percent_complete: input.percentComplete ?? null,
      happened: input.happened,
      next_steps: input.nextSteps ?? null,
      evidence_url: input.evidenceUrl ?? null,
      evidence_file_id: options.evidenceFileId ?? null,
      corrects_id: input.correctsId ?? null,
      correction_note: input.correctionNote ?? null,
      as_at: options.asAt ?? todayInLondon(now),
      recorded_by: ctx.actor.userId,
      recorded_by_label: ctx.actor.label,
      recorded_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const after = await trx
    .updateTable('actions')
    .set({
      status: input.status,
      forecast_status: input.forecastStatus ?? null,
      last_update_at: now,
      updated_at: now,
    })
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', action.id)
    .returning(['status', 'forecast_status', 'last_update_at'])
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx.actor, {
    tenantId: ctx.tenantId,
    action: input.correctsId ? 'progress.corrected' : 'progress.recorded',
    entityType: 'action',
    entityId: action.id,
    before: {
      status: action.status,
      forecast_status: action.forecast_status,
      last_update_at: action.last_update_at,
    },
    after: { ...after, update_id: update.id },
  });
  return update;
}

export async function recordProgress(
  db: Kysely<DB>,
  ctx: TenantContext,
  actionId: string,
  input: ProgressInput,
  options: { asAt?: string } = {},
) {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
    recordProgressInTx(trx, ctx, actionId, input, options),
  );
}

/** Every update of an action across plan years (its lineage), newest first. */
export async function listUpdates(trx: Tx, tenantId: string, lineageId: string) {
  return trx
    .selectFrom('progress_updates')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('action_lineage_id', '=', lineageId)
    .orderBy('recorded_at', 'desc')
    .execute();
}

/**
 * Decisions a board takes on an agenda item. They are a record: never changed. A correction is a
 * new decision on the same item, which supersedes the earlier one (the latest stands).
 */
import type { Kysely, Selectable } from 'kysely';
import { recordAudit } from '../../kernel/audit/audit.js';
import type { TenantContext } from '../../kernel/auth/plugin.js';
import { isUuid, newId } from '../../kernel/db/ids.js';
import type { DB } from '../../kernel/db/schema.js';
import { withTenant, type Tx } from '../../kernel/db/tenancy.js';
import { ConflictError, NotFoundError } from '../../kernel/http/errors.js';
import type { DecisionInput } from './board.schemas.js';
import { requirePermission } from './board.service.js';
import type { DecisionOutcome, DecisionsTable } from './governance.tables.js';

export type Decision = Selectable<DecisionsTable>;

export const OUTCOME_LABELS: Record<DecisionOutcome, string> = {
  noted: 'Noted',
  approved: 'Approved',
  approved_with_changes: 'Approved with changes',
  deferred: 'Deferred',
  rejected: 'Rejected',
};

export interface DecisionView extends Decision {
  outcomeLabel: string;
  recordedByName: string;
  /** The later decision on the same item that replaces this one, if any. */
  supersededBy: { id: string; recordedAt: Date } | null;
}

/** Decisions of each item, oldest first, each marked with the one that superseded it. */
export async function decisionsForItems(
  trx: Tx,
  tenantId: string,
  itemIds: string[],
): Promise<Map<string, DecisionView[]>> {
  const out = new Map<string, DecisionView[]>();
  if (!itemIds.length) return out;
  const rows = await trx
    .selectFrom('decisions as d')
    .leftJoin('users as u', 'u.id', 'd.recorded_by')
    .selectAll('d')
    .select('u.display_name')
    .where('d.tenant_id', '=', tenantId)
    .where('d.agenda_item_id', 'in', itemIds)
    .orderBy('d.agenda_item_id')
    .orderBy('d.recorded_at')
    .orderBy('d.id')
    .execute();
  for (const { display_name, ...d } of rows) {
    const list = out.get(d.agenda_item_id) ?? [];
    const previous = list[list.length - 1];
    if (previous) previous.supersededBy = { id: d.id, recordedAt: d.recorded_at };
    list.push({
      ...d,
      outcomeLabel: OUTCOME_LABELS[d.outcome],
      recordedByName: display_name ?? 'A former member of the organisation',
      supersededBy: null,
    });
    out.set(d.agenda_item_id, list);
  }
  return out;
}

export async function recordDecisionInTx(
  trx: Tx,
  ctx: TenantContext,
  meetingId: string,
  itemId: string,
  input: DecisionInput,
  recordedAt?: Date,
): Promise<Decision> {
  requirePermission(ctx, 'decisions.record');
  if (!ctx.actor.userId) throw new ConflictError('A decision is recorded by a signed-in person.');
  const item =
    isUuid(itemId) && isUuid(meetingId)
      ? await trx
          .selectFrom('agenda_items as a')
          .innerJoin('meetings as m', (j) =>
            j.onRef('m.tenant_id', '=', 'a.tenant_id').onRef('m.id', '=', 'a.meeting_id'),
          )
          .select(['a.id', 'a.title', 'm.status', 'm.meets_on'])
          .where('a.tenant_id', '=', ctx.tenantId)
          .where('a.meeting_id', '=', meetingId)
          .where('a.id', '=', itemId)
          .executeTakeFirst()
      : undefined;
  if (!item) throw new NotFoundError('There is no such agenda item.');
  if (item.status === 'cancelled') {
    throw new ConflictError('The meeting was cancelled: no decision can be recorded at it.');
  }
  const previous = await trx
    .selectFrom('decisions')
    .select(['id', 'outcome'])
    .where('tenant_id', '=', ctx.tenantId)
    .where('agenda_item_id', '=', itemId)
    .orderBy('recorded_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  const decision = await trx
    .insertInto('decisions')
    .values({
      tenant_id: ctx.tenantId,
      id: newId(),
      agenda_item_id: itemId,
      outcome: input.outcome,
      note: input.note ?? null,
      recorded_by: ctx.actor.userId,
      ...(recordedAt ? { recorded_at: recordedAt } : {}),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx.actor, {
    tenantId: ctx.tenantId,
    action: previous ? 'decision.corrected' : 'decision.recorded',
    entityType: 'decision',
    entityId: decision.id,
    after: {
      ...decision,
      title: item.title,
      ...(previous ? { supersedes: previous.id, superseded_outcome: previous.outcome } : {}),
    },
  });
  return decision;
}

export function recordDecision(
  db: Kysely<DB>,
  ctx: TenantContext,
  meetingId: string,
  itemId: string,
  input: DecisionInput,
) {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
    recordDecisionInTx(trx, ctx, meetingId, itemId, input),
  );
}

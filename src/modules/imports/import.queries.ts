/** The SQL of the import flow, always scoped to one organisation. */
import { sql } from 'kysely';
import { isUuid } from '../../kernel/db/ids.js';
import type { Tx } from '../../kernel/db/tenancy.js';
import type { ActionWords } from './import.diff.js';
import type { DraftOptions, ImportDraft } from './import.tables.js';

export async function insertDraft(
  trx: Tx,
  row: {
    tenantId: string;
    id: string;
    document: unknown;
    options: DraftOptions;
    createdBy: string | null;
    expiresAt: Date;
  },
): Promise<ImportDraft> {
  return trx
    .insertInto('import_drafts')
    .values({
      tenant_id: row.tenantId,
      id: row.id,
      document: JSON.stringify(row.document),
      options: JSON.stringify(row.options),
      created_by: row.createdBy,
      expires_at: row.expiresAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A draft of this organisation, optionally locked for the rest of the transaction. */
export async function selectDraft(
  trx: Tx,
  tenantId: string,
  id: string,
  options: { lock?: boolean } = {},
): Promise<ImportDraft | undefined> {
  if (!isUuid(id)) return undefined;
  let q = trx
    .selectFrom('import_drafts')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id);
  if (options.lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function updateDraftChoices(
  trx: Tx,
  tenantId: string,
  id: string,
  choices: {
    options: DraftOptions;
    targetStrategyId: string | null;
    newStrategyTitle: string | null;
  },
): Promise<ImportDraft> {
  return trx
    .updateTable('import_drafts')
    .set({
      options: JSON.stringify(choices.options),
      target_strategy_id: choices.targetStrategyId,
      new_strategy_title: choices.newStrategyTitle,
      updated_at: new Date(),
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function markCommitted(
  trx: Tx,
  tenantId: string,
  id: string,
  strategyId: string,
  result: unknown,
): Promise<void> {
  await trx
    .updateTable('import_drafts')
    .set({
      committed_at: new Date(),
      committed_strategy_id: strategyId,
      result: JSON.stringify(result),
      updated_at: new Date(),
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .execute();
}

/** Drafts past their expiry are removed the next time anyone in the organisation imports. */
export async function deleteExpiredDrafts(trx: Tx, tenantId: string, now: Date): Promise<number> {
  const res = await trx
    .deleteFrom('import_drafts')
    .where('tenant_id', '=', tenantId)
    .where('expires_at', '<=', now)
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}

/** Posts and bodies the organisation already has: owners written as titles resolve to them. */
export async function knownOwnerNames(trx: Tx, tenantId: string): Promise<string[]> {
  const rows = await trx
    .selectFrom('posts')
    .select(['short_name', 'title'])
    .where('tenant_id', '=', tenantId)
    .where('archived_at', 'is', null)
    .execute();
  return [...new Set(rows.flatMap((r) => [r.short_name, r.title]))];
}

/** Strategies an import may go into: not archived, not superseded. */
export async function targetStrategies(trx: Tx, tenantId: string) {
  return trx
    .selectFrom('strategies')
    .select(['id', 'title', 'version', 'status', 'period_label'])
    .where('tenant_id', '=', tenantId)
    .where('status', 'not in', ['archived', 'superseded'])
    .orderBy('created_at', 'desc')
    .execute();
}

/** The live actions of a strategy as words, for the re-import diff. */
export async function existingActionWords(
  trx: Tx,
  tenantId: string,
  strategyId: string,
): Promise<(ActionWords & { id: string; areaId: string | null })[]> {
  const rows = await trx
    .selectFrom('actions as a')
    .leftJoin('strategy_areas as ar', (j) =>
      j.onRef('ar.id', '=', 'a.area_id').onRef('ar.tenant_id', '=', 'a.tenant_id'),
    )
    .select([
      'a.id',
      'a.ref',
      'a.title',
      'a.area_id',
      'ar.number as area_number',
      'ar.title as area_title',
      'a.priority_text',
      'a.timescale_text',
      'a.lead_text',
      'a.resources_text',
      'a.targets',
      'a.comments',
    ])
    .where('a.tenant_id', '=', tenantId)
    .where('a.strategy_id', '=', strategyId)
    .where('a.archived_at', 'is', null)
    .orderBy('a.ref_sort')
    .execute();
  const ids = rows.map((r) => r.id);
  const supporters = ids.length
    ? await trx
        .selectFrom('action_supporters')
        .select(['action_id', 'text'])
        .where('tenant_id', '=', tenantId)
        .where('action_id', 'in', ids)
        .orderBy('action_id')
        .orderBy('position')
        .execute()
    : [];
  return rows.map((r) => ({
    id: r.id,
    ref: r.ref,
    title: r.title,
    areaId: r.area_id,
    theme: r.area_title
      ? r.area_number
        ? `${r.area_number}. ${r.area_title}`
        : r.area_title
      : null,
    priority: r.priority_text,
    timescale: r.timescale_text,
    lead: r.lead_text,
    with: supporters
      .filter((s) => s.action_id === r.id)
      .map((s) => s.text)
      .join(', '),
    resources: r.resources_text,
    target: r.targets,
    comments: r.comments,
  }));
}

/** The id of a strategy's live action with this reference, if any. */
export async function actionIdByRef(trx: Tx, tenantId: string, strategyId: string, ref: string) {
  const row = await trx
    .selectFrom('actions')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('strategy_id', '=', strategyId)
    .where(sql`lower(ref)`, '=', ref.toLowerCase())
    .where('archived_at', 'is', null)
    .executeTakeFirst();
  return row?.id;
}

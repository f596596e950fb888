/**
 * The glossary: codes such as CR, AR, BoD or "MM" and what they stand for, for the whole
 * organisation (strategy_id null) or for one strategy. Pages show each code as <abbr> with its
 * expansion (display.ts). Removing a term deletes it (it is a label, not a record a board saw),
 * and the audit trail keeps what it said.
 */
import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../../kernel/audit/audit.js';
import type { TenantContext } from '../../kernel/auth/plugin.js';
import { isUuid, newId } from '../../kernel/db/ids.js';
import type { DB } from '../../kernel/db/schema.js';
import { withTenant, type Tx } from '../../kernel/db/tenancy.js';
import { ConflictError, NotFoundError } from '../../kernel/http/errors.js';
import { requiredText } from '../../kernel/http/fields.js';
import { findStrategy } from './strategy.service.js';
import type { GlossaryTermRow } from './strategy.tables.js';

export const glossaryCode = requiredText('the code, like CR or BoD', 40);
export const glossaryExpansion = requiredText('what the code stands for', 500);

export const glossaryTermInput = z.object({ code: glossaryCode, expansion: glossaryExpansion });
export type GlossaryTermInput = z.output<typeof glossaryTermInput>;

/** Whose glossary: the organisation's (null) or one strategy's. */
export type GlossaryScope = string | null;

/** The terms of exactly one glossary, in code order. */
export async function listTerms(
  trx: Tx,
  tenantId: string,
  strategyId: GlossaryScope,
): Promise<GlossaryTermRow[]> {
  let q = trx.selectFrom('glossary_terms').selectAll().where('tenant_id', '=', tenantId);
  q = strategyId ? q.where('strategy_id', '=', strategyId) : q.where('strategy_id', 'is', null);
  return q
    .orderBy(sql`lower(code)`)
    .orderBy('code')
    .execute();
}

/** A term of this glossary; a term of another glossary (or organisation) is not found. */
export async function findTerm(
  trx: Tx,
  tenantId: string,
  strategyId: GlossaryScope,
  termId: string,
): Promise<GlossaryTermRow> {
  const term = isUuid(termId)
    ? await trx
        .selectFrom('glossary_terms')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', '=', termId)
        .executeTakeFirst()
    : undefined;
  if (!term || term.strategy_id !== strategyId) throw new NotFoundError('There is no such term.');
  return term;
}

async function findByCode(trx: Tx, tenantId: string, strategyId: GlossaryScope, code: string) {
  let q = trx
    .selectFrom('glossary_terms')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('code', '=', code);
  q = strategyId ? q.where('strategy_id', '=', strategyId) : q.where('strategy_id', 'is', null);
  return q.executeTakeFirst();
}

async function assertScope(trx: Tx, tenantId: string, strategyId: GlossaryScope) {
  if (strategyId) await findStrategy(trx, tenantId, strategyId);
}

async function assertCodeFree(
  trx: Tx,
  tenantId: string,
  strategyId: GlossaryScope,
  code: string,
  exceptId?: string,
) {
  const clash = await findByCode(trx, tenantId, strategyId, code);
  if (clash && clash.id !== exceptId) {
    const where = strategyId ? 'this strategy’s glossary' : 'the glossary';
    throw new ConflictError(`${code} is already in ${where}.`, [
      { field: 'code', message: `${code} is already in ${where}: change that term instead` },
    ]);
  }
}

async function insertTerm(
  trx: Tx,
  ctx: TenantContext,
  strategyId: GlossaryScope,
  input: GlossaryTermInput,
) {
  const term = await trx
    .insertInto('glossary_terms')
    .values({
      tenant_id: ctx.tenantId,
      id: newId(),
      strategy_id: strategyId,
      code: input.code,
      expansion: input.expansion,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx.actor, {
    tenantId: ctx.tenantId,
    action: 'glossary.term_created',
    entityType: 'glossary_term',
    entityId: term.id,
    after: term,
  });
  return term;
}

async function rewriteTerm(
  trx: Tx,
  ctx: TenantContext,
  before: GlossaryTermRow,
  input: GlossaryTermInput,
) {
  const after = await trx
    .updateTable('glossary_terms')
    .set({ code: input.code, expansion: input.expansion })
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', before.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx.actor, {
    tenantId: ctx.tenantId,
    action: 'glossary.term_updated',
    entityType: 'glossary_term',
    entityId: before.id,
    before,
    after,
  });
  return after;
}

async function deleteTerm(trx: Tx, ctx: TenantContext, term: GlossaryTermRow) {
  await trx
    .deleteFrom('glossary_terms')
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', term.id)
    .execute();
  await recordAudit(trx, ctx.actor, {
    tenantId: ctx.tenantId,
    action: 'glossary.term_removed',
    entityType: 'glossary_term',
    entityId: term.id,
    before: term,
  });
}

export async function createTerm(
  db: Kysely<DB>,
  ctx: TenantContext,
  strategyId: GlossaryScope,
  input: GlossaryTermInput,
) {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
    await assertScope(trx, ctx.tenantId, strategyId);
    await assertCodeFree(trx, ctx.tenantId, strategyId, input.code);
    return insertTerm(trx, ctx, strategyId, input);
  });
}

export async function updateTerm(
  db: Kysely<DB>,
  ctx: TenantContext,
  strategyId: GlossaryScope,
  termId: string,
  input: GlossaryTermInput,
) {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
    await assertScope(trx, ctx.tenantId, strategyId);
    const before = await findTerm(trx, ctx.tenantId, strategyId, termId);
    await assertCodeFree(trx, ctx.tenantId, strategyId, input.code, termId);
    return rewriteTerm(trx, ctx, before, input);
  });
}

export async function removeTerm(
  db: Kysely<DB>,
  ctx: TenantContext,
  strategyId: GlossaryScope,
  termId: string,
) {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
    await assertScope(trx, ctx.tenantId, strategyId);
    const term = await findTerm(trx, ctx.tenantId, strategyId, termId);
    await deleteTerm(trx, ctx, term);
    return term;
  });
}

/** The API's PUT by code: creates the term, or changes its expansion. */
export async function putTerm(
  db: Kysely<DB>,
  ctx: TenantContext,
  strategyId: GlossaryScope,
  input: GlossaryTermInput,
): Promise<{ term: GlossaryTermRow; created: boolean }> {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
    putTermInTx(trx, ctx, strategyId, input),
  );
}

/** putTerm inside the caller's transaction (an import writes its legend with the plan). */
export async function putTermInTx(
  trx: Tx,
  ctx: TenantContext,
  strategyId: GlossaryScope,
  input: GlossaryTermInput,
): Promise<{ term: GlossaryTermRow; created: boolean }> {
  await assertScope(trx, ctx.tenantId, strategyId);
  const existing = await findByCode(trx, ctx.tenantId, strategyId, input.code);
  if (!existing) return { term: await insertTerm(trx, ctx, strategyId, input), created: true };
  if (existing.expansion === input.expansion) return { term: existing, created: false };
  return { term: await rewriteTerm(trx, ctx, existing, input), created: false };
}

/** The API's DELETE by code. */
export async function removeTermByCode(
  db: Kysely<DB>,
  ctx: TenantContext,
  strategyId: GlossaryScope,
  code: string,
) {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
    await assertScope(trx, ctx.tenantId, strategyId);
    const term = await findByCode(trx, ctx.tenantId, strategyId, code);
    if (!term) throw new NotFoundError(`There is no term ${code} in this glossary.`);
    await deleteTerm(trx, ctx, term);
    return term;
  });
}

/** Roll forward: a strategy's own terms go with it into the next version. */
export async function copyStrategyTermsInTx(
  trx: Tx,
  tenantId: string,
  fromStrategyId: string,
  toStrategyId: string,
): Promise<number> {
  const terms = await listTerms(trx, tenantId, fromStrategyId);
  for (const t of terms) {
    await trx
      .insertInto('glossary_terms')
      .values({
        tenant_id: tenantId,
        id: newId(),
        strategy_id: toStrategyId,
        code: t.code,
        expansion: t.expansion,
      })
      .execute();
  }
  return terms.length;
}

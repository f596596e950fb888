/**
 * The import flow: read and understand a document into a draft (nothing else is written), let the
 * person adjust it, compare it with an existing strategy, and commit it in one transaction
 * through the strategy services, with one 'import.committed' event summing it up.
 */
import type { Kysely } from 'kysely';
import { recordAudit } from '../../kernel/audit/audit.js';
import type { TenantContext } from '../../kernel/auth/plugin.js';
import { newId } from '../../kernel/db/ids.js';
import type { DB } from '../../kernel/db/schema.js';
import { withTenant, type Tx } from '../../kernel/db/tenancy.js';
import {
  ConflictError,
  HttpError,
  NotFoundError,
  ValidationError,
} from '../../kernel/http/errors.js';
import {
  actionInput,
  addAreaInTx,
  archiveActionInTx,
  areaInput,
  createActionInTx,
  createStrategyInTx,
  findStrategy,
  glossaryTermInput,
  listAreas,
  putTermInTx,
  strategyInput,
  updateActionInTx,
  type Area,
  type Strategy,
} from '../strategy/index.js';
import {
  actionInputFrom,
  assignRefs,
  checkActions,
  diffActions,
  extraFieldsFrom,
  themeArea,
  incomingWords,
  type ImportDiff,
} from './import.diff.js';
import {
  deleteExpiredDrafts,
  existingActionWords,
  insertDraft,
  knownOwnerNames,
  markCommitted,
  selectDraft,
  targetStrategies,
  updateDraftChoices,
} from './import.queries.js';
import type { DraftOptions, ImportDraft } from './import.tables.js';
import {
  COLUMN_FIELDS,
  ImportRefusedError,
  type ColumnField,
  type ImportPreview,
  type SourceDocument,
  type UnderstandOptions,
} from './import.types.js';
import { readSource, type ReadInput } from './readers/index.js';
import { understandDocument } from './understand/index.js';

/** How long a draft is kept for the person to check it. */
export const DRAFT_HOURS = 24;

export class ImportExpiredError extends HttpError {
  constructor() {
    super(
      410,
      'This import has expired',
      `Imports not finished within ${String(DRAFT_HOURS)} hours are removed. Upload the file or paste the text again to start a new import.`,
    );
  }
}

/** A document that cannot be imported, as a 400 whose message is the reader's own words. */
export function refusal(error: ImportRefusedError, field = 'file'): ValidationError {
  return new ValidationError([{ field, message: error.message }], error.message);
}

export type ImportTarget = { strategyId: string } | { newStrategyTitle: string };

export interface DraftView {
  draft: ImportDraft;
  document: SourceDocument;
  preview: ImportPreview;
  target: ImportTarget | null;
}

/** The person's choices in the form understanding takes (JSON keys are strings). */
export function understandOptions(options: DraftOptions, knownOwners: string[]): UnderstandOptions {
  const mapping: NonNullable<UnderstandOptions['mapping']> = {};
  for (const [k, v] of Object.entries(options.mapping ?? {})) {
    if ((COLUMN_FIELDS as readonly string[]).includes(v) || v === 'extra' || v === 'ignore') {
      mapping[Number(k)] = v as ColumnField | 'extra' | 'ignore';
    }
  }
  const fixes: NonNullable<UnderstandOptions['fixes']> = {};
  for (const [k, v] of Object.entries(options.fixes ?? {})) fixes[Number(k)] = v;
  return {
    ...(options.sheet ? { sheet: options.sheet } : {}),
    mapping,
    fixes,
    knownOwners,
  };
}

function targetOf(draft: ImportDraft): ImportTarget | null {
  if (draft.target_strategy_id) return { strategyId: draft.target_strategy_id };
  if (draft.new_strategy_title) return { newStrategyTitle: draft.new_strategy_title };
  return null;
}

function understand(document: SourceDocument, options: DraftOptions, knownOwners: string[]) {
  return understandDocument(document, understandOptions(options, knownOwners));
}

/**
 * Reads and understands a file or pasted text and keeps it as a draft for this person to check.
 * Throws ImportRefusedError (nothing stored) for a document that cannot be imported.
 */
export async function startImport(
  db: Kysely<DB>,
  ctx: TenantContext,
  input: ReadInput,
  limits: { maxBytes: number },
  options: DraftOptions = {},
): Promise<{ draft: ImportDraft; preview: ImportPreview }> {
  if (input.text !== undefined && Buffer.byteLength(input.text) > limits.maxBytes) {
    throw new ImportRefusedError(
      `The text pasted is larger than the limit of ${describeBytes(limits.maxBytes)}. Paste a smaller part of the plan, or save it as a file and upload that.`,
      'too-large',
    );
  }
  const document = await readSource(input, limits);
  const knownOwners = await withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
    knownOwnerNames(trx, ctx.tenantId),
  );
  const preview = understand(document, options, knownOwners);
  const draft = await withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
    const now = new Date();
    await deleteExpiredDrafts(trx, ctx.tenantId, now);
    return insertDraft(trx, {
      tenantId: ctx.tenantId,
      id: newId(),
      document,
      options,
      createdBy: ctx.actor.userId,
      expiresAt: new Date(now.getTime() + DRAFT_HOURS * 3600_000),
    });
  });
  return { draft, preview };
}

export function describeBytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return mb >= 1
    ? `${String(Math.round(mb * 10) / 10)} MB`
    : `${String(Math.ceil(bytes / 1024))} KB`;
}

/** A draft that exists, belongs to this organisation and has not expired (expired ones go). */
async function loadDraft(db: Kysely<DB>, ctx: TenantContext, id: string) {
  const found = await withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => ({
    draft: await selectDraft(trx, ctx.tenantId, id),
    knownOwners: await knownOwnerNames(trx, ctx.tenantId),
  }));
  if (!found.draft)
    throw new NotFoundError(
      'There is no such import. It may have been finished by someone else or removed.',
    );
  if (found.draft.expires_at.getTime() <= Date.now()) {
    await withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
      deleteExpiredDrafts(trx, ctx.tenantId, new Date()),
    );
    throw new ImportExpiredError();
  }
  return found as { draft: ImportDraft; knownOwners: string[] };
}

/** The draft with its preview as the person's choices make it. */
export async function openDraft(
  db: Kysely<DB>,
  ctx: TenantContext,
  id: string,
): Promise<DraftView> {
  const { draft, knownOwners } = await loadDraft(db, ctx, id);
  const document = draft.document as SourceDocument;
  return {
    draft,
    document,
    preview: understand(document, draft.options, knownOwners),
    target: targetOf(draft),
  };
}

export interface Adjustments {
  /** Column index → meaning; merged into the choices made before. */
  mapping?: Record<string, ColumnField | 'extra' | 'ignore'>;
  /** Action index → field → text; merged (an empty text puts the cell back as read). */
  fixes?: Record<string, Partial<Record<ColumnField, string>>>;
  /** Another sheet of a workbook: the mapping and fixes made for the old one no longer apply. */
  sheet?: string;
  target?: ImportTarget | null;
}

/** Applies the person's changes and previews again; nothing is saved when the preview fails. */
export async function adjustDraft(
  db: Kysely<DB>,
  ctx: TenantContext,
  id: string,
  changes: Adjustments,
): Promise<DraftView> {
  const { draft, knownOwners } = await loadDraft(db, ctx, id);
  if (draft.committed_at) throw alreadyImported();
  const before = draft.options;
  const sheetChanged = changes.sheet !== undefined && changes.sheet !== (before.sheet ?? '');
  const options: DraftOptions = sheetChanged
    ? { ...(changes.sheet ? { sheet: changes.sheet } : {}) }
    : {
        ...(before.sheet ? { sheet: before.sheet } : {}),
        mapping: { ...before.mapping, ...changes.mapping },
        fixes: mergeFixes(before.fixes ?? {}, changes.fixes ?? {}),
      };
  const document = draft.document as SourceDocument;
  const preview = understand(document, options, knownOwners);
  let target = targetOf(draft);
  if (changes.target !== undefined) target = changes.target;
  const saved = await withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
    if (target && 'strategyId' in target) await assertTargetOpen(trx, ctx, target.strategyId);
    return updateDraftChoices(trx, ctx.tenantId, id, {
      options,
      targetStrategyId: target && 'strategyId' in target ? target.strategyId : null,
      newStrategyTitle: target && 'newStrategyTitle' in target ? target.newStrategyTitle : null,
    });
  });
  return { draft: saved, document, preview, target };
}

function mergeFixes(
  before: Record<string, Record<string, string>>,
  changes: Record<string, Partial<Record<string, string>>>,
): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [k, v] of Object.entries(before)) out[k] = { ...v };
  for (const [k, v] of Object.entries(changes)) {
    const fields = { ...out[k] };
    for (const [field, text] of Object.entries(v)) {
      if (text === undefined) continue;
      if (text.trim() === '') Reflect.deleteProperty(fields, field);
      else fields[field] = text;
    }
    if (Object.keys(fields).length) out[k] = fields;
    else Reflect.deleteProperty(out, k);
  }
  return out;
}

function alreadyImported() {
  return new ConflictError(
    'This plan has already been imported. Start a new import to bring in a revised plan.',
  );
}

async function assertTargetOpen(
  trx: Tx,
  ctx: TenantContext,
  strategyId: string,
): Promise<Strategy> {
  const strategy = await findStrategy(trx, ctx.tenantId, strategyId);
  if (strategy.status === 'archived' || strategy.status === 'superseded') {
    throw new ConflictError(
      `“${strategy.title}” is ${strategy.status}: its plan can no longer be changed. Choose another strategy or import as a new one.`,
      [
        {
          field: 'strategyId',
          message: `“${strategy.title}” is ${strategy.status}: choose another strategy`,
        },
      ],
    );
  }
  return strategy;
}

/** The strategies a person may import into, for the target choice. */
export async function importTargets(db: Kysely<DB>, ctx: TenantContext) {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
    targetStrategies(trx, ctx.tenantId),
  );
}

/** What importing this preview into an existing strategy would change; nothing is written. */
export async function diffWithStrategy(
  db: Kysely<DB>,
  ctx: TenantContext,
  preview: ImportPreview,
  strategyId: string,
): Promise<{ strategy: Strategy; diff: ImportDiff }> {
  return withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
    const strategy = await findStrategy(trx, ctx.tenantId, strategyId);
    return { strategy, diff: await diffInTx(trx, ctx, preview, strategyId) };
  });
}

async function diffInTx(trx: Tx, ctx: TenantContext, preview: ImportPreview, strategyId: string) {
  const existing = await existingActionWords(trx, ctx.tenantId, strategyId);
  return diffActions(incomingWords(preview.actions), existing);
}

export interface CommitResult {
  strategyId: string;
  strategyTitle: string;
  newStrategy: boolean;
  /** missing: in the strategy, not in the plan, kept; archived: those the person chose to archive. */
  actions: {
    created: string[];
    updated: string[];
    unchanged: string[];
    missing: string[];
    archived: string[];
  };
  areasCreated: number;
  glossaryTerms: number;
  links: { strategy: string; actionPlan: string };
}

function areaKey(number: string | null, title: string) {
  return { number: number?.replace(/\.$/, '') ?? null, title: title.trim().toLowerCase() };
}

/** Finds the strategy's area for a heading (by number, else title), creating it when absent. */
async function areaFinder(trx: Tx, ctx: TenantContext, strategyId: string) {
  const areas: Area[] = await listAreas(trx, ctx.tenantId, strategyId);
  let created = 0;
  const find = (number: string | null, title: string) => {
    const k = areaKey(number, title);
    return (
      (k.number ? areas.find((a) => areaKey(a.number, a.title).number === k.number) : undefined) ??
      areas.find((a) => areaKey(a.number, a.title).title === k.title)
    );
  };
  return {
    async ensure(fields: {
      number: string | null;
      title: string;
      vision?: string | null;
      currentPosition?: string | null;
      gettingThere?: string | null;
    }): Promise<Area> {
      const found = find(fields.number, fields.title);
      if (found) return found;
      const parsed = areaInput.safeParse({
        number: fields.number ?? undefined,
        title: fields.title.slice(0, 300),
        vision: fields.vision ?? undefined,
        currentPosition: fields.currentPosition ?? undefined,
        gettingThere: fields.gettingThere ?? undefined,
      });
      if (!parsed.success) {
        throw new ValidationError(
          [
            {
              field: 'sections',
              message: `The area “${fields.title.slice(0, 80)}” cannot be added: ${parsed.error.issues[0]?.message ?? 'it is not valid'}`,
            },
          ],
          'The plan cannot be imported until its areas are fixed.',
        );
      }
      const area = await addAreaInTx(trx, ctx, strategyId, parsed.data);
      areas.push(area);
      created++;
      return area;
    },
    find,
    get created() {
      return created;
    },
  };
}

/**
 * Writes a preview into a new or existing strategy, inside the caller's transaction: areas from
 * the sections and themes, the glossary, then every action through the strategy services
 * (matched actions updated, new ones added, missing ones left alone). Throws before writing
 * anything when an action would be refused; any later failure rolls the whole transaction back.
 */
export async function commitPreviewInTx(
  trx: Tx,
  ctx: TenantContext,
  preview: ImportPreview,
  target: ImportTarget,
  meta: {
    draftId: string | null;
    onProgress?: (done: number, total: number) => void;
    /** References of missing actions to archive (they have ended); the rest are kept. */
    archiveMissing?: string[];
  },
): Promise<CommitResult> {
  const problems = checkActions(preview);
  if (problems.length) {
    throw new ValidationError(
      problems.map((p) => ({ field: `actions.${String(p.action)}`, message: p.message })),
      `The plan cannot be imported until ${problems.length === 1 ? 'this is' : 'these are'} fixed: ${problems.map((p) => p.message).join('; ')}.`,
    );
  }
  if (!preview.actions.length) {
    throw new ValidationError([{ field: 'actions', message: 'There are no actions to import' }]);
  }
  const newStrategy = 'newStrategyTitle' in target;
  let strategy: Strategy;
  if ('newStrategyTitle' in target) {
    const parsed = strategyInput.safeParse({
      title: target.newStrategyTitle,
      documentDate: preview.documentDate,
    });
    if (!parsed.success) {
      throw new ValidationError([
        { field: 'newStrategyTitle', message: parsed.error.issues[0]?.message ?? 'Enter a title' },
      ]);
    }
    strategy = await createStrategyInTx(trx, ctx, parsed.data);
  } else {
    strategy = await assertTargetOpen(trx, ctx, target.strategyId);
  }

  const areas = await areaFinder(trx, ctx, strategy.id);
  for (const s of preview.sections) {
    await areas.ensure({
      number: s.number,
      title: s.title,
      vision: s.vision,
      currentPosition: s.currentPosition,
      gettingThere: s.gettingThere,
    });
  }
  const themeAreas = new Map<string, Area>();
  for (const theme of preview.themes) {
    const { number, title } = themeArea(theme);
    themeAreas.set(theme, await areas.ensure({ number, title }));
  }

  let glossaryTerms = 0;
  for (const entry of preview.glossary) {
    const parsed = glossaryTermInput.safeParse({ code: entry.code, expansion: entry.meaning });
    // A "code" longer than a code is prose the reader mistook for a legend: left out.
    if (!parsed.success) continue;
    const { created } = await putTermInTx(trx, ctx, strategy.id, parsed.data);
    if (created) glossaryTerms++;
  }

  const refs = assignRefs(preview.actions);
  const existing = newStrategy ? [] : await existingActionWords(trx, ctx.tenantId, strategy.id);
  const diff = diffActions(incomingWords(preview.actions), existing);
  const changedAt = new Map(diff.changed.map((c) => [c.index, c.actionId]));
  const addedAt = new Set(diff.added.map((a) => a.index));
  const total = preview.actions.length;
  for (const [i, a] of preview.actions.entries()) {
    const ref = refs[i] ?? '';
    const area = a.theme ? themeAreas.get(a.theme) : undefined;
    const changedId = changedAt.get(i);
    const keepArea =
      changedId && !area
        ? (existing.find((e) => e.id === changedId)?.areaId ?? undefined)
        : undefined;
    const input = actionInput.parse(actionInputFrom(a, ref, area?.id ?? keepArea));
    const cells = { source: a.source, extraFields: extraFieldsFrom(a) };
    if (addedAt.has(i)) await createActionInTx(trx, ctx, strategy.id, input, cells);
    else if (changedId) await updateActionInTx(trx, ctx, changedId, input, cells);
    meta.onProgress?.(i + 1, total);
  }

  const toArchive = new Set((meta.archiveMissing ?? []).map((r) => r.trim().toLowerCase()));
  const archived: string[] = [];
  const today = new Date().toISOString().slice(0, 10);
  for (const m of diff.missing) {
    if (!toArchive.has(m.ref.toLowerCase())) continue;
    await archiveActionInTx(
      trx,
      ctx,
      m.actionId,
      `Not in the revised plan imported from ${preview.source.name} on ${today}.`,
    );
    archived.push(m.ref);
  }

  const result: CommitResult = {
    strategyId: strategy.id,
    strategyTitle: strategy.title,
    newStrategy,
    actions: {
      created: diff.added.map((a) => a.ref),
      updated: diff.changed.map((c) => c.ref),
      unchanged: diff.unchanged.map((u) => u.ref),
      missing: diff.missing.map((m) => m.ref).filter((r) => !archived.includes(r)),
      archived,
    },
    areasCreated: areas.created,
    glossaryTerms,
    links: {
      strategy: `/strategies/${strategy.id}`,
      actionPlan: `/strategies/${strategy.id}/actions`,
    },
  };
  await recordAudit(trx, ctx.actor, {
    tenantId: ctx.tenantId,
    action: 'import.committed',
    entityType: 'import',
    entityId: meta.draftId ?? strategy.id,
    after: {
      source: preview.source,
      summary: preview.summary.sentence,
      strategy_id: strategy.id,
      title: strategy.title,
      new_strategy: newStrategy,
      created: result.actions.created.length,
      updated: result.actions.updated,
      unchanged: result.actions.unchanged.length,
      missing: result.actions.missing,
      archived,
      areas_created: result.areasCreated,
      glossary_terms: glossaryTerms,
    },
  });
  return result;
}

/** Commits a draft once: a second commit (or a concurrent one) is refused. */
export async function commitDraft(
  db: Kysely<DB>,
  ctx: TenantContext,
  id: string,
  target?: ImportTarget,
  options: { archiveMissing?: string[] } = {},
): Promise<CommitResult> {
  const view = await openDraft(db, ctx, id);
  if (view.draft.committed_at) throw alreadyImported();
  const chosen = target ?? view.target;
  if (!chosen) {
    throw new ValidationError([
      {
        field: 'target',
        message: 'Choose a new strategy (with its title) or an existing strategy to import into',
      },
    ]);
  }
  return withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
    // The lock makes a second, simultaneous commit wait, then find it done.
    const locked = await selectDraft(trx, ctx.tenantId, id, { lock: true });
    if (!locked) throw new NotFoundError('There is no such import.');
    if (locked.committed_at) throw alreadyImported();
    const result = await commitPreviewInTx(trx, ctx, view.preview, chosen, {
      draftId: id,
      ...(options.archiveMissing ? { archiveMissing: options.archiveMissing } : {}),
    });
    await markCommitted(trx, ctx.tenantId, id, result.strategyId, result);
    return result;
  });
}

/** The result of a finished import, for its summary page. */
export async function committedResult(db: Kysely<DB>, ctx: TenantContext, id: string) {
  const { draft } = await loadDraft(db, ctx, id);
  if (!draft.committed_at || !draft.result) return null;
  return draft.result as CommitResult;
}

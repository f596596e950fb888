import type { Tx } from '../../kernel/db/tenancy.js';
import { DEFAULT_PRIORITIES, type PriorityLevel } from './priority.js';
import { DEFAULT_STATUS_LABELS, RAG_SHAPES, RAG_TAG_CLASS, type StatusLabel } from './status.js';
import { STATUSES, type Status } from './strategy.tables.js';

export interface StatusDisplay extends StatusLabel {
  status: Status;
  tagClass: string;
  shape: string;
  /** What the word means, shown beside it where people choose a status. */
  hint: string;
}

/** What each status means, in a line; organisations may word these too. */
export const DEFAULT_STATUS_HINTS: Record<Status, string> = {
  not_started: 'Work has not begun yet.',
  on_track: 'Going to plan: expected to finish on time and within its resources.',
  at_risk: 'There are problems: it may slip unless something is done.',
  off_track: 'It will not finish as planned without a new plan, date or resources.',
  complete: 'Finished: the target or outcome has been met.',
  deferred: 'Put off until later, by agreement.',
  cancelled: 'Stopped: it will not be done.',
  superseded: 'Replaced by another action or piece of work.',
};

export type StatusLabels = Record<Status, StatusDisplay>;

/** The organisation's own words for each status (and their RAG), over the defaults. */
// Pages need both the status words and the priority scale: read the settings row once per
// transaction. (Saving settings ends its transaction, so nothing reads a stale row.)
const settingsRows = new WeakMap<
  Tx,
  Promise<{ status_labels: unknown; priorities: unknown } | undefined>
>();

function settingsRow(trx: Tx, tenantId: string) {
  let row = settingsRows.get(trx);
  if (!row) {
    row = trx
      .selectFrom('strategy_settings')
      .select(['status_labels', 'priorities'])
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    settingsRows.set(trx, row);
  }
  return row;
}

export async function loadStatusLabels(trx: Tx, tenantId: string): Promise<StatusLabels> {
  const row = await settingsRow(trx, tenantId);
  return statusLabelsFrom(row?.status_labels);
}

/** The defaults with an organisation's stored words (status_labels) laid over them. */
export function statusLabelsFrom(stored: unknown): StatusLabels {
  const custom = (stored ?? {}) as Partial<Record<Status, Partial<StatusLabel & { hint: string }>>>;
  const out = {} as StatusLabels;
  for (const status of STATUSES) {
    const merged = {
      ...DEFAULT_STATUS_LABELS[status],
      hint: DEFAULT_STATUS_HINTS[status],
      ...custom[status],
    };
    // A colour stored by an older version, or edited by hand, must not break every page.
    const rag = merged.rag in RAG_TAG_CLASS ? merged.rag : DEFAULT_STATUS_LABELS[status].rag;
    out[status] = {
      status,
      ...merged,
      rag,
      tagClass: RAG_TAG_CLASS[rag],
      shape: RAG_SHAPES[rag],
    };
  }
  return out;
}

export async function loadPriorities(trx: Tx, tenantId: string): Promise<PriorityLevel[]> {
  const row = await settingsRow(trx, tenantId);
  return prioritiesFrom(row?.priorities);
}

/** The organisation's priority scale from its stored settings (priorities), or the default. */
export function prioritiesFrom(stored: unknown): PriorityLevel[] {
  const levels = (stored as { levels?: PriorityLevel[] } | null | undefined)?.levels;
  return levels?.length ? levels : DEFAULT_PRIORITIES;
}

export interface GlossaryTerm {
  code: string;
  expansion: string;
}

/** Organisation-wide terms plus the strategy's own (which win on a clash). */
export async function loadGlossary(
  trx: Tx,
  tenantId: string,
  strategyId: string | null,
): Promise<GlossaryTerm[]> {
  let q = trx
    .selectFrom('glossary_terms')
    .select(['code', 'expansion', 'strategy_id'])
    .where('tenant_id', '=', tenantId);
  q = strategyId
    ? q.where((eb) => eb.or([eb('strategy_id', 'is', null), eb('strategy_id', '=', strategyId)]))
    : q.where('strategy_id', 'is', null);
  return glossaryFrom(await q.execute());
}

/** Glossary rows (organisation-wide and one strategy's) as terms, the strategy's winning a clash. */
export function glossaryFrom(
  rows: readonly { code: string; expansion: string; strategy_id: string | null }[],
): GlossaryTerm[] {
  const byCode = new Map<string, GlossaryTerm>();
  for (const r of [...rows].sort((a, b) => (a.strategy_id ? 1 : 0) - (b.strategy_id ? 1 : 0)))
    byCode.set(r.code, { code: r.code, expansion: r.expansion });
  return [...byCode.values()];
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/**
 * Escapes text and wraps each glossary code (as a whole word) in <abbr title="…">, so "CR" and
 * "BoD" read in full to a screen reader and on hover. The result is safe to mark as HTML.
 */
export function abbreviate(
  text: string | null | undefined,
  terms: readonly GlossaryTerm[],
): string {
  const escaped = escapeHtml(text ?? '');
  if (!terms.length || !escaped) return escaped;
  const codes = [...terms].sort((a, b) => b.code.length - a.code.length);
  const pattern = new RegExp(
    `(?<![\\w&])(${codes.map((t) => escapeHtml(t.code).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})(?![\\w])`,
    'g',
  );
  const lookup = new Map(codes.map((t) => [escapeHtml(t.code), t.expansion]));
  return escaped.replace(
    pattern,
    (code) => `<abbr title="${escapeHtml(lookup.get(code) ?? '')}">${code}</abbr>`,
  );
}

import type { Tx } from '../../kernel/db/tenancy.js';
import { DEFAULT_PRIORITIES, type PriorityLevel } from './priority.js';
import { DEFAULT_STATUS_LABELS, RAG_SHAPES, RAG_TAG_CLASS, type StatusLabel } from './status.js';
import { STATUSES, type Status } from './strategy.tables.js';

export interface StatusDisplay extends StatusLabel {
  status: Status;
  tagClass: string;
  shape: string;
}

export type StatusLabels = Record<Status, StatusDisplay>;

/** The organisation's own words for each status (and their RAG), over the defaults. */
export async function loadStatusLabels(trx: Tx, tenantId: string): Promise<StatusLabels> {
  const row = await trx
    .selectFrom('strategy_settings')
    .select('status_labels')
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  const custom = (row?.status_labels ?? {}) as Partial<Record<Status, Partial<StatusLabel>>>;
  const out = {} as StatusLabels;
  for (const status of STATUSES) {
    const merged = { ...DEFAULT_STATUS_LABELS[status], ...custom[status] };
    out[status] = {
      status,
      ...merged,
      tagClass: RAG_TAG_CLASS[merged.rag],
      shape: RAG_SHAPES[merged.rag],
    };
  }
  return out;
}

export async function loadPriorities(trx: Tx, tenantId: string): Promise<PriorityLevel[]> {
  const row = await trx
    .selectFrom('strategy_settings')
    .select('priorities')
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  const levels = (row?.priorities as { levels?: PriorityLevel[] } | undefined)?.levels;
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
  const rows = await q.execute();
  const byCode = new Map<string, GlossaryTerm>();
  for (const r of rows.sort((a, b) => (a.strategy_id ? 1 : 0) - (b.strategy_id ? 1 : 0)))
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

import {
  parseOwners,
  parsePriority,
  parseResources,
  parseTimescale,
} from '../../strategy/index.js';
import type {
  ColumnField,
  ColumnMapping,
  GlossaryEntry,
  ImportWarning,
  PreviewAction,
  SourceCell,
} from '../import.types.js';
import { resolveOwner } from './legend.js';
import { describeAt, type RawAction } from './rows.js';
import { splitLeadingRef } from './wording.js';

/**
 * Each action's fields derived from its cells, with the cells kept beside them as read. The
 * parsers are the strategy module's own, so an imported action reads exactly as a typed one.
 */

export interface DeriveContext {
  mapping: ColumnMapping[];
  /** `sourceKeys(mapping)`, worked out once for all the actions. */
  keys: string[];
  documentDate: string;
  glossary: GlossaryEntry[];
  knownOwners: string[];
}

/** Column headers made unique ("Comments", "Comments (2)") for `source` and `extra`. */
export function sourceKeys(mapping: ColumnMapping[]): string[] {
  const used = new Map<string, number>();
  return mapping.map((m) => {
    const base = m.header.trim() || `Column ${m.index + 1}`;
    const n = (used.get(base) ?? 0) + 1;
    used.set(base, n);
    return n === 1 ? base : `${base} (${n})`;
  });
}

function cellsFor(raw: RawAction, mapping: ColumnMapping[], field: ColumnField): SourceCell[] {
  const cells: SourceCell[] = [];
  for (const m of mapping) {
    const cell = m.field === field ? raw.cells[m.index] : undefined;
    if (cell) cells.push(cell);
  }
  return cells;
}

/** A field's text: the person's fix, else its columns' text (several columns joined by lines). */
export function fieldText(raw: RawAction, mapping: ColumnMapping[], field: ColumnField): string {
  const fixed = raw.overrides[field];
  if (fixed !== undefined) return fixed.trim();
  return cellsFor(raw, mapping, field)
    .map((c) => c.text.trim())
    .filter((t) => t !== '')
    .join('\n');
}

function orNull(text: string): string | null {
  const t = text.replace(/[ \t]+/g, ' ').trim();
  return t === '' ? null : t;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * A title on one line: paragraphs of one cell run together as a sentence; only a list kept as
 * one action (its counts did not match) stays on separate lines.
 */
function titleLines(text: string): string {
  const lines = text
    .split('\n')
    .map(oneLine)
    .filter((l) => l !== '');
  const listed = lines.some((l) => l.startsWith('• '));
  return lines.join(listed ? '\n' : ' ');
}

function normaliseName(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9&]+/g, '');
}

/**
 * Names the document itself writes whole. "HR, T&D Mgr" is split at its comma by the owner
 * parser, but when the plan elsewhere writes "HR T&D Mgr" as one name, the two belong together.
 */
export function namesWrittenWhole(ownerTexts: string[], known: string[]): string[] {
  const parsed = ownerTexts.map((t) => parseOwners(t, known));
  const whole = new Set<string>();
  for (const p of parsed) {
    if (p.lead) whole.add(normaliseName(p.lead));
    for (const w of p.with) whole.add(normaliseName(w));
  }
  const found = new Set<string>(known);
  for (const p of parsed) {
    for (let i = 0; i + 1 < p.with.length; i++) {
      const a = p.with[i] ?? '';
      const b = p.with[i + 1] ?? '';
      if (whole.has(normaliseName(a + b))) found.add(`${a}, ${b}`);
    }
  }
  return [...found];
}

function deriveTimescale(raw: RawAction, ctx: DeriveContext): PreviewAction['timescale'] {
  const text = fieldText(raw, ctx.mapping, 'timescale');
  const dated =
    raw.overrides.timescale === undefined
      ? cellsFor(raw, ctx.mapping, 'timescale').find((c) => c.date)
      : undefined;
  if (dated?.date) {
    return { text: orNull(text), start: null, due: dated.date, needsChecking: false };
  }
  if (!orNull(text)) return { text: null, start: null, due: null, needsChecking: false };
  const t = parseTimescale(oneLine(text), { documentDate: ctx.documentDate });
  return {
    text: orNull(text),
    start: t.start,
    due: t.due,
    needsChecking: t.needsReview,
    ...(t.note ? { note: t.note } : {}),
  };
}

function deriveResources(raw: RawAction, ctx: DeriveContext): PreviewAction['resources'] {
  const text = fieldText(raw, ctx.mapping, 'resources');
  const r = parseResources(text);
  const numeric =
    raw.overrides.resources === undefined
      ? cellsFor(raw, ctx.mapping, 'resources').find((c) => c.number !== undefined)
      : undefined;
  if (r.kind !== 'amount' && numeric?.number !== undefined) {
    return {
      kind: 'amount',
      amountPence: Math.round(numeric.number * 100),
      period: 'one-off',
      text: orNull(text),
    };
  }
  return { kind: r.kind, amountPence: r.amountPence, period: r.period, text: orNull(r.text) };
}

export function deriveAction(
  raw: RawAction,
  index: number,
  ctx: DeriveContext,
): { action: PreviewAction; warnings: ImportWarning[] } {
  const { mapping, keys } = ctx;
  const source: Record<string, string> = {};
  const extra: Record<string, string> = {};
  mapping.forEach((m, i) => {
    const key = keys[i] ?? m.header;
    const text = raw.cells[m.index]?.text ?? '';
    source[key] = text;
    if (m.field === 'extra' && text.trim() !== '') extra[key] = text.trim();
  });

  const titleText = titleLines(fieldText(raw, mapping, 'title'));
  const leading = splitLeadingRef(titleText);
  const refColumn = orNull(oneLine(fieldText(raw, mapping, 'ref')));
  // Actions split from one row share its reference, told apart by a letter; a fixed one is as given.
  const suffix = raw.overrides.ref === undefined ? (raw.refSuffix ?? '') : '';
  const ref = refColumn !== null ? `${refColumn}${suffix}` : leading.ref;
  // A number at the start of the title is its reference; keep it when it is something else.
  const title =
    leading.ref !== null && (refColumn === null || leading.ref === refColumn)
      ? leading.rest
      : titleText;

  const priorityText = orNull(fieldText(raw, mapping, 'priority'));
  const priority = parsePriority(priorityText);

  const ownerText = orNull(fieldText(raw, mapping, 'owner'));
  const owners = parseOwners(ownerText === null ? null : oneLine(ownerText), ctx.knownOwners);
  const themeOverride = raw.overrides.theme;

  const action: PreviewAction = {
    ref,
    title,
    theme: themeOverride !== undefined ? orNull(themeOverride) : raw.theme,
    priority,
    priorityText,
    owner: {
      text: ownerText,
      lead: owners.lead === null ? null : resolveOwner(owners.lead, ctx.glossary),
      with: owners.with.map((w) => resolveOwner(w, ctx.glossary)),
    },
    supportedBy: orNull(fieldText(raw, mapping, 'supportedBy')),
    timescale: deriveTimescale(raw, ctx),
    resources: deriveResources(raw, ctx),
    target: orNull(oneLine(fieldText(raw, mapping, 'target'))),
    status: orNull(fieldText(raw, mapping, 'status')),
    comments: orNull(fieldText(raw, mapping, 'comments')),
    extra,
    source,
    at: raw.at,
  };

  const name = ref ? `Action ${ref}` : `The action at ${describeAt(raw.at).toLowerCase()}`;
  const warnings: ImportWarning[] = raw.warnings.map((w) => ({ ...w, action: index }));
  if (action.timescale.needsChecking) {
    warnings.push({
      code: 'timescale-needs-checking',
      message:
        `${name}: the timescale “${action.timescale.text ?? ''}” needs checking. ${action.timescale.note ?? ''}`.trim(),
      at: raw.at,
      action: index,
    });
  }
  if (priorityText !== null && priority === null) {
    warnings.push({
      code: 'priority-not-recognised',
      message: `${name}: the priority “${priorityText}” is not one of High, Medium or Low, so no priority was set. Choose one when you check the action.`,
      at: raw.at,
      action: index,
    });
  }
  if (title === '') {
    warnings.push({
      code: 'title-missing',
      message: `${name} has no words in its action column. Add them before importing.`,
      at: raw.at,
      action: index,
    });
  }
  return { action, warnings };
}

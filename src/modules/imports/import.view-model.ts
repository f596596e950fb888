/** Shaping a preview, a diff and a result for the import pages. */
import type { ActionProblem, ImportDiff } from './import.diff.js';
import { assignRefs } from './import.diff.js';
import { MAPPING_CHOICES } from './import.schemas.js';
import type { CommitResult } from './import.service.js';
import type { ColumnField, ImportPreview, PreviewAction } from './import.types.js';

export const FIELD_LABELS: Record<(typeof MAPPING_CHOICES)[number], string> = {
  ref: 'Reference',
  title: 'Action',
  theme: 'Theme',
  priority: 'Priority',
  timescale: 'Timescale',
  owner: 'Lead (with)',
  supportedBy: 'Supported by',
  resources: 'Resources',
  target: 'Target or outcome',
  status: 'Status',
  comments: 'Comments',
  extra: 'Keep as an extra field',
  ignore: 'Leave out',
};

const longDate = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

export function ukDate(iso: string | null): string | null {
  if (!iso) return null;
  const d = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? iso : longDate.format(d);
}

const pounds = new Intl.NumberFormat('en-GB', {
  style: 'currency',
  currency: 'GBP',
  minimumFractionDigits: 0,
  maximumFractionDigits: 2,
});

/** What Waymark understood from a timescale cell, in words. */
export function timescaleWords(t: PreviewAction['timescale']): string {
  const start = ukDate(t.start);
  const due = ukDate(t.due);
  // A month written as "Apr '07" runs from its first day: the due date says it all.
  const sameMonth = t.start && t.due && t.start.slice(0, 7) === t.due.slice(0, 7);
  if (start && due && !sameMonth) return `from ${start}, due ${due}`;
  if (due) return `due ${due}`;
  if (start) return `from ${start}`;
  return t.text ? 'no date' : 'not given';
}

export function resourcesWords(r: PreviewAction['resources']): string {
  switch (r.kind) {
    case 'current':
      return 'within current resources';
    case 'additional':
      return 'additional resources needed, not yet quantified';
    case 'amount':
      return `${pounds.format((r.amountPence ?? 0) / 100)}${r.period === 'per-year' ? ' a year' : ''}`;
    case 'text':
      return 'kept as written';
    default:
      return 'not given';
  }
}

function priorityWords(a: PreviewAction): string {
  if (!a.priority) return a.priorityText ? 'not a level Waymark knows' : 'not given';
  return a.priority.charAt(0).toUpperCase() + a.priority.slice(1);
}

export interface ActionRow {
  index: number;
  ref: string;
  ownRef: boolean;
  title: string;
  priority: { text: string | null; words: string };
  timescale: { text: string | null; words: string; needsChecking: boolean; note: string | null };
  owner: { text: string | null; lead: string | null; with: string[] };
  resources: { text: string | null; words: string };
  target: string | null;
  status: string | null;
  comments: string | null;
  extra: { key: string; value: string }[];
  warnings: string[];
  problems: string[];
}

export function actionRows(preview: ImportPreview, problems: ActionProblem[]): ActionRow[] {
  const refs = assignRefs(preview.actions);
  return preview.actions.map((a, index) => ({
    index,
    ref: refs[index] ?? '',
    ownRef: Boolean(a.ref),
    title: a.title,
    priority: { text: a.priorityText, words: priorityWords(a) },
    timescale: {
      text: a.timescale.text,
      words: timescaleWords(a.timescale),
      needsChecking: a.timescale.needsChecking,
      note: a.timescale.note ?? null,
    },
    owner: { text: a.owner.text, lead: a.owner.lead, with: a.owner.with },
    resources: { text: a.resources.text, words: resourcesWords(a.resources) },
    target: a.target,
    status: a.status,
    comments: a.comments,
    extra: Object.entries(a.extra).map(([key, value]) => ({ key, value })),
    warnings: preview.warnings.filter((w) => w.action === index).map((w) => w.message),
    problems: problems.filter((p) => p.action === index).map((p) => p.message),
  }));
}

/** Actions grouped under their themes, in the plan's order ("No theme" last when needed). */
export function themeGroups(preview: ImportPreview, rows: ActionRow[]) {
  const groups = preview.themes.map((theme) => ({
    theme,
    rows: rows.filter((r) => preview.actions[r.index]?.theme === theme),
  }));
  const loose = rows.filter((r) => {
    const theme = preview.actions[r.index]?.theme;
    return !theme || !preview.themes.includes(theme);
  });
  if (loose.length)
    groups.push({ theme: preview.themes.length ? 'No theme' : 'Actions', rows: loose });
  return groups.filter((g) => g.rows.length);
}

export function mappingRows(preview: ImportPreview) {
  return preview.mapping.map((m) => ({
    index: m.index,
    name: `column-${String(m.index)}`,
    label: `Column ${String(m.index + 1)}: ${m.header || 'no heading'}`,
    hint: m.recognised
      ? `Recognised as ${FIELD_LABELS[m.field]}`
      : 'Not recognised from its heading',
    items: MAPPING_CHOICES.map((choice) => ({
      value: choice,
      text: FIELD_LABELS[choice],
      selected: choice === m.field,
    })),
  }));
}

/** The fields a person may fix on an action, with the cell text as it stands. */
export function fixFields(preview: ImportPreview, index: number, fixes: Record<string, string>) {
  const a = preview.actions[index];
  if (!a) return [];
  const mapped = new Set(preview.mapping.map((m) => m.field));
  const current: Partial<Record<ColumnField, string | null>> = {
    ref: a.ref,
    title: a.title,
    theme: a.theme,
    priority: a.priorityText,
    timescale: a.timescale.text,
    owner: a.owner.text,
    supportedBy: a.supportedBy,
    resources: a.resources.text,
    target: a.target,
    status: a.status,
    comments: a.comments,
  };
  return (Object.keys(current) as ColumnField[])
    .filter((f) => mapped.has(f) || f === 'title' || f === 'ref' || fixes[f] !== undefined)
    .map((f) => ({
      field: f,
      label: FIELD_LABELS[f],
      value: fixes[f] ?? current[f] ?? '',
      fixed: fixes[f] !== undefined,
      long: f === 'title' || f === 'target' || f === 'comments',
    }));
}

export function summaryBanner(preview: ImportPreview, problems: ActionProblem[]): string {
  const parts = [preview.summary.sentence];
  if (problems.length) {
    parts.push(
      `${String(problems.length)} ${problems.length === 1 ? 'problem stops' : 'problems stop'} the import until fixed`,
    );
  }
  return parts.join('; ');
}

export function diffView(diff: ImportDiff) {
  return {
    sentence: diff.sentence,
    added: diff.added,
    changed: diff.changed,
    unchanged: diff.unchanged,
    missing: diff.missing,
  };
}

export function resultView(result: CommitResult) {
  const n = (list: string[]) => list.length;
  const items = [
    { key: 'Strategy', value: result.strategyTitle + (result.newStrategy ? ' (new)' : '') },
    { key: 'Actions added', value: String(n(result.actions.created)) },
  ];
  if (!result.newStrategy) {
    items.push(
      { key: 'Actions changed', value: String(n(result.actions.updated)) },
      { key: 'Actions unchanged', value: String(n(result.actions.unchanged)) },
      {
        key: 'In the strategy but not in the plan (kept)',
        value: result.actions.missing.length ? result.actions.missing.join(', ') : 'None',
      },
      {
        key: 'Archived as they have ended',
        value: result.actions.archived.length ? result.actions.archived.join(', ') : 'None',
      },
    );
  }
  items.push(
    { key: 'Areas added', value: String(result.areasCreated) },
    { key: 'Glossary codes added', value: String(result.glossaryTerms) },
  );
  return { items, links: result.links };
}

/**
 * What an import will write, worked out without a database: each action's reference and the
 * input the strategy services take, the problems that would stop the import, and — for an
 * existing strategy — the difference between the plan as imported and the plan as it stands.
 */
import { actionInput, type Status } from '../strategy/index.js';
import type { ImportPreview, PreviewAction } from './import.types.js';

/** A theme heading as an area: "4. Best Value" → 4 / Best Value; "Theme 2: Working smarter" → 2. */
export function themeArea(theme: string): { number: string | null; title: string } {
  const text = theme.replace(/\s+/g, ' ').trim();
  const m = /^(?:theme|area|section)?\s*(\d+(?:\.\d+)*)\s*[.:)\-–]?\s+(.+)$/i.exec(text);
  if (m?.[1] && m[2]) return { number: m[1], title: m[2].trim() };
  return { number: null, title: text };
}

function norm(text: string | null | undefined): string | null {
  const flat = (text ?? '').replace(/\s+/g, ' ').trim();
  return flat === '' ? null : flat;
}

const REF_PATTERN = /^[A-Za-z0-9][A-Za-z0-9.\-/ ]*$/;

/**
 * Every action's reference: its own when it has one, otherwise its place in the plan ("A12"),
 * so a re-import of the same plan finds the same actions again.
 */
export function assignRefs(actions: readonly PreviewAction[]): string[] {
  const taken = new Set(
    actions.map((a) => norm(a.ref)?.toLowerCase()).filter((r): r is string => Boolean(r)),
  );
  return actions.map((a, i) => {
    const own = norm(a.ref);
    if (own) return own;
    let ref = `A${String(i + 1)}`;
    for (let n = 2; taken.has(ref.toLowerCase()); n++) ref = `A${String(i + 1)}-${String(n)}`;
    taken.add(ref.toLowerCase());
    return ref;
  });
}

const STATUS_WORDS: [RegExp, Status][] = [
  [/^(complete|completed|done|finished|achieved|closed|blue)$/i, 'complete'],
  [/^(on track|on target|in progress|green|g|ongoing)$/i, 'on_track'],
  [/^(at risk|amber|a|some concerns?)$/i, 'at_risk'],
  [/^(off track|red|r|behind|late|overdue)$/i, 'off_track'],
  [/^(not started|not yet started|to do|planned)$/i, 'not_started'],
  [/^(deferred|on hold|postponed)$/i, 'deferred'],
  [/^(cancelled|canceled|withdrawn|dropped)$/i, 'cancelled'],
  [/^(superseded|replaced)$/i, 'superseded'],
];

/** A status cell as one of Waymark's statuses, when it plainly says one; else undefined. */
export function statusFrom(text: string | null): Status | undefined {
  const t = norm(text)?.replace(/[.!]+$/, '');
  if (!t) return undefined;
  return STATUS_WORDS.find(([re]) => re.test(t))?.[1];
}

/** The names that help the lead: "(with)" first, then a "supported by" column. */
function helpers(a: PreviewAction): string[] {
  const out = a.owner.with.map((w) => w.trim()).filter(Boolean);
  const supported = norm(a.supportedBy);
  if (supported) {
    for (const name of supported.split(/\s*[;,]\s*/)) {
      if (name && !out.some((o) => o.toLowerCase() === name.toLowerCase())) out.push(name);
    }
  }
  return out;
}

/** The words of an action as the strategy services take them (derived fields follow from these). */
export function actionInputFrom(
  a: PreviewAction,
  ref: string,
  areaId: string | undefined,
): Record<string, unknown> {
  return {
    ref,
    title: a.title,
    areaId,
    priority: a.priorityText ?? a.priority ?? undefined,
    timescale: a.timescale.text ?? undefined,
    lead: a.owner.lead ?? a.owner.text ?? undefined,
    with: helpers(a),
    resources: a.resources.text ?? undefined,
    targets: a.target ?? undefined,
    comments: a.comments ?? undefined,
    status: statusFrom(a.status),
  };
}

/** Unknown columns, plus a status the words do not plainly give, kept as extra fields. */
export function extraFieldsFrom(a: PreviewAction): Record<string, string> {
  const extra = { ...a.extra };
  const status = norm(a.status);
  if (status && !statusFrom(status)) extra['Status as written'] = status;
  return extra;
}

export interface ActionProblem {
  /** Index into preview.actions. */
  action: number;
  ref: string;
  message: string;
}

/** "Action 4.3 (line 42)". */
export function whereIs(ref: string, a: PreviewAction): string {
  const at = a.at;
  const place = at.sheet
    ? `sheet ${at.sheet}, row ${String(at.row ?? '?')}`
    : at.table
      ? `table ${String(at.table)}, row ${String(at.row ?? '?')}`
      : at.line
        ? `line ${String(at.line)}`
        : at.row
          ? `row ${String(at.row)}`
          : null;
  return place ? `Action ${ref} (${place})` : `Action ${ref}`;
}

/**
 * What would stop the import: an action the strategy services would refuse (a title too long,
 * no title at all) or two actions with the same reference. Each says which action and what to fix.
 */
export function checkActions(preview: ImportPreview): ActionProblem[] {
  const refs = assignRefs(preview.actions);
  const problems: ActionProblem[] = [];
  const seen = new Map<string, number>();
  preview.actions.forEach((a, i) => {
    const ref = refs[i] ?? '';
    const key = ref.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push({
        action: i,
        ref,
        message: `${whereIs(ref, a)} has the same reference as ${preview.actions[first] ? whereIs(ref, preview.actions[first]) : 'another action'}: fix the reference of one of them`,
      });
    } else seen.set(key, i);
    if (!REF_PATTERN.test(ref) || ref.length > 40) {
      problems.push({
        action: i,
        ref,
        message: `${whereIs(ref, a)}: the reference must start with a letter or digit and be at most 40 characters, like 4.7 or A-12`,
      });
      return;
    }
    const parsed = actionInput.safeParse(actionInputFrom(a, ref, undefined));
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        problems.push({ action: i, ref, message: `${whereIs(ref, a)}: ${issue.message}` });
      }
    }
  });
  return problems;
}

/** An action's words, as compared between the plan imported and the plan in Waymark. */
export interface ActionWords {
  ref: string;
  title: string | null;
  theme: string | null;
  priority: string | null;
  timescale: string | null;
  lead: string | null;
  with: string | null;
  resources: string | null;
  target: string | null;
  comments: string | null;
}

export const DIFF_FIELDS: { key: Exclude<keyof ActionWords, 'ref'>; label: string }[] = [
  { key: 'title', label: 'Action' },
  { key: 'theme', label: 'Theme' },
  { key: 'priority', label: 'Priority' },
  { key: 'timescale', label: 'Timescale' },
  { key: 'lead', label: 'Lead' },
  { key: 'with', label: 'With' },
  { key: 'resources', label: 'Resources' },
  { key: 'target', label: 'Target' },
  { key: 'comments', label: 'Comments' },
];

/** The words of every action in a preview, with the references the import will give them. */
export function incomingWords(actions: readonly PreviewAction[]): ActionWords[] {
  const refs = assignRefs(actions);
  return actions.map((a, i) => wordsOf(a, refs[i] ?? ''));
}

export function wordsOf(a: PreviewAction, ref: string): ActionWords {
  return {
    ref,
    title: norm(a.title),
    theme: norm(a.theme),
    priority: norm(a.priorityText ?? a.priority),
    timescale: norm(a.timescale.text),
    lead: norm(a.owner.lead ?? a.owner.text),
    with: norm(helpers(a).join(', ')),
    resources: norm(a.resources.text),
    target: norm(a.target),
    comments: norm(a.comments),
  };
}

export interface FieldChange {
  field: string;
  label: string;
  before: string | null;
  after: string | null;
}

export interface ImportDiff {
  added: { index: number; ref: string; title: string }[];
  changed: {
    index: number;
    ref: string;
    title: string;
    actionId: string;
    changes: FieldChange[];
  }[];
  unchanged: { index: number; ref: string; title: string; actionId: string }[];
  /** In the strategy but not in the plan imported: listed, never deleted. */
  missing: { ref: string; title: string; actionId: string }[];
  sentence: string;
}

function count(n: number, one: string, many = `${one}s`) {
  return `${String(n)} ${n === 1 ? one : many}`;
}

/** "4. Best Value" and "Best Value" (or "4. Value for money") are the same theme: by number, else title. */
export function sameTheme(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return a === b;
  const x = themeArea(a);
  const y = themeArea(b);
  if (x.number && y.number) return x.number === y.number;
  return x.title.toLowerCase() === y.title.toLowerCase();
}

/** Matches by reference (any case) and compares the words field by field. */
export function diffActions(
  incoming: readonly ActionWords[],
  existing: readonly (ActionWords & { id: string })[],
): ImportDiff {
  const byRef = new Map(existing.map((e) => [e.ref.toLowerCase(), e]));
  const matched = new Set<string>();
  const diff: ImportDiff = { added: [], changed: [], unchanged: [], missing: [], sentence: '' };
  incoming.forEach((words, index) => {
    const title = words.title ?? '';
    const before = byRef.get(words.ref.toLowerCase());
    if (!before || matched.has(before.id)) {
      diff.added.push({ index, ref: words.ref, title });
      return;
    }
    matched.add(before.id);
    const changes = DIFF_FIELDS.flatMap(({ key, label }) => {
      const was = norm(before[key]);
      const now = norm(words[key]);
      const same = key === 'theme' ? sameTheme(was, now) : was === now;
      return same ? [] : [{ field: key, label, before: was, after: now }];
    });
    if (changes.length)
      diff.changed.push({ index, ref: words.ref, title, actionId: before.id, changes });
    else diff.unchanged.push({ index, ref: words.ref, title, actionId: before.id });
  });
  for (const e of existing) {
    if (!matched.has(e.id)) diff.missing.push({ ref: e.ref, title: e.title ?? '', actionId: e.id });
  }
  diff.sentence =
    `${count(diff.added.length, 'new action')}, ${count(diff.changed.length, 'changed action')}, ` +
    `${String(diff.unchanged.length)} unchanged; ` +
    (diff.missing.length
      ? `${count(diff.missing.length, 'action')} in the strategy ${diff.missing.length === 1 ? 'is' : 'are'} not in this plan and will be kept`
      : 'every action in the strategy is in this plan');
  return diff;
}

import type { FieldError } from '../../kernel/http/errors.js';
import type { StatusLabels } from './display.js';
import { formatBytes, type EvidenceMeta } from './evidence.service.js';
import type { AssessedAction, OwnedAction, UpdateNeed } from './progress.service.js';
import { STATUSES, type ProgressUpdate } from './strategy.tables.js';

/** Shapes My actions, the record-progress page and the API's progress JSON. */

const longDate = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'Europe/London',
});

export function ukDate(value: string | Date): string {
  return longDate.format(typeof value === 'string' ? new Date(`${value}T12:00:00Z`) : value);
}

/** "today", "yesterday", "12 days ago"; "never" for an action never updated. */
export function lastUpdatedText(days: number | null): string {
  if (days === null) return 'Never updated';
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  return `${days} days ago`;
}

/** Why an action needs an update, in a few words. */
export function needText(need: UpdateNeed, dueOn: string | null): string | null {
  switch (need.reason) {
    case 'overdue':
      return dueOn ? `Overdue: it was due by ${ukDate(dueOn)}` : 'Overdue';
    case 'never':
      return 'No progress recorded yet';
    case 'stale':
      return `No update for ${need.daysSinceUpdate ?? 0} days`;
    case 'quarter':
      return `No update since the quarter ended on ${ukDate(need.quarterEnd)}`;
    default:
      return null;
  }
}

export function dueText(action: { due_on: string | null; timescale_text: string | null }) {
  if (action.due_on) return ukDate(action.due_on);
  return action.timescale_text?.trim() || 'No date';
}

function myActionRow(a: AssessedAction<OwnedAction>) {
  return {
    id: a.id,
    ref: a.ref,
    title: a.title,
    strategyTitle: a.strategy_title,
    status: a.status,
    forecast: a.forecast_status,
    due: dueText(a),
    dueOn: a.due_on,
    timescale: a.timescale_text,
    overdue: a.need.overdue,
    needsUpdate: a.need.needsUpdate,
    reason: needText(a.need, a.due_on),
    lastUpdated: lastUpdatedText(a.need.daysSinceUpdate),
    lastUpdateAt: a.last_update_at,
    owner: a.lead_post_title ?? a.lead_post_name ?? a.lead_text,
  };
}

export function myActionsView(data: {
  open: AssessedAction<OwnedAction>[];
  finished: AssessedAction<OwnedAction>[];
  posts: { short_name: string; title: string }[];
}) {
  const open = data.open.map(myActionRow);
  const needing = open.filter((a) => a.needsUpdate);
  const strategies = new Set([...data.open, ...data.finished].map((a) => a.strategy_id));
  let summary: string;
  if (!open.length) summary = '';
  else if (!needing.length)
    summary =
      open.length === 1
        ? 'Your open action is up to date.'
        : `All ${open.length} of your open actions are up to date.`;
  else
    summary = `${needing.length} of your ${open.length} open ${open.length === 1 ? 'action' : 'actions'} ${needing.length === 1 ? 'needs' : 'need'} an update.`;
  return {
    open,
    finished: data.finished.map(myActionRow),
    needingCount: needing.length,
    first: needing[0] ?? null,
    summary,
    posts: data.posts.map((p) =>
      p.title && p.title !== p.short_name ? `${p.title} (${p.short_name})` : p.short_name,
    ),
    manyStrategies: strategies.size > 1,
  };
}

/** The status radios, each with the organisation's word and what it means. */
export function statusItems(labels: StatusLabels, selected: unknown) {
  return STATUSES.map((s) => ({
    value: s,
    text: labels[s].label,
    hint: { text: labels[s].hint },
    checked: selected === s,
  }));
}

/** Forecast radios: the same words, and a way to give none. */
export function forecastItems(labels: StatusLabels, selected: unknown) {
  return [
    ...STATUSES.map((s) => ({ value: s, text: labels[s].label, checked: selected === s })),
    { divider: 'or' },
    { value: '', text: 'No forecast', checked: selected === '' || selected === undefined },
  ];
}

type UpdateRow = Pick<
  ProgressUpdate,
  | 'id'
  | 'status'
  | 'forecast_status'
  | 'percent_complete'
  | 'happened'
  | 'next_steps'
  | 'evidence_url'
  | 'evidence_file_id'
  | 'corrects_id'
  | 'correction_note'
  | 'as_at'
  | 'recorded_by_label'
  | 'recorded_at'
>;

/** "Jane Smith <jane@…>" is how the audit names people; pages show the name alone. */
export function personName(label: string): string {
  return label.replace(/\s*<[^>]*>\s*$/, '').trim() || label;
}

function shorten(text: string, max: number) {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat;
}

/** One line per update for the "corrects an earlier update" list. */
export function correctionItems(
  updates: readonly UpdateRow[],
  labels: StatusLabels,
  selected: unknown,
) {
  return [
    { value: '', text: 'No, this is a new update', selected: !selected },
    ...updates.map((u) => ({
      value: u.id,
      text: `${ukDate(u.recorded_at)}, ${personName(u.recorded_by_label)}: ${labels[u.status].label} – ${shorten(u.happened, 60)}`,
      selected: selected === u.id,
    })),
  ];
}

export function updateView(
  u: UpdateRow & { corrects?: UpdateRow | null; correctedBy?: UpdateRow[] },
  evidence: Map<string, EvidenceMeta>,
) {
  const file = u.evidence_file_id ? evidence.get(u.evidence_file_id) : undefined;
  return {
    id: u.id,
    status: u.status,
    forecast: u.forecast_status,
    percent: u.percent_complete,
    happened: u.happened,
    nextSteps: u.next_steps,
    evidenceUrl: u.evidence_url,
    evidenceFile: file
      ? {
          href: `/evidence/${file.id}`,
          name: file.file_name,
          size: formatBytes(file.size_bytes),
        }
      : null,
    recordedAt: u.recorded_at,
    asAt: u.as_at,
    by: personName(u.recorded_by_label),
    correctionNote: u.correction_note,
    corrects: u.corrects ? { id: u.corrects.id, recordedAt: u.corrects.recorded_at } : null,
    correctedBy: (u.correctedBy ?? []).map((c) => ({ id: c.id, recordedAt: c.recorded_at })),
  };
}

/** The order fields appear on the record-progress page, so the error summary follows it. */
const FIELD_ORDER = [
  'status',
  'happened',
  'nextSteps',
  'forecastStatus',
  'percentComplete',
  'evidenceUrl',
  'evidenceFile',
  'correctsId',
  'correctionNote',
];

export function inPageOrder(errors: FieldError[]): FieldError[] {
  const at = (f: string) => {
    const i = FIELD_ORDER.indexOf(f);
    return i === -1 ? FIELD_ORDER.length : i;
  };
  return [...errors].sort((a, b) => at(a.field) - at(b.field));
}

/** Fields that live in "More detail": when any holds something, the section starts open. */
export const DETAIL_FIELDS = [
  'forecastStatus',
  'percentComplete',
  'evidenceUrl',
  'evidenceFile',
  'correctsId',
  'correctionNote',
];

/** The words typed, to put back in the form (never the file, which a browser cannot refill). */
export function typedValues(body: unknown): Record<string, string> {
  if (typeof body !== 'object' || body === null) return {};
  return Object.fromEntries(
    Object.entries(body).filter(
      (e): e is [string, string] => typeof e[1] === 'string' && e[0] !== '_csrf',
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// API

export function updateApiView(u: ProgressUpdate, evidence: Map<string, EvidenceMeta>) {
  const file = u.evidence_file_id ? evidence.get(u.evidence_file_id) : undefined;
  return {
    id: u.id,
    actionId: u.action_id,
    status: u.status,
    forecastStatus: u.forecast_status,
    percentComplete: u.percent_complete,
    happened: u.happened,
    nextSteps: u.next_steps,
    evidenceUrl: u.evidence_url,
    evidenceFile: file
      ? {
          id: file.id,
          fileName: file.file_name,
          contentType: file.content_type,
          sizeBytes: file.size_bytes,
          href: `/evidence/${file.id}`,
        }
      : null,
    correctsId: u.corrects_id,
    correctionNote: u.correction_note,
    asAt: u.as_at,
    recordedAt: u.recorded_at.toISOString(),
    recordedBy: { id: u.recorded_by, name: personName(u.recorded_by_label) },
  };
}

export function myActionApiView(a: AssessedAction<OwnedAction>, labels: StatusLabels) {
  return {
    id: a.id,
    ref: a.ref,
    title: a.title,
    strategy: { id: a.strategy_id, title: a.strategy_title },
    status: a.status,
    statusLabel: labels[a.status].label,
    forecastStatus: a.forecast_status,
    timescale: a.timescale_text,
    dueOn: a.due_on,
    overdue: a.need.overdue,
    stale: a.need.stale,
    needsUpdate: a.need.needsUpdate,
    reason: a.need.reason,
    reasonText: needText(a.need, a.due_on),
    lastUpdateAt: a.last_update_at?.toISOString() ?? null,
    daysSinceUpdate: a.need.daysSinceUpdate,
    links: {
      updates: `/api/v1/actions/${a.id}/updates`,
      recordProgress: `/actions/${a.id}/progress`,
    },
  };
}

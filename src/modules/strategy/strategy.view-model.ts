/**
 * Shapes strategies, areas, action plans, posts and versions for the strategy pages. Everything
 * that becomes HTML here is escaped (abbreviate, renderMarkdown), so templates may output it
 * with `| safe`.
 */
import { HttpError, type FieldError } from '../../kernel/http/errors.js';
import { joinDateParts } from '../../kernel/http/fields.js';
import type { ActionRow } from './action.queries.js';
import { abbreviate, type GlossaryTerm } from './display.js';
import { renderMarkdown } from './markdown.js';
import { priorityLabel, type PriorityLevel } from './priority.js';
import { isOverdue } from './status.js';
import type { Area, Strategy, StrategyStatus } from './strategy.tables.js';

export const STRATEGY_STATUS_VIEW: Record<
  StrategyStatus,
  { label: string; tagClass: string; hint: string }
> = {
  draft: {
    label: 'Draft',
    tagClass: 'govuk-tag--grey',
    hint: 'Being written; not yet shared for comment.',
  },
  consultation: {
    label: 'Consultation',
    tagClass: 'govuk-tag--yellow',
    hint: 'Shared for comment, for example with a policy committee.',
  },
  approved: {
    label: 'Approved',
    tagClass: 'govuk-tag--green',
    hint: 'Approved by the body named below; the version being delivered.',
  },
  superseded: {
    label: 'Superseded',
    tagClass: 'govuk-tag--blue',
    hint: 'Replaced by a later version; kept as a record.',
  },
  archived: {
    label: 'Archived',
    tagClass: 'govuk-tag--grey',
    hint: 'No longer in use; kept as a record. Nothing is deleted.',
  },
};

export function strategyStatusTag(status: StrategyStatus) {
  const view = STRATEGY_STATUS_VIEW[status];
  return { text: view.label, classes: view.tagClass };
}

/** Radios for the status field, with the chosen one checked. */
export function strategyStatusItems(chosen: unknown) {
  return (Object.keys(STRATEGY_STATUS_VIEW) as StrategyStatus[]).map((value) => ({
    value,
    text: STRATEGY_STATUS_VIEW[value].label,
    hint: { text: STRATEGY_STATUS_VIEW[value].hint },
    checked: chosen === value,
  }));
}

/** "2005–2007", or the dates when no label was given. */
export function periodText(s: Pick<Strategy, 'period_label' | 'period_start' | 'period_end'>) {
  if (s.period_label) return s.period_label;
  if (s.period_start && s.period_end) return `${s.period_start} to ${s.period_end}`;
  return s.period_start ?? s.period_end ?? null;
}

const STATUS_ORDER: StrategyStatus[] = [
  'approved',
  'consultation',
  'draft',
  'superseded',
  'archived',
];

/** Strategies in use first, then drafts, then the record of old and archived versions. */
export function strategyListRows(rows: (Strategy & { action_count: number | string | null })[]) {
  return [...rows]
    .sort(
      (a, b) =>
        STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) ||
        a.title.localeCompare(b.title) ||
        b.version - a.version,
    )
    .map((s) => ({
      id: s.id,
      title: s.title,
      period: periodText(s),
      status: strategyStatusTag(s.status),
      version: s.version,
      approvedBy: s.approved_by,
      approvedOn: s.approved_on,
      actionCount: Number(s.action_count ?? 0),
      nextReviewOn: s.next_review_on,
    }));
}

// ---------------------------------------------------------------------------------------------
// Forms

export const STRATEGY_DATE_FIELDS = [
  'periodStart',
  'periodEnd',
  'approvedOn',
  'nextReviewOn',
  'documentDate',
] as const;

/** The parts a GOV.UK date input shows for a stored YYYY-MM-DD date. */
export function dateParts(name: string, value: string | null | undefined): Record<string, string> {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value ?? '');
  if (!m) return {};
  return {
    [`${name}-day`]: String(Number(m[3])),
    [`${name}-month`]: String(Number(m[2])),
    [`${name}-year`]: m[1] ?? '',
  };
}

/** What the strategy form shows for a stored strategy. */
export function strategyFormValues(s: Strategy): Record<string, string> {
  return {
    title: s.title,
    periodLabel: s.period_label ?? '',
    status: s.status,
    approvedBy: s.approved_by ?? '',
    leadOfficer: s.lead_officer ?? '',
    summary: s.summary ?? '',
    ...dateParts('periodStart', s.period_start),
    ...dateParts('periodEnd', s.period_end),
    ...dateParts('approvedOn', s.approved_on),
    ...dateParts('nextReviewOn', s.next_review_on),
    ...dateParts('documentDate', s.document_date),
  };
}

/**
 * A date's error belongs to its first box (name-day), so the error summary's link puts the
 * cursor in the field to correct, as the GOV.UK pattern asks.
 */
export function dateFieldErrors(errors: FieldError[], dateFields: readonly string[]): FieldError[] {
  return errors.map((e) =>
    dateFields.includes(e.field) ? { field: `${e.field}-day`, message: e.message } : e,
  );
}

/** The form's fields, with each GOV.UK date input's three boxes joined into YYYY-MM-DD. */
export function withDates(
  body: Record<string, unknown>,
  names: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...body };
  for (const name of names) out[name] = joinDateParts(body, name);
  return out;
}

/** A service's refusal that names fields (a clash, a rule) is shown on the form like any error. */
export function fieldProblems(error: unknown): { status: number; errors: FieldError[] } | null {
  return error instanceof HttpError && error.fieldErrors.length
    ? { status: error.status, errors: error.fieldErrors }
    : null;
}

/**
 * Runs a service call whose refusals name fields (a clash, a rule), so a form can show them like
 * any other error; every other error is thrown on.
 */
export async function attempt<T>(
  work: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; status: number; errors: FieldError[] }> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    const problem = fieldProblems(error);
    if (!problem) throw error;
    return { ok: false, ...problem };
  }
}

export function areaFormValues(a: Area): Record<string, string> {
  return {
    number: a.number ?? '',
    title: a.title,
    vision: a.vision ?? '',
    currentPosition: a.current_position ?? '',
    gettingThere: a.getting_there ?? '',
  };
}

// ---------------------------------------------------------------------------------------------
// The strategy page

const UK_DATE = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

/** "31 March 2027" for a YYYY-MM-DD date. */
export function formatDate(date: string): string {
  return UK_DATE.format(new Date(`${date}T12:00:00Z`));
}

/** The record as a GOV.UK summary list, with "Change" links for editors. */
export function strategySummaryRows(s: Strategy, canManage: boolean) {
  // A row with a field can be changed on the edit form (the link lands on that field).
  const row = (key: string, value: string | null, field: string | null) => ({
    key: { text: key },
    value: { text: value ?? 'Not given' },
    actions:
      canManage && field
        ? {
            items: [
              {
                href: `/strategies/${s.id}/edit#${field}`,
                text: 'Change',
                visuallyHiddenText: key.toLowerCase(),
              },
            ],
          }
        : undefined,
  });
  const date = (d: string | null) => (d ? formatDate(d) : null);
  return [
    row('Period', periodText(s), 'periodLabel'),
    row(
      'Period dates',
      s.period_start || s.period_end
        ? `${date(s.period_start) ?? 'Not given'} to ${date(s.period_end) ?? 'not given'}`
        : null,
      'periodStart-day',
    ),
    row('Status', STRATEGY_STATUS_VIEW[s.status].label, 'status'),
    row('Version', String(s.version), null),
    row('Approved by', s.approved_by, 'approvedBy'),
    row('Approved on', date(s.approved_on), 'approvedOn-day'),
    row('Next review', date(s.next_review_on), 'nextReviewOn-day'),
    row('Lead officer', s.lead_officer, 'leadOfficer'),
    row('Document date', date(s.document_date), 'documentDate-day'),
  ];
}

export interface AreaView {
  id: string;
  heading: string;
  hasGapAnalysis: boolean;
  sections: { title: string; html: string }[];
  isFirst: boolean;
  isLast: boolean;
}

export function areaHeading(a: Pick<Area, 'number' | 'title'>): string {
  if (!a.number) return a.title;
  // "1. Strategic Direction" and "7 Technology architecture" are both written; keep the number.
  return /[.)]$/.test(a.number) ? `${a.number} ${a.title}` : `${a.number}. ${a.title}`;
}

export function areaViews(areas: Area[], terms: readonly GlossaryTerm[]): AreaView[] {
  return areas.map((a, i) => {
    const sections = [
      { title: 'Vision', text: a.vision },
      { title: 'Current position', text: a.current_position },
      { title: 'Getting there', text: a.getting_there },
    ]
      .filter((s) => s.text?.trim())
      .map((s) => ({ title: s.title, html: renderMarkdown(s.text, { terms, headingLevel: 5 }) }));
    return {
      id: a.id,
      heading: areaHeading(a),
      hasGapAnalysis: sections.length > 0,
      sections,
      isFirst: i === 0,
      isLast: i === areas.length - 1,
    };
  });
}

export interface PlanRow {
  id: string;
  ref: string;
  title: string;
  priority: string;
  timescale: string | null;
  dueOn: string | null;
  timescaleNeedsReview: boolean;
  leadHtml: string;
  status: string;
  forecast: string | null;
  overdue: boolean;
}

export interface PlanGroup {
  id: string;
  heading: string;
  rows: PlanRow[];
}

/** The action plan grouped by area, in the areas' order; actions in no area come last. */
export function actionPlanGroups(
  areas: Area[],
  actions: ActionRow[],
  terms: readonly GlossaryTerm[],
  priorities: PriorityLevel[],
  asAt: string,
): PlanGroup[] {
  const toRow = (a: ActionRow): PlanRow => ({
    id: a.id,
    ref: a.ref,
    title: a.title,
    priority: a.priority ? priorityLabel(a.priority, priorities) : (a.priority_text ?? 'Not set'),
    timescale: a.timescale_text,
    dueOn: a.due_on,
    timescaleNeedsReview: a.timescale_needs_review,
    leadHtml: abbreviate(a.lead_text ?? a.lead_post_name ?? '', terms),
    status: a.status,
    forecast: a.forecast_status,
    overdue: isOverdue(a, asAt),
  });
  const groups: PlanGroup[] = areas.map((area) => ({
    id: area.id,
    heading: areaHeading(area),
    rows: actions.filter((a) => a.area_id === area.id).map(toRow),
  }));
  const known = new Set(areas.map((a) => a.id));
  const loose = actions.filter((a) => !a.area_id || !known.has(a.area_id)).map(toRow);
  if (loose.length) groups.push({ id: 'none', heading: 'Actions not in an area', rows: loose });
  return groups.filter((g) => g.rows.length > 0);
}

export function versionRows(
  versions: {
    id: string;
    version: number;
    title: string;
    period_label: string | null;
    status: StrategyStatus;
  }[],
  currentId: string,
) {
  return versions.map((v) => ({
    id: v.id,
    version: v.version,
    title: v.title,
    period: v.period_label,
    status: strategyStatusTag(v.status),
    isCurrent: v.id === currentId,
  }));
}

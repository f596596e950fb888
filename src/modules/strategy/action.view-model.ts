import { listSearch, sortOf, type ListQuery } from './action.filters.js';
import { pagination } from '../../kernel/views/pagination.js';
import type { ActionDetail, ActionRow, AuditRow, ActionSort } from './action.queries.js';
import { abbreviate, escapeHtml, type GlossaryTerm, type StatusLabels } from './display.js';
import { parseOwners } from './owners.js';
import { priorityLabel, type PriorityLevel } from './priority.js';
import { describeResources } from './resources.js';
import { daysSince, isOverdue, isStale, todayInLondon } from './status.js';
import type { ActionInput } from './strategy.schemas.js';
import type { Action, ProgressUpdate, Status } from './strategy.tables.js';
import { describeTimescale, parseTimescale, type TimescalePrecision } from './timescale.js';

/** Shapes action-plan data for the templates: words as written beside what Waymark derived. */

export interface DisplayContext {
  labels: StatusLabels;
  glossary: readonly GlossaryTerm[];
  priorities: PriorityLevel[];
  /** "As at" date (YYYY-MM-DD): overdue is judged at it. */
  asAt: string;
  /** Today (YYYY-MM-DD): "last updated N days ago" and staleness count to it. Default: today. */
  today?: string;
}

const UK_DATE = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

/** 2007-08-31 → "31 August 2007". */
export function ukDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? iso : UK_DATE.format(d);
}

/** The calendar date (UK time) of a moment, as YYYY-MM-DD. */
export function londonDate(moment: Date): string {
  return todayInLondon(moment);
}

/** "Jane Smith <jane@example.org>" → "Jane Smith": a signature, without the address. */
export function signature(label: string): string {
  return label.replace(/\s*<[^>]*>\s*$/, '').trim() || label;
}

/**
 * "By who (with)" as the council writes it. Imported actions keep the whole cell in lead_text;
 * actions entered through the form keep the lead there and the supporters in their own rows.
 */
export function ownersAsWritten(leadText: string | null, supporters: readonly string[]): string {
  const lead = (leadText ?? '').trim();
  if (lead.includes('(') || supporters.length === 0) return lead;
  return lead ? `${lead} (${supporters.join(', ')})` : supporters.join(', ');
}

/** The lead alone, as the form's Lead field shows it ("AD, ICT (BoD)" → "AD, ICT"). */
export function leadForForm(leadText: string | null): string {
  if (!leadText) return '';
  return leadText.includes('(') ? (parseOwners(leadText).lead ?? '') : leadText;
}

/**
 * Lead and "with" from the form. When they are what the form showed for an action whose cell
 * held both ("AD, ICT (BoD)"), the cell is kept as written instead of being rebuilt.
 */
export function ownersFromForm(
  current: { leadText: string | null; supporters: readonly string[] } | null,
  lead: string | undefined,
  withList: string[] | undefined,
): { lead: string | undefined; with: string[] | undefined } {
  const supporters = withList ?? [];
  if (
    current?.leadText?.includes('(') &&
    (lead ?? '') === leadForForm(current.leadText) &&
    supporters.join('\n') === current.supporters.join('\n')
  ) {
    return { lead: current.leadText, with: undefined };
  }
  // Nobody in "with": a lead typed as "AD, ICT (BoD)" is read the council's way.
  return { lead, with: supporters.length ? supporters : undefined };
}

export interface PriorityView {
  asWritten: string;
  level: string | null;
}

/** "H" with its level "High"; the level alone when the words are the level's name. */
export function priorityView(
  text: string | null,
  code: string | null,
  priorities: PriorityLevel[],
): PriorityView {
  const level = code ? priorityLabel(code, priorities) : null;
  const asWritten = (text ?? '').trim();
  if (!asWritten) return { asWritten: level ?? '', level: null };
  if (level && level.toLowerCase() === asWritten.toLowerCase()) {
    return { asWritten, level: null };
  }
  return { asWritten, level };
}

/** "today", "1 day ago", "12 days ago". */
export function daysAgo(days: number): string {
  if (days === 0) return 'today';
  return days === 1 ? '1 day ago' : `${days} days ago`;
}

export interface LastUpdatedView {
  text: string;
  stale: boolean;
  /** ISO timestamp, for <time datetime>. */
  iso: string | null;
}

export function lastUpdatedView(
  action: { status: Status; last_update_at: Date | null; created_at: Date },
  asAt: string,
): LastUpdatedView {
  const stale = isStale(action, asAt);
  if (!action.last_update_at) {
    return { text: 'No progress recorded yet', stale, iso: null };
  }
  const days = daysSince(action.last_update_at, asAt) ?? 0;
  return { text: daysAgo(days), stale, iso: action.last_update_at.toISOString() };
}

export function resourcesView(
  action: Pick<
    Action,
    'resources_kind' | 'resources_amount_pence' | 'resources_period' | 'resources_text'
  >,
  glossary: readonly GlossaryTerm[],
) {
  const described = describeResources({
    kind: action.resources_kind,
    amountPence: action.resources_amount_pence,
    period: action.resources_period,
    text: action.resources_text ?? '',
  });
  const asWritten = action.resources_text ?? '';
  return {
    described,
    asWrittenHtml: abbreviate(asWritten, glossary),
    // Codes such as CR are worth showing beside their meaning; long words are not repeated.
    showAsWritten:
      Boolean(asWritten) && asWritten !== described && action.resources_kind !== 'text',
  };
}

export function areaLabel(area: { number: string | null; title: string } | null | undefined) {
  if (!area) return '';
  return area.number ? `${area.number} ${area.title}` : area.title;
}

/** One row of the action plan table. */
export function planRow(row: ActionRow, supporters: readonly string[], ctx: DisplayContext) {
  const priority = priorityView(row.priority_text, row.priority, ctx.priorities);
  return {
    id: row.id,
    ref: row.ref,
    title: row.title,
    href: `/actions/${row.id}`,
    area: row.area_title ? areaLabel({ number: row.area_number, title: row.area_title }) : '',
    priority,
    timescale: {
      text: row.timescale_text ?? '',
      needsReview: row.timescale_needs_review,
      due: row.due_on,
      dueText: ukDate(row.due_on),
      ongoing: row.ongoing,
      recurrence: row.recurrence,
      overdue: isOverdue(row, ctx.asAt),
    },
    leadHtml: abbreviate(ownersAsWritten(row.lead_text, supporters), ctx.glossary),
    resources: resourcesView(row, ctx.glossary),
    status: row.status,
    forecast: row.forecast_status,
    lastUpdated: lastUpdatedView(row, ctx.today ?? todayInLondon()),
    archived: row.archived_at !== null,
  };
}

export type PlanRow = ReturnType<typeof planRow>;

const SORT_NAMES: Record<ActionSort, string> = {
  ref: 'reference',
  title: 'action',
  area: 'area',
  priority: 'priority',
  due: 'due date',
  status: 'status',
  updated: 'last updated',
};

/** A sortable column heading: a link that keeps the filters, and its aria-sort state. */
export function sortHeader(q: ListQuery, key: ActionSort, label: string, basePath: string) {
  const current = sortOf(q);
  const active = current.sort === key;
  const next = active && current.direction === 'asc' ? 'desc' : 'asc';
  const nextWords = next === 'asc' ? 'ascending' : 'descending';
  return {
    label,
    href: `${basePath}${listSearch(q, { sort: key, dir: next, page: undefined })}`,
    ariaSort: active ? (current.direction === 'asc' ? 'ascending' : 'descending') : 'none',
    hiddenText: active
      ? `, sorted ${current.direction === 'asc' ? 'ascending' : 'descending'}: sort ${nextWords} instead`
      : `: sort by ${SORT_NAMES[key]}`,
  };
}

export function sortHeaders(q: ListQuery, basePath: string) {
  return {
    ref: sortHeader(q, 'ref', 'Ref', basePath),
    title: sortHeader(q, 'title', 'Action', basePath),
    area: sortHeader(q, 'area', 'Area', basePath),
    priority: sortHeader(q, 'priority', 'Priority', basePath),
    due: sortHeader(q, 'due', 'Timescale', basePath),
    status: sortHeader(q, 'status', 'Status and forecast', basePath),
    updated: sortHeader(q, 'updated', 'Last updated', basePath),
  };
}

/** The GOV.UK pagination component's parameters, or null when one page holds everything. */
export function paginationView(q: ListQuery, total: number, pageSize: number, basePath: string) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const current = Math.min(Math.max(q.page ?? 1, 1), pages);
  const view = pagination(current, pages, (page) => `${basePath}${listSearch(q, { page })}`);
  return view && { ...view, landmarkLabel: 'Pages of actions' };
}

export interface FilterLookups {
  areas: readonly { id: string; number: string | null; title: string }[];
  posts: readonly { id: string; short_name: string }[];
  labels: StatusLabels;
  priorities: PriorityLevel[];
}

/** The filters in words: "high priority, overdue at 30 September 2007". */
export function filterWords(q: ListQuery, lookups: FilterLookups, asAt: string): string[] {
  const words: string[] = [];
  if (q.q) words.push(`matching “${q.q}”`);
  if (q.area) {
    const area = lookups.areas.find((a) => a.id === q.area);
    words.push(area ? `in ${areaLabel(area)}` : 'in an area that no longer exists');
  }
  if (q.priority?.length) {
    const names = q.priority.map((p) => priorityLabel(p, lookups.priorities).toLowerCase());
    words.push(`${names.join(' or ')} priority`);
  }
  if (q.status?.length) {
    words.push(`status ${q.status.map((s) => lookups.labels[s].label.toLowerCase()).join(' or ')}`);
  }
  if (q.post) {
    const post = lookups.posts.find((p) => p.id === q.post);
    words.push(`owned by ${post ? post.short_name : 'a post with no actions here'}`);
  }
  if (q.dueFrom && q.dueTo) words.push(`due ${ukDate(q.dueFrom)} to ${ukDate(q.dueTo)}`);
  else if (q.dueFrom) words.push(`due on or after ${ukDate(q.dueFrom)}`);
  else if (q.dueTo) words.push(`due by ${ukDate(q.dueTo)}`);
  if (q.overdue) words.push(`overdue at ${ukDate(asAt)}`);
  if (q.needsReview) words.push('timescale needs checking');
  if (q.archived) words.push('including archived actions');
  return words;
}

/** "12 actions: high priority, overdue at 30 September 2007". */
export function resultSummary(total: number, words: readonly string[]): string {
  const count = total === 0 ? 'No actions' : total === 1 ? '1 action' : `${total} actions`;
  return words.length ? `${count}: ${words.join(', ')}` : count;
}

const PRECISION_WORDS: Record<TimescalePrecision, string> = {
  day: 'to the day',
  month: 'to the month',
  quarter: 'to the quarter',
  season: 'to the season',
  'financial-year': 'to the financial year',
  year: 'to the year',
};

const RECURRENCE_WORDS: Record<string, string> = {
  annually: 'every year',
  'six-monthly': 'every six months',
  quarterly: 'every quarter',
  monthly: 'every month',
  weekly: 'every week',
};

/** The plan's own date, which relative timescales ("NOW", "within 2 years") are read against. */
export function documentDateOf(strategy: {
  document_date: string | null;
  period_start: string | null;
}): string {
  return strategy.document_date ?? strategy.period_start ?? todayInLondon();
}

/** What Waymark understood from a timescale as written, in words. */
export function timescaleUnderstanding(action: Action, documentDate: string) {
  const text = action.timescale_text ?? '';
  const parsed = parseTimescale(text, { documentDate });
  const facts: string[] = [];
  const startPrecision = action.start_precision as TimescalePrecision | null;
  const duePrecision = action.due_precision as TimescalePrecision | null;
  if (action.start_on) facts.push(`starts ${ukDate(action.start_on)}`);
  if (action.due_on) facts.push(`due ${ukDate(action.due_on)}`);
  const precision = duePrecision ?? startPrecision;
  if (startPrecision && duePrecision && startPrecision !== duePrecision && action.start_on) {
    facts.push(
      `start precise ${PRECISION_WORDS[startPrecision]}, due date precise ${PRECISION_WORDS[duePrecision]}`,
    );
  } else if (precision) {
    facts.push(`precise ${PRECISION_WORDS[precision]}`);
  }
  if (action.ongoing) facts.push('ongoing');
  if (action.recurrence)
    facts.push(`recurs ${RECURRENCE_WORDS[action.recurrence] ?? action.recurrence}`);
  return {
    asWritten: text,
    described: text ? describeTimescale(parsed) : 'No timescale given',
    facts,
    needsReview: action.timescale_needs_review,
    note: action.timescale_needs_review
      ? (parsed.note ??
        'Waymark could not read a date from these words, so the action has no due date until someone checks it.')
      : null,
  };
}

/** One sentence for the flash after saving: what Waymark made of the timescale. */
export function understoodSentence(action: Action, documentDate: string): string {
  if (!action.timescale_text) return '';
  const u = timescaleUnderstanding(action, documentDate);
  if (u.needsReview) {
    return ` Waymark could not be sure what the timescale “${u.asWritten}” means, so it is marked as needing checking.`;
  }
  const due = action.due_on ? `, due ${ukDate(action.due_on)}` : '';
  return ` Waymark read the timescale “${u.asWritten}” as ${u.described}${due}.`;
}

// ---------------------------------------------------------------------------------------------
// HTML pieces for summary lists (always escaped here)

function paragraphs(text: string | null | undefined, glossary: readonly GlossaryTerm[] = []) {
  if (!text?.trim()) return '';
  return text
    .trim()
    .split(/\n\s*\n/)
    .map((p) => `<p class="govuk-body">${abbreviate(p, glossary).replace(/\r?\n/g, '<br>')}</p>`)
    .join('');
}

const NOT_GIVEN = '<span class="govuk-hint govuk-!-margin-0">Not given</span>';

function hintLine(text: string) {
  return `<span class="govuk-hint govuk-!-display-block govuk-!-margin-0">${escapeHtml(text)}</span>`;
}

function valueOf(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** Extra fields and source cells are whatever an import found: shown as key and value. */
export function keyValueRows(object: Record<string, unknown> | null | undefined) {
  if (!object || typeof object !== 'object') return [];
  return Object.entries(object).map(([key, value]) => ({
    key: { text: key },
    value: { text: valueOf(value) },
  }));
}

/** The action page's summary list: the words as written beside what Waymark derived. */
export function actionSummaryRows(detail: ActionDetail, ctx: DisplayContext) {
  const { action, area, leadPost, supporters, dependsOn, neededBy, carriedFrom, strategy } = detail;
  const documentDate = documentDateOf(strategy);
  const rows: { key: { text: string }; value: { html: string } }[] = [];
  const row = (key: string, html: string) => rows.push({ key: { text: key }, value: { html } });

  row('Reference', escapeHtml(action.ref));
  row('Action or task', paragraphs(action.title, ctx.glossary));
  row('Description', paragraphs(action.description, ctx.glossary) || NOT_GIVEN);
  row(
    'Strategy',
    `<a class="govuk-link" href="/strategies/${escapeHtml(strategy.id)}">${escapeHtml(strategy.title)}</a>`,
  );
  row('Area or theme', area ? escapeHtml(areaLabel(area)) : NOT_GIVEN);

  const p = priorityView(action.priority_text, action.priority, ctx.priorities);
  row(
    'Priority',
    p.asWritten
      ? `${escapeHtml(p.asWritten)}${p.level ? hintLine(`Level: ${p.level}`) : ''}${
          action.priority_text && !action.priority ? hintLine('Not one of the priority levels') : ''
        }`
      : NOT_GIVEN,
  );

  const t = timescaleUnderstanding(action, documentDate);
  let timescale = t.asWritten
    ? `<p class="govuk-body govuk-!-margin-bottom-1">As written: “${escapeHtml(t.asWritten)}”`
    : `<p class="govuk-body govuk-!-margin-bottom-1">${escapeHtml(t.described)}`;
  if (t.needsReview)
    timescale += ' <strong class="govuk-tag govuk-tag--orange">Needs checking</strong>';
  timescale += '</p>';
  if (t.asWritten) {
    timescale += `<p class="govuk-body govuk-!-margin-bottom-1">Waymark understood: ${escapeHtml(t.described)}</p>`;
  }
  if (t.facts.length) timescale += hintLine(capitalise(t.facts.join('; ')));
  if (t.note) timescale += hintLine(t.note);
  if (isOverdue(action, ctx.asAt)) {
    timescale += `<p class="govuk-body govuk-!-margin-top-1 govuk-!-margin-bottom-0"><strong class="govuk-tag govuk-tag--red">Overdue</strong> at ${escapeHtml(ukDate(ctx.asAt))}</p>`;
  }
  row('Timescale', timescale);

  const owners = ownersAsWritten(
    action.lead_text,
    supporters.map((s) => s.text),
  );
  let lead = owners ? abbreviate(owners, ctx.glossary) : NOT_GIVEN;
  if (leadPost) {
    lead += hintLine(
      `Lead post: ${leadPost.short_name}${leadPost.title !== leadPost.short_name ? ` (${leadPost.title})` : ''}`,
    );
  }
  if (supporters.length) {
    lead += `<p class="govuk-body govuk-!-margin-top-2 govuk-!-margin-bottom-0">With:</p><ul class="govuk-list govuk-list--bullet govuk-!-margin-bottom-0">${supporters
      .map((s) => `<li>${abbreviate(s.text, ctx.glossary)}</li>`)
      .join('')}</ul>`;
  }
  row('By who (with)', lead);

  const r = resourcesView(action, ctx.glossary);
  let resources = NOT_GIVEN;
  if (action.resources_text) {
    resources =
      r.described === action.resources_text
        ? r.asWrittenHtml
        : `As written: ${r.asWrittenHtml}${hintLine(r.described)}`;
  }
  row('Resources', resources);
  row('Targets or success measures', paragraphs(action.targets, ctx.glossary) || NOT_GIVEN);
  row('Outcome', paragraphs(action.outcome, ctx.glossary) || NOT_GIVEN);
  row('Comments', paragraphs(action.comments, ctx.glossary) || NOT_GIVEN);

  const label = (s: Status | null) => (s ? ctx.labels[s].label : 'Not set');
  row(
    'Status',
    `${statusTagHtml(action.status, ctx.labels)}${
      action.forecast_status
        ? ` <span class="govuk-body-s">forecast</span> ${statusTagHtml(action.forecast_status, ctx.labels)}`
        : ''
    }${hintLine(`Now: ${label(action.status)}. Forecast for the end of the period: ${label(action.forecast_status)}.`)}`,
  );
  const updated = lastUpdatedView(action, ctx.today ?? todayInLondon());
  row(
    'Last updated',
    `${escapeHtml(capitalise(updated.text))}${
      updated.stale ? ' <strong class="govuk-tag govuk-tag--orange">Needs an update</strong>' : ''
    }`,
  );
  row('Depends on', dependencyList(dependsOn, ctx.labels) || 'Nothing');
  if (neededBy.length) row('Needed by', dependencyList(neededBy, ctx.labels));
  row(
    'Tags',
    action.tags.length
      ? `<ul class="govuk-list govuk-!-margin-bottom-0">${action.tags.map((tag) => `<li>${escapeHtml(tag)}</li>`).join('')}</ul>`
      : 'None',
  );
  if (carriedFrom) {
    row(
      'Carried from',
      `<a class="govuk-link" href="/actions/${escapeHtml(carriedFrom.id)}">${escapeHtml(carriedFrom.ref)} in ${escapeHtml(carriedFrom.strategy_title)}${carriedFrom.period_label ? ` (${escapeHtml(carriedFrom.period_label)})` : ''}</a>`,
    );
  }
  return rows;
}

function capitalise(text: string) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function statusTagHtml(status: Status, labels: StatusLabels) {
  const l = labels[status];
  return `<strong class="govuk-tag ${escapeHtml(l.tagClass)}">${escapeHtml(l.label)}</strong>`;
}

function dependencyList(
  list: readonly {
    id: string;
    ref: string;
    title: string;
    status: Status;
    archived_at: Date | null;
  }[],
  labels: StatusLabels,
) {
  if (!list.length) return '';
  return `<ul class="govuk-list govuk-!-margin-bottom-0">${list
    .map(
      (d) =>
        `<li><a class="govuk-link" href="/actions/${escapeHtml(d.id)}">${escapeHtml(d.ref)} ${escapeHtml(truncate(d.title, 120))}</a> (${escapeHtml(labels[d.status].label.toLowerCase())}${d.archived_at ? ', archived' : ''})</li>`,
    )
    .join('')}</ul>`;
}

function truncate(text: string, max: number) {
  return text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text;
}

// ---------------------------------------------------------------------------------------------
// Timeline: progress updates and changes, newest first

const FIELD_NAMES: Record<string, string> = {
  ref: 'Reference',
  title: 'Action or task',
  description: 'Description',
  area_id: 'Area',
  priority_text: 'Priority',
  timescale_text: 'Timescale',
  lead_text: 'By who',
  resources_text: 'Resources',
  targets: 'Targets',
  outcome: 'Outcome',
  comments: 'Comments',
  status: 'Status',
  forecast_status: 'Forecast',
  tags: 'Tags',
};

const SHOWN_VALUES = new Set([
  'ref',
  'priority_text',
  'timescale_text',
  'lead_text',
  'resources_text',
  'status',
  'forecast_status',
]);

export interface TimelineItem {
  at: Date;
  kind: 'update' | 'change';
  /** The anchor search results link to: `update-<id>` for a progress update. */
  anchor: string | null;
  title: string;
  by: string;
  /** Already escaped. */
  html: string;
}

function statusWord(value: unknown, labels: StatusLabels): string {
  return typeof value === 'string' && value in labels
    ? labels[value as Status].label
    : valueOf(value) || 'nothing';
}

function changeHtml(event: AuditRow, labels: StatusLabels): { title: string; html: string } {
  const before = (event.before ?? {}) as Record<string, unknown>;
  const after = (event.after ?? {}) as Record<string, unknown>;
  switch (event.action) {
    case 'action.created':
      return { title: 'Action created', html: '' };
    case 'action.archived':
      return {
        title: 'Action archived',
        html: `<p class="govuk-body">Reason: ${escapeHtml(valueOf(after.archive_reason))}</p>`,
      };
    case 'action.updated': {
      const changed = Object.keys(FIELD_NAMES).filter(
        (k) => JSON.stringify(before[k] ?? null) !== JSON.stringify(after[k] ?? null),
      );
      if (!changed.length) return { title: 'Saved with no changes', html: '' };
      const items = changed.map((k) => {
        const name = FIELD_NAMES[k] ?? k;
        if (!SHOWN_VALUES.has(k)) return `<li>${escapeHtml(name)} changed</li>`;
        const show = (v: unknown) =>
          k === 'status' || k === 'forecast_status'
            ? statusWord(v, labels)
            : valueOf(v) || 'nothing';
        return `<li>${escapeHtml(name)}: “${escapeHtml(truncate(show(before[k]), 200))}” to “${escapeHtml(truncate(show(after[k]), 200))}”</li>`;
      });
      return {
        title: `Changed: ${changed.map((k) => (FIELD_NAMES[k] ?? k).toLowerCase()).join(', ')}`,
        html: `<ul class="govuk-list govuk-list--bullet">${items.join('')}</ul>`,
      };
    }
    default: {
      const words = event.action.split('.').slice(1).join(' ').replaceAll('_', ' ');
      return { title: capitalise(words || event.action), html: '' };
    }
  }
}

function updateHtml(u: ProgressUpdate, labels: StatusLabels, planLabel: string | null) {
  const parts: string[] = [];
  parts.push(
    `<p class="govuk-body govuk-!-margin-bottom-2">${statusTagHtml(u.status, labels)}${
      u.forecast_status
        ? ` <span class="govuk-body-s">forecast</span> ${statusTagHtml(u.forecast_status, labels)}`
        : ''
    }${u.percent_complete !== null ? ` <span class="govuk-body-s">${u.percent_complete}% complete</span>` : ''}</p>`,
  );
  if (u.corrects_id) {
    parts.push(
      `<p class="govuk-body"><strong>Correction:</strong> ${escapeHtml(u.correction_note ?? '')}</p>`,
    );
  }
  parts.push(
    `<h4 class="govuk-heading-s govuk-!-margin-bottom-1">What happened</h4>${paragraphs(u.happened)}`,
  );
  if (u.next_steps) {
    parts.push(
      `<h4 class="govuk-heading-s govuk-!-margin-bottom-1">What happens next</h4>${paragraphs(u.next_steps)}`,
    );
  }
  if (u.evidence_url) {
    parts.push(
      `<p class="govuk-body">Evidence: <a class="govuk-link" href="${escapeHtml(u.evidence_url)}" rel="noopener noreferrer">${escapeHtml(truncate(u.evidence_url, 80))}</a></p>`,
    );
  }
  if (u.evidence_file_id) parts.push('<p class="govuk-body">An evidence file is attached.</p>');
  if (planLabel) parts.push(hintLine(`Recorded against ${planLabel}`));
  return parts.join('');
}

/**
 * Progress updates across plan years (the lineage) merged with the action's changes from the
 * audit trail, newest first. Progress audit events are left out: the updates themselves say it.
 */
export function timeline(
  updates: readonly ProgressUpdate[],
  events: readonly AuditRow[],
  lineage: readonly { id: string; strategy_title: string; period_label: string | null }[],
  currentActionId: string,
  labels: StatusLabels,
): TimelineItem[] {
  const planOf = (actionId: string | null) => {
    if (!actionId || actionId === currentActionId) return null;
    const v = lineage.find((l) => l.id === actionId);
    return v ? `${v.strategy_title}${v.period_label ? ` (${v.period_label})` : ''}` : null;
  };
  const items: TimelineItem[] = updates.map((u) => ({
    at: u.recorded_at,
    kind: 'update',
    anchor: `update-${u.id}`,
    title: u.corrects_id
      ? 'Progress update (a correction)'
      : `Progress update as at ${ukDate(u.as_at)}`,
    by: signature(u.recorded_by_label),
    html: updateHtml(u, labels, planOf(u.action_id)),
  }));
  for (const e of events) {
    if (e.action.startsWith('progress.')) continue;
    const { title, html } = changeHtml(e, labels);
    const plan = planOf(e.entity_id);
    items.push({
      at: e.occurred_at,
      kind: 'change',
      anchor: null,
      title,
      by: signature(e.actor_label),
      html: html + (plan ? hintLine(`In ${plan}`) : ''),
    });
  }
  return items.sort((a, b) => b.at.getTime() - a.at.getTime());
}

// ---------------------------------------------------------------------------------------------
// Forms and the API

/** The form's fields for an existing action (lists one per line or comma separated). */
export function formValues(detail: ActionDetail): Record<string, string> {
  const { action, supporters, dependsOn } = detail;
  return {
    ref: action.ref,
    title: action.title,
    description: action.description ?? '',
    areaId: action.area_id ?? '',
    objectiveId: action.objective_id ?? '',
    priority: action.priority_text ?? '',
    timescale: action.timescale_text ?? '',
    lead: leadForForm(action.lead_text),
    with: supporters.map((s) => s.text).join('\n'),
    resources: action.resources_text ?? '',
    targets: action.targets ?? '',
    outcome: action.outcome ?? '',
    comments: action.comments ?? '',
    status: action.status,
    forecastStatus: action.forecast_status ?? '',
    tags: action.tags.join(', '),
    dependsOn: dependsOn.map((d) => d.ref).join(', '),
  };
}

/** An action as the input that would recreate it, for PATCH to merge changes into. */
export function inputFromAction(detail: ActionDetail): Record<string, unknown> {
  const { action, dependsOn } = detail;
  const value = (v: string | null) => v ?? undefined;
  return {
    ref: action.ref,
    title: action.title,
    description: value(action.description),
    areaId: value(action.area_id),
    objectiveId: value(action.objective_id),
    priority: value(action.priority_text),
    timescale: value(action.timescale_text),
    lead: value(action.lead_text),
    resources: value(action.resources_text),
    targets: value(action.targets),
    outcome: value(action.outcome),
    comments: value(action.comments),
    status: action.status,
    forecastStatus: value(action.forecast_status),
    tags: action.tags,
    dependsOn: dependsOn.map((d) => d.ref),
  } satisfies Partial<Record<keyof ActionInput, unknown>>;
}

/** The JSON API's view of an action. */
export function actionJson(detail: ActionDetail, labels: StatusLabels) {
  const { action, area, leadPost, supporters, dependsOn, strategy } = detail;
  return {
    id: action.id,
    strategyId: strategy.id,
    lineageId: action.lineage_id,
    ref: action.ref,
    title: action.title,
    description: action.description,
    area: area ? { id: area.id, number: area.number, title: area.title } : null,
    objectiveId: action.objective_id,
    priority: { asWritten: action.priority_text, level: action.priority },
    timescale: {
      asWritten: action.timescale_text,
      start: action.start_on,
      due: action.due_on,
      startPrecision: action.start_precision,
      duePrecision: action.due_precision,
      ongoing: action.ongoing,
      recurrence: action.recurrence,
      needsReview: action.timescale_needs_review,
    },
    lead: {
      asWritten: action.lead_text,
      post: leadPost
        ? { id: leadPost.id, shortName: leadPost.short_name, title: leadPost.title }
        : null,
    },
    with: supporters.map((s) => ({ text: s.text, postId: s.post_id })),
    resources: {
      asWritten: action.resources_text,
      kind: action.resources_kind,
      amountPence: action.resources_amount_pence,
      period: action.resources_period,
    },
    targets: action.targets,
    outcome: action.outcome,
    comments: action.comments,
    status: action.status,
    statusLabel: labels[action.status].label,
    forecastStatus: action.forecast_status,
    tags: action.tags,
    dependsOn: dependsOn.map((d) => ({ id: d.id, ref: d.ref })),
    extra: action.extra,
    lastUpdateAt: action.last_update_at?.toISOString() ?? null,
    createdAt: action.created_at.toISOString(),
    updatedAt: action.updated_at.toISOString(),
    archivedAt: action.archived_at?.toISOString() ?? null,
    archiveReason: action.archive_reason,
  };
}

/** The JSON API's view of a row of the plan (the list endpoint). */
export function actionListJson(row: ActionRow, supporters: readonly string[], ctx: DisplayContext) {
  return {
    id: row.id,
    ref: row.ref,
    title: row.title,
    area: row.area_id
      ? { id: row.area_id, number: row.area_number, title: row.area_title ?? '' }
      : null,
    priority: { asWritten: row.priority_text, level: row.priority },
    timescale: {
      asWritten: row.timescale_text,
      start: row.start_on,
      due: row.due_on,
      duePrecision: row.due_precision,
      ongoing: row.ongoing,
      recurrence: row.recurrence,
      needsReview: row.timescale_needs_review,
    },
    byWho: ownersAsWritten(row.lead_text, supporters),
    leadPostId: row.lead_post_id,
    resources: {
      asWritten: row.resources_text,
      kind: row.resources_kind,
      amountPence: row.resources_amount_pence,
      period: row.resources_period,
    },
    targets: row.targets,
    status: row.status,
    statusLabel: ctx.labels[row.status].label,
    forecastStatus: row.forecast_status,
    overdue: isOverdue(row, ctx.asAt),
    lastUpdateAt: row.last_update_at?.toISOString() ?? null,
    archived: row.archived_at !== null,
  };
}

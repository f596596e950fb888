import { z } from 'zod';
import { joinDateParts, optionalText } from '../../kernel/http/fields.js';
import type { FieldError } from '../../kernel/http/errors.js';
import { fieldErrors } from '../../kernel/http/validation.js';
import { ACTION_SORTS, type ActionQuery, type ActionSort } from './action.queries.js';
import { todayInLondon } from './status.js';
import { STATUSES } from './strategy.tables.js';

/**
 * The action plan's filters, sort and page, as they travel in a URL. The page, the CSV and Excel
 * downloads and the JSON API all read the same parameters with this one schema, so a link copied
 * from any of them means the same thing everywhere.
 */

export const PAGE_SIZE = 50;

const blankToUndefined = (v: unknown) =>
  v === undefined || v === null || (typeof v === 'string' && v.trim() === '') ? undefined : v;

/** A parameter given once, repeated (`status=a&status=b`) or comma separated (`status=a,b`). */
function asList(v: unknown): unknown {
  if (v === undefined || v === null) return undefined;
  const items = (Array.isArray(v) ? (v as unknown[]) : [v])
    .flatMap((x) => (typeof x === 'string' ? x.split(',') : [x]))
    .map((x) => (typeof x === 'string' ? x.trim() : x))
    .filter((x) => x !== '');
  return items.length ? items : undefined;
}

/** Ticked boxes arrive as "1" or "on"; the API may also say true or false. */
function flag(description: string) {
  return z
    .preprocess(
      (v) => {
        const last: unknown = Array.isArray(v) ? (v as unknown[]).at(-1) : v;
        if (last === undefined || last === null || last === '' || last === false) return false;
        if (last === true) return true;
        const text =
          typeof last === 'string' || typeof last === 'number' ? String(last).toLowerCase() : '';
        if (['1', 'true', 'on', 'yes'].includes(text)) return true;
        if (['0', 'false', 'off', 'no'].includes(text)) return false;
        return last;
      },
      z.boolean({ error: `${description} must be true or false` }),
    )
    .default(false)
    .describe(`${description}: true (or 1) to turn on.`);
}

function isRealDate(value: string): boolean {
  const d = new Date(`${value}T12:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** A date the page sends as day, month and year boxes and links carry as YYYY-MM-DD. */
function dateParam(label: string) {
  return z.preprocess(
    (v) => {
      const value = blankToUndefined(v);
      return typeof value === 'string' && /^\s*\d{4}-\d{1,2}-\d{1,2}\s*$/.test(value)
        ? normalDate(value.trim())
        : value;
    },
    z
      .string()
      .trim()
      .regex(/^\d{4}-\d{2}-\d{2}$/, `${label} must be a real date`)
      .refine(isRealDate, `${label} must be a real date`)
      .optional(),
  );
}

/** The parameters, for schemas that add their own (the API's `limit`). */
export const actionListFields = {
  area: z
    .preprocess(blankToUndefined, z.uuid({ error: 'Select an area from the list' }).optional())
    .describe('Only actions in this area or theme (its id).'),
  priority: z
    .preprocess(
      asList,
      z
        .array(z.string().max(40, 'Select priorities from the list'))
        .max(20, 'Select at most 20 priorities')
        .optional(),
    )
    .describe(
      'Only these priority levels, such as `high`: repeat the parameter or separate with commas.',
    ),
  status: z
    .preprocess(
      asList,
      z.array(z.enum(STATUSES, { error: 'Select statuses from the list' })).optional(),
    )
    .describe('Only these statuses: repeat the parameter or separate with commas.'),
  post: z
    .preprocess(
      blankToUndefined,
      z.uuid({ error: 'Select an owner or post from the list' }).optional(),
    )
    .describe('Only actions this post leads or supports (its id).'),
  dueFrom: dateParam('The earliest due date').describe('Due on or after this date (YYYY-MM-DD).'),
  dueTo: dateParam('The latest due date').describe('Due on or before this date (YYYY-MM-DD).'),
  overdue: flag('Overdue only'),
  needsReview: flag('Only timescales that need checking'),
  archived: flag('Include archived actions'),
  q: optionalText('search words', 200).describe(
    'Words to find in the reference, title, description, targets, outcome, comments or lead.',
  ),
  asAt: dateParam('The “as at” date').describe(
    'The date at which "overdue" and "last updated" are judged (YYYY-MM-DD). Default: today.',
  ),
  // Sort, direction and page never fail: a mangled link still shows the plan.
  sort: z
    .preprocess(
      (v) => ((ACTION_SORTS as readonly unknown[]).includes(v) ? v : undefined),
      z.enum(ACTION_SORTS).optional(),
    )
    .describe('Sort by: ref (default), title, area, priority, due, status or updated.'),
  dir: z
    .preprocess(
      (v) => (v === 'asc' || v === 'desc' ? v : undefined),
      z.enum(['asc', 'desc']).optional(),
    )
    .describe('Sort direction: asc (default) or desc.'),
  page: z
    .preprocess((v) => {
      const n = Number(v);
      return Number.isInteger(n) && n >= 1 && n <= 100_000 ? n : undefined;
    }, z.number().int().min(1).optional())
    .describe('Which page of results, from 1.'),
};

/** "Due on or before" may not come before "due on or after". */
export const dueRangeRule: [
  (q: { dueFrom?: string | undefined; dueTo?: string | undefined }) => boolean,
  { path: string[]; message: string },
] = [
  (q) => !q.dueFrom || !q.dueTo || q.dueTo >= q.dueFrom,
  {
    path: ['dueTo'],
    message: 'The latest due date must be the same as or after the earliest',
  },
];

export const actionListQuery = z.object(actionListFields).refine(...dueRangeRule);

export type ListQuery = z.output<typeof actionListQuery>;

/** 2007-9-3 → 2007-09-03 (day and month boxes may be typed without a leading zero). */
function normalDate(value: string): string {
  const [y = '', m = '', d = ''] = value.split('-');
  return `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
}

const DATE_PARAMS = ['dueFrom', 'dueTo', 'asAt'] as const;

export interface ReadQuery {
  query: ListQuery;
  /** Problems with what was asked for; those filters are left out rather than failing the page. */
  errors: FieldError[];
}

/**
 * Reads the page's query string: the date boxes (`asAt-day`, `asAt-month`, `asAt-year`) are
 * joined into YYYY-MM-DD. A parameter that is not valid is reported and dropped, so the plan is
 * still shown with the rest of the filters.
 */
export function readListQuery(raw: unknown): ReadQuery {
  const given = { ...(raw as Record<string, unknown>) };
  const dateBoxes = new Set(DATE_PARAMS.flatMap((n) => [`${n}-day`, `${n}-month`, `${n}-year`]));
  const input: Record<string, unknown> = Object.fromEntries(
    Object.entries(given).filter(([key]) => !dateBoxes.has(key)),
  );
  for (const name of DATE_PARAMS) input[name] = joinDateParts(given, name);
  const first = actionListQuery.safeParse(input);
  if (first.success) return { query: first.data, errors: [] };
  const errors = fieldErrors(first.error);
  const failed = new Set(errors.map((e) => e.field.split('.')[0] ?? e.field));
  const kept = Object.fromEntries(Object.entries(input).filter(([key]) => !failed.has(key)));
  const second = actionListQuery.safeParse(kept);
  return { query: second.success ? second.data : actionListQuery.parse({}), errors };
}

/** The date that "overdue" is judged at: the one asked for, or today in the UK. */
export function effectiveAsAt(q: ListQuery, today = todayInLondon()): string {
  return q.asAt ?? today;
}

export function sortOf(q: ListQuery): { sort: ActionSort; direction: 'asc' | 'desc' } {
  return { sort: q.sort ?? 'ref', direction: q.dir ?? 'asc' };
}

/** The database query for a page (or, with `all`, every row: exports). */
export function toActionQuery(
  q: ListQuery,
  scope: { tenantId: string; strategyId: string },
  paging: { limit: number; page?: number | undefined },
): ActionQuery {
  const page = paging.page ?? q.page ?? 1;
  return {
    ...scope,
    filters: {
      areaId: q.area,
      priorities: q.priority,
      statuses: q.status,
      postId: q.post,
      dueFrom: q.dueFrom,
      dueTo: q.dueTo,
      overdue: q.overdue,
      needsReview: q.needsReview,
      q: q.q,
      includeArchived: q.archived,
    },
    ...sortOf(q),
    limit: paging.limit,
    offset: (page - 1) * paging.limit,
    asAt: effectiveAsAt(q),
  };
}

/**
 * The canonical query string of a list query (with `?`, or '' when nothing is set), leaving out
 * defaults. Links for sorting, paging and downloads are built from it, so they keep the filters.
 */
export function listSearch(q: ListQuery, overrides: Partial<ListQuery> = {}): string {
  const merged: ListQuery = { ...q, ...overrides };
  const params = new URLSearchParams();
  const set = (key: string, value: string | undefined) => {
    if (value) params.append(key, value);
  };
  set('q', merged.q);
  set('area', merged.area);
  for (const p of merged.priority ?? []) params.append('priority', p);
  for (const s of merged.status ?? []) params.append('status', s);
  set('post', merged.post);
  set('dueFrom', merged.dueFrom);
  set('dueTo', merged.dueTo);
  if (merged.overdue) params.append('overdue', '1');
  if (merged.needsReview) params.append('needsReview', '1');
  if (merged.archived) params.append('archived', '1');
  set('asAt', merged.asAt);
  if (merged.sort && merged.sort !== 'ref') params.append('sort', merged.sort);
  if (merged.dir === 'desc') params.append('dir', 'desc');
  if (merged.page && merged.page > 1) params.append('page', String(merged.page));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** True when any filter (not sort or page) is set. */
export function hasFilters(q: ListQuery): boolean {
  return Boolean(
    q.q ||
    q.area ||
    q.priority?.length ||
    q.status?.length ||
    q.post ||
    q.dueFrom ||
    q.dueTo ||
    q.overdue ||
    q.needsReview ||
    q.archived,
  );
}

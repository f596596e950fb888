import { z } from 'zod';
import { isUuid } from '../../kernel/db/ids.js';
import { parseInput } from '../../kernel/http/validation.js';
import type { FieldError } from '../../kernel/http/errors.js';

/** The filters of the audit trail page and its CSV export, all optional. */
export interface AuditFilters {
  /** A user id, or 'system' for events with no person behind them. */
  person?: string | undefined;
  entityType?: string | undefined;
  entityId?: string | undefined;
  /** Inclusive calendar dates (YYYY-MM-DD), read as days in UK time. */
  from?: string | undefined;
  to?: string | undefined;
}

export type DatePart = 'day' | 'month' | 'year';
const PARTS: readonly DatePart[] = ['day', 'month', 'year'];

export type DateCheck =
  { ok: true; date: string | undefined } | { ok: false; message: string; parts: DatePart[] };

function joinWords(words: string[]): string {
  return words.length <= 1
    ? (words[0] ?? '')
    : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1] ?? ''}`;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Checks the three boxes of a GOV.UK date input and says, in the Design System's words, what is
 * wrong and which boxes to highlight. All three empty means "no date".
 */
export function checkDateParts(
  label: string,
  raw: Partial<Record<DatePart, string | undefined>>,
): DateCheck {
  const value = (p: DatePart) => (raw[p] ?? '').trim();
  const missing = PARTS.filter((p) => value(p) === '');
  if (missing.length === PARTS.length) return { ok: true, date: undefined };
  if (missing.length) {
    return { ok: false, message: `${label} must include a ${joinWords(missing)}`, parts: missing };
  }
  const notNumbers = PARTS.filter((p) => !/^\d+$/.test(value(p)));
  if (notNumbers.length) {
    return { ok: false, message: `${label} must be a real date`, parts: notNumbers };
  }
  if (!/^\d{4}$/.test(value('year'))) {
    return {
      ok: false,
      message: `${label} must have a year with 4 numbers, like 2026`,
      parts: ['year'],
    };
  }
  const [day, month, year] = [Number(value('day')), Number(value('month')), Number(value('year'))];
  if (month < 1 || month > 12) {
    return { ok: false, message: `${label} must be a real date`, parts: ['month'] };
  }
  if (day < 1 || day > daysInMonth(year, month)) {
    return { ok: false, message: `${label} must be a real date`, parts: ['day'] };
  }
  const pad = (n: number) => String(n).padStart(2, '0');
  return { ok: true, date: `${String(year)}-${pad(month)}-${pad(day)}` };
}

/** A query value as one trimmed string, or undefined when blank (a repeated key keeps the first). */
function single(v: unknown): unknown {
  const first: unknown = Array.isArray(v) ? v[0] : v;
  if (typeof first !== 'string') return first;
  const trimmed = first.trim();
  return trimmed === '' ? undefined : trimmed;
}

const SELECT_PERSON = 'Select a person from the list';
const SELECT_TYPE = 'Select a type of record from the list';
const datePart = z.string().max(10).optional();

const DATES = [
  { name: 'from', label: 'From date' },
  { name: 'to', label: 'To date' },
] as const;

function partsOf(v: Partial<Record<string, string | number>>, name: string) {
  const text = (k: string) => {
    const value = v[k];
    return typeof value === 'string' ? value : undefined;
  };
  return { day: text(`${name}-day`), month: text(`${name}-month`), year: text(`${name}-year`) };
}

/** The filter form, read from the query string (a GET form, so filters live in the URL). */
export const filterSchema = z
  .object({
    person: z.preprocess(
      single,
      z
        .string({ error: SELECT_PERSON })
        .refine((v) => v === 'system' || isUuid(v), SELECT_PERSON)
        .optional(),
    ),
    entityType: z.preprocess(
      single,
      z
        .string({ error: SELECT_TYPE })
        .regex(/^[A-Za-z0-9_.-]{1,100}$/, SELECT_TYPE)
        .optional(),
    ),
    entityId: z.preprocess(
      single,
      z
        .string({ error: 'Enter the record ID as text' })
        .max(200, 'Record ID must be 200 characters or fewer')
        .optional(),
    ),
    'from-day': z.preprocess(single, datePart),
    'from-month': z.preprocess(single, datePart),
    'from-year': z.preprocess(single, datePart),
    'to-day': z.preprocess(single, datePart),
    'to-month': z.preprocess(single, datePart),
    'to-year': z.preprocess(single, datePart),
    // Pages come from our own links; a mangled number just means the first page.
    page: z.preprocess(single, z.coerce.number().int().min(1).max(1_000_000).catch(1)).default(1),
  })
  .superRefine((v, ctx) => {
    const dates: Partial<Record<'from' | 'to', string>> = {};
    for (const { name, label } of DATES) {
      const check = checkDateParts(label, partsOf(v, name));
      if (!check.ok) {
        ctx.addIssue({
          code: 'custom',
          path: [`${name}-${check.parts[0] ?? 'day'}`],
          message: check.message,
        });
      } else if (check.date) dates[name] = check.date;
    }
    if (dates.from && dates.to && dates.to < dates.from) {
      ctx.addIssue({
        code: 'custom',
        path: ['to-day'],
        message: 'To date must be the same as or after the from date',
      });
    }
  })
  .transform((v) => {
    const date = (name: 'from' | 'to', label: string) => {
      const check = checkDateParts(label, partsOf(v, name));
      return check.ok ? check.date : undefined;
    };
    const filters: AuditFilters = {
      person: v.person,
      entityType: v.entityType,
      entityId: v.entityId,
      from: date('from', 'From date'),
      to: date('to', 'To date'),
    };
    return { filters, page: v.page };
  });

export type ParsedFilters =
  | { ok: true; filters: AuditFilters; page: number }
  | {
      ok: false;
      errors: FieldError[];
      /** Which boxes of each date input to mark as wrong. */
      dateParts: Record<'from' | 'to', DatePart[]>;
    };

/** Reads the filters from a request's query string. */
export function parseFilters(query: unknown): ParsedFilters {
  const parsed = parseInput(filterSchema, query);
  if (parsed.ok) return { ok: true, ...parsed.data };
  const dateParts: Record<'from' | 'to', DatePart[]> = { from: [], to: [] };
  for (const e of parsed.errors) {
    const match = /^(from|to)-(day|month|year)$/.exec(e.field);
    if (!match) continue;
    const name = match[1] as 'from' | 'to';
    const check = checkDateParts(
      name === 'from' ? 'From date' : 'To date',
      formValues(query, name),
    );
    // A bad range (to before from) marks the whole "to" date.
    dateParts[name] = check.ok ? [...PARTS] : check.parts;
  }
  return { ok: false, errors: parsed.errors, dateParts };
}

function formValues(query: unknown, name: string): Partial<Record<DatePart, string>> {
  const q = (typeof query === 'object' && query !== null ? query : {}) as Record<string, unknown>;
  const text = (k: string) => {
    const v = single(q[k]);
    return typeof v === 'string' ? v : undefined;
  };
  return { day: text(`${name}-day`), month: text(`${name}-month`), year: text(`${name}-year`) };
}

/** What the person typed, for putting back into the form (strings only). */
export function typedValues(query: unknown): Record<string, string> {
  const q = (typeof query === 'object' && query !== null ? query : {}) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(q)) {
    const s = single(v);
    if (typeof s === 'string') out[k] = s;
  }
  return out;
}

/** The query string that reproduces a set of filters (for pagination and the CSV link). */
export function filterQuery(filters: AuditFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.person) params.set('person', filters.person);
  if (filters.entityType) params.set('entityType', filters.entityType);
  if (filters.entityId) params.set('entityId', filters.entityId);
  for (const name of ['from', 'to'] as const) {
    const date = filters[name];
    if (!date) continue;
    const [year = '', month = '', day = ''] = date.split('-');
    params.set(`${name}-day`, String(Number(day)));
    params.set(`${name}-month`, String(Number(month)));
    params.set(`${name}-year`, year);
  }
  return params;
}

// UK time: a filter day runs from midnight to midnight in London, summer time included.
const londonParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

function londonOffsetMs(instant: number): number {
  const parts = Object.fromEntries(
    londonParts.formatToParts(new Date(instant)).map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** The instant a calendar day (YYYY-MM-DD) begins in the UK. */
export function startOfUkDay(date: string): Date {
  const [year = 0, month = 1, day = 1] = date.split('-').map(Number);
  const midnightUtc = Date.UTC(year, month - 1, day);
  // Clocks change at 01:00 UTC, so the offset at UK midnight is the offset an hour either side.
  const guess = midnightUtc - londonOffsetMs(midnightUtc);
  return new Date(midnightUtc - londonOffsetMs(guess));
}

/** The instant the day after a calendar day begins in the UK (an exclusive upper bound). */
export function endOfUkDay(date: string): Date {
  const [year = 0, month = 1, day = 1] = date.split('-').map(Number);
  const next = new Date(Date.UTC(year, month - 1, day + 1)).toISOString().slice(0, 10);
  return startOfUkDay(next);
}

/** Today's date in the UK, as YYYY-MM-DD (for file names). */
export function ukToday(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(now);
}

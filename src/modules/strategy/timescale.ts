/**
 * Timescales as councils write them: "Sept '07", "Jan-Mar 05", "Q3 2011/12", "March 05 Ongoing",
 * "Start Apr '07, complete Aug '09", "2-3 years from now", "TBA".
 *
 * The words are always kept exactly as written. From them we derive what a computer needs: a start
 * and due date, how precise each is, and whether the work is open-ended or recurring. Anything we
 * cannot read with certainty is flagged for review with a note; we never throw and never present a
 * guess as fact.
 *
 * Pure: no I/O and no clock. Relative forms ("NOW", "within 2 years", a month with no year) are
 * placed against the plan's own date, which the caller passes in.
 */

export const TIMESCALE_PRECISIONS = [
  'day',
  'month',
  'quarter',
  'season',
  'financial-year',
  'year',
] as const;
export type TimescalePrecision = (typeof TIMESCALE_PRECISIONS)[number];

export const TIMESCALE_RECURRENCES = [
  'annually',
  'six-monthly',
  'quarterly',
  'monthly',
  'weekly',
] as const;
export type TimescaleRecurrence = (typeof TIMESCALE_RECURRENCES)[number];

export type TimescaleConfidence = 'parsed' | 'partial' | 'unparsed';
export type TimescaleRelative = 'now' | 'asap';

export interface Timescale {
  /** Exactly as written, untouched. */
  text: string;
  start: string | null;
  due: string | null;
  startPrecision: TimescalePrecision | null;
  duePrecision: TimescalePrecision | null;
  ongoing: boolean;
  recurrence: TimescaleRecurrence | null;
  relative: TimescaleRelative | null;
  toBeConfirmed: boolean;
  /** parsed: read fully; partial: read with an assumption (see note); unparsed: no dates derived. */
  confidence: TimescaleConfidence;
  needsReview: boolean;
  /** Why it needs review, in plain English. */
  note?: string;
}

export interface TimescaleContext {
  /** The plan's own date, YYYY-MM-DD. Relative forms and two-digit years are read against it. */
  documentDate: string;
}

// ---------------------------------------------------------------------------------------------
// Calendar helpers (plain integer arithmetic on YYYY-MM-DD strings)

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** The last day (28–31) of a month; month is 1–12. */
export function lastDayOfMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

export function isoDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

interface YMD {
  year: number;
  month: number;
  day: number;
}

function splitIso(iso: string): YMD | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > lastDayOfMonth(year, month)) return null;
  return { year, month, day };
}

export function isValidIsoDate(value: string): boolean {
  return splitIso(value) !== null;
}

/** Moves a YYYY-MM-DD date by whole days (negative to go back). */
export function addDays(iso: string, days: number): string {
  const d = splitIso(iso);
  if (!d) throw new RangeError(`Not a date: ${iso}`);
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + days));
  return isoDate(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

/** Moves a YYYY-MM-DD date by whole months, keeping the day where the month allows (31 Jan + 1 = 29 Feb). */
export function addMonths(iso: string, months: number): string {
  const d = splitIso(iso);
  if (!d) throw new RangeError(`Not a date: ${iso}`);
  const index = d.year * 12 + (d.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return isoDate(year, month, Math.min(d.day, lastDayOfMonth(year, month)));
}

function monthStart(year: number, month: number): string {
  return isoDate(year, month, 1);
}

function monthEnd(year: number, month: number): string {
  return isoDate(year, month, lastDayOfMonth(year, month));
}

/** Month number (1–12) for a name or an abbreviation of at least three letters ("sept", "Jan."). */
function monthNumber(word: string): number | null {
  const w = word.replace(/\.$/, '').toLowerCase();
  if (w.length < 3) return null;
  const index = MONTH_NAMES.findIndex((name) => name.toLowerCase().startsWith(w));
  return index === -1 ? null : index + 1;
}

// ---------------------------------------------------------------------------------------------
// Plain-English rendering (used by describeTimescale and in review notes)

function dayLabel(iso: string): string {
  const d = splitIso(iso);
  return d ? `${d.day} ${MONTH_NAMES[d.month - 1]} ${d.year}` : iso;
}

function monthLabel(iso: string): string {
  const d = splitIso(iso);
  return d ? `${MONTH_NAMES[d.month - 1]} ${d.year}` : iso;
}

function pointLabel(iso: string, precision: TimescalePrecision | null): string {
  if (precision === 'day') return dayLabel(iso);
  if (precision === 'year') return iso.slice(0, 4);
  return monthLabel(iso);
}

const SEASON_BY_START_MONTH: Record<number, string> = {
  3: 'Spring',
  6: 'Summer',
  9: 'Autumn',
  12: 'Winter',
};

function twoDigits(year: number): string {
  return String(year % 100).padStart(2, '0');
}

/** A whole financial year, season and so on read as one unit, or null. */
function singleUnitLabel(start: YMD, due: YMD, precision: TimescalePrecision): string | null {
  if (
    precision === 'financial-year' &&
    start.month === 4 &&
    start.day === 1 &&
    due.month === 3 &&
    due.day === 31 &&
    due.year === start.year + 1
  ) {
    return `financial year ${start.year}/${twoDigits(due.year)} (April ${start.year} to March ${due.year})`;
  }
  const season = SEASON_BY_START_MONTH[start.month];
  if (precision === 'season' && season !== undefined && start.day === 1) {
    const endMonth = ((start.month + 1) % 12) + 1;
    const sameUnit =
      due.month === endMonth &&
      due.day === lastDayOfMonth(due.year, due.month) &&
      due.year === (start.month === 12 ? start.year + 1 : start.year);
    if (sameUnit) {
      const year = start.month === 12 ? `${start.year}/${twoDigits(due.year)}` : `${start.year}`;
      return `${season} ${year} (${MONTH_NAMES[start.month - 1]} to ${MONTH_NAMES[endMonth - 1]})`;
    }
  }
  return null;
}

function rangeLabel(
  start: string,
  startPrecision: TimescalePrecision | null,
  due: string,
  duePrecision: TimescalePrecision | null,
): string {
  const s = splitIso(start);
  const d = splitIso(due);
  if (!s || !d) return `${start} to ${due}`;
  const dayLevel = (p: TimescalePrecision | null) => p === 'day';
  const yearLevel = (p: TimescalePrecision | null) => p === 'year';

  if (startPrecision === duePrecision && startPrecision !== null) {
    const unit = singleUnitLabel(s, d, startPrecision);
    if (unit) return unit;
  }
  if (dayLevel(startPrecision) && dayLevel(duePrecision)) {
    if (start === due) return dayLabel(start);
    if (s.year === d.year && s.month === d.month) return `${s.day} to ${dayLabel(due)}`;
    if (s.year === d.year) return `${s.day} ${MONTH_NAMES[s.month - 1]} to ${dayLabel(due)}`;
    return `${dayLabel(start)} to ${dayLabel(due)}`;
  }
  if (yearLevel(startPrecision) && yearLevel(duePrecision)) {
    return s.year === d.year ? `${s.year}` : `${s.year} to ${d.year}`;
  }
  const monthLevel = (p: TimescalePrecision | null) => !dayLevel(p) && !yearLevel(p);
  if (monthLevel(startPrecision) && monthLevel(duePrecision)) {
    if (s.year === d.year && s.month === d.month) return monthLabel(due);
    if (s.year === d.year) return `${MONTH_NAMES[s.month - 1]} to ${monthLabel(due)}`;
  }
  return `${pointLabel(start, startPrecision)} to ${pointLabel(due, duePrecision)}`;
}

function datesLabel(
  start: string | null,
  startPrecision: TimescalePrecision | null,
  due: string | null,
  duePrecision: TimescalePrecision | null,
): string {
  if (start !== null && due !== null) return rangeLabel(start, startPrecision, due, duePrecision);
  if (start !== null) return `from ${pointLabel(start, startPrecision)}`;
  if (due !== null) return `by ${pointLabel(due, duePrecision)}`;
  return '';
}

const RECURRENCE_WORDS: Record<TimescaleRecurrence, string> = {
  annually: 'Annually',
  'six-monthly': 'Every six months',
  quarterly: 'Quarterly',
  monthly: 'Monthly',
  weekly: 'Weekly',
};

function capitalise(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}

/**
 * The timescale in plain English, sentence case: "March 2008", "October to December 2011",
 * "From March 2005, ongoing", "Annually". Unread timescales come back as the words written.
 */
export function describeTimescale(t: Timescale): string {
  const words = t.text.trim();
  if (t.confidence === 'unparsed') return words === '' ? 'No timescale given' : words;

  const phrases: string[] = [];
  if (t.relative === 'now') phrases.push('now');
  if (t.relative === 'asap') phrases.push('as soon as possible');
  if (t.recurrence) phrases.push(RECURRENCE_WORDS[t.recurrence].toLowerCase());

  // NOW and ASAP carry the plan's date as their dates; saying it again adds nothing.
  const datesFromRelative = t.relative !== null && (t.due === null || t.due === t.start);
  const dates = datesFromRelative
    ? ''
    : datesLabel(t.start, t.startPrecision, t.due, t.duePrecision);
  if (dates) {
    let phrase = t.ongoing ? `${dates}, ongoing` : dates;
    if (t.toBeConfirmed) phrase += ' (to be confirmed)';
    else if (t.confidence === 'partial') phrase += ' (to be checked)';
    phrases.push(phrase);
  } else {
    if (t.ongoing) phrases.push('ongoing');
    if (t.toBeConfirmed) phrases.push('to be confirmed');
  }
  return phrases.length === 0 ? words : capitalise(phrases.join(', '));
}

// ---------------------------------------------------------------------------------------------
// Reading

type Part = 'early' | 'mid' | 'late';
type Half = 'first' | 'second';
type Season = 'spring' | 'summer' | 'autumn' | 'winter';

/** A point or period as written; `year` null means no year was given. */
type Raw =
  | { kind: 'day'; year: number | null; month: number; day: number; week?: 'commencing' | 'ending' }
  | { kind: 'month'; year: number | null; month: number; part?: Part }
  | { kind: 'quarter'; year: number | null; quarter: number; calendar: boolean }
  | { kind: 'season'; year: number | null; season: Season }
  | { kind: 'fy'; year: number | null; half?: Half }
  | { kind: 'year'; year: number; part?: Part; half?: Half };

interface Point {
  raw: Raw;
  /** "End of …": a single deadline day rather than a period. */
  deadline: boolean;
  /** Assumptions made while reading; any note makes the result partial. */
  notes: string[];
}

interface Span {
  start: string;
  end: string;
  precision: TimescalePrecision;
  notes: string[];
}

type ClauseKind = 'plain' | 'from' | 'by' | 'before';

interface Clause {
  kind: ClauseKind;
  point?: Point;
  /** A bare day number, only meaningful as the left side of "3-7 March 2008". */
  dayOnly?: number;
}

interface Dates {
  start: string | null;
  due: string | null;
  startPrecision: TimescalePrecision | null;
  duePrecision: TimescalePrecision | null;
  notes: string[];
  /** Read from one period ("March 05"), so "ongoing" means it starts then and runs on. */
  onePeriod?: boolean;
}

interface Failure {
  fail: string | null;
}

type Result<T> = T | Failure;

function failed<T extends object>(value: Result<T>): value is Failure {
  return 'fail' in value;
}

interface Ctx {
  documentDate: string | null;
  documentYear: number | null;
}

const NO_PLAN_DATE = 'The plan has no date, so this timescale cannot be placed.';

/**
 * Expands a year token ("2008", "08", "'08"). Two-digit years take the century that puts them
 * nearest the plan's date: in a 2007 plan "95" is 1995 and "08" is 2008.
 */
function expandYear(token: string, ctx: Ctx): number | null {
  const digits = token.replace(/\D/g, '');
  if (digits.length === 4) {
    const year = Number(digits);
    return year >= 1900 && year <= 2199 ? year : null;
  }
  if (digits.length !== 2 || ctx.documentYear === null) return null;
  const yy = Number(digits);
  const century = Math.floor(ctx.documentYear / 100) * 100;
  let best = century + yy;
  for (const candidate of [century - 100 + yy, century + 100 + yy]) {
    const distance = Math.abs(candidate - ctx.documentYear);
    const bestDistance = Math.abs(best - ctx.documentYear);
    if (distance < bestDistance || (distance === bestDistance && candidate > best))
      best = candidate;
  }
  return best;
}

/** "2011/12", "2011-12", "2011/2012", "11/12": the first year when the two are consecutive. */
function financialYearPair(a: string, b: string, ctx: Ctx): number | null {
  const first = expandYear(a, ctx);
  if (first === null) return null;
  const second = b.replace(/\D/g, '');
  if (second.length === 4) return Number(second) === first + 1 ? first : null;
  if (second.length === 2) return Number(second) === (first + 1) % 100 ? first : null;
  return null;
}

const MON = `([a-z]{3,9})\\.?`;
const YEAR = `('?\\s?\\d{4}|'?\\s?\\d{2})`;
const ORDINAL = `(?:st|nd|rd|th)?`;
const FY_PAIR = /^('?\d{4}|'?\d{2})\s?[/-]\s?(\d{4}|\d{2})$/;

const RE = {
  iso: /^(\d{4})-(\d{1,2})-(\d{1,2})$/,
  numericDay: /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})$/,
  numericPair: /^(\d{4}|\d{2})\s?([/-])\s?(\d{4}|\d{2})$/,
  numericMonthYear: /^(\d{1,2})\s?[/.-]\s?(\d{4})$/,
  quarterFirst: /^(?:q|qtr|quarter)\s?([1-4])(?:\s(.+))?$/,
  quarterOrdinal: /^([1-4])(?:st|nd|rd|th)\s(?:quarter|qtr)(?:\s(.+))?$/,
  quarterLast: /^(.+?)\s(?:q|qtr|quarter)\s?([1-4])$/,
  financialYearBefore: /^(?:fy|f\/y|financial year|fiscal year|fin\.? year)\s?(.+)$/,
  financialYearAfter: /^(.+?)\s(?:fy|financial year|fiscal year)$/,
  financialYearAlone: /^(?:fy|financial year|fiscal year)$/,
  season: /^(spring|summer|autumn|fall|winter)(?:\s(?:of\s)?(.+))?$/,
  partOf: /^(early|mid|middle of|late|end of|start of|beginning of)(?:\s?-\s?|\s)(?:the\s)?(.+)$/,
  half: /^(first half|1st half|second half|2nd half|h1|h2)(?:\sof)?\s(?:the\s)?(.+)$/,
  week: /^(w\/c|w\/b|w\/e|w\.c\.?|w\.e\.?|wc|we|wb|week commencing|week beginning|week starting|week ending)\s?(.+)$/,
  dayMonthYear: new RegExp(`^(\\d{1,2})${ORDINAL}(?:\\sof)?[\\s-]?${MON}(?:[\\s,-]+${YEAR})?$`),
  monthDayYear: new RegExp(`^${MON}\\s(\\d{1,2})${ORDINAL},?\\s${YEAR}$`),
  monthDayOrdinal: new RegExp(`^${MON}\\s(\\d{1,2})(?:st|nd|rd|th)$`),
  monthYear: new RegExp(`^${MON}[\\s,-]*${YEAR}$`),
  monthAlone: new RegExp(`^${MON}$`),
  year: /^'?(\d{4})$|^'(\d{2})$/,
  relativePeriod:
    /^(?:the\s)?(this|current|next|following)\s(calendar year|year|financial year|fy|month)$/,
};

function point(raw: Raw, notes: string[] = []): Point {
  return { raw, deadline: false, notes };
}

function dayRaw(day: number, month: number, year: number | null): Raw | null {
  if (month < 1 || month > 12 || day < 1) return null;
  if (day > (year === null ? lastDayOfMonth(2000, month) : lastDayOfMonth(year, month)))
    return null;
  return { kind: 'day', year, month, day };
}

function notRealDate(s: string): Failure {
  return { fail: `“${s}” is not a real date.` };
}

/** The year part after a quarter: "2011/12" (financial), "FY 11/12", or "2011" (calendar, flagged). */
function quarterYear(text: string | undefined, quarter: number, ctx: Ctx): Result<Point> {
  if (text === undefined) return point({ kind: 'quarter', year: null, quarter, calendar: false });
  let rest = text.trim().replace(/^(?:of\s)?(?:the\s)?/, '');
  const financialWord = /^(?:fy|f\/y|financial year|fiscal year)\s?/.exec(rest);
  if (financialWord) rest = rest.slice(financialWord[0].length);
  const pair = FY_PAIR.exec(rest);
  if (pair?.[1] !== undefined && pair[2] !== undefined) {
    const year = financialYearPair(pair[1], pair[2], ctx);
    return year === null
      ? { fail: null }
      : point({ kind: 'quarter', year, quarter, calendar: false });
  }
  const single = /^('?\s?\d{4}|'\d{2})$/.exec(rest);
  if (single?.[1] !== undefined && !financialWord) {
    const year = expandYear(single[1], ctx);
    if (year === null) return { fail: null };
    return point({ kind: 'quarter', year, quarter, calendar: true }, [
      `“Q${quarter} ${year}” could be a calendar or a financial quarter; it was read as the calendar quarter.`,
    ]);
  }
  return { fail: null };
}

function seasonPoint(name: string, yearText: string | undefined, ctx: Ctx): Result<Point> {
  const season: Season = name === 'fall' ? 'autumn' : (name as Season);
  if (yearText === undefined) return point({ kind: 'season', year: null, season });
  const pair = FY_PAIR.exec(yearText);
  if (pair?.[1] !== undefined && pair[2] !== undefined) {
    // "Winter 2008/09" names both years it spans; other seasons sit in one year.
    if (season !== 'winter') return { fail: null };
    const year = financialYearPair(pair[1], pair[2], ctx);
    return year === null ? { fail: null } : point({ kind: 'season', year, season });
  }
  if (!/^('?\s?\d{4}|'?\s?\d{2})$/.test(yearText)) return { fail: null };
  const year = expandYear(yearText, ctx);
  return year === null ? { fail: null } : point({ kind: 'season', year, season });
}

function relativePeriodPoint(which: string, unit: string, ctx: Ctx): Result<Point> {
  if (ctx.documentDate === null || ctx.documentYear === null) return { fail: NO_PLAN_DATE };
  const shift = which === 'next' || which === 'following' ? 1 : 0;
  const note = `Counted from the plan's date (${dayLabel(ctx.documentDate)}).`;
  const doc = splitIso(ctx.documentDate);
  if (!doc) return { fail: NO_PLAN_DATE };
  if (unit === 'month') {
    const first = addMonths(monthStart(doc.year, doc.month), shift);
    const m = splitIso(first);
    return m ? point({ kind: 'month', year: m.year, month: m.month }, [note]) : { fail: null };
  }
  if (unit === 'financial year' || unit === 'fy') {
    const fyStart = doc.month >= 4 ? doc.year : doc.year - 1;
    return point({ kind: 'fy', year: fyStart + shift }, [note]);
  }
  return point({ kind: 'year', year: doc.year + shift }, [note]);
}

/** Reads one point or period, with nothing around it. */
function parsePoint(s: string, ctx: Ctx): Result<Point> {
  let m: RegExpExecArray | null;

  if ((m = RE.iso.exec(s))) {
    const raw = dayRaw(Number(m[3]), Number(m[2]), Number(m[1]));
    return raw ? point(raw) : notRealDate(s);
  }
  if ((m = RE.numericDay.exec(s))) {
    // UK order: day first.
    const year = expandYear(m[4] ?? '', ctx);
    if (year === null) return { fail: ctx.documentYear === null ? NO_PLAN_DATE : null };
    const raw = dayRaw(Number(m[1]), Number(m[3]), year);
    return raw ? point(raw) : notRealDate(s);
  }
  if ((m = RE.numericPair.exec(s))) {
    const [a, separator, b] = [m[1] ?? '', m[2], m[3] ?? ''];
    const year = financialYearPair(a, b, ctx);
    if (year !== null) {
      const fy = `${year}/${twoDigits(year + 1)}`;
      if (a.length === 2) {
        return point({ kind: 'fy', year }, [
          `“${s}” was read as the financial year ${fy}; it could also mean a month and year.`,
        ]);
      }
      if (separator === '-' && b.length === 4) {
        return point({ kind: 'fy', year }, [
          `“${s}” was read as the financial year ${fy}; it could also mean two calendar years.`,
        ]);
      }
      return point({ kind: 'fy', year });
    }
    if (a.length === 2 || b.length === 2) {
      return {
        fail: `“${s}” can be read more than one way (for example as a month or a span of years).`,
      };
    }
    return { fail: null };
  }
  if ((m = RE.numericMonthYear.exec(s))) {
    const month = Number(m[1]);
    const year = expandYear(m[2] ?? '', ctx);
    if (month < 1 || month > 12 || year === null) return notRealDate(s);
    return point({ kind: 'month', year, month });
  }
  if ((m = RE.quarterFirst.exec(s))) return quarterYear(m[2], Number(m[1]), ctx);
  if ((m = RE.quarterOrdinal.exec(s))) return quarterYear(m[2], Number(m[1]), ctx);
  if ((m = RE.quarterLast.exec(s))) {
    const yearText = m[1] ?? '';
    if (!FY_PAIR.test(yearText.replace(/^(?:fy|financial year)\s?/, ''))) return { fail: null };
    return quarterYear(yearText, Number(m[2]), ctx);
  }
  if ((m = RE.relativePeriod.exec(s))) return relativePeriodPoint(m[1] ?? '', m[2] ?? '', ctx);
  if (RE.financialYearAlone.test(s)) return point({ kind: 'fy', year: null });
  const named = RE.financialYearBefore.exec(s) ?? RE.financialYearAfter.exec(s);
  const namedPair = named ? FY_PAIR.exec(named[1] ?? '') : null;
  if (namedPair?.[1] !== undefined && namedPair[2] !== undefined) {
    const year = financialYearPair(namedPair[1], namedPair[2], ctx);
    return year === null ? { fail: null } : point({ kind: 'fy', year });
  }
  if ((m = RE.season.exec(s))) return seasonPoint(m[1] ?? '', m[2], ctx);
  if ((m = RE.partOf.exec(s))) return partOfPoint(m[1] ?? '', m[2] ?? '', ctx);
  if ((m = RE.half.exec(s))) return halfPoint(m[1] ?? '', m[2] ?? '', ctx);
  if ((m = RE.week.exec(s))) {
    const inner = parsePoint((m[2] ?? '').trim(), ctx);
    if (failed(inner)) return inner;
    if (inner.raw.kind !== 'day' || inner.raw.week) return { fail: null };
    const ending = /^(?:w\/e|w\.e\.?|we|week ending)$/.test(m[1] ?? '');
    return { ...inner, raw: { ...inner.raw, week: ending ? 'ending' : 'commencing' } };
  }
  if ((m = RE.dayMonthYear.exec(s))) {
    const month = monthNumber(m[2] ?? '');
    if (month === null) return { fail: null };
    const year = m[3] === undefined ? null : expandYear(m[3], ctx);
    if (m[3] !== undefined && year === null) return { fail: null };
    const raw = dayRaw(Number(m[1]), month, year);
    return raw ? point(raw) : notRealDate(s);
  }
  if ((m = RE.monthYear.exec(s))) {
    const month = monthNumber(m[1] ?? '');
    const year = expandYear(m[2] ?? '', ctx);
    if (month === null) return { fail: null };
    if (year === null) return { fail: ctx.documentYear === null ? NO_PLAN_DATE : null };
    return point({ kind: 'month', year, month });
  }
  if ((m = RE.monthDayYear.exec(s) ?? RE.monthDayOrdinal.exec(s))) {
    const month = monthNumber(m[1] ?? '');
    if (month === null) return { fail: null };
    const year = m[3] === undefined ? null : expandYear(m[3], ctx);
    if (m[3] !== undefined && year === null) return { fail: null };
    const raw = dayRaw(Number(m[2]), month, year);
    return raw ? point(raw) : notRealDate(s);
  }
  if ((m = RE.monthAlone.exec(s))) {
    const month = monthNumber(m[1] ?? '');
    return month === null ? { fail: null } : point({ kind: 'month', year: null, month });
  }
  if ((m = RE.year.exec(s))) {
    const year = expandYear(m[1] ?? m[2] ?? '', ctx);
    return year === null ? { fail: null } : point({ kind: 'year', year });
  }
  return { fail: null };
}

/** "mid 2008", "early March", "end of Feb 2005", "beginning of Q3 2011/12". */
function partOfPoint(word: string, rest: string, ctx: Ctx): Result<Point> {
  const inner = parsePoint(rest.trim(), ctx);
  if (failed(inner)) return inner;
  if (inner.deadline) return { fail: null };
  if (word === 'end of') return { ...inner, deadline: true };
  const part: Part =
    word === 'late' ? 'late' : word === 'mid' || word === 'middle of' ? 'mid' : 'early';
  const raw = inner.raw;
  if (raw.kind === 'month' && raw.part === undefined) {
    return { ...inner, raw: { ...raw, part } };
  }
  if (raw.kind === 'year' && raw.part === undefined) {
    return { ...inner, raw: { ...raw, part } };
  }
  return { fail: null };
}

/** "first half of 2008" (January to June), "H2 2011/12" (October to March). */
function halfPoint(word: string, rest: string, ctx: Ctx): Result<Point> {
  const inner = parsePoint(rest.trim(), ctx);
  if (failed(inner) || inner.deadline) return { fail: null };
  const half: Half =
    word.startsWith('f') || word.startsWith('1') || word === 'h1' ? 'first' : 'second';
  const raw = inner.raw;
  if ((raw.kind === 'year' && raw.part === undefined) || raw.kind === 'fy') {
    if (raw.half !== undefined) return { fail: null };
    return { ...inner, raw: { ...raw, half } };
  }
  return { fail: null };
}

function isYearless(raw: Raw): boolean {
  return raw.year === null;
}

const PART_DAYS: Record<Part, [number, number | null]> = {
  early: [1, 10],
  mid: [11, 20],
  late: [21, null],
};
const PART_MONTHS: Record<Part, [number, number]> = {
  early: [1, 4],
  mid: [5, 8],
  late: [9, 12],
};
const SEASON_START: Record<Season, number> = { spring: 3, summer: 6, autumn: 9, winter: 12 };

/** The dates a point covers; `year` fills in a missing year. */
function buildSpan(p: Point, year?: number): Span | null {
  const raw = p.raw;
  const y = raw.year ?? year;
  if (y === undefined) return null;
  let span: Span;
  switch (raw.kind) {
    case 'day': {
      if (raw.day > lastDayOfMonth(y, raw.month)) return null;
      const day = isoDate(y, raw.month, raw.day);
      span = { start: day, end: day, precision: 'day', notes: [] };
      if (raw.week === 'commencing') span.end = addDays(day, 6);
      if (raw.week === 'ending') span.start = addDays(day, -6);
      break;
    }
    case 'month': {
      if (raw.part) {
        const [from, to] = PART_DAYS[raw.part];
        span = {
          start: isoDate(y, raw.month, from),
          end: isoDate(y, raw.month, to ?? lastDayOfMonth(y, raw.month)),
          precision: 'day',
          notes: [],
        };
      } else {
        span = {
          start: monthStart(y, raw.month),
          end: monthEnd(y, raw.month),
          precision: 'month',
          notes: [],
        };
      }
      break;
    }
    case 'quarter': {
      // UK financial quarters: Q1 is April to June; calendar quarters start in January.
      const firstMonth = raw.calendar ? (raw.quarter - 1) * 3 + 1 : ((raw.quarter * 3) % 12) + 1;
      const startYear = !raw.calendar && raw.quarter === 4 ? y + 1 : y;
      span = {
        start: monthStart(startYear, firstMonth),
        end: monthEnd(startYear, firstMonth + 2),
        precision: 'quarter',
        notes: [],
      };
      break;
    }
    case 'season': {
      const first = SEASON_START[raw.season];
      const endYear = raw.season === 'winter' ? y + 1 : y;
      const endMonth = raw.season === 'winter' ? 2 : first + 2;
      span = {
        start: monthStart(y, first),
        end: monthEnd(endYear, endMonth),
        precision: 'season',
        notes: [],
      };
      break;
    }
    case 'fy':
      if (raw.half) {
        // Halves of a financial year: April to September, then October to March.
        span =
          raw.half === 'first'
            ? { start: isoDate(y, 4, 1), end: isoDate(y, 9, 30), precision: 'month', notes: [] }
            : {
                start: isoDate(y, 10, 1),
                end: isoDate(y + 1, 3, 31),
                precision: 'month',
                notes: [],
              };
      } else {
        span = {
          start: isoDate(y, 4, 1),
          end: isoDate(y + 1, 3, 31),
          precision: 'financial-year',
          notes: [],
        };
      }
      break;
    case 'year': {
      if (raw.part) {
        const [from, to] = PART_MONTHS[raw.part];
        span = { start: monthStart(y, from), end: monthEnd(y, to), precision: 'month', notes: [] };
      } else if (raw.half) {
        const from = raw.half === 'first' ? 1 : 7;
        span = {
          start: monthStart(y, from),
          end: monthEnd(y, from + 5),
          precision: 'month',
          notes: [],
        };
      } else {
        span = { start: isoDate(y, 1, 1), end: isoDate(y, 12, 31), precision: 'year', notes: [] };
      }
      break;
    }
  }
  const notes = [...p.notes];
  if ((raw.kind === 'month' || raw.kind === 'year') && raw.part) {
    notes.push(
      `“${raw.part}” is approximate: read as ${rangeLabel(span.start, span.precision, span.end, span.precision)}.`,
    );
  }
  if (p.deadline) return { start: span.end, end: span.end, precision: 'day', notes };
  return { ...span, notes };
}

function describeSpan(span: Span): string {
  return rangeLabel(span.start, span.precision, span.end, span.precision);
}

/** A point with no year: the first one that ends on or after the plan's date. */
function inferYear(p: Point, ctx: Ctx): Result<Span> {
  if (ctx.documentDate === null || ctx.documentYear === null) return { fail: NO_PLAN_DATE };
  for (let y = ctx.documentYear - 1; y <= ctx.documentYear + 2; y++) {
    const span = buildSpan(p, y);
    if (span && span.end >= ctx.documentDate) {
      span.notes.push(
        `No year was given: read as ${describeSpan(span)}, the first on or after the plan's date.`,
      );
      return span;
    }
  }
  return { fail: null };
}

function resolveAlone(p: Point, ctx: Ctx): Result<Span> {
  if (isYearless(p.raw)) return inferYear(p, ctx);
  return buildSpan(p) ?? { fail: null };
}

/** The left side of a range with no year of its own ("Jan" in "Jan-Mar 05"), placed before the right. */
function resolveBefore(p: Point, right: Span): Span | null {
  const year = Number(right.end.slice(0, 4));
  for (const y of [year, year - 1]) {
    const span = buildSpan(p, y);
    if (span && span.start <= right.start) return span;
  }
  return null;
}

/** The right side of a range with no year ("Mar" in "Jan 05 - Mar"), placed after the left. */
function resolveAfter(p: Point, left: Span): Span | null {
  const year = Number(left.start.slice(0, 4));
  for (const y of [year, year + 1]) {
    const span = buildSpan(p, y);
    if (span && span.start >= left.start) return span;
  }
  return null;
}

const CLAUSE_PREFIXES: { re: RegExp; kind: ClauseKind | null }[] = [
  { re: /^(?:in|during|for|at|on|of|the|within)[:\s]\s*/, kind: null },
  {
    re: /^(?:from|start(?:s|ing|ed)?|commenc(?:e|es|ed|ing)|begin(?:s|ning)?|between)(?!\sof\b)[:\s]\s*/,
    kind: 'from',
  },
  {
    re: /^(?:by|due(?:\s(?:by|date|in|on))?|complete(?:d|s)?(?:\s(?:by|in))?|completion(?:\s(?:by|date|in))?|finish(?:ed|es)?(?:\s(?:by|in))?|ends?(?!\sof\b)|ending|until|till|til|up to|deadline|target(?:\sdate)?|no later than|not later than|nlt|deliver(?:ed|y)?(?:\sby)?)[:\s]\s*/,
    kind: 'by',
  },
  { re: /^(?:before|prior to|in advance of)[:\s]\s*/, kind: 'before' },
];

/** One side of a timescale: an optional "from"/"by"/"before" and a point. */
function parseClause(s: string, ctx: Ctx, allowDayOnly: boolean): Result<Clause> {
  let rest = s.trim();
  let kind: ClauseKind = 'plain';
  for (let guard = 0; guard < 8; guard++) {
    const prefix = CLAUSE_PREFIXES.find(({ re }) => re.test(rest));
    if (!prefix) break;
    rest = rest.replace(prefix.re, '');
    if (prefix.kind === null) continue;
    if (kind !== 'plain' && kind !== prefix.kind) return { fail: null };
    kind = prefix.kind;
  }
  const latest = /\s(?:at the\s)?latest$/.exec(rest);
  if (latest) {
    if (kind !== 'plain' && kind !== 'by') return { fail: null };
    kind = 'by';
    rest = rest.slice(0, latest.index);
  }
  rest = rest.trim();
  if (!rest) return { fail: null };
  const day = /^(\d{1,2})(?:st|nd|rd|th)?$/.exec(rest);
  if (day)
    return allowDayOnly && kind !== 'by' ? { kind, dayOnly: Number(day[1]) } : { fail: null };
  const p = parsePoint(rest, ctx);
  return failed(p) ? p : { kind, point: p };
}

function single(clause: Clause, ctx: Ctx): Result<Dates> {
  if (!clause.point) return { fail: null };
  const span = resolveAlone(clause.point, ctx);
  if (failed(span)) return span;
  const notes = span.notes;
  switch (clause.kind) {
    case 'from':
      return {
        start: span.start,
        due: null,
        startPrecision: span.precision,
        duePrecision: null,
        notes,
      };
    case 'by':
      return {
        start: null,
        due: span.end,
        startPrecision: null,
        duePrecision: span.precision,
        notes,
      };
    case 'before':
      return {
        start: null,
        due: addDays(span.start, -1),
        startPrecision: null,
        duePrecision: 'day',
        notes,
      };
    case 'plain':
      if (clause.point.deadline) {
        return { start: null, due: span.end, startPrecision: null, duePrecision: 'day', notes };
      }
      return {
        start: span.start,
        due: span.end,
        startPrecision: span.precision,
        duePrecision: span.precision,
        notes,
        onePeriod: true,
      };
  }
}

function range(left: Clause, right: Clause, ctx: Ctx): Result<Dates> {
  if (left.kind !== 'plain' && left.kind !== 'from') return { fail: null };
  if ((right.kind !== 'plain' && right.kind !== 'by') || !right.point) return { fail: null };

  let leftSpan: Span | null;
  let rightSpan: Span | null;
  if (left.dayOnly !== undefined) {
    // "3-7 March 2008": the first day borrows the month and year of the second.
    const r = resolveAlone(right.point, ctx);
    if (failed(r) || right.point.raw.kind !== 'day' || right.point.raw.week) return { fail: null };
    const month = right.point.raw.month;
    const year = Number(r.start.slice(0, 4));
    if (left.dayOnly < 1 || left.dayOnly > lastDayOfMonth(year, month)) return { fail: null };
    const day = isoDate(year, month, left.dayOnly);
    leftSpan = { start: day, end: day, precision: 'day', notes: [] };
    rightSpan = r;
  } else if (!left.point) {
    return { fail: null };
  } else if (isYearless(right.point.raw) && !isYearless(left.point.raw)) {
    leftSpan = buildSpan(left.point);
    rightSpan = leftSpan && resolveAfter(right.point, leftSpan);
  } else {
    const r = resolveAlone(right.point, ctx);
    if (failed(r)) return r;
    rightSpan = r;
    leftSpan = isYearless(left.point.raw) ? resolveBefore(left.point, r) : buildSpan(left.point);
  }
  if (!leftSpan || !rightSpan) return { fail: null };
  if (leftSpan.start > rightSpan.end) {
    return { fail: 'The timescale seems to end before it starts.' };
  }
  return {
    start: leftSpan.start,
    due: rightSpan.end,
    startPrecision: leftSpan.precision,
    duePrecision: right.point.deadline ? 'day' : rightSpan.precision,
    notes: [...leftSpan.notes, ...rightSpan.notes],
  };
}

const RANGE_SEPARATORS = /\s?(?:-|\/|&|,|;)\s?|\s(?:to|until|till|til|through|thru|and|then)\s/g;

function sameDates(a: Dates, b: Dates): boolean {
  return (
    a.start === b.start &&
    a.due === b.due &&
    a.startPrecision === b.startPrecision &&
    a.duePrecision === b.duePrecision
  );
}

/** A single point ("Sept '07") or a range ("Jan-Mar 05", "Start Apr '07, complete Aug '09"). */
function parseDates(s: string, ctx: Ctx): Result<Dates> {
  const whole = parseClause(s, ctx, false);
  if (!failed(whole)) return single(whole, ctx);

  const found: Dates[] = [];
  let reason = whole.fail;
  for (const match of s.matchAll(RANGE_SEPARATORS)) {
    const left = s.slice(0, match.index).trim();
    const right = s.slice(match.index + match[0].length).trim();
    if (!left || !right) continue;
    const l = parseClause(left, ctx, true);
    const r = parseClause(right, ctx, false);
    if (failed(l) || failed(r)) continue;
    const dates = range(l, r, ctx);
    if (failed(dates)) {
      reason = dates.fail ?? reason;
      continue;
    }
    if (!found.some((f) => sameDates(f, dates))) found.push(dates);
  }
  if (found.length === 1 && found[0]) return found[0];
  if (found.length > 1) return { fail: 'It can be read in more than one way.' };
  return { fail: reason };
}

// ---------------------------------------------------------------------------------------------
// Words that are not dates: flags taken out before the dates are read

const NOTHING = /^(?:-+|n\/?a|none|nil|not applicable)$/;

const TO_BE_CONFIRMED =
  /\b(?:tba|tbc|tbd|to be (?:agreed|confirmed|arranged|advised|decided|determined|announced|set|scheduled|fixed)|not yet (?:agreed|known|set|decided|scheduled))\b|\bt\.b\.[acd]\b\.?/g;

const RECURRENCES: [RegExp, TimescaleRecurrence][] = [
  // Six-monthly first, so "half-yearly" and "six monthly" are not read as yearly or monthly.
  [
    /\b(?:on a\s)?(?:six[\s-]?monthly|6[\s-]?monthly|half[\s-]?yearly) basis\b|\b(?:six[\s-]?monthly|6[\s-]?monthly|half[\s-]?yearly|twice (?:a|per|each) year|every (?:six|6) months)\b/g,
    'six-monthly',
  ],
  [
    /\b(?:on an?\s)?(?:annual|yearly) basis\b|\b(?:annually|annual|yearly|each year|every year|once a year|per annum|every (?:12|twelve) months)\b/g,
    'annually',
  ],
  [
    /\b(?:on a\s)?quarterly basis\b|\b(?:quarterly|every quarter|each quarter|every (?:three|3) months)\b/g,
    'quarterly',
  ],
  [/\b(?:on a\s)?monthly basis\b|\b(?:monthly|every month|each month)\b/g, 'monthly'],
  [/\b(?:on a\s)?weekly basis\b|\b(?:weekly|every week|each week)\b/g, 'weekly'],
];

const ONGOING =
  /\b(?:on[\s-]?going|continuous(?:ly)?|continuing|continual(?:ly)?|and beyond|onwards?|open[\s-]ended)\b/g;

const APPROXIMATE =
  /\b(?:approx(?:imately)?|circa|around|about|roughly|est(?:imated)?|provisional(?:ly)?|indicative)\b\.?|(?:^|\s)ca?\.\s?(?=['\d])/g;

const NOW = /\b(?:now|immediate(?:ly)?|right away|straight away|with immediate effect)\b/g;
const ASAP =
  /\b(?:as soon as (?:possible|practicable|practical)|asap|soonest)\b|\ba\.s\.a\.p\b\.?/g;

const NUMBER_WORDS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  eighteen: 18,
};
const NUMBER = `(\\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen)`;
const DURATION = new RegExp(
  `^(?:(?:within|in|over|inside|during)\\s)?(?:the\\s)?(?:next\\s)?(?:${NUMBER}\\s?(?:-|to|or)\\s?)?${NUMBER}\\s?(years?|yrs?|months?|mths?|weeks?|wks?)'?(?:\\s(?:from now|time|hence|from (?:the\\s)?(?:date of\\s)?(?:this|the) (?:plan|strategy|document)))?$`,
);

/** Connectors left behind once a flag is taken out: "May 2005 &", "(  )", "July 2005-". */
function tidy(s: string): string {
  let out = s
    .replace(/[()[\]{}]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const edges =
    /^(?:[-,;:/&+.]|and\b|then\b|with\b|plus\b)\s*|\s*(?:[-,;:/&+]|\band|\bthen|\bwith|\bplus)$/;
  for (let guard = 0; guard < 20 && edges.test(out); guard++) out = out.replace(edges, '').trim();
  return out;
}

const FILLER_ONLY = /^(?:(?:the|a|date|dates|target|timescale|deadline|is|be|and|with)\s?)+$/;

function normalise(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019\u201a\u201b\u2032\u00b4`]/g, "'")
    .replace(/[\u201c\u201d\u201e"]/g, ' ')
    .replace(/[\u2010-\u2015\u2212\ufe58\ufe63]/g, '-')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[.,;:!\s]+$/, '');
}

function documentContext(documentDate: unknown): Ctx {
  if (typeof documentDate === 'string' && isValidIsoDate(documentDate)) {
    return { documentDate, documentYear: Number(documentDate.slice(0, 4)) };
  }
  return { documentDate: null, documentYear: null };
}

function blank(text: string): Timescale {
  return {
    text,
    start: null,
    due: null,
    startPrecision: null,
    duePrecision: null,
    ongoing: false,
    recurrence: null,
    relative: null,
    toBeConfirmed: false,
    confidence: 'unparsed',
    needsReview: false,
  };
}

function unread(text: string, reason: string | null): Timescale {
  const advice = 'Check the words and set the start and due dates by hand.';
  return {
    ...blank(text),
    needsReview: true,
    note: reason ? `${reason} ${advice}` : `Waymark could not read this timescale. ${advice}`,
  };
}

/** Takes every match of `re` out of `s`, counting them. */
function takeOut(s: string, re: RegExp): [string, number] {
  let count = 0;
  const rest = s.replace(re, () => {
    count++;
    return ' ';
  });
  return [rest, count];
}

function durationDates(m: RegExpExecArray, ctx: Ctx): Result<Dates> {
  if (ctx.documentDate === null) return { fail: NO_PLAN_DATE };
  const toNumber = (word: string | undefined) =>
    word === undefined ? null : (NUMBER_WORDS[word] ?? Number(word));
  const near = toNumber(m[1]);
  const far = toNumber(m[2]);
  const unit = m[3] ?? '';
  if (far === null || far <= 0 || far > 100 || (near !== null && near > far)) return { fail: null };
  let due: string;
  let precision: TimescalePrecision;
  if (unit.startsWith('y')) {
    due = addMonths(ctx.documentDate, far * 12);
    precision = 'year';
  } else if (unit.startsWith('m')) {
    due = addMonths(ctx.documentDate, far);
    precision = 'month';
  } else {
    due = addDays(ctx.documentDate, far * 7);
    precision = 'day';
  }
  const span = near === null ? '' : ' The later end of the range is used.';
  return {
    start: null,
    due,
    startPrecision: null,
    duePrecision: precision,
    notes: [`Counted from the plan's date (${dayLabel(ctx.documentDate)}).${span}`],
  };
}

function readTimescale(text: string, context: TimescaleContext): Timescale {
  let s = normalise(text);
  if (!s || NOTHING.test(s)) return blank(text);
  if (s.length > 120) return unread(text, 'This is too long to be a timescale.');
  const ctx = documentContext(context.documentDate);
  const notes: string[] = [];

  let count: number;
  [s, count] = takeOut(s, TO_BE_CONFIRMED);
  const toBeConfirmed = count > 0;

  const recurrences = new Set<TimescaleRecurrence>();
  for (const [re, recurrence] of RECURRENCES) {
    [s, count] = takeOut(s, re);
    if (count > 0) recurrences.add(recurrence);
  }
  if (recurrences.size > 1)
    return unread(text, 'It names more than one repeat (such as annually and monthly).');
  const recurrence = [...recurrences][0] ?? null;

  [s, count] = takeOut(s, ONGOING);
  const ongoing = count > 0;

  [s, count] = takeOut(s, APPROXIMATE);
  if (count > 0) notes.push('It is marked as approximate.');

  s = tidy(s);
  let dates: Result<Dates> | null = null;
  const duration = DURATION.exec(s);
  if (duration) {
    dates = durationDates(duration, ctx);
    s = '';
  }

  let relative: TimescaleRelative | null = null;
  [s, count] = takeOut(s, NOW);
  if (count > 0) relative = 'now';
  [s, count] = takeOut(s, ASAP);
  if (count > 0) relative = relative ?? 'asap';
  if (relative !== null && dates !== null) return unread(text, null);

  s = tidy(s);
  if (s && !FILLER_ONLY.test(s)) dates = parseDates(s, ctx);
  if (dates !== null && failed(dates)) return unread(text, dates.fail);

  const found = dates ?? {
    start: null,
    due: null,
    startPrecision: null,
    duePrecision: null,
    notes: [],
  };
  notes.push(...found.notes);
  const timescale: Timescale = {
    ...blank(text),
    start: found.start,
    due: found.due,
    startPrecision: found.startPrecision,
    duePrecision: found.duePrecision,
    ongoing,
    recurrence,
    relative,
    toBeConfirmed,
  };

  const hasDates = found.start !== null || found.due !== null;
  if (!hasDates && !ongoing && !recurrence && !relative && !toBeConfirmed) {
    return unread(text, null);
  }
  if (relative !== null && !hasDates) {
    if (ctx.documentDate === null) return unread(text, NO_PLAN_DATE);
    // "NOW" starts and is due on the plan's date; "ASAP" has no real date, so say so.
    timescale.start = ctx.documentDate;
    timescale.startPrecision = 'day';
    timescale.due = ongoing ? null : ctx.documentDate;
    timescale.duePrecision = ongoing ? null : 'day';
    if (relative === 'asap') {
      notes.push(
        `“As soon as possible” gives no date, so the plan's date (${dayLabel(ctx.documentDate)}) is used until a real one is set.`,
      );
    }
  }
  // Open-ended work has a start but no end, unless a deadline is written too.
  if (ongoing && found.onePeriod === true) {
    timescale.due = null;
    timescale.duePrecision = null;
  }
  if (toBeConfirmed && hasDates)
    notes.push('It is marked as to be confirmed, so the dates may change.');

  if (notes.length > 0) {
    timescale.confidence = 'partial';
    timescale.needsReview = true;
    timescale.note = notes.join(' ');
  } else {
    timescale.confidence = 'parsed';
  }
  return timescale;
}

/**
 * Reads a timescale as a council wrote it. Never throws: anything it cannot read is returned with
 * no dates, confidence 'unparsed' and a note saying why. A missing cell (null) reads as blank.
 */
export function parseTimescale(
  text: string | null | undefined,
  context: TimescaleContext,
): Timescale {
  // Callers are typed, but cells come from imports and old rows: take whatever arrives.
  const value: unknown = text;
  const original = typeof value === 'string' ? value : typeof value === 'number' ? `${value}` : '';
  try {
    return readTimescale(original, context);
  } catch {
    return unread(original, null);
  }
}

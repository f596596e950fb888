import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  describeTimescale,
  isValidIsoDate,
  lastDayOfMonth,
  parseTimescale,
  type Timescale,
  type TimescaleConfidence,
  type TimescalePrecision,
  type TimescaleRecurrence,
  type TimescaleRelative,
} from './timescale.js';

/** The sample action plan is for 2007/08; the sample strategy covers 2005 to 2007. */
const PLAN_2007 = '2007-04-01';
const STRATEGY_2005 = '2005-01-01';
const PLAN_2011 = '2011-04-01';

interface Expected {
  start: string | null;
  due: string | null;
  startPrecision: TimescalePrecision | null;
  duePrecision: TimescalePrecision | null;
  ongoing: boolean;
  recurrence: TimescaleRecurrence | null;
  confidence: TimescaleConfidence;
  relative: TimescaleRelative | null;
  toBeConfirmed: boolean;
}

interface Row {
  text: string;
  doc: string;
  expected: Expected;
}

type Extra = Partial<Expected> & { doc?: string };

const NONE: Expected = {
  start: null,
  due: null,
  startPrecision: null,
  duePrecision: null,
  ongoing: false,
  recurrence: null,
  confidence: 'parsed',
  relative: null,
  toBeConfirmed: false,
};

/** A period with the same precision at both ends. */
function period(
  text: string,
  start: string | null,
  due: string | null,
  precision: TimescalePrecision | null,
  extra: Extra = {},
): Row {
  const { doc = PLAN_2007, ...rest } = extra;
  return {
    text,
    doc,
    expected: {
      ...NONE,
      start,
      due,
      startPrecision: start === null ? null : precision,
      duePrecision: due === null ? null : precision,
      ...rest,
    },
  };
}

/** Only flags (or nothing): no dates. */
function flags(text: string, extra: Extra = {}): Row {
  return period(text, null, null, null, extra);
}

function unparsed(text: string, doc = PLAN_2007): Row {
  return flags(text, { doc, confidence: 'unparsed' });
}

const ROWS: Row[] = [
  // The sample action plan (2007), every timescale cell it holds.
  period("Apr '07", '2007-04-01', '2007-04-30', 'month'),
  period("May '07", '2007-05-01', '2007-05-31', 'month'),
  period("Jul '07", '2007-07-01', '2007-07-31', 'month'),
  period("Aug '07", '2007-08-01', '2007-08-31', 'month'),
  period("Sep '07", '2007-09-01', '2007-09-30', 'month'),
  period("Sept '07", '2007-09-01', '2007-09-30', 'month'),
  period("Oct'07", '2007-10-01', '2007-10-31', 'month'),
  period("Dec '07", '2007-12-01', '2007-12-31', 'month'),
  period("Jan '08", '2008-01-01', '2008-01-31', 'month'),
  period("Jan'08", '2008-01-01', '2008-01-31', 'month'),
  period("Mar '07", '2007-03-01', '2007-03-31', 'month'),
  period("Mar '08", '2008-03-01', '2008-03-31', 'month'),
  period("Apr '08", '2008-04-01', '2008-04-30', 'month'),
  period("Aug '08", '2008-08-01', '2008-08-31', 'month'),
  period("Sept '08", '2008-09-01', '2008-09-30', 'month'),
  period("Start Apr '07, complete Aug '09", '2007-04-01', '2009-08-31', 'month'),
  flags('Annually', { recurrence: 'annually' }),

  // The sample strategy (2005–2007) summary action plan.
  period('Jan-Mar 05', '2005-01-01', '2005-03-31', 'month', { doc: STRATEGY_2005 }),
  flags('Ongoing', { ongoing: true, doc: STRATEGY_2005 }),
  flags('TBA', { toBeConfirmed: true, doc: STRATEGY_2005 }),
  period('June 05', '2005-06-01', '2005-06-30', 'month', { doc: STRATEGY_2005 }),
  period('March 05 Ongoing', '2005-03-01', null, 'month', { ongoing: true, doc: STRATEGY_2005 }),
  period('April 2006', '2006-04-01', '2006-04-30', 'month', { doc: STRATEGY_2005 }),
  period('July 2005 Ongoing', '2005-07-01', null, 'month', { ongoing: true, doc: STRATEGY_2005 }),
  period('July 2005- Ongoing', '2005-07-01', null, 'month', { ongoing: true, doc: STRATEGY_2005 }),
  period('End of Feb 2005', null, '2005-02-28', 'day', { doc: STRATEGY_2005 }),
  period('April 2005 to March 2006', '2005-04-01', '2006-03-31', 'month', { doc: STRATEGY_2005 }),
  period('ASAP', '2005-01-01', '2005-01-01', 'day', {
    relative: 'asap',
    confidence: 'partial',
    doc: STRATEGY_2005,
  }),
  period('March 2006', '2006-03-01', '2006-03-31', 'month', { doc: STRATEGY_2005 }),
  period('NOW', '2005-01-01', '2005-01-01', 'day', { relative: 'now', doc: STRATEGY_2005 }),
  period('Dec 05 (ongoing)', '2005-12-01', null, 'month', { ongoing: true, doc: STRATEGY_2005 }),
  period('May 2005 & ongoing', '2005-05-01', null, 'month', { ongoing: true, doc: STRATEGY_2005 }),
  period('2-3 years from now', null, '2008-01-01', 'year', {
    confidence: 'partial',
    doc: STRATEGY_2005,
  }),
  period('July 2005', '2005-07-01', '2005-07-31', 'month', { doc: STRATEGY_2005 }),

  // The rest of BRIEF.md.
  period('Summer 2011', '2011-06-01', '2011-08-31', 'season', { doc: PLAN_2011 }),
  period('January 2011 / on-going', '2011-01-01', null, 'month', { ongoing: true, doc: PLAN_2011 }),
  period('Q3 2011/12', '2011-10-01', '2011-12-31', 'quarter', { doc: PLAN_2011 }),

  // Months: apostrophes straight, curly or none; dots; case; spacing; trailing full stops.
  period('Sept ’07', '2007-09-01', '2007-09-30', 'month'),
  period('Oct‘07', '2007-10-01', '2007-10-31', 'month'),
  period('Sept 07', '2007-09-01', '2007-09-30', 'month'),
  period('Sept. 2007', '2007-09-01', '2007-09-30', 'month'),
  period("Sep. '07", '2007-09-01', '2007-09-30', 'month'),
  period('Jan. 2008', '2008-01-01', '2008-01-31', 'month'),
  period('march 2008', '2008-03-01', '2008-03-31', 'month'),
  period('MARCH 2008', '2008-03-01', '2008-03-31', 'month'),
  period('  March   2008  ', '2008-03-01', '2008-03-31', 'month'),
  period('March 2008.', '2008-03-01', '2008-03-31', 'month'),
  period('Mar-08', '2008-03-01', '2008-03-31', 'month'),
  period('3/2008', '2008-03-01', '2008-03-31', 'month'),

  // Leap years.
  period('Feb 2008', '2008-02-01', '2008-02-29', 'month'),
  period('Feb 2007', '2007-02-01', '2007-02-28', 'month'),
  period('Feb 2000', '2000-02-01', '2000-02-29', 'month'),
  period('Feb 2100', '2100-02-01', '2100-02-28', 'month'),
  period('End of Feb 2008', null, '2008-02-29', 'day'),
  period('29/02/2008', '2008-02-29', '2008-02-29', 'day'),
  unparsed('29/02/2007'),

  // Ranges: hyphens, en and em dashes, "to", across the year end, borrowed years.
  period('Dec-Jan 08', '2007-12-01', '2008-01-31', 'month'),
  period('Dec 2007 – Jan 2008', '2007-12-01', '2008-01-31', 'month'),
  period('Nov 2007 - Feb 2008', '2007-11-01', '2008-02-29', 'month'),
  period('Jan - Mar 2008', '2008-01-01', '2008-03-31', 'month'),
  period('Jan–Mar 05', '2005-01-01', '2005-03-31', 'month', { doc: STRATEGY_2005 }),
  period('jan — mar 05', '2005-01-01', '2005-03-31', 'month', { doc: STRATEGY_2005 }),
  period('Sept 07 to Mar 08', '2007-09-01', '2008-03-31', 'month'),
  period('From April 2007 to March 2008', '2007-04-01', '2008-03-31', 'month'),
  period('between April and June 2008', '2008-04-01', '2008-06-30', 'month'),
  period('Start: April 2007; End: March 2008', '2007-04-01', '2008-03-31', 'month'),
  period("Start Apr '07 - complete Aug '09", '2007-04-01', '2009-08-31', 'month'),
  period('Mar-08 - Jun-08', '2008-03-01', '2008-06-30', 'month'),
  period('3-7 March 2008', '2008-03-03', '2008-03-07', 'day'),
  period('31 Dec 2008 - 2 Jan 2009', '2008-12-31', '2009-01-02', 'day'),
  period('2005-2007', '2005-01-01', '2007-12-31', 'year'),
  period('2005 to 2007', '2005-01-01', '2007-12-31', 'year'),
  period('2007/08 - 2008/09', '2007-04-01', '2009-03-31', 'financial-year'),
  period('Q1-Q2 2011/12', '2011-04-01', '2011-09-30', 'quarter'),
  period('Q3-Q4 2011/12', '2011-10-01', '2012-03-31', 'quarter'),

  // Seasons: Winter runs December to February of the next year.
  period('Spring 2008', '2008-03-01', '2008-05-31', 'season'),
  period("Summer '08", '2008-06-01', '2008-08-31', 'season'),
  period('Autumn 2009', '2009-09-01', '2009-11-30', 'season'),
  period('Winter 2008', '2008-12-01', '2009-02-28', 'season'),
  period('Winter 2011', '2011-12-01', '2012-02-29', 'season'),
  period('Winter 2008/09', '2008-12-01', '2009-02-28', 'season'),

  // UK financial years and quarters (April to March).
  period('Q1 2011/12', '2011-04-01', '2011-06-30', 'quarter'),
  period('Q4 2011/12', '2012-01-01', '2012-03-31', 'quarter'),
  period('Q3 11/12', '2011-10-01', '2011-12-31', 'quarter'),
  period('Quarter 3 2011/12', '2011-10-01', '2011-12-31', 'quarter'),
  period('3rd quarter 2011/12', '2011-10-01', '2011-12-31', 'quarter'),
  period('2011/12 Q3', '2011-10-01', '2011-12-31', 'quarter'),
  period('2011/12', '2011-04-01', '2012-03-31', 'financial-year'),
  period('2011-12', '2011-04-01', '2012-03-31', 'financial-year'),
  period('2011/2012', '2011-04-01', '2012-03-31', 'financial-year'),
  period('FY 2011/12', '2011-04-01', '2012-03-31', 'financial-year'),
  period('financial year 11/12', '2011-04-01', '2012-03-31', 'financial-year'),
  period('11/12', '2011-04-01', '2012-03-31', 'financial-year', { confidence: 'partial' }),
  period('2011-2012', '2011-04-01', '2012-03-31', 'financial-year', { confidence: 'partial' }),
  period('Q3 2011', '2011-07-01', '2011-09-30', 'quarter', { confidence: 'partial' }),
  period('H2 2011/12', '2011-10-01', '2012-03-31', 'month'),
  period('first half of 2008', '2008-01-01', '2008-06-30', 'month'),
  period('next financial year', '2008-04-01', '2009-03-31', 'financial-year', {
    confidence: 'partial',
  }),

  // Approximate parts of a year or month.
  period('mid 2008', '2008-05-01', '2008-08-31', 'month', { confidence: 'partial' }),
  period('mid-2008', '2008-05-01', '2008-08-31', 'month', { confidence: 'partial' }),
  period('early 2009', '2009-01-01', '2009-04-30', 'month', { confidence: 'partial' }),
  period('late 2010', '2010-09-01', '2010-12-31', 'month', { confidence: 'partial' }),
  period('Mid Sept 2007', '2007-09-11', '2007-09-20', 'day', { confidence: 'partial' }),
  period('late Feb 2008', '2008-02-21', '2008-02-29', 'day', { confidence: 'partial' }),
  period('approx Sept 07', '2007-09-01', '2007-09-30', 'month', { confidence: 'partial' }),

  // Deadlines and starts.
  period('by March 2008', null, '2008-03-31', 'month'),
  period('By end of March 2008', null, '2008-03-31', 'day'),
  period('by the end of 2011/12', null, '2012-03-31', 'day'),
  period('end of Q3 2011/12', null, '2011-12-31', 'day'),
  period('before March 2008', null, '2008-02-29', 'day'),
  period('before April 2007', null, '2007-03-31', 'day'),
  period('no later than 30 June 2008', null, '2008-06-30', 'day'),
  period('March 2008 at the latest', null, '2008-03-31', 'month'),
  period('Ongoing until March 2008', null, '2008-03-31', 'month', { ongoing: true }),
  period('from April 2007', '2007-04-01', null, 'month'),
  period('From April 2007 onwards', '2007-04-01', null, 'month', { ongoing: true }),
  period('Summer 2011 onwards', '2011-06-01', null, 'season', { ongoing: true }),

  // Days, UK day first.
  period('w/c 3 March 2008', '2008-03-03', '2008-03-09', 'day'),
  period('w/e 7 March 2008', '2008-03-01', '2008-03-07', 'day'),
  period('31/03/2008', '2008-03-31', '2008-03-31', 'day'),
  period('31.3.08', '2008-03-31', '2008-03-31', 'day'),
  period('2008-03-31', '2008-03-31', '2008-03-31', 'day'),
  period('31-03-2008', '2008-03-31', '2008-03-31', 'day'),
  period('1/4/08', '2008-04-01', '2008-04-01', 'day'),
  period('3rd March 2008', '2008-03-03', '2008-03-03', 'day'),
  period('March 3rd, 2008', '2008-03-03', '2008-03-03', 'day'),
  period('2008', '2008-01-01', '2008-12-31', 'year'),

  // Recurring work.
  flags('annually', { recurrence: 'annually' }),
  flags('Quarterly', { recurrence: 'quarterly' }),
  flags('Monthly', { recurrence: 'monthly' }),
  flags('Six monthly', { recurrence: 'six-monthly' }),
  flags('six-monthly', { recurrence: 'six-monthly' }),
  flags('Every 6 months', { recurrence: 'six-monthly' }),
  flags('Half-yearly', { recurrence: 'six-monthly' }),
  flags('Weekly', { recurrence: 'weekly' }),
  flags('Ongoing - annually', { recurrence: 'annually', ongoing: true }),
  period('Annually in April 2008', '2008-04-01', '2008-04-30', 'month', {
    recurrence: 'annually',
  }),
  period('Quarterly from Q1 2008/09', '2008-04-01', null, 'quarter', { recurrence: 'quarterly' }),

  // Relative to the plan's date.
  period('Immediately', PLAN_2007, PLAN_2007, 'day', { relative: 'now' }),
  period('now', PLAN_2007, PLAN_2007, 'day', { relative: 'now' }),
  period('Now and ongoing', PLAN_2007, null, 'day', { relative: 'now', ongoing: true }),
  period('As soon as possible', PLAN_2007, PLAN_2007, 'day', {
    relative: 'asap',
    confidence: 'partial',
  }),
  period('a.s.a.p.', PLAN_2007, PLAN_2007, 'day', { relative: 'asap', confidence: 'partial' }),
  period('ASAP (by March 2008)', null, '2008-03-31', 'month', { relative: 'asap' }),
  period('within 2 years', null, '2009-04-01', 'year', { confidence: 'partial' }),
  period('in 18 months', null, '2008-10-01', 'month', { confidence: 'partial' }),
  period("in 6 weeks' time", null, '2007-05-13', 'day', { confidence: 'partial' }),

  // To be confirmed.
  flags('TBC', { toBeConfirmed: true }),
  flags('to be agreed', { toBeConfirmed: true }),
  period('March 2008 (TBC)', '2008-03-01', '2008-03-31', 'month', {
    toBeConfirmed: true,
    confidence: 'partial',
  }),

  // Two-digit years belong to the document's era; a missing year is placed after the plan's date.
  period("Sept '95", '1995-09-01', '1995-09-30', 'month'),
  period('Jan 01', '2001-01-01', '2001-01-31', 'month', { doc: '2000-06-01' }),
  period("Dec '99", '1999-12-01', '1999-12-31', 'month', { doc: STRATEGY_2005 }),
  period('March', '2008-03-01', '2008-03-31', 'month', { confidence: 'partial' }),
  period('April', '2007-04-01', '2007-04-30', 'month', { confidence: 'partial' }),
  period('Jan-Mar', '2008-01-01', '2008-03-31', 'month', { confidence: 'partial' }),

  // Unread or ambiguous: kept as words, no dates.
  unparsed('Jun 2008 - Mar 2008'),
  unparsed('2005-07'),
  unparsed('03/08'),
  unparsed('Oct 7'),
  unparsed('not before 2008'),
  unparsed('subject to funding'),
  unparsed('Phase 2'),
  unparsed('31/02/2008'),
  unparsed('Q5 2011/12'),
  unparsed('Annually and monthly'),

  // Nothing written.
  unparsed(''),
  unparsed('   '),
  unparsed('n/a'),
  unparsed('-'),
];

describe('parseTimescale: real-world forms', () => {
  it('covers at least 80 forms', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(80);
    expect(new Set(ROWS.map((r) => `${r.text}@${r.doc}`)).size).toBe(ROWS.length);
  });

  it.each(ROWS)('reads $text (plan dated $doc)', ({ text, doc, expected }) => {
    const t = parseTimescale(text, { documentDate: doc });
    expect(t.text).toBe(text);
    expect({
      start: t.start,
      due: t.due,
      startPrecision: t.startPrecision,
      duePrecision: t.duePrecision,
      ongoing: t.ongoing,
      recurrence: t.recurrence,
      confidence: t.confidence,
      relative: t.relative,
      toBeConfirmed: t.toBeConfirmed,
    }).toEqual(expected);
    // Anything not read fully is flagged with a reason; blanks are not flagged.
    const blank = /^\s*(?:-|n\/a)?\s*$/i.test(text);
    expect(t.needsReview).toBe(t.confidence !== 'parsed' && !blank);
    expect(t.note !== undefined).toBe(t.needsReview);
  });
});

describe('parseTimescale: review and notes', () => {
  it('does not flag NOW, but flags ASAP with a note', () => {
    expect(parseTimescale('NOW', { documentDate: PLAN_2007 }).needsReview).toBe(false);
    const asap = parseTimescale('ASAP', { documentDate: PLAN_2007 });
    expect(asap.needsReview).toBe(true);
    expect(asap.note).toMatch(/1 April 2007/);
  });

  it('explains why a form could not be read', () => {
    expect(parseTimescale('31/02/2008', { documentDate: PLAN_2007 }).note).toMatch(
      /“31\/02\/2008” is not a real date/,
    );
    expect(parseTimescale('Jun 2008 - Mar 2008', { documentDate: PLAN_2007 }).note).toMatch(
      /ends? before it starts/,
    );
    expect(parseTimescale('2005-07', { documentDate: PLAN_2007 }).note).toMatch(
      /more than one way/,
    );
  });

  it('says what an approximate form was read as', () => {
    expect(parseTimescale('mid 2008', { documentDate: PLAN_2007 }).note).toMatch(
      /May to August 2008/,
    );
    expect(parseTimescale('2-3 years from now', { documentDate: STRATEGY_2005 }).note).toMatch(
      /plan's date \(1 January 2005\).*later end/,
    );
  });

  it('keeps the words exactly as written, however untidy', () => {
    const text = '  Sept ’07.  ';
    const t = parseTimescale(text, { documentDate: PLAN_2007 });
    expect(t.text).toBe(text);
    expect(t.due).toBe('2007-09-30');
  });

  it('reads two-digit years only when the plan has a date', () => {
    const t = parseTimescale("Mar '08", { documentDate: 'not a date' });
    expect(t).toMatchObject({ confidence: 'unparsed', needsReview: true, start: null, due: null });
    expect(t.note).toMatch(/plan has no date/);
    expect(parseTimescale('March 2008', { documentDate: '' }).due).toBe('2008-03-31');
    expect(parseTimescale('NOW', { documentDate: '' }).confidence).toBe('unparsed');
  });

  it('reads a missing cell as blank, not as something to review', () => {
    const t = parseTimescale(null, { documentDate: PLAN_2007 });
    expect(t).toMatchObject({ text: '', confidence: 'unparsed', needsReview: false, due: null });
  });

  it('does not let "2-3 years from now" be read as NOW', () => {
    const t = parseTimescale('2-3 years from now', { documentDate: PLAN_2007 });
    expect(t.relative).toBeNull();
    expect(t.due).toBe('2010-04-01');
  });
});

describe('parseTimescale: never throws', () => {
  const odd: unknown[] = [
    '(((((',
    '////',
    '&&&',
    "'",
    'Q',
    'q9',
    '0/0/0',
    '00/00/0000',
    '31/12/9999',
    '99999999',
    'Feb 30 2008',
    '\u0000',
    '🙂 2008',
    'x'.repeat(5000),
    '1-'.repeat(60),
    'jan-'.repeat(40),
    'mar mar mar',
    'to to to',
    'from by before',
    'end of end of 2008',
    'mid mid 2008',
    'w/c w/c 3 March 2008',
    'Q3 2011/13',
    'winter 2008/10',
    'undefined',
    'NaN',
    '\t\n',
    'between and',
    'start , complete',
    '3-7',
    '32 March 2008',
    '0 March 2008',
    'in 0 months',
    'in 999 years',
    '2 years now',
    'by before March 2008',
    undefined,
    null,
    42,
    {},
  ];

  it.each(odd.map((value) => [value]))('survives %j', (value) => {
    const t = parseTimescale(value as string, { documentDate: PLAN_2007 });
    expect(t.start).toBeNull();
    expect(t.due).toBeNull();
    expect(t.confidence).toBe('unparsed');
  });

  it('survives odd plan dates', () => {
    for (const documentDate of ['', 'yesterday', '2007-02-30', '9999-99-99', undefined, null]) {
      expect(() =>
        parseTimescale("Sept '07", { documentDate: documentDate as unknown as string }),
      ).not.toThrow();
    }
  });

  it('keeps its promises on thousands of generated strings', () => {
    const pieces = [
      'jan',
      'sept',
      "'07",
      '07',
      '2008',
      '2011/12',
      'q3',
      '-',
      '–',
      'to',
      ',',
      '/',
      '&',
      '(',
      ')',
      'ongoing',
      'by',
      'from',
      'end of',
      'mid',
      'winter',
      'tba',
      'now',
      'asap',
      '3',
      '31/03/2008',
      'annually',
      'w/c',
      'between',
      'and',
      'years',
      '2-3',
      'x',
      '.',
      ' ',
    ];
    let seed = 20071;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let i = 0; i < 3000; i++) {
      const count = 1 + Math.floor(random() * 6);
      const text = Array.from(
        { length: count },
        () => pieces[Math.floor(random() * pieces.length)],
      ).join(' ');
      const t = parseTimescale(text, { documentDate: PLAN_2007 });
      expect(t.text).toBe(text);
      for (const [date, precision] of [
        [t.start, t.startPrecision],
        [t.due, t.duePrecision],
      ] as const) {
        expect(date === null || isValidIsoDate(date)).toBe(true);
        expect(precision === null).toBe(date === null);
      }
      if (t.start !== null && t.due !== null) expect(t.start <= t.due).toBe(true);
      if (t.confidence === 'unparsed') {
        expect([t.start, t.due, t.recurrence, t.relative]).toEqual([null, null, null, null]);
      }
      expect(typeof describeTimescale(t)).toBe('string');
    }
  });
});

describe('describeTimescale', () => {
  const cases: [string, string, string][] = [
    ['March 2008', PLAN_2007, 'March 2008'],
    ['Q3 2011/12', PLAN_2011, 'October to December 2011'],
    ['March 05 Ongoing', STRATEGY_2005, 'From March 2005, ongoing'],
    ['Annually', PLAN_2007, 'Annually'],
    ['Ongoing', PLAN_2007, 'Ongoing'],
    ['Jan-Mar 05', STRATEGY_2005, 'January to March 2005'],
    ['April 2005 to March 2006', STRATEGY_2005, 'April 2005 to March 2006'],
    ['Dec-Jan 08', PLAN_2007, 'December 2007 to January 2008'],
    ['End of Feb 2005', STRATEGY_2005, 'By 28 February 2005'],
    ['by March 2008', PLAN_2007, 'By March 2008'],
    ['Summer 2011', PLAN_2011, 'Summer 2011 (June to August)'],
    ['Winter 2008', PLAN_2007, 'Winter 2008/09 (December to February)'],
    ['2011/12', PLAN_2011, 'Financial year 2011/12 (April 2011 to March 2012)'],
    ['2005-2007', STRATEGY_2005, '2005 to 2007'],
    ['31/03/2008', PLAN_2007, '31 March 2008'],
    ['w/c 3 March 2008', PLAN_2007, '3 to 9 March 2008'],
    ['31 Dec 2008 - 2 Jan 2009', PLAN_2007, '31 December 2008 to 2 January 2009'],
    ['NOW', PLAN_2007, 'Now'],
    ['ASAP', PLAN_2007, 'As soon as possible'],
    ['Now and ongoing', PLAN_2007, 'Now, ongoing'],
    ['TBA', PLAN_2007, 'To be confirmed'],
    ['March 2008 (TBC)', PLAN_2007, 'March 2008 (to be confirmed)'],
    ['mid 2008', PLAN_2007, 'May to August 2008 (to be checked)'],
    ['Six monthly', PLAN_2007, 'Every six months'],
    ['Quarterly from Q1 2008/09', PLAN_2007, 'Quarterly, from April 2008'],
    ['Subject to funding', PLAN_2007, 'Subject to funding'],
    ['', PLAN_2007, 'No timescale given'],
  ];

  it.each(cases)('describes %s', (text, documentDate, expected) => {
    expect(describeTimescale(parseTimescale(text, { documentDate }))).toBe(expected);
  });

  it('renders a hand-built timescale', () => {
    const t: Timescale = {
      text: 'anything',
      start: '2011-10-01',
      due: '2011-12-31',
      startPrecision: 'quarter',
      duePrecision: 'quarter',
      ongoing: false,
      recurrence: null,
      relative: null,
      toBeConfirmed: false,
      confidence: 'parsed',
      needsReview: false,
    };
    expect(describeTimescale(t)).toBe('October to December 2011');
  });
});

describe('calendar helpers', () => {
  it('knows the last day of every month, leap years included', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((m) => lastDayOfMonth(2007, m))).toEqual([
      31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
    ]);
    expect(lastDayOfMonth(2008, 2)).toBe(29);
    expect(lastDayOfMonth(1900, 2)).toBe(28);
    expect(lastDayOfMonth(2000, 2)).toBe(29);
  });

  it('adds months and days across month and year ends', () => {
    expect(addMonths('2008-01-31', 1)).toBe('2008-02-29');
    expect(addMonths('2007-12-15', 3)).toBe('2008-03-15');
    expect(addMonths('2008-03-31', -1)).toBe('2008-02-29');
    expect(addDays('2008-02-28', 1)).toBe('2008-02-29');
    expect(addDays('2007-12-31', 1)).toBe('2008-01-01');
    expect(addDays('2008-03-01', -1)).toBe('2008-02-29');
  });

  it('validates dates', () => {
    expect(isValidIsoDate('2008-02-29')).toBe(true);
    expect(isValidIsoDate('2007-02-29')).toBe(false);
    expect(isValidIsoDate('2007-13-01')).toBe(false);
    expect(isValidIsoDate('07-01-01')).toBe(false);
  });
});

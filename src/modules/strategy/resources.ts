import type { ResourcesKind } from './strategy.tables.js';

/**
 * A resources cell as councils write it: "CR" (met within current resources), "AR" (additional
 * resources, not yet quantified), an amount in pounds ("£7,000", "£2,000 p.a."), or words.
 * The words as written are always kept alongside.
 */
export interface Resources {
  kind: ResourcesKind | null;
  amountPence: number | null;
  period: 'one-off' | 'per-year' | null;
  text: string;
}

const CURRENT =
  /^(cr|current resources?|within (existing|current) (resources|budgets?)|existing (resources|budgets?)|met within current resources|nil|none|n\/a)\.?$/i;
const ADDITIONAL =
  /^(ar|additional resources?( required)?( \(?not (yet )?quantified\)?)?|tbc|to be (confirmed|quantified))\.?$/i;
const PER_YEAR =
  /\b(p\.?\s?a\.?|per (year|annum)|a year|annually|each year|\/\s?(yr|year|annum))\b/i;
// Thousands are grouped with commas or, as some councils type them, spaces ("£2 500").
const AMOUNT =
  /£\s?(\d{1,3}(?:[,\s\u00a0\u202f]\d{3})+(?!\d)|\d+)(?:\.(\d{1,2}))?\s?(k|m|million|thousand)?\b/i;

export function parseResources(raw: string | null | undefined): Resources {
  const text = (raw ?? '').replace(/\s+/g, ' ').trim();
  if (!text) return { kind: null, amountPence: null, period: null, text: '' };
  if (CURRENT.test(text)) return { kind: 'current', amountPence: null, period: null, text };
  if (ADDITIONAL.test(text)) return { kind: 'additional', amountPence: null, period: null, text };
  const match = AMOUNT.exec(text);
  if (match) {
    const pounds = Number((match[1] ?? '0').replace(/[,\s\u00a0\u202f]/g, ''));
    const pence = match[2] ? Number(match[2].padEnd(2, '0')) : 0;
    const unit = (match[3] ?? '').toLowerCase();
    const multiplier =
      unit === 'k' || unit === 'thousand'
        ? 1000
        : unit === 'm' || unit === 'million'
          ? 1_000_000
          : 1;
    return {
      kind: 'amount',
      amountPence: Math.round((pounds * 100 + pence) * multiplier),
      period: PER_YEAR.test(text) ? 'per-year' : 'one-off',
      text,
    };
  }
  return { kind: 'text', amountPence: null, period: null, text };
}

const poundFormat = new Intl.NumberFormat('en-GB', {
  style: 'currency',
  currency: 'GBP',
  maximumFractionDigits: 2,
  minimumFractionDigits: 0,
});

export function formatPence(pence: number): string {
  return poundFormat.format(pence / 100);
}

export function describeResources(
  r: Pick<Resources, 'kind' | 'amountPence' | 'period' | 'text'>,
): string {
  switch (r.kind) {
    case 'current':
      return 'Within current resources';
    case 'additional':
      return 'Additional resources needed (not yet quantified)';
    case 'amount':
      return `${formatPence(r.amountPence ?? 0)}${r.period === 'per-year' ? ' a year' : ''}`;
    case 'text':
      return r.text;
    default:
      return 'Not stated';
  }
}

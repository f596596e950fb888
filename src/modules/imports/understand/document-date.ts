import { parseTimescale } from '../../strategy/index.js';
import type { SourceDocument } from '../import.types.js';

/**
 * The plan's own date, which two-digit years ("Apr '07") and relative timescales ("NOW") are read
 * against: the date the person gives, else a year in the plan's title ("ICT Strategy 2005 - 2007"
 * → 1 January 2005; "Action Plan 2024/25" → 1 April 2024), else the month of the earliest date the plan names, else today.
 */

const TITLE_BLOCKS = 5;
const YEAR = /\b((?:19|20)\d{2})(\s?[/-]\s?(?:\d{2}|(?:19|20)\d{2}))?\b/;

export function isIsoDate(value: string | undefined): value is string {
  if (value === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

function titleLines(doc: SourceDocument, titleRows: string[]): string[] {
  const lines: string[] = [];
  for (const block of doc.blocks) {
    if (lines.length >= TITLE_BLOCKS || block.kind === 'table') break;
    if (block.kind === 'heading' || block.kind === 'paragraph') lines.push(block.text);
  }
  return [...titleRows, ...lines];
}

export function findDocumentDate(
  doc: SourceDocument,
  given: string | undefined,
  titleRows: string[],
  timescales: string[],
  today: string,
): string {
  if (isIsoDate(given)) return given;
  for (const line of titleLines(doc, titleRows)) {
    const m = YEAR.exec(line);
    const year = m?.[1];
    if (year === undefined) continue;
    // "2024/25" is a financial year, which starts in April; "2005 - 2007" starts with its first.
    const next = (m?.[2] ?? '').replace(/\D/g, '');
    const financial = next.length === 2 && Number(next) === (Number(year) + 1) % 100;
    return financial ? `${year}-04-01` : `${year}-01-01`;
  }
  let earliest: string | null = null;
  for (const text of timescales) {
    const t = parseTimescale(text, { documentDate: today });
    if (t.confidence !== 'parsed' || t.relative !== null) continue;
    for (const date of [t.start, t.due]) {
      if (date !== null && (earliest === null || date < earliest)) earliest = date;
    }
  }
  return earliest === null ? today : `${earliest.slice(0, 7)}-01`;
}

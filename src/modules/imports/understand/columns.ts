import type { ColumnField, ColumnMapping, SourceCell, SourceRow } from '../import.types.js';

/**
 * Columns recognised by what their header means, whatever the council called them. Headers are
 * compared without case, punctuation or extra spaces: "By who (with)", "BY WHO - WITH" and
 * "by who with" are the same header.
 */

export function normaliseHeader(text: string): string {
  return text
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/£/g, ' pounds ')
    .replace(/#/g, ' number ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Tried in order: the more specific meanings come first ("target date" before "target"). */
const MEANINGS: [ColumnField, RegExp][] = [
  [
    'ref',
    /^(?:(?:action|item|task|objective|line|row|ref) )?(?:ref|refs|reference|no|number|num|id|item)(?: no| number)?$/,
  ],
  [
    'supportedBy',
    /\b(?:supported by|support from|supporting (?:officers?|staff|teams?)|supporters?|partners?|with whom|others involved|contributors?|in conjunction with)\b/,
  ],
  [
    'timescale',
    /\b(?:timescales?|time scales?|timeframes?|time frames?|timelines?|timing|by when|when|deadlines?|target dates?|due|due dates?|dates?|completion dates?|target completion|end dates?|start dates?)\b/,
  ],
  [
    'owner',
    /\b(?:by who|by whom|who|whom|responsib\w*|lead|leads|lead officers?|owners?|responsible officers?|who will lead|accountable|officers?|action owners?|lead persons?|lead managers?|lead services?|lead departments?)\b/,
  ],
  [
    'theme',
    /^(?:themes?|strategic themes?|areas?|priority areas?|strategic priority|strategic priorities|workstreams?|work streams?|strands?|categor(?:y|ies)|sections?|headings?|programmes?|service areas?|strategic areas?|key areas?)$/,
  ],
  ['priority', /\b(?:priority|priorities|importance|rank|ranking|urgency)\b/],
  [
    'resources',
    /\b(?:resources?|resourcing|budgets?|costs?|costings?|funding|finance|financial implications|pounds|money|investment)\b/,
  ],
  [
    'target',
    /\b(?:targets?|outcomes?|success measures?|success criteria|measures? of success|how we will know|how will we know|kpis?|deliverables?|outputs?|expected results?|results?|performance indicators?|measures?|milestones?|evidence)\b/,
  ],
  ['status', /\b(?:status|rag|r a g|red amber green|rag status|rating|state)\b/],
  [
    'comments',
    /\b(?:comments?|latest updates?|updates?|notes?|remarks?|commentary|progress|current position|position|observations?)\b/,
  ],
  [
    'title',
    /\b(?:actions?|tasks?|what we will do|what will we do|what we are going to do|objectives?|aims?|activit(?:y|ies)|description|initiatives?|proposals?|recommendations?|what|key actions?|actions? tasks?|deliverable actions?)\b/,
  ],
];

/** What a header means, or null when it is none of the known meanings. */
export function recogniseColumn(header: string): ColumnField | null {
  const h = normaliseHeader(header);
  // A header is short; a long cell that happens to contain "action" or "target" is data.
  if (!h || h.length > 48 || h.split(' ').length > 7) return null;
  for (const [field, re] of MEANINGS) if (re.test(h)) return field;
  return null;
}

export interface HeaderGuess {
  /** Index of the header row within the table's rows. */
  row: number;
  fields: (ColumnField | null)[];
  /** Distinct meanings recognised; a header needs an action column and at least one more. */
  score: number;
}

function rowFields(row: SourceRow): (ColumnField | null)[] {
  return row.cells.map((c) => recogniseColumn(c.text));
}

function scoreFields(fields: (ColumnField | null)[]): number {
  const distinct = new Set(fields.filter((f): f is ColumnField => f !== null));
  return distinct.size + (distinct.has('title') ? 1 : 0);
}

/** How many rows from the top a header may sit below title rows. */
const HEADER_SEARCH_ROWS = 12;

/**
 * The header row: the best-scoring of the first rows (title rows such as "ICT Action Plan 2024"
 * above it score nothing). Null when no row names an action column.
 */
export function findHeaderRow(rows: SourceRow[]): HeaderGuess | null {
  let best: HeaderGuess | null = null;
  rows.slice(0, HEADER_SEARCH_ROWS).forEach((row, index) => {
    const fields = rowFields(row);
    if (!fields.includes('title')) return;
    const score = scoreFields(fields);
    if (score < 3) return;
    if (best === null || score > best.score) best = { row: index, fields, score };
  });
  return best;
}

/** A row that repeats the header (tables split by page breaks repeat it on each page). */
export function isHeaderRepeat(row: SourceRow, header: HeaderGuess): boolean {
  let agree = 0;
  for (let i = 0; i < row.cells.length; i++) {
    const text = row.cells[i]?.text.trim() ?? '';
    if (text === '') continue;
    // Every word in a repeated header is a header word, in the header's place.
    const field = recogniseColumn(text);
    if (field === null || field !== header.fields[i]) return false;
    agree++;
  }
  return agree >= Math.min(2, header.score);
}

const STRONG_TITLE = /\b(?:actions?|tasks?|what we will do|what will we do)\b/;

/** With several action-like headers ("Objective", "Action"), the one naming actions wins. */
function chooseTitleColumn(headerRow: SourceRow, header: HeaderGuess): number {
  const candidates = header.fields.flatMap((f, i) => (f === 'title' ? [i] : []));
  const strong = candidates.find((i) =>
    STRONG_TITLE.test(normaliseHeader(headerRow.cells[i]?.text ?? '')),
  );
  return strong ?? candidates[0] ?? -1;
}

function filled(cell: SourceCell | undefined): cell is SourceCell {
  return cell !== undefined && cell.text.trim() !== '';
}

/**
 * The mapping for a table: recognised headers first; an unnamed column left of the action column
 * that is filled only now and then holds the theme written once per group.
 */
export function buildMapping(
  headerRow: SourceRow,
  header: HeaderGuess,
  dataRows: SourceRow[],
  width: number,
): ColumnMapping[] {
  const titleIndex = chooseTitleColumn(headerRow, header);
  const seen = new Set<ColumnField>(['title']);
  const mapping: ColumnMapping[] = [];
  for (let index = 0; index < width; index++) {
    const text = headerRow.cells[index]?.text.trim() ?? '';
    const recognised = header.fields[index] ?? null;
    let field: ColumnMapping['field'] = 'extra';
    let isRecognised = false;
    if (index === titleIndex) {
      mapping.push({ index, header: text, field: 'title', recognised: true });
      continue;
    }
    // An "Objective" column beside an "Action" column groups the actions: it is their theme.
    if (recognised === 'title' && index < titleIndex && !seen.has('theme')) {
      seen.add('theme');
      mapping.push({ index, header: text, field: 'theme', recognised: true });
      continue;
    }
    // The first column of a meaning wins; a second "comments" column is kept as an extra field.
    if (recognised !== null && (!seen.has(recognised) || recognised === 'comments')) {
      field = recognised;
      isRecognised = true;
      seen.add(recognised);
    } else if (recognised === null && index < titleIndex && !seen.has('theme')) {
      const values = dataRows.map((r) => r.cells[index]).filter(filled);
      const short = values.every((c) => c.text.length <= 80);
      if (values.length > 0 && short && values.length < dataRows.length) {
        field = 'theme';
        seen.add('theme');
      }
    }
    mapping.push({ index, header: text || `Column ${index + 1}`, field, recognised: isRecognised });
  }
  return mapping;
}

import type {
  ColumnField,
  ColumnMapping,
  ImportWarning,
  SourceCell,
  SourceLocation,
  SourceRow,
} from '../import.types.js';
import { EMPTY_CELL, normaliseCell } from './cells.js';
import { isHeaderRepeat, type HeaderGuess } from './columns.js';
import type { ActionTable, RegionItem } from './tables.js';
import {
  isLegendLabel,
  isLegendLine,
  isNumberedTheme,
  isShortHeading,
  isTotalRow,
  lacksEnd,
  looksClosed,
  splitLeadingRef,
  startsLowerCase,
} from './wording.js';

/**
 * From table rows to actions: themes taken from theme rows and headings, repeated headers dropped,
 * and rows cut by a page break joined back together cell by cell.
 */

export interface RawAction {
  /** One cell per mapped column. */
  cells: SourceCell[];
  theme: string | null;
  at: SourceLocation;
  /** The person's fixes, by field, applied before anything is derived. */
  overrides: Partial<Record<ColumnField, string>>;
  /** Set on actions split from one row's bullets ("3.8a"). */
  refSuffix?: string;
  warnings: Omit<ImportWarning, 'action'>[];
  /** Where the next cut-off paragraph continues (a column index). */
  cursor: number;
}

export interface RowsResult {
  actions: RawAction[];
  /** Warnings about rows that did not become actions. */
  warnings: ImportWarning[];
}

/** Columns whose text runs long enough to be cut by a page break. */
const LONG_TEXT: ReadonlySet<string> = new Set(['title', 'target', 'comments', 'extra']);

function isFilled(cell: SourceCell | undefined): boolean {
  return cell !== undefined && cell.text.trim() !== '';
}

function countFilled(cells: SourceCell[]): number {
  return cells.filter(isFilled).length;
}

export function describeAt(at: SourceLocation): string {
  const parts: string[] = [];
  if (at.sheet !== undefined) parts.push(`sheet “${at.sheet}”`);
  if (at.table !== undefined) parts.push(`table ${at.table}`);
  if (at.row !== undefined) parts.push(`row ${at.row}`);
  if (at.line !== undefined) parts.push(`line ${at.line}`);
  const text = parts.join(', ');
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : 'A row';
}

/** Two pieces of one cell cut by a page break: a sentence runs on; a list adds lines. */
export function joinCells(a: SourceCell, b: SourceCell): SourceCell {
  if (!isFilled(a)) return b;
  if (!isFilled(b)) return a;
  const firstOfB = b.lines[0];
  const lastOfA = a.lines[a.lines.length - 1];
  const date = a.date ?? b.date;
  const number = a.number ?? b.number;
  const extras = {
    ...(date !== undefined ? { date } : {}),
    ...(number !== undefined ? { number } : {}),
  };
  if (firstOfB === undefined || lastOfA === undefined || firstOfB.bullet) {
    return { text: `${a.text}\n${b.text}`, lines: [...a.lines, ...b.lines], ...extras };
  }
  const runOn = { ...lastOfA, text: `${lastOfA.text} ${firstOfB.text}` };
  return {
    text: `${a.text} ${b.text}`,
    lines: [...a.lines.slice(0, -1), runOn, ...b.lines.slice(1)],
    ...extras,
  };
}

function textCell(text: string): SourceCell {
  return { text, lines: [{ text, bullet: false, level: 0 }] };
}

interface Columns {
  width: number;
  title: number;
  theme: number;
  ref: number;
  fields: ColumnMapping['field'][];
}

function columnsOf(mapping: ColumnMapping[]): Columns {
  const first = (f: ColumnField) => mapping.find((m) => m.field === f)?.index ?? -1;
  return {
    width: mapping.length,
    title: first('title'),
    theme: first('theme'),
    ref: first('ref'),
    fields: mapping.map((m) => m.field),
  };
}

function cellsOf(row: SourceRow, width: number): SourceCell[] {
  const cells: SourceCell[] = [];
  for (let i = 0; i < width; i++) {
    const cell = row.cells[i];
    cells.push(cell ? normaliseCell(cell) : EMPTY_CELL);
  }
  // Cells past the header's width are kept in the last column rather than lost.
  for (let i = width; i < row.cells.length; i++) {
    const cell = row.cells[i];
    if (cell && isFilled(cell) && width > 0)
      cells[width - 1] = joinCells(cells[width - 1] ?? EMPTY_CELL, normaliseCell(cell));
  }
  return cells;
}

function titleOf(cells: SourceCell[], cols: Columns): string {
  return cells[cols.title]?.text.trim() ?? '';
}

function hasOwnRef(cells: SourceCell[], cols: Columns): boolean {
  if (cols.ref >= 0 && isFilled(cells[cols.ref])) return true;
  return splitLeadingRef(titleOf(cells, cols)).ref !== null;
}

/** A row that is only the rest of the row before it, cut off by a page break. */
function continuesPrevious(cells: SourceCell[], last: RawAction | null, cols: Columns): boolean {
  if (last === null || hasOwnRef(cells, cols)) return false;
  if (cols.theme >= 0 && isFilled(cells[cols.theme])) return false;
  const title = titleOf(cells, cols);
  if (isNumberedTheme(title)) return false;
  if (countFilled(cells) >= countFilled(last.cells)) return false;
  if (title === '') return true;
  return startsLowerCase(title) || lacksEnd(titleOf(last.cells, cols));
}

/** The theme a row names when it is a theme row, else null. */
function themeOfRow(row: SourceRow, cells: SourceCell[], cols: Columns): string | null {
  const filledAt = cells.flatMap((c, i) => (isFilled(c) ? [i] : []));
  if (filledAt.length !== 1) return null;
  const index = filledAt[0] ?? -1;
  const text = cells[index]?.text.trim() ?? '';
  if (index === cols.theme) return text;
  const spansAll =
    row.cells.length > 1 && row.cells.slice(index + 1).every((c) => c.mergedIntoPrevious === true);
  // The first column, or the action column when a reference column comes before it.
  if (index !== 0 && index !== cols.title && !spansAll) return null;
  if (splitLeadingRef(text).ref !== null && !isNumberedTheme(text)) return null;
  if (spansAll || isNumberedTheme(text) || isShortHeading(text)) return text;
  return null;
}

function mergeRow(last: RawAction, cells: SourceCell[], at: SourceLocation, cols: Columns) {
  cells.forEach((cell, i) => {
    if (isFilled(cell)) last.cells[i] = joinCells(last.cells[i] ?? EMPTY_CELL, cell);
  });
  last.cursor = cols.title;
  last.warnings.push({
    code: 'rows-joined',
    message: `${describeAt(at)} looked like the rest of the row above, cut off by a page break, so it was joined to it. Check the action reads correctly.`,
    at,
  });
}

/** The next column a cut-off paragraph continues: still the same one while it ends mid-sentence. */
function nextCursor(last: RawAction, cols: Columns): number {
  const here = last.cells[last.cursor]?.text ?? '';
  if (lacksEnd(here)) return last.cursor;
  for (let i = last.cursor + 1; i < cols.width; i++) {
    const text = last.cells[i]?.text ?? '';
    const field = cols.fields[i] ?? '';
    if (text.trim() === '' || looksClosed(text)) continue;
    // Names are short: one only runs on when it visibly stops mid-way ("AD, ICT and").
    if (LONG_TEXT.has(field) || ((field === 'owner' || field === 'supportedBy') && lacksEnd(text)))
      return i;
  }
  return last.cursor;
}

function continueWithText(last: RawAction, text: string, at: SourceLocation, cols: Columns) {
  const column = last.cursor;
  last.cells[column] = joinCells(last.cells[column] ?? EMPTY_CELL, textCell(text));
  last.warnings.push({
    code: 'rows-joined',
    message: `${describeAt(at)} (“${text}”) looked like the rest of the row above, cut off by a page break, so it was joined to it. Check the action reads correctly.`,
    at,
  });
  last.cursor = nextCursor(last, cols);
}

function textContinues(text: string, last: RawAction | null, cols: Columns): boolean {
  if (last === null || isNumberedTheme(text)) return false;
  if (startsLowerCase(text)) return true;
  // A line such as "Working smarter" between two parts of the table is a theme, not a run-on.
  return lacksEnd(titleOf(last.cells, cols)) && !isShortHeading(text);
}

export function collectActions(table: ActionTable, mapping: ColumnMapping[]): RowsResult {
  const cols = columnsOf(mapping);
  const header: HeaderGuess = table.header;
  const actions: RawAction[] = [];
  const warnings: ImportWarning[] = [];
  const lead = table.leadIn;
  // A plan's own title ("ICT Action Plan", a top-level heading) is not its first theme.
  const leadIsTheme =
    lead !== null &&
    (isNumberedTheme(lead.text) || (lead.headingLevel >= 2 && isShortHeading(lead.text)));
  let theme: string | null = leadIsTheme ? lead.text.trim() : null;
  let inLegend = false;
  let carried: string | null = null;
  let last: RawAction | null = null;
  let trailingEnded = false;

  const onText = (item: Extract<RegionItem, { kind: 'text' }>) => {
    const text = item.text.trim();
    if (!text || (item.trailing && trailingEnded)) return;
    if (!item.heading && textContinues(text, last, cols) && last !== null) {
      continueWithText(last, text, item.at, cols);
      return;
    }
    if (item.trailing) {
      trailingEnded = true;
      return;
    }
    if (item.heading || isNumberedTheme(text) || isShortHeading(text)) {
      inLegend = false;
      theme = text;
      carried = null;
      last = null;
    }
  };

  for (const item of table.items) {
    if (item.kind === 'text') {
      onText(item);
      continue;
    }
    const { row } = item;
    const cells = cellsOf(row, cols.width);
    const filledCount = countFilled(cells);
    if (filledCount === 0) continue;
    if (isHeaderRepeat(row, header)) {
      inLegend = false;
      continue;
    }
    // A key under the table ("Key", "CR = Met within current resources") belongs to the
    // glossary, not the actions.
    const firstText = cells.find(isFilled)?.text ?? '';
    if (filledCount <= 2 && isLegendLabel(firstText)) {
      inLegend = true;
      last = null;
      continue;
    }
    if (inLegend || (filledCount <= 2 && isLegendLine(firstText))) {
      last = null;
      continue;
    }
    if (isTotalRow(titleOf(cells, cols)) || (cols.title > 0 && isTotalRow(firstText))) {
      warnings.push({
        code: 'total-row-skipped',
        message: `${describeAt(row.at)} is a total (“${cells
          .filter(isFilled)
          .map((c) => c.text)
          .join(' | ')}”), not an action, so it was not imported.`,
        at: row.at,
      });
      last = null;
      continue;
    }
    const rowTheme = themeOfRow(row, cells, cols);
    if (rowTheme !== null) {
      if (cols.theme >= 0 && isFilled(cells[cols.theme])) carried = rowTheme;
      else {
        theme = rowTheme;
        carried = null;
      }
      last = null;
      continue;
    }
    if (continuesPrevious(cells, last, cols) && last !== null) {
      mergeRow(last, cells, row.at, cols);
      continue;
    }
    if (!isFilled(cells[cols.title])) {
      warnings.push({
        code: 'row-without-action',
        message: `${describeAt(row.at)} has no action in the “${mapping[cols.title]?.header ?? 'action'}” column, so it was not imported: “${cells
          .filter(isFilled)
          .map((c) => c.text)
          .join(' | ')}”.`,
        at: row.at,
      });
      continue;
    }
    if (cols.theme >= 0 && isFilled(cells[cols.theme])) {
      carried = cells[cols.theme]?.text.trim() ?? null;
    }
    last = {
      cells,
      theme: carried ?? theme,
      at: row.at,
      overrides: {},
      warnings: [],
      cursor: cols.title,
    };
    actions.push(last);
  }
  return { actions, warnings };
}

import {
  ImportRefusedError,
  type ColumnMapping,
  type SourceBlock,
  type SourceDocument,
  type SourceLocation,
  type SourceRow,
} from '../import.types.js';
import { buildMapping, findHeaderRow, isHeaderRepeat, type HeaderGuess } from './columns.js';

/**
 * Finding the action table. A plan is often one table cut into several by theme headings ("2.
 * Enabling the full potential of information") or page breaks, each part repeating the header: the
 * parts that share the chosen table's columns are read as one table, with the text between them.
 */

export type RegionItem =
  | { kind: 'row'; row: SourceRow }
  | {
      kind: 'text';
      text: string;
      heading: boolean;
      at: SourceLocation;
      /** After the last part of the table: only a cut-off continuation belongs to the plan. */
      trailing: boolean;
    };

export interface ActionTable {
  sheet: string | null;
  header: HeaderGuess;
  mapping: ColumnMapping[];
  items: RegionItem[];
  /** The heading or paragraph just before the table, which may name its first theme. */
  leadIn: { text: string; headingLevel: number; at: SourceLocation } | null;
  /** Rows above the chosen table's header: a sheet's title ("ICT Action Plan 2024/25"). */
  titleRows: string[];
}

type TableBlock = Extract<SourceBlock, { kind: 'table' }>;

interface Candidate {
  blockIndex: number;
  block: TableBlock;
  header: HeaderGuess | null;
  width: number;
}

function widthOf(rows: SourceRow[]): number {
  let width = 0;
  for (const row of rows) {
    let last = row.cells.length;
    while (last > 0 && (row.cells[last - 1]?.text.trim() ?? '') === '') last--;
    width = Math.max(width, last);
  }
  return width;
}

function quoted(name: string): string {
  return `“${name}”`;
}

function refuseNoTable(doc: SourceDocument): never {
  throw new ImportRefusedError(
    `${quoted(doc.name)} has no table in it, so there is no action plan to import. It reads like a report or narrative. ` +
      'Waymark imports an action plan laid out as a table, with a column of actions (for example “Action”, “Timescale”, “By who”). ' +
      'Import the action plan itself; if you pasted text, copy the whole table from Word so its columns come across.',
    'no-table',
  );
}

function refuseNoActionColumn(doc: SourceDocument, tables: number): never {
  const found = tables === 1 ? 'a table' : `${tables} tables`;
  throw new ImportRefusedError(
    `Waymark found ${found} in ${quoted(doc.name)} but could not find a column of actions in ${tables === 1 ? 'it' : 'any of them'}. ` +
      'Give the column that lists the actions a header such as “Action”, “Task” or “What we will do”, with headers for the other columns (such as “Timescale” and “By who”), and try again.',
    'no-action-column',
  );
}

function candidatesOf(doc: SourceDocument, sheet: string | undefined): Candidate[] {
  if (sheet !== undefined) {
    const sheets = doc.sheets ?? [];
    if (!sheets.includes(sheet)) {
      const list = sheets.length ? ` It has: ${sheets.map(quoted).join(', ')}.` : '';
      throw new ImportRefusedError(
        `There is no sheet called ${quoted(sheet)} in ${quoted(doc.name)}.${list} Choose one of those sheets.`,
        'unknown-sheet',
      );
    }
  }
  const out: Candidate[] = [];
  doc.blocks.forEach((block, blockIndex) => {
    if (block.kind !== 'table') return;
    if (sheet !== undefined && block.sheet !== sheet) return;
    out.push({ blockIndex, block, header: findHeaderRow(block.rows), width: widthOf(block.rows) });
  });
  return out;
}

function compatible(best: Candidate, other: Candidate): boolean {
  if ((other.block.sheet ?? null) !== (best.block.sheet ?? null) || best.header === null)
    return false;
  if (other.header !== null) {
    const row = other.block.rows[other.header.row];
    return row !== undefined && isHeaderRepeat(row, best.header);
  }
  // A part with no header of its own continues the table when its rows are as wide.
  return other.width >= best.width - 1 && other.width <= best.width;
}

export function selectActionTable(doc: SourceDocument, sheet?: string): ActionTable {
  const candidates = candidatesOf(doc, sheet);
  if (candidates.length === 0) refuseNoTable(doc);
  let bestAt = -1;
  candidates.forEach((c, i) => {
    const b = candidates[bestAt];
    if (c.header === null) return;
    if (
      b?.header == null ||
      c.header.score > b.header.score ||
      (c.header.score === b.header.score && c.block.rows.length > b.block.rows.length)
    )
      bestAt = i;
  });
  const best = candidates[bestAt];
  if (best?.header == null) refuseNoActionColumn(doc, candidates.length);
  const header = best.header;

  let first = bestAt;
  while (first > 0 && compatible(best, candidates[first - 1] as Candidate)) first--;
  let last = bestAt;
  while (last < candidates.length - 1 && compatible(best, candidates[last + 1] as Candidate))
    last++;
  const parts = candidates.slice(first, last + 1);

  const items: RegionItem[] = [];
  const dataRows: SourceRow[] = [];
  const firstPart = parts[0] as Candidate;
  const lastPart = parts[parts.length - 1] as Candidate;
  for (let b = firstPart.blockIndex; b <= lastPart.blockIndex; b++) {
    const block = doc.blocks[b];
    if (block === undefined) continue;
    if (block.kind === 'table') {
      const part = parts.find((p) => p.blockIndex === b);
      // Rows above a part's header are its title rows.
      const skip = part?.header ? part.header.row + 1 : 0;
      for (const row of block.rows.slice(skip)) {
        items.push({ kind: 'row', row });
        dataRows.push(row);
      }
    } else if (block.kind === 'heading' || block.kind === 'paragraph') {
      items.push({
        kind: 'text',
        text: block.text,
        heading: block.kind === 'heading',
        at: block.at,
        trailing: false,
      });
    }
  }
  for (let b = lastPart.blockIndex + 1; b < doc.blocks.length; b++) {
    const block = doc.blocks[b];
    if (block === undefined || block.kind === 'table') break;
    if (block.kind === 'blank') continue;
    items.push({
      kind: 'text',
      text: block.text,
      heading: block.kind === 'heading',
      at: block.at,
      trailing: true,
    });
  }

  let leadIn: ActionTable['leadIn'] = null;
  for (let b = firstPart.blockIndex - 1; b >= 0; b--) {
    const block = doc.blocks[b];
    if (block === undefined || block.kind === 'table') break;
    if (block.kind === 'blank') continue;
    // Paragraphs are level 0: only a numbered one ("1. Strategic Direction") names a theme.
    leadIn = {
      text: block.text,
      headingLevel: block.kind === 'heading' ? block.level : 0,
      at: block.at,
    };
    break;
  }

  // The columns are named as the plan first names them ("by who (with)" before a later "by who").
  const namer = parts.find((p) => p.header?.score === header.score) ?? best;
  const headerRow = namer.block.rows[namer.header?.row ?? header.row] as SourceRow;
  const width = widthOf([headerRow, ...dataRows]);
  return {
    sheet: best.block.sheet ?? null,
    header,
    mapping: buildMapping(headerRow, header, dataRows, width),
    items,
    leadIn,
    titleRows: best.block.rows
      .slice(0, header.row)
      .flatMap((r) => r.cells.map((c) => c.text.trim()).filter((t) => t !== '')),
  };
}

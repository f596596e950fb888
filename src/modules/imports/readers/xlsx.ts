import ExcelJS from 'exceljs';
import type {
  ImportWarning,
  SourceBlock,
  SourceCell,
  SourceDocument,
  SourceRow,
} from '../import.types.js';
import { emptyCell, isEmptyCell, textCell } from './cells.js';
import { formatDate, formatNumber, isoDate } from './number-format.js';
import { corruptFileError } from './zip.js';

/** Column letters ("AB") to a 1-based number. */
function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

interface Range {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

function parseRange(range: string): Range | null {
  const m = /^\$?([A-Z]+)\$?(\d+)(?::\$?([A-Z]+)\$?(\d+))?$/i.exec(range.trim());
  if (!m?.[1] || !m[2]) return null;
  const left = columnNumber(m[1]);
  const top = Number(m[2]);
  const right = m[3] ? columnNumber(m[3]) : left;
  const bottom = m[4] ? Number(m[4]) : top;
  return {
    top: Math.min(top, bottom),
    bottom: Math.max(top, bottom),
    left: Math.min(left, right),
    right: Math.max(left, right),
  };
}

type Value = ExcelJS.CellValue;

function richText(value: { richText: { text: string }[] }): string {
  return value.richText.map((r) => r.text).join('');
}

/** A cell as the person sees it in Excel. */
function readValue(value: Value, numFmt: string | undefined, warn: () => void): SourceCell {
  if (value === null || value === undefined) return emptyCell();
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return emptyCell();
    const text = formatDate(value, numFmt);
    return { text, lines: [{ text, bullet: false, level: 0 }], date: isoDate(value) };
  }
  if (typeof value === 'number') {
    const text = formatNumber(value, numFmt);
    return { text, lines: [{ text, bullet: false, level: 0 }], number: value };
  }
  if (typeof value === 'string') return textCell(value);
  if (typeof value === 'boolean') return textCell(value ? 'TRUE' : 'FALSE');
  if ('richText' in value) return textCell(richText(value));
  if ('hyperlink' in value) {
    const text = value.text as unknown;
    if (typeof text === 'string') return textCell(text);
    if (text && typeof text === 'object' && 'richText' in text) {
      return textCell(richText(text as { richText: { text: string }[] }));
    }
    return textCell(value.hyperlink);
  }
  if ('error' in value) return textCell(value.error);
  if ('formula' in value || 'sharedFormula' in value) {
    const result = (value as { result?: Value }).result;
    if (result === undefined || result === null) {
      warn();
      return emptyCell();
    }
    if (typeof result === 'object' && !(result instanceof Date) && 'error' in result)
      return textCell(result.error);
    return readValue(result, numFmt, warn);
  }
  return emptyCell();
}

function readSheet(sheet: ExcelJS.Worksheet, warnings: ImportWarning[]): SourceBlock {
  const name = sheet.name;
  const grid = new Map<number, Map<number, SourceCell>>();
  const owned = new Set<number>();
  let width = 0;
  let height = 0;
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    row.eachCell({ includeEmpty: false }, (cell, colNumber) => {
      // Merged cells other than the top-left repeat its value in exceljs: merges are applied below.
      if (cell.isMerged && cell.master.address !== cell.address) return;
      const read = readValue(cell.value, cell.numFmt, () => {
        warnings.push({
          code: 'formula-without-result',
          message: `Sheet ‘${name}’, cell ${cell.address} holds a formula that Excel has not calculated, so it was read as empty. Open the file in Excel, save it, and import it again to include its value.`,
          at: { sheet: name, row: rowNumber, column: colNumber },
        });
      });
      if (isEmptyCell(read)) return;
      let cells = grid.get(rowNumber);
      if (!cells) grid.set(rowNumber, (cells = new Map<number, SourceCell>()));
      cells.set(colNumber, read);
      owned.add(rowNumber);
      width = Math.max(width, colNumber);
      height = Math.max(height, rowNumber);
    });
  });

  const merged = new Map<number, Map<number, SourceCell>>();
  const merges = (sheet.model as { merges?: string[] }).merges ?? [];
  for (const merge of merges) {
    const range = parseRange(merge);
    if (!range) continue;
    const master = grid.get(range.top)?.get(range.left);
    if (!master) continue;
    width = Math.max(width, range.right);
    for (let r = range.top; r <= range.bottom; r += 1) {
      let cells = merged.get(r);
      if (!cells) merged.set(r, (cells = new Map<number, SourceCell>()));
      for (let c = range.left; c <= range.right; c += 1) {
        if (r === range.top && c === range.left) continue;
        // A theme written once for several rows is filled down; a heading across columns stays in its first cell.
        cells.set(
          c,
          c === range.left
            ? { ...master, lines: master.lines.map((l) => ({ ...l })) }
            : { ...emptyCell(), mergedIntoPrevious: true },
        );
      }
    }
  }

  const rows: SourceRow[] = [];
  for (let r = 1; r <= height; r += 1) {
    // Rows that hold nothing of their own are skipped, even if a merge from above covers them.
    if (!owned.has(r)) continue;
    const cells: SourceCell[] = [];
    for (let c = 1; c <= width; c += 1) {
      cells.push(grid.get(r)?.get(c) ?? merged.get(r)?.get(c) ?? emptyCell());
    }
    rows.push({ cells, at: { sheet: name, row: r } });
  }
  return { kind: 'table', rows, at: { sheet: name }, sheet: name };
}

/** Reads every sheet of a workbook into a table block; the zip must already have passed the size checks. */
export async function readXlsx(bytes: Buffer, name: string): Promise<SourceDocument> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    throw corruptFileError('an Excel workbook');
  }
  const warnings: ImportWarning[] = [];
  const sheets = workbook.worksheets;
  const blocks = sheets.map((sheet) => readSheet(sheet, warnings));
  return { format: 'xlsx', name, sheets: sheets.map((s) => s.name), blocks, warnings };
}

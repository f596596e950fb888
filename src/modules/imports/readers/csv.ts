import { parse } from 'csv-parse/sync';
import type { SourceDocument, SourceRow } from '../import.types.js';
import { textCell, isEmptyCell, emptyCell } from './cells.js';

export type CsvDelimiter = ',' | ';' | '\t' | '|';
const DELIMITERS: CsvDelimiter[] = [',', ';', '\t', '|'];

const SAMPLE_LINES = 200;

function parseWith(
  text: string,
  delimiter: CsvDelimiter,
  toLine?: number,
): { record: string[]; info: { lines: number; raw?: string } }[] {
  // csv-parse miscounts lines when a quoted cell holds CRLF; cells are normalised to "\n" anyway.
  return parse(text.replace(/\r\n?/g, '\n'), {
    delimiter,
    bom: true,
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: false,
    info: true,
    raw: true,
    ...(toLine === undefined ? {} : { to_line: toLine }),
  }) as unknown as { record: string[]; info: { lines: number; raw?: string } }[];
}

/**
 * Picks the delimiter that splits the file into the most consistent rows of two or more columns.
 * Spreadsheets saved as CSV in European settings use ";", exports from some systems "|" or tabs.
 */
export function sniffDelimiter(text: string): {
  delimiter: CsvDelimiter;
  columns: number;
  consistency: number;
} {
  let best: { delimiter: CsvDelimiter; columns: number; consistency: number } = {
    delimiter: ',',
    columns: 1,
    consistency: 0,
  };
  for (const delimiter of DELIMITERS) {
    let records: string[][];
    try {
      records = parseWith(text, delimiter, SAMPLE_LINES)
        .map((r) => r.record)
        .filter((r) => r.some((f) => f.trim() !== ''));
    } catch {
      continue;
    }
    if (records.length === 0) continue;
    const counts = new Map<number, number>();
    for (const r of records) counts.set(r.length, (counts.get(r.length) ?? 0) + 1);
    let modal = 1;
    let modalCount = 0;
    for (const [columns, count] of counts) {
      if (count > modalCount || (count === modalCount && columns > modal)) {
        modal = columns;
        modalCount = count;
      }
    }
    if (modal < 2) continue;
    // Rows with more columns than the modal count are usually free text that contains the character.
    const consistency = records.filter((r) => r.length === modal).length / records.length;
    const better =
      consistency > best.consistency + 0.05 ||
      (Math.abs(consistency - best.consistency) <= 0.05 && modal > best.columns);
    if (best.columns < 2 || better) best = { delimiter, columns: modal, consistency };
  }
  return best;
}

/** Reads CSV text (already decoded) into one table: a row per record, with the file's line numbers. */
export function readCsv(text: string, name: string, delimiter?: CsvDelimiter): SourceDocument {
  // Excel understands a first line "sep=;" naming the delimiter; it is not part of the table.
  const hint = /^\ufeff?sep=([,;\t|])[ \t]*(\r\n|\r|\n|$)/i.exec(text);
  const body = hint ? text.slice(hint[0].length) : text;
  const chosen =
    (hint?.[1] as CsvDelimiter | undefined) ?? delimiter ?? sniffDelimiter(body).delimiter;
  const firstLine = hint ? 2 : 1;
  const parsed = parseWith(body, chosen);
  const rows: SourceRow[] = [];
  let width = 0;
  let line = 1;
  parsed.forEach(({ record, info }, index) => {
    const raw = info.raw ?? '';
    // info.lines counts lines up to the end of the record; a record may span several lines.
    const startLine =
      info.lines - (raw.replace(/\n$/, '').match(/\n/g) ?? []).length + firstLine - 1;
    line = startLine > 0 ? startLine : line;
    const cells = record.map(textCell);
    if (cells.every(isEmptyCell)) return;
    width = Math.max(width, cells.length);
    rows.push({ cells, at: { line, row: index + 1 } });
  });
  for (const row of rows) {
    while (row.cells.length < width) row.cells.push(emptyCell());
  }
  return {
    format: 'csv',
    name,
    blocks:
      rows.length === 0
        ? []
        : [{ kind: 'table', rows, at: { line: rows[0]?.at.line ?? firstLine } }],
    warnings: [],
  };
}

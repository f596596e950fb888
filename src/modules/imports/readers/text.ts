import type { SourceBlock, SourceDocument, SourceRow } from '../import.types.js';
import { cellFromText, lineFromText } from '../understand/cells.js';

/**
 * Text pasted from a Word table or saved as text: a table's cells are separated by tabs, one row a
 * line. Word puts blank lines between rows that were cut by a page break, so blank lines do not end
 * a table; the first non-blank line without a tab does.
 */
export function readText(text: string, name: string): SourceDocument {
  const lines = text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split('\n');
  // A final newline does not make a last, empty line.
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();

  const blocks: SourceBlock[] = [];
  let table: { rows: SourceRow[]; line: number } | null = null;
  let pendingBlanks: SourceBlock[] = [];

  const endTable = () => {
    if (table) blocks.push({ kind: 'table', rows: table.rows, at: { line: table.line } });
    table = null;
    blocks.push(...pendingBlanks);
    pendingBlanks = [];
  };

  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.includes('\t')) {
      if (table === null) {
        table = { rows: [], line };
      } else {
        // Blank lines between rows are page-break debris inside the table, not structure.
        pendingBlanks = [];
      }
      table.rows.push({ cells: raw.split('\t').map(cellFromText), at: { line } });
      return;
    }
    if (raw.trim() === '') {
      if (table) pendingBlanks.push({ kind: 'blank', at: { line } });
      else blocks.push({ kind: 'blank', at: { line } });
      return;
    }
    endTable();
    const { text: body, bullet, level } = lineFromText(raw);
    blocks.push({ kind: 'paragraph', text: body, bullet, level, at: { line } });
  });
  endTable();

  return { format: 'text', name, blocks, warnings: [] };
}

import type { CellLine, SourceCell } from '../import.types.js';

/** Markers people type in front of list items in spreadsheet and CSV cells. */
const BULLET = /^([ \t]*)([-•◦▪▫‣∙·*–]|o(?=[ \t]))[ \t]+(?=\S)/u;

/** Splits one line into its text and list structure, recognising typed bullets ("- ", "• "). */
export function readLine(raw: string): CellLine {
  const line = raw.replace(/\s+$/u, '');
  const match = BULLET.exec(line);
  if (!match) return { text: line.trim(), bullet: false, level: 0 };
  const indent = (match[1] ?? '').replace(/\t/g, '  ').length;
  const marker = match[2];
  // Word and Excel users mark second-level items with a hollow bullet or by indenting.
  const level = Math.min(
    8,
    Math.floor(indent / 2) + (marker === '◦' || marker === '▫' || marker === 'o' ? 1 : 0),
  );
  return { text: line.slice(match[0].length).trim(), bullet: true, level };
}

/** Normalises line endings and drops trailing spaces and surrounding blank lines, keeping the text as written. */
export function normaliseText(raw: string): string {
  return raw
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.replace(/[ \t\u00a0]+$/u, ''))
    .join('\n')
    .replace(/^\n+|\n+$/g, '');
}

/** A cell from typed text (CSV or spreadsheet): the text as written, its lines with bullets recognised. */
export function textCell(raw: string): SourceCell {
  const text = normaliseText(raw).trim();
  const lines =
    text === ''
      ? []
      : text
          .split('\n')
          .filter((l) => l.trim() !== '')
          .map(readLine);
  return { text, lines };
}

export function emptyCell(): SourceCell {
  return { text: '', lines: [] };
}

/** A cell whose lines come from real paragraphs (Word): the text shows list items with a bullet. */
export function cellFromLines(lines: CellLine[]): SourceCell {
  const kept = lines.filter((l) => l.text !== '');
  const text = kept
    .map((l) => (l.bullet ? `${'  '.repeat(l.level)}• ${l.text}` : l.text))
    .join('\n');
  return { text, lines: kept };
}

export function isEmptyCell(cell: SourceCell): boolean {
  return cell.text === '' && cell.date === undefined && cell.number === undefined;
}

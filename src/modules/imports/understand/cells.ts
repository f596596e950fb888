import type { CellLine, SourceCell } from '../import.types.js';

/**
 * Cells as every reader hands them over. Councils paste from web systems and old intranets, so a
 * cell may hold HTML-like markup ("<ul><li>…</li></ul>", "<p>", "<br>"): that is read as lines and
 * bullets rather than shown as tags.
 */

const MARKUP = /<\s*\/?\s*(?:ul|ol|li|p|br|div)\b[^>]*>/i;
const BULLET_PREFIX = /^([-•*·▪‣◦])\s+/;

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  pound: '£',
  ndash: '–',
  mdash: '—',
  rsquo: '’',
  lsquo: '‘',
};

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X')) {
      return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    }
    if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** One plain line: "- item" / "• item" / "* item" is a bullet; leading spaces give the level. */
export function lineFromText(raw: string): CellLine {
  const expanded = raw.replace(/\t/g, '    ');
  const indent = expanded.length - expanded.trimStart().length;
  const trimmed = expanded.trim();
  const bullet = BULLET_PREFIX.exec(trimmed);
  return {
    text: bullet ? trimmed.slice(bullet[0].length).trim() : trimmed,
    bullet: bullet !== null,
    level: indent === 0 ? 0 : Math.max(1, Math.floor(indent / 2)),
  };
}

/** Reads markup into lines: paragraphs and breaks become lines, list items become bullets. */
function linesFromMarkup(html: string): CellLine[] {
  const lines: CellLine[] = [];
  let depth = 0;
  let current = '';
  let inItem = false;
  const flush = () => {
    const text = decodeEntities(current.replace(/\s+/g, ' ')).trim();
    if (text) lines.push({ text, bullet: inItem, level: inItem ? Math.max(0, depth - 1) : 0 });
    current = '';
  };
  const tag = /<\s*(\/?)\s*([a-z0-9]+)\b[^>]*?(\/?)\s*>/gi;
  let last = 0;
  for (let m = tag.exec(html); m !== null; m = tag.exec(html)) {
    current += html.slice(last, m.index);
    last = m.index + m[0].length;
    const closing = m[1] === '/';
    const name = (m[2] ?? '').toLowerCase();
    if (name === 'ul' || name === 'ol') {
      flush();
      depth = closing ? Math.max(0, depth - 1) : depth + 1;
      inItem = false;
    } else if (name === 'li') {
      flush();
      inItem = !closing;
    } else if (name === 'p' || name === 'div' || name === 'br') {
      flush();
    }
    // Any other tag (<b>, <span>…) is dropped and its text kept.
  }
  current += html.slice(last);
  flush();
  return lines;
}

/** Text that holds markup the cell's lines were read from. */
export function hasMarkup(text: string): boolean {
  return MARKUP.test(text);
}

function joinLines(lines: CellLine[]): string {
  return lines.map((l) => (l.bullet ? `${'  '.repeat(l.level)}• ${l.text}` : l.text)).join('\n');
}

/** A cell from its text as read (lines split on line breaks; markup read as structure). */
export function cellFromText(raw: string): SourceCell {
  const text = raw.replace(/\r\n?/g, '\n');
  if (hasMarkup(text)) {
    const lines = linesFromMarkup(text);
    return { text: joinLines(lines), lines };
  }
  const lines = text
    .split('\n')
    .map(lineFromText)
    .filter((l) => l.text !== '');
  return { text: text.trim(), lines };
}

/** The same cell with any markup in its text read as lines; other cells are returned as they are. */
export function normaliseCell(cell: SourceCell): SourceCell {
  if (!hasMarkup(cell.text)) return cell;
  return { ...cell, ...cellFromText(cell.text) };
}

export const EMPTY_CELL: SourceCell = { text: '', lines: [] };

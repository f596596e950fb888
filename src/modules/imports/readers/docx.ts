import JSZip from 'jszip';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type {
  CellLine,
  ImportWarning,
  SourceBlock,
  SourceCell,
  SourceDocument,
  SourceRow,
} from '../import.types.js';
import { cellFromLines, emptyCell, readLine } from './cells.js';
import { corruptFileError } from './zip.js';

/** A node of fast-xml-parser's ordered output: `{ 'w:p': [...children], ':@': { attributes } }`. */
type XNode = Record<string, unknown>;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  htmlEntities: false,
});

function tagOf(node: XNode): string {
  for (const key of Object.keys(node)) if (key !== ':@') return key;
  return '';
}

function kids(node: XNode): XNode[] {
  const value = node[tagOf(node)];
  return Array.isArray(value) ? (value as XNode[]) : [];
}

function attr(node: XNode | undefined, name: string): string | undefined {
  const attrs = node?.[':@'] as Record<string, unknown> | undefined;
  const value = attrs?.[name];
  return typeof value === 'string' ? value : undefined;
}

function child(node: XNode | undefined, tag: string): XNode | undefined {
  return node ? kids(node).find((k) => tagOf(k) === tag) : undefined;
}

function parseXml(xml: string): XNode[] {
  // Word never writes a DOCTYPE; refusing one rules out entity-expansion tricks.
  if (/<!DOCTYPE/i.test(xml)) throw corruptFileError('a Word document');
  // The parser accepts broken XML silently; a damaged file must be refused, not half read.
  // (Its successor package, fast-xml-validator, is not a dependency; this one still works.)
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  if (XMLValidator.validate(xml) !== true) throw corruptFileError('a Word document');
  return parser.parse(xml) as XNode[];
}

function root(nodes: XNode[], tag: string): XNode | undefined {
  return nodes.find((n) => tagOf(n) === tag);
}

// ---------------------------------------------------------------- styles

interface StyleInfo {
  name: string;
  basedOn?: string;
  headingLevel?: number;
  numId?: string;
  ilvl?: number;
}

/** Heading level a style name implies: "heading 2" → 2, "Title" → 0, "Area heading" → undefined (decided later). */
function levelFromName(id: string, name: string): number | undefined {
  const byName = /^heading\s*([1-9])$/i.exec(name.trim()) ?? /^Heading([1-9])$/.exec(id);
  if (byName?.[1]) return Number(byName[1]);
  if (/^title$/i.test(name.trim()) || id === 'Title') return 0;
  return undefined;
}

function readStyles(xml: string | null): Map<string, StyleInfo> {
  const styles = new Map<string, StyleInfo>();
  if (!xml) return styles;
  const doc = root(parseXml(xml), 'w:styles');
  if (!doc) return styles;
  for (const style of kids(doc)) {
    if (tagOf(style) !== 'w:style' || attr(style, 'w:type') !== 'paragraph') continue;
    const id = attr(style, 'w:styleId');
    if (!id) continue;
    const name = attr(child(style, 'w:name'), 'w:val') ?? id;
    const pPr = child(style, 'w:pPr');
    const numPr = child(pPr, 'w:numPr');
    const outline = attr(child(pPr, 'w:outlineLvl'), 'w:val');
    const info: StyleInfo = { name };
    const basedOn = attr(child(style, 'w:basedOn'), 'w:val');
    if (basedOn) info.basedOn = basedOn;
    const level = levelFromName(id, name);
    if (level !== undefined) info.headingLevel = level;
    else if (outline !== undefined && Number(outline) < 9) info.headingLevel = Number(outline) + 1;
    const numId = attr(child(numPr, 'w:numId'), 'w:val');
    if (numId) info.numId = numId;
    const ilvl = attr(child(numPr, 'w:ilvl'), 'w:val');
    if (ilvl) info.ilvl = Number(ilvl);
    styles.set(id, info);
  }
  return styles;
}

/** Resolves a style through its basedOn chain. */
function resolveStyle(
  styles: Map<string, StyleInfo>,
  id: string | undefined,
): StyleInfo & { heading?: number } {
  const seen = new Set<string>();
  let current = id ? styles.get(id) : undefined;
  const result: StyleInfo & { heading?: number } = { name: current?.name ?? id ?? '' };
  let nameSaysHeading = /heading/i.test(result.name) && !/\bchar\b/i.test(result.name);
  while (current && id && !seen.has(id)) {
    seen.add(id);
    if (result.headingLevel === undefined && current.headingLevel !== undefined)
      result.headingLevel = current.headingLevel;
    if (result.numId === undefined && current.numId !== undefined) result.numId = current.numId;
    if (result.ilvl === undefined && current.ilvl !== undefined) result.ilvl = current.ilvl;
    if (/heading/i.test(current.name)) nameSaysHeading = true;
    id = current.basedOn;
    current = id ? styles.get(id) : undefined;
  }
  // A council's own "Area heading" style with no outline level still reads as a heading.
  if (result.headingLevel === undefined && nameSaysHeading) result.headingLevel = 1;
  const list = /^list (bullet|number)\s*([2-9])?$/i.exec(result.name);
  if (list && result.ilvl === undefined) result.ilvl = list[2] ? Number(list[2]) - 1 : 0;
  if (list && result.numId === undefined)
    result.numId = `style:${list[1]?.toLowerCase() ?? 'bullet'}`;
  return result;
}

// ---------------------------------------------------------------- numbering

interface Level {
  start: number;
  format: string;
  text: string;
}

interface Numbering {
  /** numId → abstract list id and per-level restarts. */
  nums: Map<string, { abstract: string; starts: Map<number, number> }>;
  abstracts: Map<string, Map<number, Level>>;
  counters: Map<string, number[]>;
  started: Set<string>;
}

function readNumbering(xml: string | null): Numbering {
  const numbering: Numbering = {
    nums: new Map(),
    abstracts: new Map(),
    counters: new Map(),
    started: new Set(),
  };
  if (!xml) return numbering;
  const doc = root(parseXml(xml), 'w:numbering');
  if (!doc) return numbering;
  for (const node of kids(doc)) {
    const tag = tagOf(node);
    if (tag === 'w:abstractNum') {
      const id = attr(node, 'w:abstractNumId');
      if (!id) continue;
      const levels = new Map<number, Level>();
      for (const lvl of kids(node)) {
        if (tagOf(lvl) !== 'w:lvl') continue;
        levels.set(Number(attr(lvl, 'w:ilvl') ?? 0), {
          start: Number(attr(child(lvl, 'w:start'), 'w:val') ?? 1),
          format: attr(child(lvl, 'w:numFmt'), 'w:val') ?? 'decimal',
          text: attr(child(lvl, 'w:lvlText'), 'w:val') ?? '',
        });
      }
      numbering.abstracts.set(id, levels);
    } else if (tag === 'w:num') {
      const id = attr(node, 'w:numId');
      const abstract = attr(child(node, 'w:abstractNumId'), 'w:val');
      if (!id || !abstract) continue;
      const starts = new Map<number, number>();
      for (const override of kids(node)) {
        if (tagOf(override) !== 'w:lvlOverride') continue;
        const start = attr(child(override, 'w:startOverride'), 'w:val');
        if (start !== undefined) starts.set(Number(attr(override, 'w:ilvl') ?? 0), Number(start));
      }
      numbering.nums.set(id, { abstract, starts });
    }
  }
  return numbering;
}

function roman(n: number): string {
  const table: [number, string][] = [
    [1000, 'm'],
    [900, 'cm'],
    [500, 'd'],
    [400, 'cd'],
    [100, 'c'],
    [90, 'xc'],
    [50, 'l'],
    [40, 'xl'],
    [10, 'x'],
    [9, 'ix'],
    [5, 'v'],
    [4, 'iv'],
    [1, 'i'],
  ];
  let out = '';
  for (const [value, letters] of table) {
    while (n >= value) {
      out += letters;
      n -= value;
    }
  }
  return out;
}

function letters(n: number): string {
  const letter = String.fromCharCode(96 + (((n - 1) % 26) + 1));
  return letter.repeat(Math.floor((n - 1) / 26) + 1);
}

function formatCounter(n: number, format: string): string {
  switch (format) {
    case 'lowerLetter':
      return letters(n);
    case 'upperLetter':
      return letters(n).toUpperCase();
    case 'lowerRoman':
      return roman(n);
    case 'upperRoman':
      return roman(n).toUpperCase();
    case 'decimalZero':
      return String(n).padStart(2, '0');
    default:
      return String(n);
  }
}

/**
 * Advances a list's counter and returns what Word shows in front of the item: "1.2" for numbered
 * lists (people use these as references), null for bullets.
 */
function listLabel(
  numbering: Numbering,
  numId: string,
  ilvl: number,
): { label: string | null; bullet: boolean } {
  if (numId.startsWith('style:')) return { label: null, bullet: true };
  const num = numbering.nums.get(numId);
  const levels = num ? numbering.abstracts.get(num.abstract) : undefined;
  const level = levels?.get(ilvl);
  if (!num || !levels || !level) return { label: null, bullet: true };
  if (level.format === 'bullet') return { label: null, bullet: true };
  const counters = numbering.counters.get(num.abstract) ?? [];
  numbering.counters.set(num.abstract, counters);
  if (!numbering.started.has(numId)) {
    numbering.started.add(numId);
    for (const [lvl, start] of num.starts) counters[lvl] = start - 1;
  }
  counters[ilvl] = (counters[ilvl] ?? level.start - 1) + 1;
  counters.length = ilvl + 1;
  if (level.format === 'none') return { label: null, bullet: true };
  const label = level.text.replace(/%([1-9])/g, (_m, d: string) => {
    const i = Number(d) - 1;
    const l = levels.get(i);
    return formatCounter(counters[i] ?? l?.start ?? 1, l?.format ?? 'decimal');
  });
  return { label: label.trim() === '' ? null : label, bullet: true };
}

// ---------------------------------------------------------------- paragraphs

interface Context {
  styles: Map<string, StyleInfo>;
  numbering: Numbering;
  skippedTextBoxes: boolean;
}

interface Paragraph {
  text: string;
  heading?: number;
  list?: { level: number; label: string | null };
  date?: string;
}

/** Collects the visible text of runs, following hyperlinks, insertions and content controls. */
function collectText(nodes: XNode[], out: { text: string; date?: string }, ctx: Context): void {
  for (const node of nodes) {
    const tag = tagOf(node);
    switch (tag) {
      case 'w:t':
        for (const k of kids(node)) if (typeof k['#text'] === 'string') out.text += k['#text'];
        break;
      case 'w:tab':
      case 'w:ptab':
        out.text += '\t';
        break;
      case 'w:br':
        if (attr(node, 'w:type') !== 'page' && attr(node, 'w:type') !== 'column') out.text += '\n';
        break;
      case 'w:cr':
        out.text += '\n';
        break;
      case 'w:noBreakHyphen':
        out.text += '-';
        break;
      case 'w:r':
      case 'w:hyperlink':
      case 'w:ins':
      case 'w:moveTo':
      case 'w:smartTag':
      case 'w:customXml':
      case 'w:fldSimple':
      case 'w:sdtContent':
        collectText(kids(node), out, ctx);
        break;
      case 'w:sdt': {
        const full = attr(child(child(node, 'w:sdtPr'), 'w:date'), 'w:fullDate');
        if (full && /^\d{4}-\d{2}-\d{2}/.test(full)) out.date = full.slice(0, 10);
        collectText(kids(child(node, 'w:sdtContent') ?? {}), out, ctx);
        break;
      }
      case 'mc:AlternateContent':
      case 'w:drawing':
      case 'w:pict':
      case 'w:object':
        if (
          JSON.stringify(node).includes('w:txbxContent') &&
          /"#text":"[^"]*\S/.test(JSON.stringify(node))
        ) {
          ctx.skippedTextBoxes = true;
        }
        break;
      default:
        // Deleted text, field codes, footnote marks and properties are not part of what is read.
        break;
    }
  }
}

function readParagraph(p: XNode, ctx: Context): Paragraph {
  const pPr = child(p, 'w:pPr');
  const style = resolveStyle(ctx.styles, attr(child(pPr, 'w:pStyle'), 'w:val'));
  const out: { text: string; date?: string } = { text: '' };
  collectText(kids(p), out, ctx);
  const paragraph: Paragraph = { text: out.text.replace(/\s+$/u, '').replace(/^[ \u00a0]+/u, '') };
  if (out.date) paragraph.date = out.date;
  const outline = attr(child(pPr, 'w:outlineLvl'), 'w:val');
  if (outline !== undefined && Number(outline) < 9) paragraph.heading = Number(outline) + 1;
  else if (style.headingLevel !== undefined) paragraph.heading = style.headingLevel;
  const numPr = child(pPr, 'w:numPr');
  const numId = attr(child(numPr, 'w:numId'), 'w:val') ?? style.numId;
  const ilvl = Number(attr(child(numPr, 'w:ilvl'), 'w:val') ?? style.ilvl ?? 0);
  if (numId && numId !== '0' && paragraph.text !== '') {
    const { label } = listLabel(ctx.numbering, numId, ilvl);
    if (label) paragraph.text = `${label} ${paragraph.text}`;
    paragraph.list = { level: ilvl, label };
  }
  return paragraph;
}

/** A paragraph's lines inside a table cell: list items keep their level; typed bullets are recognised. */
function paragraphLines(p: Paragraph): CellLine[] {
  return p.text.split('\n').flatMap((segment, i): CellLine[] => {
    if (segment.trim() === '') return [];
    if (p.list && i === 0) return [{ text: segment.trim(), bullet: true, level: p.list.level }];
    const line = readLine(segment);
    return [p.list && !line.bullet ? { ...line, level: p.list.level } : line];
  });
}

// ---------------------------------------------------------------- tables

/** Unwraps content controls and custom XML around rows, cells and paragraphs. */
function unwrap(nodes: XNode[], tags: string[]): XNode[] {
  return nodes.flatMap((n) => {
    const tag = tagOf(n);
    if (tags.includes(tag)) return [n];
    if (tag === 'w:sdt') return unwrap(kids(child(n, 'w:sdtContent') ?? {}), tags);
    if (tag === 'w:customXml') return unwrap(kids(n), tags);
    return [];
  });
}

function cellContent(tc: XNode, ctx: Context): SourceCell {
  const lines: CellLine[] = [];
  let date: string | undefined;
  const walk = (nodes: XNode[]): void => {
    for (const node of unwrap(nodes, ['w:p', 'w:tbl'])) {
      if (tagOf(node) === 'w:p') {
        const p = readParagraph(node, ctx);
        if (p.date) date = p.date;
        lines.push(...paragraphLines(p));
      } else {
        // A table inside a cell: its cells are read as further lines of this cell.
        for (const tr of unwrap(kids(node), ['w:tr'])) {
          for (const inner of unwrap(kids(tr), ['w:tc'])) walk(kids(inner));
        }
      }
    }
  };
  walk(kids(tc));
  const cell = cellFromLines(lines);
  if (date) cell.date = date;
  return cell;
}

function copyCell(cell: SourceCell): SourceCell {
  const copy: SourceCell = { ...cell, lines: cell.lines.map((l) => ({ ...l })) };
  delete copy.mergedIntoPrevious;
  return copy;
}

function readTable(tbl: XNode, tableNumber: number, ctx: Context): SourceBlock {
  const rows: SourceRow[] = [];
  // The cell that began a vertical merge in each grid column.
  const vertical = new Map<number, SourceCell>();
  let width = 0;
  unwrap(kids(tbl), ['w:tr']).forEach((tr, index) => {
    const trPr = child(tr, 'w:trPr');
    const cells: SourceCell[] = [];
    const before = Number(attr(child(trPr, 'w:gridBefore'), 'w:val') ?? 0);
    for (let i = 0; i < before; i += 1) cells.push(emptyCell());
    for (const tc of unwrap(kids(tr), ['w:tc'])) {
      const tcPr = child(tc, 'w:tcPr');
      const span = Math.max(1, Number(attr(child(tcPr, 'w:gridSpan'), 'w:val') ?? 1));
      const vMerge = child(tcPr, 'w:vMerge');
      const column = cells.length;
      let cell: SourceCell;
      if (vMerge && attr(vMerge, 'w:val') !== 'restart') {
        const above = vertical.get(column);
        cell = above ? copyCell(above) : cellContent(tc, ctx);
      } else {
        cell = cellContent(tc, ctx);
        if (vMerge) vertical.set(column, cell);
        else vertical.delete(column);
      }
      cells.push(cell);
      // A cell spanning columns keeps its text in its first cell, so a theme row across the table shows.
      for (let i = 1; i < span; i += 1) cells.push({ ...emptyCell(), mergedIntoPrevious: true });
    }
    width = Math.max(width, cells.length);
    rows.push({ cells, at: { table: tableNumber, row: index + 1 } });
  });
  for (const row of rows) while (row.cells.length < width) row.cells.push(emptyCell());
  return { kind: 'table', rows, at: { table: tableNumber } };
}

// ---------------------------------------------------------------- document

async function entryText(zip: JSZip, path: string): Promise<string | null> {
  const file = zip.file(path);
  return file ? file.async('string') : null;
}

/** Reads a Word document's body into headings, paragraphs and tables, in document order. */
export async function readDocx(bytes: Buffer, name: string): Promise<SourceDocument> {
  let zip: JSZip;
  let documentXml: string | null;
  let stylesXml: string | null;
  let numberingXml: string | null;
  try {
    zip = await JSZip.loadAsync(bytes, { checkCRC32: true });
    documentXml = await entryText(zip, 'word/document.xml');
    stylesXml = await entryText(zip, 'word/styles.xml');
    numberingXml = await entryText(zip, 'word/numbering.xml');
  } catch {
    throw corruptFileError('a Word document');
  }
  if (documentXml === null) throw corruptFileError('a Word document');

  let body: XNode | undefined;
  const ctx: Context = {
    styles: new Map(),
    numbering: readNumbering(null),
    skippedTextBoxes: false,
  };
  try {
    ctx.styles = readStyles(stylesXml);
    ctx.numbering = readNumbering(numberingXml);
    body = child(root(parseXml(documentXml), 'w:document'), 'w:body');
  } catch {
    throw corruptFileError('a Word document');
  }

  const blocks: SourceBlock[] = [];
  let tables = 0;
  for (const node of unwrap(kids(body ?? {}), ['w:p', 'w:tbl'])) {
    if (tagOf(node) === 'w:tbl') {
      tables += 1;
      blocks.push(readTable(node, tables, ctx));
      continue;
    }
    const p = readParagraph(node, ctx);
    if (p.text.trim() === '') continue;
    if (p.heading !== undefined) {
      // Numbered headings ("4. Best Value") stay headings, with their number.
      blocks.push({
        kind: 'heading',
        level: p.heading,
        text: p.text.replace(/\s*\n\s*/g, ' ').trim(),
        at: {},
      });
    } else if (p.list) {
      blocks.push({
        kind: 'paragraph',
        text: p.text.trim(),
        bullet: true,
        level: p.list.level,
        at: {},
      });
    } else {
      const typed = readLine(p.text.split('\n')[0] ?? '');
      blocks.push(
        typed.bullet
          ? {
              kind: 'paragraph',
              text: p.text.replace(/^\s*\S+\s+/u, '').trim(),
              bullet: true,
              level: typed.level,
              at: {},
            }
          : { kind: 'paragraph', text: p.text.trim(), bullet: false, level: 0, at: {} },
      );
    }
  }
  const warnings: ImportWarning[] = [];
  if (ctx.skippedTextBoxes) {
    warnings.push({
      code: 'text-boxes-skipped',
      message:
        'The document has text inside text boxes or shapes, which Waymark does not read. If part of the plan is in a text box, move it into the page or a table and import again.',
    });
  }
  return { format: 'docx', name, blocks, warnings };
}

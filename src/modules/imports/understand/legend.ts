/**
 * Keys and legends: "CR = Met within current resources", "AR - Additional resources required",
 * "Amount in £ = …", "H = High", initials followed by a name ("MM Mike Mickleburgh"), and a
 * glossary sheet in a workbook.
 *
 * Plans are full of lines that look a little like a legend ("IM&T - in respect of ICT systems",
 * "AUTHOR: Chris Lloyd", a table header "Action | Responsibility"), so each kind of line has to
 * earn its place: "=" is a key on its own; a dash or colon only counts for a code-shaped term in a
 * run of such lines or under a "Key"/"Legend" heading; initials only when they match the name.
 */
import type { GlossaryEntry, SourceBlock, SourceRow } from '../import.types.js';

const LEGEND_LABEL =
  /^(?:legend|key|glossary|abbreviations|acronyms|definitions|initials|codes)(?:\s+(?:for|to|of)\b.*)?\s*:?\s*$/i;
const LEADING_LABEL = /^(?:legend|key|glossary|abbreviations)\b[^:=]{0,30}:\s*/i;
const GLOSSARY_SHEET =
  /\b(?:glossary|key|legend|abbreviations|acronyms|definitions|terms|initials|codes)\b/i;
const HEADER_TERM = /^(?:terms?|codes?|abbreviations?|acronyms?|initials|keys?|short ?form)$/i;
const HEADER_MEANING =
  /^(?:meanings?|descriptions?|definitions?|explanations?|full (?:name|form|title)|names?|stands for|expansions?|posts?|(?:job )?titles?|roles?)$/i;
const CONNECTORS = new Set(['of', 'and', 'for', 'the', '&']);
const BULLET_MARK = /^\s*(?:[-–•*▪◦·])\s+/;

/** "CR", "H", "N/A", "T&D", "BoD", "JMcK": a short token that is mostly capitals. */
function isCodeToken(text: string): boolean {
  if (!/^[A-Z][A-Za-z0-9&/+.'’]{0,7}$/.test(text)) return false;
  const letters = text.replace(/[^A-Za-z]/g, '');
  const capitals = text.replace(/[^A-Z]/g, '').length;
  if (letters.length === 1) return true;
  return capitals >= 2 && capitals * 2 >= letters.length;
}

/** "Amount in £", "Over £5k", "%": a short phrase about money or a scale. */
function isSymbolPhrase(text: string): boolean {
  return /[£$€%]/.test(text) && text.length <= 30 && text.split(/\s+/).length <= 4;
}

function clean(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function capitals(text: string): string {
  return text.replace(/[^A-Z]/g, '');
}

/** "Mike Mickleburgh", "Jack McKeown", "Head of ICT": 2–4 capitalised words. */
function nameWords(text: string): string[] | null {
  const words = clean(text).split(' ');
  const named = words.filter((w) => !CONNECTORS.has(w.toLowerCase()));
  if (named.length < 2 || named.length > 4 || words.length > 6) return null;
  if (CONNECTORS.has((words[0] ?? '').toLowerCase())) return null;
  if (!named.every((w) => /^[A-Z][A-Za-z'’-]*\.?$/.test(w))) return null;
  return named;
}

/** True when the initials could stand for the name: "JMcK" for "Jack McKeown", not "ICT" for "Service Delivery". */
export function initialsMatch(code: string, name: string): boolean {
  if (!/^[A-Z][A-Za-z]{0,5}$/.test(code)) return false;
  const token = capitals(code);
  if (token.length < 2) return false;
  const words = nameWords(name);
  if (!words) return false;
  const first = words[0] ?? '';
  const last = words.at(-1) ?? '';
  if (token[0] !== first[0]) return false;
  if (!capitals(last).includes(token.at(-1) ?? '')) return false;
  // Every capital of the code appears, in order, among the capitals of the name.
  const available = capitals(words.join(' '));
  let at = 0;
  for (const c of token) {
    const found = available.indexOf(c, at);
    if (found === -1) return false;
    at = found + 1;
  }
  return true;
}

interface Candidate {
  code: string;
  meaning: string;
  /** 'equals' and 'initials' stand alone; 'weak' (a dash or colon) needs company. */
  strength: 'equals' | 'initials' | 'weak';
}

function entry(code: string, meaning: string, strength: Candidate['strength']): Candidate {
  return { code: clean(code), meaning: clean(meaning).replace(/[;,]$/, ''), strength };
}

/** One line of text: a legend entry, several ("H = High, M = Medium"), or nothing. */
function parseLine(raw: string): Candidate[] {
  const text = clean(raw).replace(LEADING_LABEL, '');
  if (!text) return [];

  const initials = /^([A-Za-z]{1,6})\s*(?:[-–—:=]\s*)?(\S.*)$/.exec(text);
  if (initials && initialsMatch(initials[1] ?? '', initials[2] ?? '')) {
    return [entry(initials[1] ?? '', initials[2] ?? '', 'initials')];
  }

  const equalsCount = (text.match(/=/g) ?? []).length;
  if (equalsCount >= 2) {
    const parts = text.split(/\s*[;,]\s*|\s{2,}/).filter((p) => p.length > 0);
    const entries = parts.map((p) => parseEquals(p));
    if (entries.every((e) => e !== null)) return entries;
    return [];
  }
  if (equalsCount === 1) {
    const one = parseEquals(text);
    return one ? [one] : [];
  }

  const weak = /^(.{1,30}?)(?:\s+[-–—]\s+|\s*:\s+)(\S.*)$/.exec(text);
  if (weak) {
    const code = clean(weak[1] ?? '');
    const meaning = clean(weak[2] ?? '');
    if ((isCodeToken(code) || isSymbolPhrase(code)) && meaning.split(' ').length <= 20) {
      return [entry(code, meaning, 'weak')];
    }
  }
  return [];
}

function parseEquals(text: string): Candidate | null {
  const match = /^([^=]{1,30}?)\s*=\s*([^=]+)$/.exec(text);
  if (!match) return null;
  const code = clean(match[1] ?? '');
  const meaning = clean(match[2] ?? '');
  if (!code || !meaning) return null;
  if (code.split(' ').length > 4 || /[.;!?]$/.test(code)) return null;
  if (meaning.split(' ').length > 25) return null;
  return entry(code, meaning, initialsMatch(code, meaning) ? 'initials' : 'equals');
}

/** Lines of text (paragraphs, or the lines of a single-cell row), in order, with legend context. */
function fromLines(
  lines: { text: string; bullet: boolean }[],
  startsUnderLabel: boolean,
): GlossaryEntry[] {
  const parsed = lines.map((line) => {
    const text = line.bullet ? line.text.replace(BULLET_MARK, '') : line.text;
    return { text, bullet: line.bullet, candidates: parseLine(text) };
  });
  const out: GlossaryEntry[] = [];
  let underLabel = startsUnderLabel;
  parsed.forEach((line, i) => {
    if (LEGEND_LABEL.test(clean(line.text))) {
      underLabel = true;
      return;
    }
    const strong = line.candidates.every((c) => c.strength !== 'weak');
    if (line.candidates.length === 0) {
      // A legend is a run of lines; a sentence after it ends the run.
      if (clean(line.text).length > 0) underLabel = false;
      return;
    }
    if (!strong) {
      const neighbour = (j: number) => {
        const other = parsed[j];
        return other !== undefined && !other.bullet && other.candidates.length > 0;
      };
      const inRun = neighbour(i - 1) || neighbour(i + 1);
      if (!underLabel && (line.bullet || !inRun)) return;
    }
    for (const c of line.candidates) {
      out.push({
        code: c.code,
        meaning: c.meaning,
        kind: c.strength === 'initials' ? 'initials' : 'legend',
      });
    }
  });
  return out;
}

function nonEmptyCells(row: SourceRow): string[] {
  return row.cells
    .filter((c) => !c.mergedIntoPrevious)
    .map((c) => clean(c.text))
    .filter((t) => t.length > 0);
}

function fromGlossarySheet(rows: SourceRow[]): GlossaryEntry[] {
  const out: GlossaryEntry[] = [];
  for (const row of rows) {
    const cells = nonEmptyCells(row);
    if (cells.length < 2) continue;
    const code = (cells[0] ?? '').replace(/\s*[=:–—-]$/, '');
    const meaning = cells[1] ?? '';
    if (HEADER_TERM.test(code) && HEADER_MEANING.test(meaning)) continue;
    if (code.length > 40) continue;
    out.push({ code, meaning, kind: 'sheet' });
  }
  return out;
}

/** A table that is not a glossary sheet: two-cell key rows, and key lines in single-cell rows. */
function fromTable(rows: SourceRow[], startsUnderLabel: boolean): GlossaryEntry[] {
  const out: GlossaryEntry[] = [];
  const pairs: { code: string; meaning: string; strength: Candidate['strength'] }[] = [];
  let underLabel = startsUnderLabel;
  const flushPairs = () => {
    const keep = underLabel || pairs.length >= 2;
    for (const p of pairs) {
      if (p.strength !== 'weak' || keep) {
        out.push({
          code: p.code,
          meaning: p.meaning,
          kind: p.strength === 'initials' ? 'initials' : 'legend',
        });
      }
    }
    pairs.length = 0;
  };
  for (const row of rows) {
    const cells = nonEmptyCells(row);
    if (cells.length === 2) {
      const code = (cells[0] ?? '').replace(/\s*[=:–—-]$/, '');
      const meaning = cells[1] ?? '';
      const hadEquals = /[=]$/.test(cells[0] ?? '');
      if (initialsMatch(code, meaning)) {
        pairs.push({ code, meaning, strength: 'initials' });
        continue;
      }
      if ((isCodeToken(code) || isSymbolPhrase(code)) && meaning.split(' ').length <= 20) {
        pairs.push({ code, meaning, strength: hadEquals ? 'equals' : 'weak' });
        continue;
      }
    }
    flushPairs();
    if (cells.length === 1) {
      const cell = row.cells.find((c) => clean(c.text).length > 0);
      const lines = cell?.lines.length
        ? cell.lines.map((l) => ({ text: l.text, bullet: l.bullet }))
        : [{ text: cells[0] ?? '', bullet: false }];
      if (lines.some((l) => LEGEND_LABEL.test(clean(l.text)))) underLabel = true;
      out.push(...fromLines(lines, underLabel));
    } else {
      underLabel = false;
    }
  }
  flushPairs();
  return out;
}

export function findGlossary(blocks: SourceBlock[]): GlossaryEntry[] {
  const found: GlossaryEntry[] = [];
  let run: { text: string; bullet: boolean }[] = [];
  let lastText = '';
  const flush = () => {
    found.push(...fromLines(run, false));
    run = [];
  };
  for (const block of blocks) {
    switch (block.kind) {
      case 'blank':
        break;
      case 'heading':
      case 'paragraph':
        run.push({ text: block.text, bullet: block.kind === 'paragraph' && block.bullet });
        lastText = block.text;
        break;
      case 'table': {
        flush();
        if (block.sheet && GLOSSARY_SHEET.test(block.sheet)) {
          found.push(...fromGlossarySheet(block.rows));
        } else {
          found.push(...fromTable(block.rows, LEGEND_LABEL.test(clean(lastText))));
        }
        lastText = '';
        break;
      }
    }
  }
  flush();

  const seen = new Set<string>();
  return found.filter((e) => {
    const key = e.code.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Owners written as initials ("MM", "MM/SB", "MM and SB", "JMcK (SW)") resolved to the names the
 * glossary gives; anything else ("All", "Deal", "AD, ICT", blank) comes back as written.
 */
/**
 * A glossary sheet's code for a post ("HD" for "Head of Digital Services"): its capitals start the
 * words of the meaning, in order, from the first word. Looser than initialsMatch, which is for
 * people's names; a sheet says outright that the code means those words.
 */
function abbreviates(code: string, meaning: string): boolean {
  if (!/^[A-Z][A-Za-z&]{0,5}$/.test(code)) return false;
  const token = capitals(code);
  const words = nameWords(meaning);
  if (token.length < 2 || !words) return false;
  const available = capitals(words.join(' '));
  if (available[0] !== token[0]) return false;
  let at = 0;
  for (const c of token) {
    const found = available.indexOf(c, at);
    if (found === -1) return false;
    at = found + 1;
  }
  return true;
}

export function resolveOwner(text: string, glossary: GlossaryEntry[]): string {
  const names = new Map<string, string>();
  for (const e of glossary) {
    if (
      e.kind === 'initials' ||
      (e.kind === 'sheet' && (initialsMatch(e.code, e.meaning) || abbreviates(e.code, e.meaning)))
    ) {
      if (!names.has(e.code)) names.set(e.code, e.meaning);
    }
  }
  if (names.size === 0 || text.trim() === '') return text;
  const code = /(?<![A-Za-z'’])[A-Z][A-Za-z]{0,5}(?![A-Za-z'’])/g;
  if (!(text.match(code) ?? []).some((token) => names.has(token))) return text;
  const out = text.replace(code, (token) => names.get(token) ?? token);
  return out.replace(/\s*\/\s*/g, ' / ').trim();
}

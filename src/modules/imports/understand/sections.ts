/**
 * A strategy's areas and their gap analysis, read from the narrative around the action table.
 *
 * An area is a heading ("3 Governance for ICT", a Word heading) that holds at least one of three
 * subsections: where we want to be (vision), where we are now (current position) and how we will
 * get there. Everything else ("Introduction", "Appendix A", "Summary Action Plan") is not an area.
 *
 * Text files have no heading styles, so a heading is told from its shape: short, no closing full
 * stop, not a bullet. Numbers decide nesting where they exist: "1.2 Current position" belongs to
 * "1 External environment", while "2.2.1 There are informal links…" is a numbered paragraph.
 */
import type { PreviewSection, SourceBlock } from '../import.types.js';

type Kind = 'vision' | 'currentPosition' | 'gettingThere';

const KIND_PATTERNS: [Kind, RegExp][] = [
  [
    'vision',
    /^(?:(?:our|the|a|shared)\s+)?(?:vision|visions|future vision|aims?|aims and objectives|ambitions?|goals?|target (?:position|state)|desired (?:position|state|outcomes?)|future (?:position|state)|to[- ]be|where we want to be|where (?:do|should|would) we (?:want|like) to be|where we (?:would like|aim|need|plan|intend|hope) to be|where we(?: are|'re) going|where are we going)$/,
  ],
  [
    'currentPosition',
    /^(?:(?:our|the)\s+)?(?:(?:current|present|existing)\s+(?:position|situation|state|status|picture|arrangements|provision|performance)|where (?:we are|are we)(?: now| today)?|as[- ]is|baseline|starting point|where we start from|position now|current state of play)$/,
  ],
  [
    'gettingThere',
    /^(?:(?:our|the)\s+)?(?:getting there|how (?:we will|will we|do we|we|we'll|we are going to|are we going to|we plan to|we intend to|can we|we can) get there|how to get there|next steps|actions?|key actions|actions? (?:needed|required|planned|to be taken)|what we will do|way forward|route ?map|road ?map|moving forward|closing the gap|plan of action|how we will deliver)$/,
  ],
];

/** Titles that end an area even when nothing is numbered. */
const NOT_AN_AREA =
  /^(?:appendix|appendices|annex|summary action plan|action plan|summary|glossary|key|legend|conclusions?|references|contacts?|document control|version history|background papers)\b/i;

const NUMBERED =
  /^(?:(?:section|part|chapter|theme|area)\s+)?(\d{1,2}(?:\.\d{1,3})*)[.):]?\s+(\S.*)$/i;
const BULLET_MARK = /^\s*(?:[-–•*▪◦·]|o(?=\s))\s+/;

interface Line {
  index: number;
  text: string;
  bullet: boolean;
  level: number;
  /** Word heading level; null for paragraphs. */
  headingLevel: number | null;
  number: string | null;
  title: string;
  headingLike: boolean;
  kind: Kind | null;
  /** Text that followed a "Vision:" label on the same line. */
  inline: string | null;
}

function depth(number: string | null): number {
  return number ? number.split('.').length : 0;
}

function normalise(title: string): string {
  return title
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/\s+/g, ' ')
    .replace(/[\s:.?!–—-]+$/, '')
    .trim();
}

function kindOf(title: string): Kind | null {
  const whole = normalise(title);
  for (const [kind, pattern] of KIND_PATTERNS) if (pattern.test(whole)) return kind;
  // "Vision – where we want to be", "Where we are now (current position)".
  const parts = whole.split(/\s+[-–—]\s+|\s*[(/)]\s*/).filter((p) => p.length > 0);
  if (parts.length > 1) {
    for (const part of parts) {
      for (const [kind, pattern] of KIND_PATTERNS) if (pattern.test(normalise(part))) return kind;
    }
  }
  return null;
}

/** "Vision: to be the best connected council" — a label with its text on the same line. */
function labelled(text: string): { kind: Kind; rest: string } | null {
  const match = /^([^:–—]{2,40}?)\s*(?::|\s[–—-]\s)\s*(\S.*)$/.exec(text);
  if (!match) return null;
  const kind = kindOf(match[1] ?? '');
  return kind ? { kind, rest: (match[2] ?? '').trim() } : null;
}

function looksLikeHeading(text: string): boolean {
  const words = text.split(/\s+/).filter((w) => w.length > 0);
  if (text.length === 0 || text.length > 90 || words.length > 12) return false;
  if (/[.;,!]$/.test(text)) return false;
  return /^[\p{Lu}\d]/u.test(text);
}

function analyse(block: SourceBlock, index: number): Line | null {
  if (block.kind !== 'heading' && block.kind !== 'paragraph') return null;
  const isHeading = block.kind === 'heading';
  const bullet = block.kind === 'paragraph' && block.bullet;
  const raw = block.text.replace(/\s+/g, ' ').trim();
  const text = bullet ? raw.replace(BULLET_MARK, '') : raw;
  if (!text) return null;
  const numbered = bullet ? null : NUMBERED.exec(text);
  const number = numbered?.[1] ?? null;
  const title = (numbered?.[2] ?? text).trim();
  const headingLike = !bullet && (isHeading || looksLikeHeading(text));
  let kind: Kind | null = null;
  let inline: string | null = null;
  if (!bullet) {
    if (headingLike) kind = kindOf(title);
    if (!kind) {
      const label = labelled(title);
      if (label) {
        kind = label.kind;
        inline = label.rest;
      }
    }
  }
  return {
    index,
    text,
    bullet,
    level: block.kind === 'paragraph' ? block.level : 0,
    headingLevel: isHeading ? block.level : null,
    number,
    title: title.replace(/[\s:]+$/, ''),
    headingLike,
    kind,
    inline,
  };
}

function compareNumbers(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? -1) - (pb[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

interface Group {
  parent: Line | null;
  subs: Line[];
}

export function findSections(blocks: SourceBlock[]): PreviewSection[] {
  const lines: (Line | null)[] = blocks.map((b, i) => analyse(b, i));
  const present = lines.filter((l): l is Line => l !== null);

  // Decide which labelled lines really are subsections.
  const deepNumberedSubs = present.some((l) => l.kind && depth(l.number) >= 2);
  const subs: { line: Line; parent: Line | null | undefined }[] = [];
  for (const line of present) {
    if (!line.kind) continue;
    let parent: Line | null | undefined;
    if (line.number && depth(line.number) >= 2) {
      const parentNumber = line.number.split('.').slice(0, -1).join('.');
      const found = [...present]
        .reverse()
        .find((l) => l.index < line.index && l.headingLike && l.number === parentNumber);
      // "1.1.2 Objectives" under "1.1 Vision" is a line of the vision, not a subsection.
      if (found?.kind) continue;
      parent = found ?? undefined;
    } else if (line.number && deepNumberedSubs) {
      // "2 Vision" beside "3.1 Vision": a chapter of its own, not an area's subsection.
      continue;
    } else if (line.headingLevel !== null) {
      const level = line.headingLevel;
      const found = [...present]
        .reverse()
        .find((l) => l.index < line.index && l.headingLevel !== null && l.headingLevel < level);
      // A "Aims" heading under a "Vision" heading is part of the vision.
      if (found?.kind) continue;
      parent = found ?? undefined;
    }
    subs.push({ line, parent });
  }

  // Group subsections under their area.
  const groups: Group[] = [];
  let previous: Line | null = null;
  for (const { line, parent } of subs) {
    const current = groups.at(-1);
    if (parent !== undefined) {
      if (current && current.parent === parent) current.subs.push(line);
      else groups.push({ parent, subs: [line] });
    } else {
      const heading = headingBefore(lines, line.index, previous?.index ?? -1);
      const sameArea =
        current !== undefined &&
        !current.subs.some((s) => s.kind === line.kind) &&
        !headingBetween(current, lines, previous, line);
      if (current && sameArea) current.subs.push(line);
      else groups.push({ parent: heading, subs: [line] });
    }
    previous = line;
  }

  // A lone "Vision: …" line, or a lone subsection with no title above it, is not an area.
  const areas = groups.filter((g) => {
    if (g.subs.length >= 2) return true;
    if (g.parent === null) return false;
    const realHeading = g.parent.headingLevel !== null || g.parent.number !== null;
    return realHeading || g.subs.every((s) => s.inline === null);
  });

  const starts = new Set<number>();
  for (const g of areas) {
    if (g.parent) starts.add(g.parent.index);
    for (const s of g.subs) starts.add(s.index);
  }

  return areas.map((group, n) => {
    const section: PreviewSection = {
      number: group.parent?.number ?? null,
      title: group.parent?.title ?? `Area ${String(n + 1)}`,
      vision: null,
      currentPosition: null,
      gettingThere: null,
    };
    for (const sub of group.subs) {
      const text = collect(blocks, lines, sub, group.parent, starts);
      if (!text) continue;
      const before = section[sub.kind ?? 'vision'];
      section[sub.kind ?? 'vision'] = before ? `${before}\n\n${text}` : text;
    }
    return section;
  });
}

/** For an unnumbered "Vision": the title line just above it, if it has one. */
function headingBefore(lines: (Line | null)[], index: number, after: number): Line | null {
  for (let i = index - 1; i > after; i--) {
    const line = lines[i];
    if (line === undefined) break;
    if (line === null) continue; // blank or table
    if (line.headingLike && !line.kind) return line;
    break;
  }
  // A Word heading further up, with only text between.
  for (let i = index - 1; i > after; i--) {
    const line = lines[i];
    if (line?.headingLevel != null && !line.kind) return line;
  }
  return null;
}

/**
 * Between two unnumbered subsections of different kinds, only a real heading (a Word heading at
 * the area's level or above) starts a new area; a short line of text between them is just text.
 */
function headingBetween(
  current: Group,
  lines: (Line | null)[],
  previous: Line | null,
  line: Line,
): boolean {
  const areaLevel = current.parent?.headingLevel ?? Number.POSITIVE_INFINITY;
  for (let i = (previous?.index ?? -1) + 1; i < line.index; i++) {
    const l = lines[i];
    if (l?.headingLevel != null && !l.kind && l.headingLevel <= areaLevel) return true;
  }
  return false;
}

function endsArea(line: Line, sub: Line, parent: Line | null): boolean {
  if (line.bullet) return false;
  if (line.headingLevel !== null) {
    if (parent?.headingLevel != null && line.headingLevel <= parent.headingLevel) return true;
    if (sub.headingLevel !== null && line.headingLevel <= sub.headingLevel) return true;
  }
  if (!line.headingLike) return false;
  if (line.number && parent?.number) {
    return (
      depth(line.number) <= depth(parent.number) && compareNumbers(line.number, parent.number) > 0
    );
  }
  if (line.number && sub.number) {
    return depth(line.number) <= depth(sub.number) && compareNumbers(line.number, sub.number) > 0;
  }
  return NOT_AN_AREA.test(line.title);
}

function collect(
  blocks: SourceBlock[],
  lines: (Line | null)[],
  sub: Line,
  parent: Line | null,
  starts: Set<number>,
): string | null {
  const parts: { text: string; bullet: boolean }[] = [];
  if (sub.inline) parts.push({ text: sub.inline, bullet: false });
  for (let i = sub.index + 1; i < blocks.length; i++) {
    if (starts.has(i)) break;
    const block = blocks[i];
    const line = lines[i];
    if (!block || block.kind === 'blank' || block.kind === 'table') continue;
    if (!line) continue;
    if (endsArea(line, sub, parent)) break;
    if (line.bullet) {
      parts.push({ text: `${'  '.repeat(Math.max(0, line.level))}- ${line.text}`, bullet: true });
    } else {
      parts.push({ text: line.text, bullet: false });
    }
  }
  if (parts.length === 0) return null;
  let out = '';
  parts.forEach((part, i) => {
    if (i > 0) out += part.bullet && parts[i - 1]?.bullet ? '\n' : '\n\n';
    out += part.text;
  });
  return out;
}

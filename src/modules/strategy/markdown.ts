/**
 * A deliberately small Markdown renderer for the text councils write in a strategy (summaries and
 * each area's Vision, Current position and Getting there). It knows paragraphs, bullet lists,
 * "#" headings, **bold**, *italic*, [links](https://…) and backslash escapes, and nothing else:
 * every other character is escaped, so no HTML typed into a strategy ever reaches a page.
 *
 * Numbered paragraphs stay exactly as written: "1.2.3 Telephone contact…" or "4. Best Value" are
 * paragraphs that begin with their number, never renumbered lists, because the numbers are
 * references people quote in committee.
 *
 * Glossary codes in the text are wrapped in <abbr> (see display.ts abbreviate).
 */
import { abbreviate, escapeHtml, type GlossaryTerm } from './display.js';

export interface MarkdownOptions {
  /** Codes to show as <abbr> with their expansion. */
  terms?: readonly GlossaryTerm[];
  /** The heading level "#" lines become: under an area (h2) and its section (h3), that is h4. */
  headingLevel?: 3 | 4 | 5 | 6;
}

type Block =
  | { kind: 'paragraph'; lines: string[] }
  | { kind: 'list'; items: string[] }
  | { kind: 'heading'; text: string };

const BLANK = /^\s*$/;
const BULLET = /^\s*[-*•]\s+(.*)$/;
const HEADING = /^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/;
/** "1.2.3 Text", "1. Text", "4) Text": a paragraph of its own, its number kept as written. */
const NUMBERED = /^\s*\d+(?:\.\d+)*[.)]?\s+\S/;
const INDENTED = /^\s+\S/;

function blocks(text: string): Block[] {
  const out: Block[] = [];
  let current: Block | null = null;
  const close = () => {
    if (current) out.push(current);
    current = null;
  };
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    if (BLANK.test(line)) {
      close();
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      close();
      out.push({ kind: 'heading', text: heading[1] ?? '' });
      continue;
    }
    const bullet = BULLET.exec(line);
    if (bullet) {
      if (current?.kind !== 'list') {
        close();
        current = { kind: 'list', items: [] };
      }
      current.items.push((bullet[1] ?? '').trim());
      continue;
    }
    if (current?.kind === 'list' && INDENTED.test(line)) {
      // A wrapped bullet: the indented line continues the item above it.
      const last = current.items.length - 1;
      current.items[last] = `${current.items[last] ?? ''} ${line.trim()}`;
      continue;
    }
    if (current?.kind === 'paragraph' && !NUMBERED.test(line)) {
      current.lines.push(line.trim());
      continue;
    }
    close();
    current = { kind: 'paragraph', lines: [line.trim()] };
  }
  close();
  return out;
}

const SAFE_URL = /^(?:https?:\/\/|mailto:)[^\s<>"'`]+$|^\/(?!\/)[^\s<>"'`]*$/i;

// Tried left to right at each position: an escaped character, a link, bold, italic.
const INLINE = new RegExp(
  [
    String.raw`\\([\\*_\[\]()#+\-.!` + '`' + String.raw`])`,
    String.raw`\[([^\]\n]+)\]\(([^)\s]+)\)`,
    String.raw`\*\*(?=\S)([\s\S]*?\S)\*\*`,
    String.raw`__(?=\S)([\s\S]*?\S)__(?!\w)`,
    String.raw`(?<![\w*])\*(?=[^\s*])([\s\S]*?[^\s*])\*(?![\w*])`,
    String.raw`(?<![\w_])_(?=[^\s_])([\s\S]*?[^\s_])_(?![\w_])`,
  ].join('|'),
  'g',
);

function inline(text: string, terms: readonly GlossaryTerm[]): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    out += abbreviate(text.slice(last, m.index), terms);
    const [whole, escaped, label, url, bold1, bold2, em1, em2] = m;
    if (escaped !== undefined) out += escapeHtml(escaped);
    else if (label !== undefined && url !== undefined) {
      out += SAFE_URL.test(url)
        ? `<a class="govuk-link" href="${escapeHtml(url)}">${inline(label, terms)}</a>`
        : // A link to anything else (javascript:, data:) is shown as the words typed, inert.
          escapeHtml(whole);
    } else if (bold1 !== undefined || bold2 !== undefined) {
      out += `<strong>${inline(bold1 ?? bold2 ?? '', terms)}</strong>`;
    } else {
      out += `<em>${inline(em1 ?? em2 ?? '', terms)}</em>`;
    }
    last = m.index + whole.length;
  }
  return out + abbreviate(text.slice(last), terms);
}

/** Markdown as safe HTML with GOV.UK classes; '' for no text. */
export function renderMarkdown(
  text: string | null | undefined,
  options: MarkdownOptions = {},
): string {
  if (!text?.trim()) return '';
  const terms = options.terms ?? [];
  const level = options.headingLevel ?? 4;
  return blocks(text)
    .map((b) => {
      switch (b.kind) {
        case 'heading':
          return `<h${level} class="govuk-heading-s">${inline(b.text, terms)}</h${level}>`;
        case 'list':
          return `<ul class="govuk-list govuk-list--bullet">${b.items
            .map((i) => `<li>${inline(i, terms)}</li>`)
            .join('')}</ul>`;
        case 'paragraph':
          return `<p class="govuk-body">${inline(b.lines.join(' '), terms)}</p>`;
      }
    })
    .join('\n');
}

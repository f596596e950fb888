import { escapeHtml } from './display.js';
import {
  MARK_END,
  MARK_START,
  SEARCH_TYPES,
  type SearchHit,
  type SearchResults,
  type SearchType,
  type StrategyChoice,
} from './search.service.js';

/** A piece of a marked text: either a matched word (or words) or the text between. */
export interface Segment {
  text: string;
  match: boolean;
}

/**
 * Splits text marked by ts_headline into segments. Markers that do not pair up (which
 * ts_headline never writes, but the text is not trusted) are dropped rather than guessed at.
 */
export function segmentsOf(marked: string): Segment[] {
  const out: Segment[] = [];
  let match = false;
  let text = '';
  const flush = () => {
    if (!text) return;
    const last = out[out.length - 1];
    if (last?.match === match) last.text += text;
    else out.push({ text, match });
    text = '';
  };
  for (const ch of marked) {
    if (ch === MARK_START || ch === MARK_END) {
      const opens = ch === MARK_START;
      if (opens !== match) {
        flush();
        match = opens;
      }
    } else {
      text += ch;
    }
  }
  flush();
  return out;
}

/** Safe HTML: every character of the text escaped, matched words in <mark>. */
export function markedToHtml(marked: string): string {
  return segmentsOf(marked)
    .map((s) => (s.match ? `<mark>${escapeHtml(s.text)}</mark>` : escapeHtml(s.text)))
    .join('');
}

/** Markers of the JSON API: matched words appear as [[word]]. */
export const API_MARK_START = '[[';
export const API_MARK_END = ']]';

/** Plain text (not HTML) with matched words between [[ and ]], for the JSON API. */
export function markedToApiText(marked: string): string {
  return segmentsOf(marked)
    .map((s) => (s.match ? `${API_MARK_START}${s.text}${API_MARK_END}` : s.text))
    .join('');
}

/** The text without its markers. */
export function markedToPlain(marked: string): string {
  return segmentsOf(marked)
    .map((s) => s.text)
    .join('');
}

/**
 * Area and action texts are written in Markdown; a snippet is one short line, so the
 * formatting characters are dropped ("**bold**" reads as "bold") and white space runs together.
 */
export function tidySnippet(marked: string): string {
  return marked
    .replace(/^\s{0,3}(#{1,6}|>|[-*+])\s+/gm, '')
    .replace(/\[([^\]\n]*)\]\([^)\s]*\)/g, '$1')
    .replace(/(\*\*|__|`)/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

export const TYPE_WORDS: Record<SearchType, { one: string; many: string }> = {
  strategy: { one: 'Strategy', many: 'Strategies' },
  area: { one: 'Area', many: 'Areas' },
  action: { one: 'Action', many: 'Actions' },
  update: { one: 'Progress update', many: 'Progress updates' },
};

/** Where a result leads: its own page, or the place on its parent's page. */
export function resultHref(hit: Pick<SearchHit, 'type' | 'id' | 'strategyId' | 'actionId'>) {
  switch (hit.type) {
    case 'strategy':
      return `/strategies/${hit.id}`;
    case 'area':
      return `/strategies/${hit.strategyId}#area-${hit.id}`;
    case 'action':
      return `/actions/${hit.id}`;
    case 'update':
      return `/actions/${hit.actionId ?? ''}#update-${hit.id}`;
  }
}

/** The parameters of the search page, as they appear in its address. */
export interface SearchState {
  q: string;
  type?: SearchType | undefined;
  strategyId?: string | undefined;
  includeArchived?: boolean | undefined;
  page?: number | undefined;
}

/** The address of the search page for a state (parameters in a stable order, defaults left out). */
export function searchHref(state: SearchState): string {
  const params = new URLSearchParams();
  params.set('q', state.q);
  if (state.type) params.set('type', state.type);
  if (state.strategyId) params.set('strategy', state.strategyId);
  if (state.includeArchived) params.set('archived', '1');
  if (state.page && state.page > 1) params.set('page', String(state.page));
  return `/search?${params.toString()}`;
}

const count = (n: number) => n.toLocaleString('en-GB');

export interface TypeFilter {
  text: string;
  count: number;
  href: string;
  current: boolean;
}

/** "All results (42)", "Actions (30)" …: each a link that keeps the other choices. */
export function typeFilters(results: SearchResults, state: SearchState): TypeFilter[] {
  const base = { ...state, page: undefined };
  return [
    {
      text: 'All results',
      count: results.counts.all,
      href: searchHref({ ...base, type: undefined }),
      current: !results.type,
    },
    ...SEARCH_TYPES.map((type) => ({
      text: TYPE_WORDS[type].many,
      count: results.counts[type],
      href: searchHref({ ...base, type }),
      current: results.type === type,
    })),
  ];
}

/** "3 results", or "Showing 21 to 40 of 57 results" on a page of several. */
export function resultSummary(results: SearchResults): string {
  const noun = results.total === 1 ? 'result' : 'results';
  if (results.pageCount <= 1) return `${count(results.total)} ${noun}`;
  const first = (results.page - 1) * results.pageSize + 1;
  const last = first + results.hits.length - 1;
  return `Showing ${count(first)} to ${count(last)} of ${count(results.total)} ${noun}`;
}

/** A strategy's title with its period, unless the title already says it. */
export function strategyName(s: { title: string; periodLabel: string | null }): string {
  return s.periodLabel && !s.title.includes(s.periodLabel)
    ? `${s.title} (${s.periodLabel})`
    : s.title;
}

/** What to try when nothing matches: the general advice, and undoing any narrowing chosen. */
export function noResultsAdvice(state: SearchState): string[] {
  return [
    'checking your spelling',
    'using fewer words, or more general ones',
    'taking out quotation marks or minus signs',
    ...(state.type ? ['looking at every type of result'] : []),
    ...(state.strategyId ? ['searching all strategies'] : []),
    ...(state.includeArchived ? [] : ['including archived actions']),
    'searching for an action by its reference, like 4.7',
  ];
}

export interface ResultView {
  type: SearchType;
  typeWord: string;
  href: string;
  /** Safe HTML: escaped, matched words in <mark>. */
  titleHtml: string;
  /** The title as plain words, for visually hidden context. */
  titleText: string;
  snippetHtml: string | null;
  strategy: string;
  status: SearchHit['status'];
  asAt: string | null;
  archived: boolean;
}

export function resultView(hit: SearchHit): ResultView {
  const title = hit.type === 'update' ? `Update on ${hit.title}` : hit.title;
  return {
    type: hit.type,
    typeWord: TYPE_WORDS[hit.type].one,
    href: resultHref(hit),
    titleHtml: markedToHtml(title),
    titleText: markedToPlain(title),
    snippetHtml: hit.snippet ? markedToHtml(tidySnippet(hit.snippet)) : null,
    strategy: strategyName({ title: hit.strategyTitle, periodLabel: hit.strategyPeriod }),
    status: hit.status,
    asAt: hit.asAt,
    archived: hit.archived,
  };
}

export function strategyOptions(strategies: StrategyChoice[], selected: string | undefined) {
  return [
    { value: '', text: 'All strategies', selected: !selected },
    ...strategies.map((s) => ({
      value: s.id,
      text: `${strategyName(s)}${s.version > 1 ? `, version ${String(s.version)}` : ''}`,
      selected: s.id === selected,
    })),
  ];
}

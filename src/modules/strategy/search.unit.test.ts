import { describe, expect, it } from 'vitest';
import { searchPageQuery } from './search.routes.js';
import { MARK_END as E, MARK_START as S, normaliseQuery, referenceIn } from './search.service.js';
import type { SearchHit, SearchResults } from './search.service.js';
import {
  markedToApiText,
  markedToHtml,
  markedToPlain,
  noResultsAdvice,
  resultHref,
  resultSummary,
  resultView,
  searchHref,
  segmentsOf,
  strategyName,
  strategyOptions,
  tidySnippet,
  typeFilters,
} from './search.view-model.js';

describe('normaliseQuery', () => {
  it('removes control characters and the highlight markers, and runs white space together', () => {
    expect(normaliseQuery('  data\u0000 centre\t\n ')).toBe('data centre');
    expect(normaliseQuery(`a${S}b${E}c`)).toBe('a b c');
    expect(normaliseQuery('"quoted phrase" -draft')).toBe('"quoted phrase" -draft');
    expect(normaliseQuery('\u0007\u007F')).toBe('');
  });
});

describe('referenceIn', () => {
  it('accepts what could be an action reference, and nothing else', () => {
    expect(referenceIn('4.7')).toBe('4.7');
    expect(referenceIn('A-12')).toBe('A-12');
    expect(referenceIn('ICT/3.2')).toBe('ICT/3.2');
    expect(referenceIn('"4.7"')).toBeNull();
    expect(referenceIn('-4.7')).toBeNull();
    expect(referenceIn('x'.repeat(41))).toBeNull();
  });
});

describe('marked text', () => {
  it('splits into matched and unmatched segments', () => {
    expect(segmentsOf(`the ${S}broadband${E} plan`)).toEqual([
      { text: 'the ', match: false },
      { text: 'broadband', match: true },
      { text: ' plan', match: false },
    ]);
  });

  it('drops markers that do not pair up rather than guessing', () => {
    expect(segmentsOf(`${E}a${S}${S}b${E}${E}c${S}`)).toEqual([
      { text: 'a', match: false },
      { text: 'b', match: true },
      { text: 'c', match: false },
    ]);
    expect(segmentsOf('')).toEqual([]);
  });

  it('escapes every character of the text for HTML and marks only the matches', () => {
    expect(markedToHtml(`<script>alert(1)</script> ${S}review${E}`)).toBe(
      '&lt;script&gt;alert(1)&lt;/script&gt; <mark>review</mark>',
    );
    expect(markedToHtml(`${S}<b>&${E} "it's"`)).toBe(
      '<mark>&lt;b&gt;&amp;</mark> &quot;it&#39;s&quot;',
    );
  });

  it('gives the API plain text with [[ ]] and the plain title without markers', () => {
    expect(markedToApiText(`the ${S}broadband${E} <plan>`)).toBe('the [[broadband]] <plan>');
    expect(markedToPlain(`the ${S}broadband${E} plan`)).toBe('the broadband plan');
  });

  it('turns a Markdown snippet into one line of words', () => {
    expect(
      tidySnippet(
        `## Vision\n\n- Every **${S}home${E}** online\n> see [the plan](https://x.example/p)`,
      ),
    ).toBe(`Vision Every ${S}home${E} online see the plan`);
    expect(tidySnippet('1.2.3 Numbered paragraphs stay as written')).toBe(
      '1.2.3 Numbered paragraphs stay as written',
    );
  });
});

describe('links and the address', () => {
  it('leads each type of result to its place', () => {
    const base = { id: 'R', strategyId: 'S', actionId: 'A' };
    expect(resultHref({ ...base, type: 'strategy' })).toBe('/strategies/R');
    expect(resultHref({ ...base, type: 'area' })).toBe('/strategies/S#area-R');
    expect(resultHref({ ...base, type: 'action' })).toBe('/actions/R');
    expect(resultHref({ ...base, type: 'update' })).toBe('/actions/A#update-R');
  });

  it('writes the search address with only what differs from the defaults', () => {
    expect(searchHref({ q: 'data & "centre"' })).toBe('/search?q=data+%26+%22centre%22');
    expect(
      searchHref({ q: 'x', type: 'action', strategyId: 'S', includeArchived: true, page: 3 }),
    ).toBe('/search?q=x&type=action&strategy=S&archived=1&page=3');
    expect(searchHref({ q: 'x', page: 1 })).toBe('/search?q=x');
  });
});

function results(over: Partial<SearchResults> = {}): SearchResults {
  return {
    q: 'broadband',
    type: null,
    searchable: true,
    counts: { strategy: 1, area: 0, action: 30, update: 11, all: 42 },
    total: 42,
    page: 1,
    pageCount: 3,
    pageSize: 20,
    hits: [],
    ...over,
  };
}

describe('result summary, type filters and pages', () => {
  it('says how many results there are, and which are shown', () => {
    expect(resultSummary(results({ total: 1, pageCount: 1 }))).toBe('1 result');
    expect(resultSummary(results({ total: 0, pageCount: 0 }))).toBe('0 results');
    const page2 = results({ page: 2, hits: new Array(20).fill(null) as SearchHit[] });
    expect(resultSummary(page2)).toBe('Showing 21 to 40 of 42 results');
  });

  it('offers each type with its count, keeping the words and filters but not the page', () => {
    const filters = typeFilters(results({ type: 'action' }), {
      q: 'broadband',
      type: 'action',
      includeArchived: true,
      page: 2,
    });
    expect(filters.map((f) => `${f.text} (${String(f.count)})`)).toEqual([
      'All results (42)',
      'Strategies (1)',
      'Areas (0)',
      'Actions (30)',
      'Progress updates (11)',
    ]);
    expect(filters.find((f) => f.current)?.text).toBe('Actions');
    expect(filters[0]?.href).toBe('/search?q=broadband&archived=1');
    expect(filters[4]?.href).toBe('/search?q=broadband&type=update&archived=1');
  });
});

describe('a result for the page', () => {
  const hit: SearchHit = {
    type: 'update',
    id: 'U',
    title: `2.1 ${S}Broadband${E} <rollout>`,
    snippet: `We are ${S}reviewing${E} **bids**`,
    rank: 0.4,
    strategyId: 'S',
    strategyTitle: 'Digital Inclusion',
    strategyPeriod: '2026–2029',
    actionId: 'A',
    status: 'on_track',
    asAt: '2026-03-31',
    archived: false,
  };

  it('is shaped with safe HTML and its context', () => {
    expect(resultView(hit)).toEqual({
      type: 'update',
      typeWord: 'Progress update',
      href: '/actions/A#update-U',
      titleHtml: 'Update on 2.1 <mark>Broadband</mark> &lt;rollout&gt;',
      titleText: 'Update on 2.1 Broadband <rollout>',
      snippetHtml: 'We are <mark>reviewing</mark> bids',
      strategy: 'Digital Inclusion (2026–2029)',
      status: 'on_track',
      asAt: '2026-03-31',
      archived: false,
    });
    expect(resultView({ ...hit, type: 'action', snippet: null }).snippetHtml).toBeNull();
  });

  it('lists the strategies to search in, with versions told apart', () => {
    const options = strategyOptions(
      [
        { id: 'a', title: 'ICT Strategy', periodLabel: '2025–2028', version: 2 },
        { id: 'b', title: 'Digital', periodLabel: null, version: 1 },
      ],
      'b',
    );
    expect(options).toEqual([
      { value: '', text: 'All strategies', selected: false },
      { value: 'a', text: 'ICT Strategy (2025–2028), version 2', selected: false },
      { value: 'b', text: 'Digital', selected: true },
    ]);
  });
});

describe('the search page’s address', () => {
  it('takes the first of repeated words and lets odd filters fall back to their defaults', () => {
    const parsed = searchPageQuery.parse({
      q: ['  broadband\u0000 ', 'fax'],
      type: 'nonsense',
      strategy: 'not-a-uuid',
      archived: '1',
      page: 'abc',
    });
    expect(parsed).toEqual({
      q: 'broadband',
      type: undefined,
      strategy: undefined,
      archived: true,
      page: undefined,
    });
    expect(searchPageQuery.parse({}).q).toBe('');
  });

  it('refuses more than 200 characters, with a plain message', () => {
    const result = searchPageQuery.safeParse({ q: 'x'.repeat(201) });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('Search words must be 200 characters or fewer');
    expect(searchPageQuery.safeParse({ q: 'x'.repeat(200) }).success).toBe(true);
  });
});

describe('names and advice', () => {
  it('adds the period to a strategy’s title unless the title already says it', () => {
    expect(strategyName({ title: 'ICT Strategy', periodLabel: '2005–2007' })).toBe(
      'ICT Strategy (2005–2007)',
    );
    expect(strategyName({ title: 'ICT Strategy 2005–2007', periodLabel: '2005–2007' })).toBe(
      'ICT Strategy 2005–2007',
    );
    expect(strategyName({ title: 'ICT Strategy', periodLabel: null })).toBe('ICT Strategy');
  });

  it('suggests undoing only the narrowing that was chosen', () => {
    expect(noResultsAdvice({ q: 'x', includeArchived: true })).toEqual([
      'checking your spelling',
      'using fewer words, or more general ones',
      'taking out quotation marks or minus signs',
      'searching for an action by its reference, like 4.7',
    ]);
    const narrowed = noResultsAdvice({ q: 'x', type: 'area', strategyId: 'S' });
    expect(narrowed).toContain('looking at every type of result');
    expect(narrowed).toContain('searching all strategies');
    expect(narrowed).toContain('including archived actions');
  });
});

import type { FastifyPluginAsync } from 'fastify';
import { pagination } from '../../kernel/views/pagination.js';
import { z } from 'zod';
import { tenantContext } from '../../kernel/auth/plugin.js';
import { parseInput } from '../../kernel/http/validation.js';
import { searchApiRoutes } from './search.api.js';
import {
  MAX_QUERY_LENGTH,
  SEARCH_TYPES,
  normaliseQuery,
  searchPage,
  type SearchResults,
} from './search.service.js';
import {
  noResultsAdvice,
  resultSummary,
  resultView,
  searchHref,
  strategyOptions,
  TYPE_WORDS,
  typeFilters,
  type SearchState,
} from './search.view-model.js';

const TEMPLATE = 'strategy/views/search/search.njk';

/** A parameter given twice (?q=a&q=b) counts once: the first. */
const firstOf = (v: unknown): unknown => (Array.isArray(v) ? (v as unknown[])[0] : v);

export const TOO_LONG = `Search words must be ${String(MAX_QUERY_LENGTH)} characters or fewer`;

/**
 * The search page's address. Only the words can be wrong (too long); any other odd value (an
 * unknown type, a page of "abc") falls back to its default rather than stopping the search.
 */
export const searchPageQuery = z.object({
  q: z.preprocess(
    (v) => {
      const s = firstOf(v);
      return typeof s === 'string' ? normaliseQuery(s) : '';
    },
    z.string().max(MAX_QUERY_LENGTH, TOO_LONG),
  ),
  type: z.preprocess(firstOf, z.enum(SEARCH_TYPES).optional()).catch(undefined),
  strategy: z.preprocess(firstOf, z.uuid().optional()).catch(undefined),
  archived: z.preprocess((v) => {
    const s = firstOf(v);
    return s === '1' || s === 'true';
  }, z.boolean()),
  page: z
    .preprocess(firstOf, z.coerce.number().int().min(1).max(100_000).optional())
    .catch(undefined),
});

function pageTitle(results: SearchResults | null): string {
  if (!results) return 'Search';
  const base = `Search results for “${results.q}”`;
  return results.pageCount > 1
    ? `${base} (page ${String(results.page)} of ${String(results.pageCount)})`
    : base;
}

export const searchRoutes: FastifyPluginAsync = async (app) => {
  const { db } = app.deps.database;

  app.get('/search', { config: { access: 'org.read' } }, async (request, reply) => {
    const ctx = tenantContext(request);
    const parsed = parseInput(searchPageQuery, request.query);
    if (!parsed.ok) {
      const { strategies } = await searchPage(db, ctx, null);
      const typed = firstOf((request.query as Record<string, unknown> | undefined)?.q);
      return reply.page(
        TEMPLATE,
        {
          title: 'Search',
          errors: parsed.errors,
          values: { q: typeof typed === 'string' ? typed : '' },
          strategyOptions: strategyOptions(strategies, undefined),
          results: null,
        },
        400,
      );
    }
    const query = parsed.data;
    const state: SearchState = {
      q: query.q,
      type: query.type,
      strategyId: query.strategy,
      includeArchived: query.archived,
      page: query.page,
    };
    const { results, strategies, labels } = await searchPage(
      db,
      ctx,
      query.q
        ? {
            q: query.q,
            type: query.type,
            strategyId: query.strategy,
            includeArchived: query.archived,
            page: query.page,
          }
        : null,
    );
    return reply.page(TEMPLATE, {
      title: pageTitle(results),
      values: { q: query.q, archived: query.archived },
      strategyOptions: strategyOptions(strategies, query.strategy),
      labels,
      results: results && {
        q: results.q,
        searchable: results.searchable,
        total: results.total,
        summary: resultSummary(results),
        filters: typeFilters(results, state),
        rows: results.hits.map(resultView),
        typeWords: results.type ? TYPE_WORDS[results.type].many.toLowerCase() : null,
        otherTypes: results.type ? results.counts.all : 0,
        advice: noResultsAdvice(state),
        pagination: pagination(results.page, results.pageCount, (n) =>
          searchHref({ ...state, page: n }),
        ),
      },
    });
  });

  await app.register(searchApiRoutes);
};

import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { tenantContext } from '../../kernel/auth/plugin.js';
import { problemResponses } from '../../kernel/http/openapi.js';
import { pageLinksSchema } from '../../kernel/http/pagination.js';
import { STATUSES } from './strategy.tables.js';
import { MAX_QUERY_LENGTH, SEARCH_TYPES, normaliseQuery, search } from './search.service.js';
import {
  API_MARK_END,
  API_MARK_START,
  markedToApiText,
  markedToPlain,
  resultHref,
  tidySnippet,
} from './search.view-model.js';

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;
const LIMIT_MESSAGE = `limit must be a whole number from 1 to ${String(MAX_LIMIT)}`;
const PAGE_MESSAGE = 'page must be a whole number from 1';
const Q_MESSAGE = `q must be some words to search for, ${String(MAX_QUERY_LENGTH)} characters or fewer`;

const searchQuerySchema = z.object({
  q: z
    .string({ error: Q_MESSAGE })
    .transform(normaliseQuery)
    .pipe(z.string().min(1, Q_MESSAGE).max(MAX_QUERY_LENGTH, Q_MESSAGE))
    .describe(
      `What to search for, up to ${String(MAX_QUERY_LENGTH)} characters: words (which also find their other forms: "review" finds "reviewing"), "quoted phrases", -words to leave out, "or" between alternatives, or an action's reference such as 4.7 (an exact reference comes first).`,
    ),
  type: z
    .enum(SEARCH_TYPES, { error: `type must be one of ${SEARCH_TYPES.join(', ')}` })
    .optional()
    .describe('Only results of this type. Leave it out for every type.'),
  strategy: z
    .uuid({ error: 'strategy must be the id of one of your organisation’s strategies' })
    .optional()
    .describe('Only results from this strategy (its id).'),
  archived: z
    .enum(['true', 'false', '1', '0'], { error: 'archived must be true or false' })
    .optional()
    .transform((v) => v === 'true' || v === '1')
    .describe('true to include archived actions and their progress updates. Default false.'),
  limit: z.coerce
    .number({ error: LIMIT_MESSAGE })
    .int(LIMIT_MESSAGE)
    .min(1, LIMIT_MESSAGE)
    .max(MAX_LIMIT, LIMIT_MESSAGE)
    .default(DEFAULT_LIMIT)
    .describe(
      `How many results per page, from 1 to ${String(MAX_LIMIT)}. Default ${String(DEFAULT_LIMIT)}.`,
    ),
  page: z.coerce
    .number({ error: PAGE_MESSAGE })
    .int(PAGE_MESSAGE)
    .min(1, PAGE_MESSAGE)
    .default(1)
    .describe('Which page of results, from 1. A page past the last gives the last page.'),
});

const MARKERS = `Matched words are wrapped in ${API_MARK_START} and ${API_MARK_END}, like "the ${API_MARK_START}broadband${API_MARK_END} plan". The text is plain, not HTML: escape it before showing it in a web page.`;

const resultSchema = z.object({
  type: z.enum(SEARCH_TYPES).describe('What was found.'),
  id: z.uuid().describe('Its id.'),
  title: z
    .string()
    .describe(
      'Its title as plain text: an action’s reference and title; for a progress update, the reference and title of its action.',
    ),
  titleHighlighted: z.string().describe(`The title with matched words marked. ${MARKERS}`),
  snippet: z
    .string()
    .nullable()
    .describe(`Some of the text around the matched words, or null when there is none. ${MARKERS}`),
  rank: z
    .number()
    .describe(
      'How well it matches, higher first: from 0 to 1, plus 1 for an action whose reference is exactly what was searched for.',
    ),
  strategyId: z.uuid().describe('The strategy it belongs to (a strategy’s own id for a strategy).'),
  strategyTitle: z.string().describe('That strategy’s title.'),
  actionId: z
    .uuid()
    .nullable()
    .describe('For an action, its id; for a progress update, the action it is about.'),
  status: z
    .enum(STATUSES)
    .nullable()
    .describe('For an action, its status now; for a progress update, the status it recorded.'),
  asAt: z.iso.date().nullable().describe('For a progress update, the date it is as at.'),
  archived: z.boolean().describe('Whether the action (or the update’s action) is archived.'),
  href: z.string().describe('Where it is shown in Waymark (a path).'),
});

const countsSchema = z
  .object({
    all: z.number().int(),
    strategy: z.number().int(),
    area: z.number().int(),
    action: z.number().int(),
    update: z.number().int(),
  })
  .describe('How many results of each type match (ignoring `type`), for the other filters.');

const responseSchema = z.object({
  data: z.array(resultSchema).describe('The results of this page, best match first.'),
  links: pageLinksSchema.describe('Addresses of this and neighbouring pages.'),
  meta: z
    .object({
      limit: z.number().int().describe('The largest number of results a page holds.'),
      count: z.number().int().describe('How many results this page holds.'),
      page: z.number().int().describe('This page’s number.'),
      pageCount: z.number().int().describe('How many pages there are.'),
      total: z.number().int().describe('How many results match, of the chosen type.'),
      counts: countsSchema,
      searchable: z
        .boolean()
        .describe(
          'False when q holds only very common words ("the", "and") that searches leave out.',
        ),
    })
    .describe('About these results.'),
});

/** A link to another page of the same search: the request's own filters, a new page number. */
function pageLink(url: string, limit: number, page: number): string {
  const [path = '/', query = ''] = url.split('?', 2);
  const params = new URLSearchParams(query);
  params.set('limit', String(limit));
  params.set('page', String(page));
  return `${path}?${params.toString()}`;
}

/** GET /api/v1/search: the same search as the Search page, as JSON. */
export const searchApiRoutes: FastifyPluginAsync = async (app) => {
  const { db } = app.deps.database;
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/v1/search',
    {
      config: { access: 'org.read' },
      schema: {
        summary: 'Search strategies, areas, actions and progress updates',
        description:
          'Free-text search across your organisation’s strategies (title, summary), areas (title, vision, current position, getting there), actions (reference, title, description, targets, outcome, comments, lead) and progress updates (what happened, what happens next), in English: words also find their other forms. Best matches first; an action whose reference is exactly `q` comes first of all. Archived actions and their updates are left out unless `archived=true`. Pages are numbered: follow `links.next`.',
        tags: ['Search'],
        querystring: searchQuerySchema,
        response: {
          200: responseSchema.describe('A page of results.'),
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request) => {
      const query = request.query;
      const results = await search(db, tenantContext(request), {
        q: query.q,
        type: query.type,
        strategyId: query.strategy,
        includeArchived: query.archived,
        page: query.page,
        pageSize: query.limit,
      });
      const limit = query.limit;
      const last = Math.max(1, results.pageCount);
      return {
        data: results.hits.map((hit) => ({
          type: hit.type,
          id: hit.id,
          title: markedToPlain(hit.title),
          titleHighlighted: markedToApiText(hit.title),
          snippet: hit.snippet ? markedToApiText(tidySnippet(hit.snippet)) : null,
          rank: hit.rank,
          strategyId: hit.strategyId,
          strategyTitle: hit.strategyTitle,
          actionId: hit.actionId,
          status: hit.status,
          asAt: hit.asAt,
          archived: hit.archived,
          href: resultHref(hit),
        })),
        links: {
          self: pageLink(request.url, limit, results.page),
          first: pageLink(request.url, limit, 1),
          next: results.page < last ? pageLink(request.url, limit, results.page + 1) : null,
          prev: results.page > 1 ? pageLink(request.url, limit, results.page - 1) : null,
        },
        meta: {
          limit,
          count: results.hits.length,
          page: results.page,
          pageCount: results.pageCount,
          total: results.total,
          counts: results.counts,
          searchable: results.searchable,
        },
      };
    },
  );
};

import { sql, type SelectQueryBuilder, type StringReference } from 'kysely';
import { z } from 'zod';
import { isUuid } from '../db/ids.js';
import { ValidationError } from './errors.js';

/**
 * Keyset pagination for every list endpoint of the JSON API.
 *
 * Requests: `?limit=50` for the first page, then follow `links.next` (or `links.prev`), whose
 * `cursor` parameter is opaque. Items come oldest first, ordered by a unique key (an id: UUID v7
 * ids are time-ordered), so a page never repeats or skips an item when others are added or
 * removed between requests, and a page costs the same however deep it is.
 *
 * Responses: `{ data: [...], links: { self, first, next, prev }, meta: { limit, count } }`, the
 * links being absolute paths that keep every other query parameter (filters) of the request.
 */

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

/** Where a page starts: after a key (walking forwards) or before one (walking back). */
export interface Cursor {
  direction: 'after' | 'before';
  key: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(
    JSON.stringify({ d: cursor.direction === 'after' ? 'a' : 'b', k: cursor.key }),
  ).toString('base64url');
}

/** The cursor a link carried, or null when it is not one of ours (edited, truncated, invented). */
export function decodeCursor(value: string): Cursor | null {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(value)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const { d, k } = parsed as Record<string, unknown>;
  if ((d !== 'a' && d !== 'b') || typeof k !== 'string' || k.length === 0 || k.length > 200) {
    return null;
  }
  return { direction: d === 'a' ? 'after' : 'before', key: k };
}

const LIMIT_MESSAGE = `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}`;
const CURSOR_MESSAGE =
  'cursor is not valid: use the links.next or links.prev address from the previous response';

/** The query parameters of a paginated list; extend it with a list's own filters. */
export const pageQuerySchema = z.object({
  limit: z.coerce
    .number({ error: LIMIT_MESSAGE })
    .int(LIMIT_MESSAGE)
    .min(1, LIMIT_MESSAGE)
    .max(MAX_PAGE_SIZE, LIMIT_MESSAGE)
    .default(DEFAULT_PAGE_SIZE)
    .describe(`How many items per page, from 1 to ${MAX_PAGE_SIZE}. Default ${DEFAULT_PAGE_SIZE}.`),
  cursor: z
    .string({ error: CURSOR_MESSAGE })
    .refine((c) => decodeCursor(c) !== null, CURSOR_MESSAGE)
    .optional()
    .describe(
      'Where the page starts. Leave it out for the first page; after that, follow links.next or links.prev rather than building it yourself.',
    ),
});
export type PageQuery = z.output<typeof pageQuerySchema>;

export const pageLinksSchema = z.object({
  self: z.string().describe('This page.'),
  first: z.string().describe('The first page.'),
  next: z.string().nullable().describe('The next page, or null on the last page.'),
  prev: z.string().nullable().describe('The previous page, or null on the first page.'),
});

export const pageMetaSchema = z.object({
  limit: z.number().int().describe('The largest number of items a page holds.'),
  count: z.number().int().describe('How many items this page holds.'),
});

/** The response schema of a paginated list of `item`. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    data: z.array(item).describe('The items of this page, oldest first.'),
    links: pageLinksSchema.describe('Addresses of this and neighbouring pages.'),
    meta: pageMetaSchema.describe('About this page.'),
  });
}

export interface Page<T> {
  data: T[];
  links: z.output<typeof pageLinksSchema>;
  meta: z.output<typeof pageMetaSchema>;
}

/**
 * Which items of a fetched window make the page, and the cursors either side. `rows` are what
 * the query returned: up to limit + 1 rows, ascending after a cursor (or from the start), or
 * descending before one; the extra row only tells whether there is more in that direction.
 */
export function pageWindow<T>(
  rows: readonly T[],
  limit: number,
  cursor: Cursor | null,
  keyOf: (row: T) => string,
): { items: T[]; next: Cursor | null; prev: Cursor | null; first: boolean } {
  const more = rows.length > limit;
  const walkingBack = cursor?.direction === 'before';
  const items = walkingBack ? rows.slice(0, limit).reverse() : rows.slice(0, limit);
  const head = items[0];
  const tail = items[items.length - 1];
  if (!cursor) {
    return {
      items,
      next: more && tail ? { direction: 'after', key: keyOf(tail) } : null,
      prev: null,
      first: true,
    };
  }
  if (!head || !tail) {
    // Past either end (the items around the cursor were removed): only the first page is left.
    return { items, next: null, prev: null, first: false };
  }
  if (walkingBack) {
    return {
      items,
      next: { direction: 'after', key: keyOf(tail) },
      prev: more ? { direction: 'before', key: keyOf(head) } : null,
      first: !more,
    };
  }
  return {
    items,
    next: more ? { direction: 'after', key: keyOf(tail) } : null,
    prev: { direction: 'before', key: keyOf(head) },
    first: false,
  };
}

/** An absolute-path link to another page: the request's own path and filters, a new position. */
export function pageLink(url: string, limit: number, cursor: Cursor | null): string {
  const [path = '/', search = ''] = url.split('?', 2);
  const params = new URLSearchParams(search);
  params.delete('cursor');
  params.delete('limit');
  params.set('limit', String(limit));
  if (cursor) params.set('cursor', encodeCursor(cursor));
  return `${path}?${params.toString()}`;
}

export interface PaginateOptions<DB, TB extends keyof DB, O, T> {
  /** The query's unique, ordered key column, e.g. `t.id` or `m.user_id`. */
  key: StringReference<DB, TB> & string;
  /** The value of that key in a row. */
  keyOf: (row: O) => string;
  /** The parsed `limit` and `cursor` (see pageQuerySchema). */
  page: PageQuery;
  /** The request's URL (`request.url`), from which the links are built. */
  url: string;
  /** Shapes each row for the response. */
  map: (row: O) => T;
  /** Whether a cursor's key is a value the key column can hold (default: a UUID). */
  isKey?: (key: string) => boolean;
}

/**
 * Runs one page of `query` (already filtered and scoped, but not ordered or limited) and returns
 * it with its links. One query per page: it fetches limit + 1 rows to learn whether more follow.
 */
export async function paginate<DB, TB extends keyof DB, O, T>(
  query: SelectQueryBuilder<DB, TB, O>,
  options: PaginateOptions<DB, TB, O, T>,
): Promise<Page<T>> {
  const { limit } = options.page;
  const cursor = options.page.cursor ? decodeCursor(options.page.cursor) : null;
  if (options.page.cursor && (!cursor || !(options.isKey ?? isUuid)(cursor.key))) {
    throw new ValidationError([{ field: 'query.cursor', message: CURSOR_MESSAGE }]);
  }
  const key = sql.ref(options.key);
  let q = query;
  if (cursor?.direction === 'after') q = q.where(sql<boolean>`${key} > ${cursor.key}`);
  if (cursor?.direction === 'before') q = q.where(sql<boolean>`${key} < ${cursor.key}`);
  const rows = await q
    .orderBy(key, cursor?.direction === 'before' ? 'desc' : 'asc')
    .limit(limit + 1)
    .execute();
  const window = pageWindow(rows, limit, cursor, options.keyOf);
  const first = pageLink(options.url, limit, null);
  return {
    data: window.items.map(options.map),
    links: {
      self: pageLink(options.url, limit, cursor),
      first,
      next: window.next ? pageLink(options.url, limit, window.next) : null,
      // Back to the start is the first page itself, so its link has no cursor.
      prev: window.prev ? pageLink(options.url, limit, window.prev) : window.first ? null : first,
    },
    meta: { limit, count: window.items.length },
  };
}

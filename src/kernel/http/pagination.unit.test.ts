import { describe, expect, it } from 'vitest';
import {
  decodeCursor,
  encodeCursor,
  pageLink,
  pageQuerySchema,
  pageWindow,
  type Cursor,
} from './pagination.js';

const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
const id = (k: string) => k;

/** What the database would return for a cursor: limit + 1 rows, in the query's order. */
function fetch(cursor: Cursor | null, limit: number): string[] {
  if (!cursor) return keys.slice(0, limit + 1);
  if (cursor.direction === 'after') return keys.filter((k) => k > cursor.key).slice(0, limit + 1);
  return keys
    .filter((k) => k < cursor.key)
    .reverse()
    .slice(0, limit + 1);
}

describe('cursors', () => {
  it('round-trip and are opaque URL-safe text', () => {
    const cursor: Cursor = { direction: 'after', key: '01890a5d-ac96-774b-bcce-b302099a8057' };
    const encoded = encodeCursor(cursor);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(encoded).not.toContain(cursor.key);
    expect(decodeCursor(encoded)).toEqual(cursor);
    expect(decodeCursor(encodeCursor({ direction: 'before', key: 'x' }))).toEqual({
      direction: 'before',
      key: 'x',
    });
  });

  it('refuses anything that is not one of ours', () => {
    expect(decodeCursor('')).toBeNull();
    expect(decodeCursor('not a cursor!')).toBeNull();
    expect(decodeCursor(Buffer.from('{"d":"x","k":"a"}').toString('base64url'))).toBeNull();
    expect(decodeCursor(Buffer.from('{"d":"a","k":""}').toString('base64url'))).toBeNull();
    expect(decodeCursor(Buffer.from('{"d":"a","k":5}').toString('base64url'))).toBeNull();
    expect(decodeCursor(Buffer.from('[1,2]').toString('base64url'))).toBeNull();
    expect(decodeCursor(Buffer.from('nope').toString('base64url'))).toBeNull();
    expect(decodeCursor(encodeCursor({ direction: 'after', key: 'a' }).slice(0, -3))).toBeNull();
  });
});

describe('page windows', () => {
  it('walks forwards through every item exactly once, then back again', () => {
    const limit = 3;
    const forwards: string[][] = [];
    let cursor: Cursor | null = null;
    let window = pageWindow(fetch(cursor, limit), limit, cursor, id);
    forwards.push(window.items);
    expect(window.prev).toBeNull();
    while (window.next) {
      cursor = window.next;
      window = pageWindow(fetch(cursor, limit), limit, cursor, id);
      forwards.push(window.items);
      expect(window.prev).not.toBeNull();
    }
    expect(forwards).toEqual([['a', 'b', 'c'], ['d', 'e', 'f'], ['g']]);

    const backwards: string[][] = [];
    while (window.prev) {
      cursor = window.prev;
      window = pageWindow(fetch(cursor, limit), limit, cursor, id);
      backwards.push(window.items);
    }
    expect(backwards).toEqual([
      ['d', 'e', 'f'],
      ['a', 'b', 'c'],
    ]);
    expect(window.first).toBe(true);
    expect(window.next).toEqual({ direction: 'after', key: 'c' });
  });

  it('has no next link when the last page is exactly full', () => {
    const first = pageWindow(fetch(null, 7), 7, null, id);
    expect(first.items).toHaveLength(7);
    expect(first.next).toBeNull();
    const twoPages = pageWindow(
      fetch({ direction: 'after', key: 'c' }, 4),
      4,
      { direction: 'after', key: 'c' },
      id,
    );
    expect(twoPages.items).toEqual(['d', 'e', 'f', 'g']);
    expect(twoPages.next).toBeNull();
  });

  it('gives an empty first page no links', () => {
    const w = pageWindow([], 10, null, id);
    expect(w).toEqual({ items: [], next: null, prev: null, first: true });
  });

  it('copes with a cursor past the end (its items were removed)', () => {
    const cursor: Cursor = { direction: 'after', key: 'z' };
    const w = pageWindow(fetch(cursor, 3), 3, cursor, id);
    expect(w.items).toEqual([]);
    expect(w.next).toBeNull();
    expect(w.first).toBe(false);
  });
});

describe('page links', () => {
  it('keep the path and other parameters, and replace limit and cursor', () => {
    const cursor: Cursor = { direction: 'after', key: 'k' };
    const link = pageLink('/api/v1/things?status=open&limit=5&cursor=old', 5, cursor);
    const url = new URL(link, 'http://x');
    expect(url.pathname).toBe('/api/v1/things');
    expect(url.searchParams.get('status')).toBe('open');
    expect(url.searchParams.getAll('limit')).toEqual(['5']);
    expect(decodeCursor(url.searchParams.get('cursor')!)).toEqual(cursor);
    expect(link.startsWith('/')).toBe(true);
  });

  it('leave the cursor out for the first page', () => {
    expect(pageLink('/api/v1/things?cursor=abc', 50, null)).toBe('/api/v1/things?limit=50');
  });
});

describe('the page query', () => {
  it('defaults the limit and accepts a valid cursor', () => {
    expect(pageQuerySchema.parse({})).toEqual({ limit: 50 });
    const cursor = encodeCursor({ direction: 'after', key: 'k' });
    expect(pageQuerySchema.parse({ limit: '10', cursor })).toEqual({ limit: 10, cursor });
  });

  it.each(['0', '101', '2.5', 'ten'])(
    'refuses limit=%s with a message that says the range',
    (limit) => {
      const result = pageQuerySchema.safeParse({ limit });
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.message).toBe('limit must be a whole number from 1 to 100');
      expect(result.error?.issues[0]?.path).toEqual(['limit']);
    },
  );

  it('refuses a cursor that was tampered with', () => {
    const result = pageQuerySchema.safeParse({ cursor: 'garbage!' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['cursor']);
  });
});

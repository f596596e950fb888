import { describe, expect, it } from 'vitest';
import { pagination } from './pagination.js';

describe('pagination', () => {
  const href = (n: number) => `/p/${String(n)}`;

  it('is absent for a single page', () => {
    expect(pagination(1, 1, href)).toBeNull();
  });

  it('shows the first, the last and the neighbours, with gaps', () => {
    const p = pagination(5, 9, href)!;
    expect(
      p.items.map((i) => (i.ellipsis ? '…' : i.current ? `[${String(i.number)}]` : i.number)),
    ).toEqual([1, '…', 4, '[5]', 6, '…', 9]);
    expect(p.items[0]?.href).toBe('/p/1');
    expect(p.previous).toEqual({ href: '/p/4' });
    expect(p.next).toEqual({ href: '/p/6' });
  });

  it('has no previous link on the first page and no next link on the last', () => {
    expect(pagination(1, 3, href)!.previous).toBeUndefined();
    expect(pagination(3, 3, href)!.next).toBeUndefined();
    expect(pagination(2, 3, href)!.items.some((i) => i.ellipsis)).toBe(false);
  });
});

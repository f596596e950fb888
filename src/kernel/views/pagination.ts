/** One entry of the GOV.UK pagination component: a page number, or a gap ("…"). */
export interface PaginationItem {
  number?: number;
  href?: string;
  current?: boolean;
  ellipsis?: boolean;
}

export interface Pagination {
  items: PaginationItem[];
  previous?: { href: string };
  next?: { href: string };
}

/**
 * The GOV.UK pagination component's parameters: the first and last pages and those either side of
 * the current one, with gaps marked; null when one page holds everything.
 */
export function pagination(
  page: number,
  pageCount: number,
  hrefFor: (page: number) => string,
): Pagination | null {
  if (pageCount <= 1) return null;
  const shown = [...new Set([1, page - 1, page, page + 1, pageCount])]
    .filter((n) => n >= 1 && n <= pageCount)
    .sort((a, b) => a - b);
  const items: PaginationItem[] = [];
  let before = 0;
  for (const n of shown) {
    if (n - before > 1) items.push({ ellipsis: true });
    items.push({ number: n, href: hrefFor(n), current: n === page });
    before = n;
  }
  return {
    items,
    ...(page > 1 ? { previous: { href: hrefFor(page - 1) } } : {}),
    ...(page < pageCount ? { next: { href: hrefFor(page + 1) } } : {}),
  };
}

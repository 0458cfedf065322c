import { useInfiniteQuery, type QueryKey } from '@tanstack/react-query';
import { http } from './http';

/** A list answer of the API: `{ data, next_cursor }` (cursor pagination, design/api.md). */
export interface ListPage<T> {
  data: T[];
  next_cursor: string | null;
}

/** Adds `cursor` (when any) to a path that may already carry a query string. */
function withCursor(path: string, cursor: string | null): string {
  if (cursor === null) return path;
  return `${path}${path.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}`;
}

/** A list read page by page with "Load more"; `items` is every row loaded so far. */
export function useCursorList<T>(queryKey: QueryKey, path: string, options: { enabled?: boolean } = {}) {
  const query = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam, signal }) => http.get<ListPage<T>>(withCursor(path, pageParam), { signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
    enabled: options.enabled ?? true,
    // Lists change through other people (an invitation accepted, an e-mail sent): read them
    // again each time a page shows them.
    staleTime: 0,
  });
  const items = query.data?.pages.flatMap((page) => page.data) ?? [];
  return { ...query, items };
}

import { useCallback, useState } from 'react';

export interface Page<T> {
  items: T[];
  hasMore: boolean;
}

/**
 * A cursor-paged list (docs/api.md §1 paging: the cursor is the last item's id): `load()` reads the first
 * page again, `loadMore()` appends the next one; the last failure is kept to show where the list is.
 */
export function usePagedList<T extends { id: string }>(fetchPage: (cursor?: string) => Promise<Page<T>>) {
  const [items, setItems] = useState<T[]>([]);
  const [hasMore, setHasMore] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(
    async (cursor?: string) => {
      setLoading(true);
      try {
        const page = await fetchPage(cursor);
        setItems((previous) => (cursor ? [...previous, ...page.items] : page.items));
        setHasMore(page.hasMore);
        setError(null);
      } catch (failure) {
        setError(failure);
      } finally {
        setLoading(false);
      }
    },
    [fetchPage],
  );
  const loadMore = () => load(items.at(-1)?.id);
  return { items, hasMore, loading, error, load, loadMore };
}

// The review queue: drafts awaiting review for the current filters, a page at a time (cursor paging),
// with per-operation counts. Items acted on leave the list at once (optimistic) and come back if the
// action fails.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ReviewCounts, ReviewFilters, ReviewItem } from '../api/review-types.js';
import { useSession } from '../ui/session-context.js';

export const PAGE_SIZE = 100;

export interface QueueState {
  items: ReviewItem[];
  counts: ReviewCounts | null;
  hasMore: boolean;
  loading: boolean;
  error: unknown;
  /** Drafts created since the list was loaded (shown as "N new", not inserted under the reader). */
  newCount: number;
}

export function useQueue(filters: ReviewFilters) {
  const { client } = useSession();
  const [state, setState] = useState<QueueState>({
    items: [],
    counts: null,
    hasMore: false,
    loading: true,
    error: null,
    newCount: 0,
  });
  const generation = useRef(0);
  const loadingMore = useRef(false);
  const key = JSON.stringify(filters);

  const reload = useCallback(async () => {
    const mine = ++generation.current;
    setState((previous) => ({ ...previous, loading: true, error: null }));
    try {
      const page = await client.reviewQueue(filters, undefined, PAGE_SIZE);
      if (mine !== generation.current) return;
      setState({
        items: page.drafts,
        counts: page.counts,
        hasMore: page.hasMore,
        loading: false,
        error: null,
        newCount: 0,
      });
    } catch (error) {
      if (mine === generation.current) setState((previous) => ({ ...previous, loading: false, error }));
    }
  }, [client, key]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const loadMore = useCallback(async () => {
    const last = state.items.at(-1);
    if (!state.hasMore || !last || loadingMore.current) return;
    loadingMore.current = true;
    const mine = generation.current;
    try {
      const page = await client.reviewQueue(filters, last.id, PAGE_SIZE);
      if (mine !== generation.current) return;
      setState((previous) => {
        const known = new Set(previous.items.map((item) => item.id));
        return {
          ...previous,
          items: [...previous.items, ...page.drafts.filter((item) => !known.has(item.id))],
          hasMore: page.hasMore,
          counts: page.counts,
        };
      });
    } catch (error) {
      setState((previous) => ({ ...previous, error }));
    } finally {
      loadingMore.current = false;
    }
  }, [client, key, state.items, state.hasMore]);

  // Live: every 10 s, count what arrived since; the reader's place never moves.
  useEffect(() => {
    const timer = setInterval(() => {
      const mine = generation.current;
      client.reviewQueue(filters, undefined, PAGE_SIZE).then(
        (page) => {
          if (mine !== generation.current) return;
          setState((previous) => {
            const first = previous.items[0];
            const index = first ? page.drafts.findIndex((item) => item.id === first.id) : page.drafts.length;
            const newCount = index < 0 ? page.drafts.length : index;
            return { ...previous, counts: page.counts, newCount: previous.items.length === 0 ? 0 : newCount };
          });
          if (state.items.length === 0 && page.drafts.length > 0) void reload();
        },
        () => undefined,
      );
    }, 10_000);
    return () => clearInterval(timer);
  }, [client, key, state.items.length]);

  /** Takes items out of the list (acted on); returns a function that puts them back. */
  const remove = useCallback((ids: string[]) => {
    const gone = new Set(ids);
    let removed: { item: ReviewItem; index: number }[] = [];
    setState((previous) => {
      removed = previous.items.flatMap((item, index) => (gone.has(item.id) ? [{ item, index }] : []));
      const counts = previous.counts ? { ...previous.counts } : null;
      if (counts) {
        for (const { item } of removed) {
          counts.total -= 1;
          if (item.operation) counts[item.operation] -= 1;
        }
      }
      return { ...previous, items: previous.items.filter((item) => !gone.has(item.id)), counts };
    });
    return () =>
      setState((previous) => {
        const items = [...previous.items];
        const counts = previous.counts ? { ...previous.counts } : null;
        for (const { item, index } of removed) {
          if (items.some((existing) => existing.id === item.id)) continue;
          items.splice(Math.min(index, items.length), 0, item);
          if (counts) {
            counts.total += 1;
            if (item.operation) counts[item.operation] += 1;
          }
        }
        return { ...previous, items, counts };
      });
  }, []);

  return { ...state, reload, loadMore, remove };
}

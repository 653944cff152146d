// The review queue: drafts awaiting review for the current filters, a page at a time (cursor paging),
// with per-operation counts. Items acted on leave the list at once (optimistic) and come back if the
// action fails.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ReviewCounts, ReviewFilters, ReviewItem } from '../api/review-types.js';
import { followRunningBatches, mergeHead } from '../lib/live-queue.js';
import { useSession } from '../ui/session-context.js';

export const PAGE_SIZE = 100;

export interface QueueState {
  items: ReviewItem[];
  counts: ReviewCounts | null;
  hasMore: boolean;
  loading: boolean;
  error: unknown;
  /** Drafts put on top since the reader last looked there (the "N new" banner). */
  newCount: number;
}

/** The counts with `items` taken out (sign -1) or put back (sign 1). */
function shiftCounts(counts: ReviewCounts, items: readonly ReviewItem[], sign: 1 | -1): ReviewCounts {
  const shifted = { ...counts };
  for (const item of items) {
    shifted.total += sign;
    if (item.operation) shifted[item.operation] += sign;
  }
  return shifted;
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
  /** Drafts the reader took out of the list (a publish still waiting): never shown again by a read. */
  const hidden = useRef(new Set<string>());
  const key = JSON.stringify(filters);

  const reload = useCallback(async () => {
    const mine = ++generation.current;
    setState((previous) => ({ ...previous, loading: true, error: null }));
    try {
      const page = await client.reviewQueue(filters, undefined, PAGE_SIZE);
      if (mine !== generation.current) return;
      setState({
        items: page.drafts.filter((item) => !hidden.current.has(item.id)),
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
          items: [
            ...previous.items,
            ...page.drafts.filter((item) => !known.has(item.id) && !hidden.current.has(item.id)),
          ],
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

  // Live: as running batches make drafts, the new ones go on top; the reader's place never moves (the
  // list keeps its scroll position, the "N new" banner says what arrived above).
  useEffect(() => {
    const controller = new AbortController();
    let reading = false;
    let again = false;
    const readHead = () => {
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      const mine = generation.current;
      client
        .reviewQueue(filters, undefined, PAGE_SIZE, controller.signal)
        .then(
          (page) => {
            if (mine !== generation.current) return;
            setState((previous) => {
              const merged = mergeHead(previous.items, page.drafts, hidden.current);
              const taken = page.drafts.filter((item) => hidden.current.has(item.id));
              const counts = shiftCounts(page.counts, taken, -1);
              return {
                ...previous,
                items: merged.items,
                counts,
                hasMore: previous.items.length === 0 ? page.hasMore : previous.hasMore,
                newCount: previous.items.length === 0 ? 0 : previous.newCount + merged.added,
              };
            });
          },
          () => undefined,
        )
        .finally(() => {
          reading = false;
          if (again && !controller.signal.aborted) {
            again = false;
            readHead();
          }
        });
    };
    followRunningBatches(client, readHead, controller.signal);
    return () => controller.abort();
  }, [client, key]);

  const clearNew = useCallback(() => setState((previous) => ({ ...previous, newCount: 0 })), []);

  /** Takes items out of the list (acted on); returns a function that puts them back. */
  const remove = useCallback((ids: string[]) => {
    const gone = new Set(ids);
    for (const id of ids) hidden.current.add(id);
    let removed: { item: ReviewItem; index: number }[] = [];
    setState((previous) => {
      removed = previous.items.flatMap((item, index) => (gone.has(item.id) ? [{ item, index }] : []));
      const counts =
        previous.counts &&
        shiftCounts(
          previous.counts,
          removed.map(({ item }) => item),
          -1,
        );
      return { ...previous, items: previous.items.filter((item) => !gone.has(item.id)), counts };
    });
    return () => {
      for (const id of ids) hidden.current.delete(id);
      setState((previous) => {
        const items = [...previous.items];
        const restored: ReviewItem[] = [];
        for (const { item, index } of removed) {
          if (items.some((existing) => existing.id === item.id)) continue;
          items.splice(Math.min(index, items.length), 0, item);
          restored.push(item);
        }
        return { ...previous, items, counts: previous.counts && shiftCounts(previous.counts, restored, 1) };
      });
    };
  }, []);

  return { ...state, reload, loadMore, remove, clearNew };
}

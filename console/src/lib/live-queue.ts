// Live review queue: the running batches are followed over their event streams (Server-Sent Events);
// when one reports more drafts, the head of the queue is read again and what is new goes on top.
// New drafts are always the newest (the queue is newest first), so they never land under the reader.
import type { ApiClient } from '../api/client.js';
import type { Batch, ReviewItem } from '../api/review-types.js';

export const isRunning = (batch: Batch) => batch.status === 'PENDING' || batch.status === 'IN_PROGRESS';

/** How often the list of batches is read to find batches started since (by a bulk call or a sync run). */
export const DISCOVER_MS = 15_000;

/**
 * Calls `onDrafts` whenever a running batch made new drafts or finished, until `signal` aborts. Each
 * running batch is followed by one stream; the batch list is read again every `discoverMs`.
 */
export function followRunningBatches(
  client: Pick<ApiClient, 'batches' | 'followBatch'>,
  onDrafts: () => void,
  signal: AbortSignal,
  discoverMs = DISCOVER_MS,
): void {
  const following = new Set<string>();
  const follow = (batch: Batch) => {
    following.add(batch.id);
    let drafts = batch.drafts;
    client
      .followBatch(
        batch.id,
        (next) => {
          if (next.drafts === drafts) return;
          drafts = next.drafts;
          onDrafts();
        },
        signal,
      )
      .catch(() => undefined)
      .finally(() => {
        following.delete(batch.id);
        if (!signal.aborted) onDrafts();
      });
  };
  const discover = () =>
    client.batches(undefined, 20).then(
      (list) => {
        if (signal.aborted) return;
        for (const batch of list.batches) if (isRunning(batch) && !following.has(batch.id)) follow(batch);
      },
      () => undefined,
    );
  void discover();
  const timer = setInterval(() => void discover(), discoverMs);
  signal.addEventListener('abort', () => clearInterval(timer), { once: true });
}

/**
 * Puts the drafts of a fresh first page that are newer than everything listed on top of `items`.
 * `hidden`: drafts taken out of the list by the reader (a publish still waiting), not shown again.
 */
export function mergeHead(
  items: ReviewItem[],
  head: ReviewItem[],
  hidden: ReadonlySet<string>,
): { items: ReviewItem[]; added: number } {
  const known = new Set(items.map((item) => item.id));
  const firstKnown = head.findIndex((item) => known.has(item.id));
  const newer = (firstKnown < 0 ? head : head.slice(0, firstKnown)).filter(
    (item) => !hidden.has(item.id) && !known.has(item.id),
  );
  return { items: newer.length > 0 ? [...newer, ...items] : items, added: newer.length };
}

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Batch, BatchList, ReviewItem } from '../src/api/review-types.js';
import { followRunningBatches, mergeHead } from '../src/lib/live-queue.js';

const item = (id: string): ReviewItem => ({
  id,
  title: `Draft ${id}`,
  operation: 'UPDATE_ARTICLE',
  parentFolderId: null,
  folderPath: [],
  originalArticleId: null,
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
  stale: false,
  sourceId: null,
  sourceTitle: null,
  sourceUrl: null,
  batchId: null,
  backgroundJobId: null,
  linkedReason: null,
});
const ids = (items: ReviewItem[]) => items.map((entry) => entry.id);

describe('mergeHead', () => {
  it('puts only the drafts newer than the listed ones on top, keeping the rest as it is', () => {
    const listed = ['c', 'd', 'e'].map(item);
    const { items, added } = mergeHead(listed, ['a', 'b', 'c', 'd'].map(item), new Set());
    expect(ids(items)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(added).toBe(2);
    expect(items[2]).toBe(listed[0]);
  });

  it('never shows again a draft the reader took out (a publish still waiting)', () => {
    const { items, added } = mergeHead(['c'].map(item), ['a', 'b', 'c'].map(item), new Set(['b']));
    expect(ids(items)).toEqual(['a', 'c']);
    expect(added).toBe(1);
  });

  it('changes nothing when nothing is new', () => {
    const listed = ['a', 'b'].map(item);
    const result = mergeHead(listed, ['a', 'b'].map(item), new Set());
    expect(result.items).toBe(listed);
    expect(result.added).toBe(0);
  });
});

describe('followRunningBatches', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const batch = (id: string, status: Batch['status'], drafts: number) =>
    ({ id, status, drafts }) as unknown as Batch;

  it('follows each running batch once and reports when its drafts grow or it ends', async () => {
    const streams = new Map<string, { push: (batch: Batch) => void; end: () => void }>();
    const client = {
      batches: vi.fn(async (): Promise<BatchList> => ({
        batches: [batch('run', 'IN_PROGRESS', 0), batch('old', 'COMPLETED', 3)],
        hasMore: false,
      })),
      followBatch: vi.fn(
        (id: string, onBatch: (batch: Batch) => void) =>
          new Promise<void>((resolve) => streams.set(id, { push: onBatch, end: resolve })),
      ),
    };
    const onDrafts = vi.fn();
    const controller = new AbortController();
    followRunningBatches(client, onDrafts, controller.signal, 1000);
    await vi.advanceTimersByTimeAsync(0);
    expect([...streams.keys()]).toEqual(['run']);

    streams.get('run')!.push(batch('run', 'IN_PROGRESS', 0));
    expect(onDrafts).not.toHaveBeenCalled();
    streams.get('run')!.push(batch('run', 'IN_PROGRESS', 2));
    expect(onDrafts).toHaveBeenCalledTimes(1);

    // The next look at the list does not open a second stream for a batch already followed.
    await vi.advanceTimersByTimeAsync(1000);
    expect(client.batches).toHaveBeenCalledTimes(2);
    expect(client.followBatch).toHaveBeenCalledTimes(1);

    streams.get('run')!.end();
    await vi.advanceTimersByTimeAsync(0);
    expect(onDrafts).toHaveBeenCalledTimes(2);

    controller.abort();
    await vi.advanceTimersByTimeAsync(5000);
    expect(client.batches).toHaveBeenCalledTimes(2);
  });
});

import { describe, expect, it } from 'vitest';
import type { ApiClient, BulkOptions } from '../src/api/client.js';
import type { Source } from '../src/api/types.js';
import { regenerateChanged, type RegenerateStep } from '../src/lib/regenerate.js';

/** An in-memory API: a refresh finishes after two listings (pages of two); `changes` lists what changed. */
function fakeApi(sources: Partial<Source>[], changes: string[]) {
  const rows = sources.map((source) => ({
    source: 'web',
    linkedJobStatus: 'COMPLETED',
    changed: false,
    ...source,
  })) as Source[];
  let polls = 0;
  const bulkCalls: { ids: string[]; options: BulkOptions }[] = [];
  const client = {
    sources: async (query: { changed?: boolean; cursor?: string }) => {
      polls += 1;
      if (polls > 4)
        for (const row of rows) {
          if (row.linkedJobStatus === 'PENDING') {
            row.linkedJobStatus = 'COMPLETED';
            row.changed = changes.includes(row.id);
          }
        }
      const all = query.changed ? rows.filter((row) => row.changed) : rows;
      // Pages of two, to go through the cursor.
      const start = query.cursor ? all.findIndex((row) => row.id === query.cursor) + 1 : 0;
      return { documents: all.slice(start, start + 2), hasMore: start + 2 < all.length };
    },
    refresh: async (ids: string[]) => {
      polls = 0;
      for (const row of rows) if (ids.includes(row.id)) row.linkedJobStatus = 'PENDING';
      return ids;
    },
    bulk: async (ids: string[], options: BulkOptions) => {
      bulkCalls.push({ ids, options });
      return {
        jobs: ids.map((id) => ({ documentId: id, backgroundJobId: `job-${id}` })),
        batchId: 'batch-1',
      };
    },
  } as unknown as ApiClient;
  return { client, bulkCalls };
}

describe('regenerateChanged', () => {
  it('refreshes the web sources, waits for every refresh, then drafts updates for the changed ones only', async () => {
    const { client, bulkCalls } = fakeApi(
      [{ id: 'a' }, { id: 'b' }, { id: 'c' }, { id: 'f', source: 'files' }],
      ['b', 'c'],
    );
    const steps: RegenerateStep[] = [];
    const last = await regenerateChanged(client, (step) => steps.push(step), { pollMs: 1 });
    expect(bulkCalls).toEqual([
      { ids: ['b', 'c'], options: { restrictedOps: ['UPDATE_ARTICLE'], isDraft: true } },
    ]);
    expect(last).toEqual({ step: 'done', changed: 2, batchId: 'batch-1', refreshed: 3, failed: 0 });
    const waits = steps.filter((step) => step.step === 'waiting');
    expect(waits[0]).toMatchObject({ done: 0, total: 3 });
    expect(waits.at(-1)).toMatchObject({ done: 3, total: 3 });
    expect(steps.map((step) => step.step)).toEqual(
      expect.arrayContaining(['listing', 'refreshing', 'waiting', 'finding', 'generating', 'done']),
    );
  });

  it('generates nothing when no source changed', async () => {
    const { client, bulkCalls } = fakeApi([{ id: 'a' }], []);
    const last = await regenerateChanged(client, () => undefined, { pollMs: 1, ids: ['a'] });
    expect(last).toEqual({ step: 'nothing-changed', refreshed: 1, failed: 0 });
    expect(bulkCalls).toEqual([]);
  });
});

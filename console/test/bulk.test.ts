import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/api/client.js';
import { runBulk, summarize, type BulkProgress } from '../src/lib/bulk.js';

describe('runBulk', () => {
  it('runs every item a few at a time and reports each result, failures included', async () => {
    let running = 0;
    let most = 0;
    const progress: BulkProgress[] = [];
    const ids = Array.from({ length: 10 }, (_, index) => `d${index}`);
    const results = await runBulk(
      ids,
      async (id) => {
        running += 1;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running -= 1;
        if (id === 'd3') throw new ApiError(409, 'the live article changed after the fork', 'CONFLICT');
        if (id === 'd7') throw new ApiError(404, 'article not found', 'NOT_FOUND');
      },
      (update) => progress.push(update),
      3,
    );
    expect(most).toBe(3);
    expect(results).toHaveLength(10);
    expect(results.find((result) => result.id === 'd3')).toEqual({
      id: 'd3',
      ok: false,
      message: 'the live article changed after the fork',
      conflict: true,
    });
    expect(results.find((result) => result.id === 'd7')).toMatchObject({ ok: false, conflict: false });
    expect(progress.map((update) => update.done)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(summarize(results, 'published')).toBe('published 8, failed 2');
    expect(summarize(results.slice(0, 2), 'rejected')).toBe('rejected 2');
  });
});

// Fair scheduling on the generate queue (generate-queue.ts): jobs are ordered by their place in their own
// workspace's line, so a small workspace's job runs next to a big bulk of another workspace instead of
// after it. One worker slot makes the order of execution the order of the queue.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestContext, type TestKey } from './helpers/app.js';
import { bulkGenerate, waitForJobs } from './helpers/generation.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await startTestApp({ LLM_PROVIDER: 'offline', WORKER_CONCURRENCY: '1' }, { workers: true });
});
afterAll(() => ctx.close());

/** `count` sources that were never ingested: their jobs fail at once, which keeps 200 of them quick. */
async function emptySources(key: TestKey, count: number): Promise<string[]> {
  const { rows } = await ctx.deps.pool.query<{ id: string }>(
    `INSERT INTO sources (workspace_id, source_type, external_id, original_url)
     SELECT $1, 'web', u, u FROM (SELECT 'https://big.example.com/' || gen_random_uuid() AS u
       FROM generate_series(1, $2)) pages
     RETURNING id`,
    [key.workspaceId, count],
  );
  return rows.map((row) => row.id);
}

const bulk = (key: TestKey, documentIds: string[]) => bulkGenerate(ctx, key, { documentIds });

describe('fair scheduling across workspaces', () => {
  it("runs a second workspace's job among the first of a 200-job bulk queued before it, not after it", async () => {
    const big = await ctx.createKey();
    const small = await ctx.createKey();
    const queue = ctx.deps.queues.generate;
    await queue.pause();
    let bigJobs: string[];
    let smallJob: string;
    try {
      bigJobs = await bulk(big, await emptySources(big, 200));
      [smallJob] = (await bulk(small, await emptySources(small, 1))) as [string];
    } finally {
      await queue.resume();
    }
    await waitForJobs(ctx, small, [smallJob]);
    const { rows } = await ctx.deps.pool.query<{ id: string }>(
      `SELECT id FROM knowledge_jobs WHERE id = ANY($1::uuid[]) AND started_at IS NOT NULL
       ORDER BY started_at, id`,
      [[...bigJobs, smallJob]],
    );
    const order = rows.map((row) => row.id);
    // Both workspaces' first jobs share the front of the line; in arrival order the small one would be 201st.
    expect(order.indexOf(smallJob)).toBeLessThanOrEqual(1);
    await waitForJobs(ctx, big, bigJobs, 60_000);
  }, 90_000);
});

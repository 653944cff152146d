// Retention: BullMQ drops finished jobs by age and count, so Redis memory stays bounded; PostgreSQL keeps
// every job's history.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_JOB_OPTIONS } from '../src/lib/queues.js';
import { startTestApp, type TestContext } from './helpers/app.js';
import { bulkGenerate, insertSource, waitForJobs } from './helpers/generation.js';

let ctx: TestContext;
beforeAll(async () => {
  // Keep only the newest finished job of each kind, so a few jobs show the trimming.
  ctx = await startTestApp(
    { WORKER_CONCURRENCY: '1' },
    {
      workers: true,
      jobOptions: { removeOnComplete: { age: 3_600, count: 1 }, removeOnFail: { age: 3_600, count: 1 } },
    },
  );
});
afterAll(() => ctx.close());

describe('retention of finished jobs', () => {
  it('removes completed and failed jobs by age and by count by default', () => {
    expect(DEFAULT_JOB_OPTIONS.removeOnComplete).toEqual({
      age: expect.any(Number),
      count: expect.any(Number),
    });
    expect(DEFAULT_JOB_OPTIONS.removeOnFail).toEqual({ age: expect.any(Number), count: expect.any(Number) });
  });

  it('drops older finished jobs from Redis by count while their PostgreSQL rows stay', async () => {
    const key = await ctx.createKey();
    const sources: string[] = [];
    for (const title of ['One', 'Two', 'Three'])
      sources.push(await insertSource(ctx, key, { title, paragraphs: [`# ${title}`, `About ${title}.`] }));
    const completedIds = await bulkGenerate(ctx, key, { documentIds: sources });
    const jobs = await waitForJobs(ctx, key, completedIds);
    expect(jobs.map((job) => job.jobStatus)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);

    // Two sources with no content: their jobs fail for good.
    const empty: string[] = [];
    for (let n = 0; n < 2; n += 1) {
      const { rows } = await ctx.deps.pool.query<{ id: string }>(
        `INSERT INTO sources (workspace_id, source_type, external_id, original_url, title)
         VALUES ($1, 'web', $2, $2, 'Empty') RETURNING id`,
        [key.workspaceId, `https://docs.example.com/${randomUUID()}`],
      );
      empty.push(rows[0]!.id);
    }
    const failedIds = await bulkGenerate(ctx, key, { documentIds: empty });
    expect((await waitForJobs(ctx, key, failedIds)).map((job) => job.jobStatus)).toEqual([
      'FAILED',
      'FAILED',
    ]);

    const queue = ctx.deps.queues.generate;
    const counts = await queue.getJobCounts('completed', 'failed');
    expect(counts).toEqual({ completed: 1, failed: 1 });
    const inRedis = await Promise.all([...completedIds, ...failedIds].map((id) => queue.getJob(id)));
    expect(inRedis.filter((job) => job !== undefined)).toHaveLength(2);

    const { rows } = await ctx.deps.pool.query<{ id: string; status: string }>(
      'SELECT id, status FROM knowledge_jobs WHERE id = ANY($1::uuid[])',
      [[...completedIds, ...failedIds]],
    );
    expect(rows).toHaveLength(5);
    for (const id of completedIds) {
      const response = await ctx.http().get(`/v2/knowledge/public/jobs/${id}`).set(key.header);
      expect(response.status).toBe(200);
      expect(response.body.jobStatus).toBe('COMPLETED');
    }
  });
});

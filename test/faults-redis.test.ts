// Redis faults: Redis loses every key of the queues mid-batch; Redis is down when a bulk
// request arrives and stays down longer than BullMQ's drain delay. PostgreSQL holds the truth: every job
// still completes once, through the reconciler.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedRedis, type RedisHandle } from '../src/lib/embedded-redis.js';
import { createLogger } from '../src/lib/logger.js';
import { startTestApp, type TestContext, type TestKey } from './helpers/app.js';
import { startFakeOpenAI, type FakeOpenAI } from './helpers/fake-openai.js';
import { bulkGenerate, insertSource, jobStatuses, waitForJobs } from './helpers/generation.js';
import { createIsolatedDatabase } from './helpers/isolated-database.js';
import { knowledge } from './helpers/knowledge.js';
import { freePort } from './helpers/processes.js';

const FAST_RECONCILER = { reconcileEveryMs: 300, reconcileAfterMs: 1_000 };
let fake: FakeOpenAI;
let database: Awaited<ReturnType<typeof createIsolatedDatabase>>;
beforeAll(async () => {
  fake = await startFakeOpenAI();
  database = await createIsolatedDatabase();
});
afterAll(async () => {
  await fake.close();
  await database.drop();
});

const model = () => ({
  LLM_PROVIDER: 'openai',
  OPENAI_BASE_URL: fake.url,
  OPENAI_API_KEY: 'sk-test',
  DATABASE_URL: database.url,
});

async function batch(ctx: TestContext, size: number): Promise<{ key: TestKey; ids: string[] }> {
  const key = await ctx.createKey();
  await knowledge(ctx, key).folder('Help');
  const ids: string[] = [];
  for (let i = 0; i < size; i += 1)
    ids.push(
      await insertSource(ctx, key, { title: `Topic ${i}`, paragraphs: [`Everything about topic ${i}.`] }),
    );
  return { key, ids };
}

async function articlesPerJob(ctx: TestContext, key: TestKey): Promise<number[]> {
  const { rows } = await ctx.deps.pool.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM articles WHERE workspace_id = $1 GROUP BY background_job_id',
    [key.workspaceId],
  );
  return rows.map((row) => row.n);
}

describe('Redis faults', () => {
  it('the queue keys deleted mid-batch: every job still completes, once', { timeout: 60_000 }, async () => {
    fake.setLatency(300);
    const ctx = await startTestApp({ ...model(), WORKER_CONCURRENCY: '4' }, { workers: FAST_RECONCILER });
    try {
      const { key, ids } = await batch(ctx, 16);
      const jobIds = await bulkGenerate(ctx, key, { documentIds: ids });
      await expect
        .poll(
          async () => (await jobStatuses(ctx, key, jobIds)).some((job) => job.jobStatus === 'COMPLETED'),
          { timeout: 20_000 },
        )
        .toBe(true);
      const keys = await ctx.deps.redis.keys(`${ctx.config.queuePrefix}:*`);
      expect(keys.length).toBeGreaterThan(0);
      await ctx.deps.redis.del(...keys);

      const jobs = await waitForJobs(ctx, key, jobIds, 40_000);
      expect(jobs.map((job) => job.jobStatus)).toEqual(jobIds.map(() => 'COMPLETED'));
      expect(await articlesPerJob(ctx, key)).toEqual(jobIds.map(() => 1));
    } finally {
      await ctx.close();
    }
  });

  it(
    'Redis down when a bulk arrives: 200 at once, jobs complete when Redis is back; workers consume after a long outage',
    { timeout: 90_000 },
    async () => {
      fake.setLatency(0);
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'distill-redis-outage-'));
      const port = await freePort();
      const logger = createLogger('silent');
      let redis: RedisHandle = await startEmbeddedRedis({ dataDir, port, logger });
      const ctx = await startTestApp(
        { ...model(), REDIS_URL: redis.url, WORKER_CONCURRENCY: '4' },
        { workers: FAST_RECONCILER },
      );
      try {
        const { key, ids } = await batch(ctx, 6);
        // Workers are idle and blocked on Redis when it goes away.
        await redis.stop();
        const outageStarted = Date.now();
        await expect.poll(() => ctx.deps.redis.status, { timeout: 10_000 }).not.toBe('ready');

        const started = Date.now();
        const jobIds = await bulkGenerate(ctx, key, { documentIds: ids });
        expect(Date.now() - started).toBeLessThan(2_000);
        expect((await jobStatuses(ctx, key, jobIds)).map((job) => job.jobStatus)).toEqual(
          jobIds.map(() => 'PENDING'),
        );
        expect((await ctx.http().get('/readyz')).status).toBe(503);

        // Longer than BullMQ's drain delay (5 s): the case where workers used to stop consuming.
        await new Promise((resolve) =>
          setTimeout(resolve, Math.max(0, 6_500 - (Date.now() - outageStarted))),
        );
        redis = await startEmbeddedRedis({ dataDir, port, logger });

        const jobs = await waitForJobs(ctx, key, jobIds, 60_000);
        expect(jobs.map((job) => job.jobStatus)).toEqual(jobIds.map(() => 'COMPLETED'));
        expect(await articlesPerJob(ctx, key)).toEqual(jobIds.map(() => 1));
        expect((await ctx.http().get('/readyz')).status).toBe(200);

        // And new work flows through the normal path again (enqueued at once, consumed by the same workers).
        const more = await batch(ctx, 2);
        const again = await waitForJobs(
          ctx,
          more.key,
          await bulkGenerate(ctx, more.key, { documentIds: more.ids }),
          20_000,
        );
        expect(again.map((job) => job.jobStatus)).toEqual(['COMPLETED', 'COMPLETED']);
      } finally {
        await ctx.close();
        await redis.stop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  );
});

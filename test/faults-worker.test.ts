// Worker faults: a worker SIGKILLed mid-batch, and a worker SIGTERMed mid-batch. In both cases
// every job completes once another worker runs, and every job writes exactly one article.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestContext, type TestKey } from './helpers/app.js';
import { startFakeOpenAI, type FakeOpenAI } from './helpers/fake-openai.js';
import { bulkGenerate, insertSource, jobStatuses, waitForJobs } from './helpers/generation.js';
import { createIsolatedDatabase } from './helpers/isolated-database.js';
import { knowledge } from './helpers/knowledge.js';
import { startWorkerProcess, type WorkerProcess } from './helpers/worker-process.js';

let fake: FakeOpenAI;
let ctx: TestContext;
let database: Awaited<ReturnType<typeof createIsolatedDatabase>>;
const running: WorkerProcess[] = [];
beforeAll(async () => {
  fake = await startFakeOpenAI();
  // The worker processes run the reconciler: keep other test files' rows out of its sight.
  database = await createIsolatedDatabase();
  ctx = await startTestApp({ DATABASE_URL: database.url });
});
afterAll(async () => {
  for (const worker of running) worker.child.kill('SIGKILL');
  await ctx.close();
  await fake.close();
  await database.drop();
});

function worker(env: Record<string, string> = {}): WorkerProcess {
  const started = startWorkerProcess(ctx, {
    LLM_PROVIDER: 'openai',
    OPENAI_BASE_URL: fake.url,
    OPENAI_API_KEY: 'sk-test',
    WORKER_CONCURRENCY: '4',
    JOB_LOCK_MS: '2000',
    ...env,
  });
  running.push(started);
  return started;
}

async function batch(size: number): Promise<{ key: TestKey; jobIds: string[] }> {
  const key = await ctx.createKey();
  await knowledge(ctx, key).folder('Help');
  const ids: string[] = [];
  for (let i = 0; i < size; i += 1)
    ids.push(
      await insertSource(ctx, key, {
        title: `Topic ${i}`,
        paragraphs: [`# Topic ${i}`, `Everything about topic ${i}.`],
      }),
    );
  return { key, jobIds: await bulkGenerate(ctx, key, { documentIds: ids }) };
}

/** Every job COMPLETED, and exactly one article carries each job's id (the one it reports). */
async function expectEachJobWroteOnce(key: TestKey, jobIds: string[]): Promise<void> {
  const jobs = await waitForJobs(ctx, key, jobIds, 90_000);
  expect(jobs.map((job) => job.jobStatus)).toEqual(jobIds.map(() => 'COMPLETED'));
  const { rows } = await ctx.deps.pool.query<{ jobId: string; articles: number; id: string }>(
    `SELECT background_job_id AS "jobId", count(*)::int AS articles, min(id::text) AS id FROM articles
     WHERE workspace_id = $1 GROUP BY background_job_id`,
    [key.workspaceId],
  );
  expect(rows).toHaveLength(jobIds.length);
  for (const row of rows) expect(row.articles).toBe(1);
  expect(new Map(rows.map((row) => [row.jobId, row.id]))).toEqual(
    new Map(jobs.map((job) => [job.id, job.hcArticleId])),
  );
}

describe('worker crashes and shutdown', () => {
  it(
    'SIGKILL mid-batch: a restarted worker completes every job, each writing one article',
    { timeout: 120_000 },
    async () => {
      fake.setLatency(400);
      const first = worker();
      await first.ready;
      const { key, jobIds } = await batch(16);
      await expect
        .poll(
          async () =>
            (await jobStatuses(ctx, key, jobIds)).filter((job) => job.jobStatus === 'COMPLETED').length,
          { timeout: 30_000 },
        )
        .toBeGreaterThanOrEqual(4);
      first.child.kill('SIGKILL');
      await first.exited;
      const inFlight = (await jobStatuses(ctx, key, jobIds)).filter((job) => job.jobStatus !== 'COMPLETED');
      expect(inFlight.length).toBeGreaterThan(0);

      const second = worker();
      await expectEachJobWroteOnce(key, jobIds);
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    },
  );

  it(
    'SIGTERM mid-batch: exits 0 within the grace period, and no job is lost',
    { timeout: 120_000 },
    async () => {
      fake.setLatency(15_000);
      const first = worker({ SHUTDOWN_GRACE_MS: '1000' });
      await first.ready;
      const { key, jobIds } = await batch(6);
      await expect
        .poll(
          async () =>
            (await jobStatuses(ctx, key, jobIds)).filter((job) => job.jobStatus === 'IN_PROGRESS').length,
          { timeout: 30_000 },
        )
        .toBeGreaterThanOrEqual(4);
      const stoppedAt = Date.now();
      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);
      // The 1 s grace period, plus closing connections (slow on a loaded machine); not the 15 s the
      // in-flight model calls would take.
      expect(Date.now() - stoppedAt).toBeLessThan(10_000);
      expect(first.output()).toMatch(/aborting them; they will be retried/);

      fake.setLatency(0);
      const second = worker();
      await expectEachJobWroteOnce(key, jobIds);
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    },
  );
});

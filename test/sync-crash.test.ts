// A sync run survives its worker: SIGKILL while it waits for the refresh, and again while its batch is
// generating. Another worker resumes the run where it stopped; it completes once, with one batch whose
// every job wrote one draft, and each source refreshed by one ingest job.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestContext, type TestKey } from './helpers/app.js';
import { startFakeOpenAI, type FakeOpenAI } from './helpers/fake-openai.js';
import { htmlPage, startFixtureServer, type Fixture } from './helpers/fixture-server.js';
import { createIsolatedDatabase } from './helpers/isolated-database.js';
import { ingestOne, linkToNewArticle } from './helpers/sources.js';
import { startWorkerProcess, type WorkerProcess } from './helpers/worker-process.js';
import type { SyncRun } from '../src/sync/sync-schemas.js';

let fake: FakeOpenAI;
let site: Fixture;
let ctx: TestContext;
let database: Awaited<ReturnType<typeof createIsolatedDatabase>>;
const running: WorkerProcess[] = [];
beforeAll(async () => {
  fake = await startFakeOpenAI();
  site = await startFixtureServer();
  // The worker processes run the reconciler: keep other test files' rows out of its sight.
  database = await createIsolatedDatabase();
  ctx = await startTestApp({ DATABASE_URL: database.url });
});
afterAll(async () => {
  for (const worker of running) worker.child.kill('SIGKILL');
  await ctx.close();
  await fake.close();
  await site.close();
  await database.drop();
});

function worker(): WorkerProcess {
  const started = startWorkerProcess(ctx, {
    LLM_PROVIDER: 'openai',
    OPENAI_BASE_URL: fake.url,
    OPENAI_API_KEY: 'sk-test',
    WORKER_CONCURRENCY: '4',
    JOB_LOCK_MS: '2000',
    ALLOW_PRIVATE_URLS: 'true',
  });
  running.push(started);
  return started;
}

const page = (topic: string, version: number) =>
  htmlPage(topic, `<p>All about ${topic}, version ${version}, with enough words to read as an article.</p>`);

async function linkedPages(key: TestKey, prefix: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    site.setPage(`${prefix}/${i}`, { body: page(`topic ${i}`, 1) });
    const source = await ingestOne(ctx, key, site.url(`${prefix}/${i}`));
    await linkToNewArticle(ctx, key, source.id, `${prefix} ${i}`);
    ids.push(source.id);
  }
  return ids;
}

async function run(key: TestKey, id: string): Promise<SyncRun> {
  return (await ctx.http().get(`/v2/sync/public/runs/${id}`).set(key.header)).body as SyncRun;
}

async function kill(process: WorkerProcess): Promise<void> {
  process.child.kill('SIGKILL');
  await process.exited;
}

/** The run completed once, with one batch of `changed` jobs, each COMPLETED with one draft. */
async function expectCompletedOnce(key: TestKey, id: string, changed: number): Promise<void> {
  await expect
    .poll(async () => (await run(key, id)).status, { timeout: 90_000, interval: 200 })
    .toBe('COMPLETED');
  const done = await run(key, id);
  expect(done.counts).toMatchObject({ sources: changed, changed, jobs: changed, drafts: changed });
  const { rows: batches } = await ctx.deps.pool.query(
    'SELECT id FROM knowledge_batches WHERE workspace_id = $1',
    [key.workspaceId],
  );
  expect(batches.map((row) => row.id)).toEqual([done.batchId]);
  const { rows: drafts } = await ctx.deps.pool.query(
    `SELECT background_job_id, count(*)::int AS n FROM articles WHERE workspace_id = $1 AND is_draft
     GROUP BY background_job_id`,
    [key.workspaceId],
  );
  expect(drafts).toHaveLength(changed);
  for (const row of drafts) expect(row.n).toBe(1);
  const { rows: runs } = await ctx.deps.pool.query('SELECT attempts FROM sync_runs WHERE id = $1', [id]);
  expect(runs[0].attempts).toBe(3);
}

describe('sync run crash recovery', () => {
  it(
    'SIGKILL mid-refresh, then mid-generation: the run completes once, with one batch',
    { timeout: 180_000 },
    async () => {
      const first = worker();
      await first.ready;
      const key = await ctx.createKey();
      const ids = await linkedPages(key, '/crash', 4);
      for (let i = 0; i < ids.length; i += 1)
        site.setPage(`/crash/${i}`, { body: page(`topic ${i}`, 2), delayMs: i === 0 ? 4_000 : 0 });
      fake.setLatency(3_000);

      const response = await ctx.http().post('/v2/sync/public').set(key.header).send({});
      const id = response.body.syncRunId as string;
      // Mid-refresh: the slow page is being fetched.
      await expect
        .poll(async () => (await run(key, id)).status, { timeout: 30_000, interval: 50 })
        .toBe('REFRESHING');
      await expect
        .poll(() => site.hits('/crash/0'), { timeout: 30_000, interval: 50 })
        .toBeGreaterThanOrEqual(2);
      await kill(first);

      // Mid-generation: the batch exists and its model calls are in flight.
      const second = worker();
      await expect
        .poll(async () => (await run(key, id)).status, { timeout: 60_000, interval: 50 })
        .toBe('GENERATING');
      await expect.poll(() => fake.calls, { timeout: 30_000, interval: 50 }).toBeGreaterThan(0);
      await kill(second);

      fake.setLatency(0);
      worker();
      await expectCompletedOnce(key, id, ids.length);
    },
  );
});

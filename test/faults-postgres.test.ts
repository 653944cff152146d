// PostgreSQL fault: PostgreSQL restarted mid-batch. Jobs fail while it is down and are retried; every job
// ends COMPLETED and writes its article once.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureEmbeddedPostgres, type DatabaseHandle } from '../src/lib/embedded-postgres.js';
import { createLogger } from '../src/lib/logger.js';
import { runMigrations } from '../src/lib/migrate.js';
import { startTestApp, type TestContext } from './helpers/app.js';
import { startFakeOpenAI, type FakeOpenAI } from './helpers/fake-openai.js';
import { bulkGenerate, insertSource, waitForJobs } from './helpers/generation.js';
import { knowledge } from './helpers/knowledge.js';
import { freePort } from './helpers/processes.js';

const logger = createLogger('silent');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'distill-pg-restart-'));
// As root, PostgreSQL runs as the `postgres` user, which must be able to enter DATA_DIR.
chmodSync(dataDir, 0o755);
let port: number;
let postgres: DatabaseHandle;
let fake: FakeOpenAI;
let ctx: TestContext;

beforeAll(async () => {
  port = await freePort();
  postgres = await ensureEmbeddedPostgres({ dataDir, port, logger });
  await runMigrations(postgres.url, logger);
  fake = await startFakeOpenAI({ latencyMs: 300 });
  ctx = await startTestApp(
    {
      DATABASE_URL: postgres.url,
      LLM_PROVIDER: 'openai',
      OPENAI_BASE_URL: fake.url,
      OPENAI_API_KEY: 'sk-test',
      WORKER_CONCURRENCY: '4',
    },
    // Enough retries, backing off, to outlast the restart.
    { workers: true, jobOptions: { attempts: 10, backoff: { type: 'exponential', delay: 300 } } },
  );
}, 120_000);
afterAll(async () => {
  await ctx.close();
  await fake.close();
  await postgres.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('PostgreSQL restart', () => {
  it('mid-batch: jobs are retried and each takes effect once', { timeout: 120_000 }, async () => {
    const key = await ctx.createKey();
    await knowledge(ctx, key).folder('Help');
    const ids: string[] = [];
    for (let i = 0; i < 12; i += 1)
      ids.push(
        await insertSource(ctx, key, { title: `Topic ${i}`, paragraphs: [`Everything about topic ${i}.`] }),
      );
    const jobIds = await bulkGenerate(ctx, key, { documentIds: ids });
    const completed = async () =>
      (
        await ctx.deps.pool.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM knowledge_jobs WHERE status = 'COMPLETED' AND id = ANY($1)",
          [jobIds],
        )
      ).rows[0]!.n;
    await expect.poll(completed, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);

    await postgres.stop();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    postgres = await ensureEmbeddedPostgres({ dataDir, port, logger });

    const jobs = await waitForJobs(ctx, key, jobIds, 90_000);
    expect(jobs.map((job) => job.jobStatus)).toEqual(jobIds.map(() => 'COMPLETED'));
    const { rows } = await ctx.deps.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM articles WHERE workspace_id = $1 GROUP BY background_job_id',
      [key.workspaceId],
    );
    expect(rows.map((row) => row.n)).toEqual(jobIds.map(() => 1));
    expect(jobs.some((job) => job.attempts > 1)).toBe(true);
  });
});

// memory: N generate jobs queued (rows + BullMQ jobs) and not yet processed. A fresh worker process at the
// throughput concurrency runs against a model that never answers, so it holds C jobs in flight while the
// rest wait; its RSS is sampled meanwhile (the figure is the peak). Redis bytes per queued job is the
// used_memory delta across the enqueue ÷ N (INFO memory; shared Redis, so cross-checked against the
// MEMORY USAGE of the queue's own keys). The worker runs as `npx distill worker` does (through tsx), like
// every other figure; the full run measures the compiled build (`node dist/cli.js worker`, as the Docker
// image runs it) the same way.
import type { BenchContext, Workspace } from '../bench-context.js';
import { startWorker } from '../bench-context.js';
import { MAX_IDS_PER_REQUEST } from '../bench-config.js';
import { callJson } from '../bench-http.js';
import { prefixBytes, processRssMb, redisUsedMemory, round, sleep, waitFor } from '../bench-infra.js';
import type { Runtime } from '../bench-processes.js';

export interface MemoryResult {
  queuedJobs: number;
  workerRssMb: number;
  redisBytesPerJob: number;
  /** The same, from MEMORY USAGE of the generate queue's keys only (immune to other Redis users). */
  redisKeyBytesPerJob: number;
  workerRssIdleMb: number;
  inFlight: number;
  waiting: number;
  concurrency: number;
  /** How the worker ran (see bench-processes.ts). */
  runtime: Runtime;
  /** The same worker RSS figures for the compiled build (full run only). */
  compiled?: { workerRssMb: number; workerRssIdleMb: number };
  /** Set by run.ts: the throughput worker's RSS after its 2000 jobs (a worker that has done real work). */
  workerRssMbAfterThroughput?: number;
}

export async function benchMemory(
  ctx: BenchContext,
  workspace: Workspace,
  sourceIds: string[],
  runtimes: Runtime[],
): Promise<MemoryResult> {
  const [first, ...others] = runtimes;
  const result = await measure(ctx, workspace, sourceIds, first ?? 'tsx');
  for (const runtime of others) {
    const more = await measure(ctx, workspace, sourceIds, runtime);
    if (runtime === 'compiled')
      result.compiled = { workerRssMb: more.workerRssMb, workerRssIdleMb: more.workerRssIdleMb };
  }
  return result;
}

async function measure(
  ctx: BenchContext,
  workspace: Workspace,
  sourceIds: string[],
  runtime: Runtime,
): Promise<MemoryResult> {
  const jobs = ctx.sizes.memoryJobs;
  const concurrency = ctx.sizes.concurrency;
  await ctx.fake.setDefault({ type: 'hang' });
  const worker = await startWorker(
    ctx,
    `worker (memory, ${runtime})`,
    { WORKER_CONCURRENCY: String(concurrency), SHUTDOWN_GRACE_MS: '1000' },
    { runtime },
  );
  try {
    await sleep(1_000);
    const idle = processRssMb(worker.pid) ?? NaN;

    const usedBefore = await redisUsedMemory(ctx.redis);
    const keysBefore = await prefixBytes(ctx.redis, ctx.prefix, 'generate:');
    const jobIds: string[] = [];
    while (jobIds.length < jobs) {
      const take = Math.min(sourceIds.length, jobs - jobIds.length, MAX_IDS_PER_REQUEST);
      const answer = await callJson<{ jobs: { backgroundJobId: string }[] }>(
        `${ctx.api.url}/v2/knowledge/public/bulk`,
        {
          method: 'POST',
          headers: workspace.headers,
          body: { documentIds: sourceIds.slice(0, take), origin: 'sources' },
        },
      );
      jobIds.push(...answer.jobs.map((job) => job.backgroundJobId));
    }
    const usedAfter = await redisUsedMemory(ctx.redis);
    const keysAfter = await prefixBytes(ctx.redis, ctx.prefix, 'generate:');

    const expectedInFlight = Math.min(concurrency, jobs);
    await waitFor(
      `${expectedInFlight} jobs in flight`,
      async () => {
        const { rows } = await ctx.pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM knowledge_jobs WHERE workspace_id = $1 AND status = 'IN_PROGRESS'`,
          [workspace.id],
        );
        return rows[0]!.n >= expectedInFlight ? true : undefined;
      },
      30_000,
      100,
    );
    let peak = 0;
    const deadline = performance.now() + ctx.sizes.memorySampleMs;
    while (performance.now() < deadline) {
      peak = Math.max(peak, processRssMb(worker.pid) ?? 0);
      await sleep(100);
    }
    const counts = await ctx.generateQueue.getJobCounts('wait', 'active', 'prioritized');
    return {
      queuedJobs: jobIds.length,
      workerRssMb: round(peak, 1),
      redisBytesPerJob: Math.round((usedAfter - usedBefore) / jobIds.length),
      redisKeyBytesPerJob: Math.round((keysAfter - keysBefore) / jobIds.length),
      workerRssIdleMb: round(idle, 1),
      inFlight: counts.active ?? 0,
      waiting: (counts.wait ?? 0) + (counts.prioritized ?? 0),
      concurrency,
      runtime,
    };
  } finally {
    await worker.stop();
    await ctx.fake.setDefault({ type: 'auto' });
    await ctx.generateQueue.obliterate({ force: true });
    await ctx.pool.query('DELETE FROM knowledge_jobs WHERE workspace_id = $1', [workspace.id]);
  }
}

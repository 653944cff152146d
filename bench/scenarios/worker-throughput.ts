// workerThroughput: N generate jobs through the real pipeline (load the source, folders, full-text
// candidates, reuse lookup, the openai writer's prompt and call, validation, apply as a draft, complete) in
// ONE worker process at concurrency C, against a model that answers after L ms. The bound is Little's law,
// C ÷ L jobs/s: the rate if a slot never waited on anything but the model. jobsPerSec runs from the first
// job's start to the last one's completion, read from knowledge_jobs.
import os from 'node:os';
import type { BenchContext, Workspace } from '../bench-context.js';
import { waitForJobs } from '../bench-context.js';
import { callJson } from '../bench-http.js';
import {
  cpuWindow,
  postgresBackendsOf,
  processCpuSplit,
  processRssMb,
  redisServerOn,
  round,
} from '../bench-infra.js';
import type { Child } from '../bench-processes.js';
import { MAX_IDS_PER_REQUEST } from '../bench-config.js';

export interface ThroughputResult {
  jobs: number;
  concurrency: number;
  modelLatencyMs: number;
  jobsPerSec: number;
  boundJobsPerSec: number;
  efficiency: number;
  completed: number;
  failed: number;
  spanSec: number;
  modelCalls: number;
  /** Mean and p50 of each job's own time (started_at → completed_at): the model's L ms plus the rest. */
  meanJobMs: number;
  p50JobMs: number;
  /** Mean per-job time spent outside the model call (meanJobMs − L). */
  overheadPerJobMs: number;
  /**
   * CPU time per job (user + system, ms) of each process involved: the worker, the PostgreSQL backends of
   * the benchmark's database (the bench's own polling included), the shared redis-server (other users'
   * commands count too), the fake model, the api process (it hears every status change for the job
   * event stream) and the bench process; `total` is their sum, and `cpuBoundJobsPerSec` the rate at
   * which that total fills every core.
   */
  cpuMsPerJob: {
    worker: number;
    postgres: number;
    redis: number;
    fakeModel: number;
    api: number;
    bench: number;
    total: number;
  };
  /** The part of the worker's CPU per job spent in the kernel (socket writes and reads, mostly). */
  workerSystemMsPerJob: number;
  cpuBoundJobsPerSec: number;
  /** The worker's CPU use during the run (% of one core) and the machine's (% of all cores). */
  workerCpuPercent: number;
  machineBusyPercent: number;
  workerRssMbAfter: number;
  /** With --profile: where the worker's CPU went during this run (bench/profile-summary.ts). */
  profile?: unknown;
}

/** The run's start and end on the monotonic clock (µs), to cut a CPU profile of the worker to it. */
export interface MonotonicWindow {
  fromUs: number;
  toUs: number;
}

export const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

/**
 * Sends the sources to the bulk route in requests of at most 1000 (with `options`: restrictedOps,
 * isDraft…); returns the job IDs.
 */
export async function bulkGenerate(
  ctx: BenchContext,
  workspace: Workspace,
  sourceIds: string[],
  options: Record<string, unknown> = {},
): Promise<string[]> {
  const jobIds: string[] = [];
  for (let start = 0; start < sourceIds.length; start += MAX_IDS_PER_REQUEST) {
    const answer = await callJson<{ jobs: { backgroundJobId: string }[] }>(
      `${ctx.api.url}/v2/knowledge/public/bulk`,
      {
        method: 'POST',
        headers: workspace.headers,
        body: {
          ...options,
          documentIds: sourceIds.slice(start, start + MAX_IDS_PER_REQUEST),
          origin: 'sources',
        },
      },
    );
    jobIds.push(...answer.jobs.map((job) => job.backgroundJobId));
  }
  return jobIds;
}

export async function benchWorkerThroughput(
  ctx: BenchContext,
  worker: Child,
  workspace: Workspace,
  sourceIds: string[],
): Promise<{ result: ThroughputResult; window: MonotonicWindow }> {
  const { concurrency, modelLatencyMs } = ctx.sizes;
  const bound = concurrency / (modelLatencyMs / 1000);
  const callsBefore = (await ctx.fake.stats()).calls;
  const cpu = cpuWindow({
    worker: worker.pid,
    postgres: postgresBackendsOf(ctx.databaseName),
    redis: redisServerOn(ctx.redisPort),
    fakeModel: ctx.fake.child.pid,
    api: ctx.api.child.pid,
    bench: process.pid,
  });
  const fromUs = monotonicUs();
  const splitBefore = processCpuSplit(worker.pid);

  const jobIds = await bulkGenerate(ctx, workspace, sourceIds);
  // Generous: a tenth of the bound, plus start-up. Polled slowly: the rate comes from the rows'
  // timestamps, and every poll is PostgreSQL work on the same two cores.
  const tally = await waitForJobs(
    ctx,
    'knowledge_jobs',
    jobIds,
    (jobIds.length / (bound / 10)) * 1000 + 60_000,
    [worker],
    500,
  );
  const usage = cpu.stop();
  const toUs = monotonicUs();
  const splitAfter = processCpuSplit(worker.pid);
  const callsAfter = (await ctx.fake.stats()).calls;

  const { rows } = await ctx.pool.query<{ span: number; mean: number; p50: number }>(
    `SELECT extract(epoch FROM max(completed_at) - min(started_at))::float8 AS span,
            avg(extract(epoch FROM completed_at - started_at) * 1000)::float8 AS mean,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM completed_at - started_at) * 1000)::float8 AS p50
       FROM knowledge_jobs WHERE id = ANY($1::uuid[]) AND status = 'COMPLETED'`,
    [jobIds],
  );
  const { span, mean, p50 } = rows[0]!;
  const jobsPerSec = tally.completed / span;
  const perJob = (name: string) =>
    round((((usage.processes[name] ?? NaN) / 100) * usage.seconds * 1000) / jobIds.length, 2);
  const cpuMsPerJob = {
    worker: perJob('worker'),
    postgres: perJob('postgres'),
    redis: perJob('redis'),
    fakeModel: perJob('fakeModel'),
    api: perJob('api'),
    bench: perJob('bench'),
    total: 0,
  };
  const workerSystemMsPerJob =
    splitBefore && splitAfter
      ? round(((splitAfter.system - splitBefore.system) * 1000) / jobIds.length, 2)
      : NaN;
  cpuMsPerJob.total = round(
    cpuMsPerJob.worker +
      cpuMsPerJob.postgres +
      cpuMsPerJob.redis +
      cpuMsPerJob.fakeModel +
      cpuMsPerJob.api +
      cpuMsPerJob.bench,
    2,
  );
  const result: ThroughputResult = {
    jobs: jobIds.length,
    concurrency,
    modelLatencyMs,
    jobsPerSec: round(jobsPerSec, 1),
    boundJobsPerSec: bound,
    efficiency: round(jobsPerSec / bound, 3),
    completed: tally.completed,
    failed: tally.failed,
    spanSec: round(span, 2),
    modelCalls: callsAfter - callsBefore,
    meanJobMs: round(mean, 1),
    p50JobMs: round(p50, 1),
    overheadPerJobMs: round(mean - modelLatencyMs, 1),
    cpuMsPerJob,
    workerSystemMsPerJob,
    cpuBoundJobsPerSec: round((os.cpus().length * 1000) / cpuMsPerJob.total, 1),
    workerCpuPercent: usage.processes.worker ?? NaN,
    machineBusyPercent: usage.machineBusyPercent,
    workerRssMbAfter: round(processRssMb(worker.pid) ?? NaN, 1),
  };
  return { result, window: { fromUs, toUs } };
}

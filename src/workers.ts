// The worker role: one BullMQ worker per queue in this process, each at WORKER_CONCURRENCY, plus the
// reconciler that re-adds jobs Redis lost (DESIGN.md §1). SIGTERM drains in-flight jobs for at most
// SHUTDOWN_GRACE_MS, then aborts them (their AbortSignal) and leaves them to the stalled-job check.
import type { Job, Worker } from 'bullmq';
import type { Deps } from './deps.js';
import { instrumentProcessor } from './lib/metrics.js';
import { createWorker } from './lib/queues.js';
import { createReconciler } from './lib/reconciler.js';
import { withTimeout } from './lib/timeout.js';
import { createGenerateProcessor } from './generation/generate-worker.js';
import { GENERATE_QUEUE, GeneratePayloadSchema } from './generation/generate-queue.js';
import { createJobsRepo } from './generation/jobs-repo.js';
import { INGEST_QUEUE, IngestJobDataSchema } from './sources/ingest-queue.js';
import { ingestProcessor } from './sources/ingest-worker.js';

export interface Workers {
  close(): Promise<void>;
}

export interface WorkerOptions {
  /** How often the reconciler sweeps, and how old a waiting row must be to be re-added. */
  reconcileEveryMs?: number;
  reconcileAfterMs?: number;
}

/** True when BullMQ gave up on the job by itself: attempts exhausted, or stalled too often. */
const isFinalFailure = (job: Job | undefined, error: Error): job is Job =>
  job !== undefined && (job.attemptsMade >= (job.opts.attempts ?? 1) || /stalled/i.test(error.message));

export function startWorkers(deps: Deps, options: WorkerOptions = {}): Workers {
  const { config, logger } = deps;
  const common = {
    redisUrl: deps.redisUrl,
    prefix: config.queuePrefix,
    concurrency: config.workerConcurrency,
    logger,
    // A crashed worker's jobs are found stalled once their lock lapses, and moved back to wait.
    lockDuration: config.jobLockMs,
    stalledInterval: config.jobLockMs,
  };
  const jobs = createJobsRepo(deps.pool);

  const ingestWorker = createWorker(
    INGEST_QUEUE,
    instrumentProcessor(deps.metrics, INGEST_QUEUE, ingestProcessor(deps.ingest, logger)),
    common,
  );
  const generateWorker = createWorker(
    GENERATE_QUEUE,
    instrumentProcessor(
      deps.metrics,
      GENERATE_QUEUE,
      createGenerateProcessor({
        pool: deps.pool,
        writer: deps.writer,
        articles: deps.articles,
        folders: deps.folders,
        queue: deps.queues.generate,
        logger,
        metrics: deps.metrics,
      }),
    ),
    {
      ...common,
      // LLM_MAX_RPM caps model calls across every worker process (BullMQ's limiter is global per queue).
      // Without it a limiter is still set, far above any real rate: BullMQ only honours the pause a 429
      // asks for (queue.rateLimit) on a queue that has a limiter.
      limiter: config.llmMaxRpm
        ? { max: config.llmMaxRpm, duration: 60_000 }
        : { max: 1_000_000, duration: 1_000 },
      // While paused, look again every 5 s, so lifting the pause (or its expiry) takes effect promptly.
      maximumRateLimitDelay: 5_000,
    },
  );

  // The processors record their own failures; these catch the ones BullMQ decides alone (stalls).
  ingestWorker.on('failed', (job, error) => {
    const data = IngestJobDataSchema.safeParse(job?.data);
    if (!isFinalFailure(job, error) || !data.success) return;
    deps.ingest
      .abandon(data.data, error.message)
      .catch((failure: unknown) =>
        logger.warn({ err: failure, jobId: job.id }, 'could not record an abandoned job'),
      );
  });
  generateWorker.on('failed', (job, error) => {
    const data = GeneratePayloadSchema.safeParse(job?.data);
    if (!isFinalFailure(job, error) || !data.success) return;
    jobs
      .fail(data.data.jobId, `the job was abandoned (${error.message}); queue it again to retry`)
      .catch((failure: unknown) =>
        logger.warn({ err: failure, jobId: job.id }, 'could not record an abandoned job'),
      );
  });

  const reconciler = createReconciler({
    pool: deps.pool,
    logger,
    intervalMs: options.reconcileEveryMs,
    pendingAgeMs: options.reconcileAfterMs,
    stuckAgeMs: options.reconcileAfterMs ?? config.jobLockMs,
    onReadd: (queue, count) => deps.metrics.reconcilerReadds.inc({ queue }, count),
    queues: [
      {
        queue: deps.queues.ingest,
        table: 'ingest_jobs',
        payload: (row) => ({ workspaceId: row.workspaceId, sourceId: row.sourceId, ingestJobId: row.id }),
      },
      {
        queue: deps.queues.generate,
        table: 'knowledge_jobs',
        payload: (row) => ({ jobId: row.id, workspaceId: row.workspaceId }),
      },
    ],
  });
  reconciler.start();

  const workers: Worker[] = [ingestWorker, generateWorker];
  logger.info(
    { queues: workers.map((worker) => worker.name), concurrency: config.workerConcurrency },
    'workers started',
  );

  return {
    async close() {
      await reconciler.stop();
      const finished = await withTimeout(
        Promise.all(workers.map((worker) => worker.close())),
        config.shutdownGraceMs,
      ).then(
        () => true,
        () => false,
      );
      if (!finished) {
        logger.warn(
          { graceMs: config.shutdownGraceMs },
          'jobs still running after the grace period: aborting them; they will be retried',
        );
        for (const worker of workers) worker.cancelAllJobs('shutting down');
        // With Redis gone even a forced close waits for it forever: bounded, the locks lapse on their own.
        await withTimeout(Promise.all(workers.map((worker) => worker.close(true))), 2_000).catch(() =>
          logger.warn('the workers did not close in time; their jobs will be found stalled and retried'),
        );
      }
    },
  };
}

// The worker role: every queue's job definition (lib/jobs/define-job.ts) run in this process at
// WORKER_CONCURRENCY, plus the reconciler that re-adds jobs Redis lost (docs/architecture.md §1). SIGTERM drains
// in-flight jobs for at most SHUTDOWN_GRACE_MS, then aborts them (their AbortSignal) and leaves them to
// the stalled-job check.
import type { Deps } from './deps.js';
import { classifyJobError } from './job-errors.js';
import type { AnyJobDefinition } from './lib/jobs/define-job.js';
import { startJobWorkers } from './lib/jobs/start-jobs.js';
import { withTimeout } from './lib/timeout.js';
import { generateJob } from './generation/generate-queue.js';
import { ingestJob } from './sources/ingest-queue.js';
import { startScheduleWorker } from './sync/schedule-queue.js';
import { syncJob } from './sync/sync-queue.js';
import { startWebhookRelay } from './webhooks/webhook-relay.js';
import { webhookJob } from './webhooks/webhooks-queue.js';

/** Every queue this service runs. A new queue is one definition added here. */
export const JOBS: AnyJobDefinition<Deps>[] = [ingestJob, generateJob, syncJob, webhookJob];

export interface Workers {
  close(): Promise<void>;
}

export interface WorkerOptions {
  /** How often the reconciler sweeps, and how old a waiting row must be to be re-added. */
  reconcileEveryMs?: number;
  reconcileAfterMs?: number;
  /** How often the webhook outbox is polled for new deliveries (default 250 ms). */
  webhookRelayEveryMs?: number;
}

export function startWorkers(deps: Deps, options: WorkerOptions = {}): Workers {
  const { config, logger } = deps;
  const { workers, reconciler } = startJobWorkers({
    jobs: JOBS,
    context: deps,
    pool: deps.pool,
    logger,
    metrics: deps.metrics,
    classify: classifyJobError,
    queues: Object.fromEntries(Object.values(deps.queues).map((queue) => [queue.name, queue])),
    redisUrl: deps.redisUrl,
    prefix: config.queuePrefix,
    concurrency: config.workerConcurrency,
    lockMs: config.jobLockMs,
    reconcile: {
      everyMs: options.reconcileEveryMs,
      pendingAfterMs: options.reconcileAfterMs,
      stuckAfterMs: options.reconcileAfterMs,
    },
  });

  // Cron ticks of the sync schedules; closed with the job workers.
  workers.push(
    startScheduleWorker({
      schedules: deps.schedules,
      redisUrl: deps.redisUrl,
      prefix: config.queuePrefix,
      logger,
    }),
  );
  const relay = startWebhookRelay({
    repo: deps.repos.webhooks,
    queue: deps.queues.webhooks,
    logger,
    everyMs: options.webhookRelayEveryMs ?? 250,
  });

  logger.info(
    { queues: workers.map((worker) => worker.name), concurrency: config.workerConcurrency },
    'workers started',
  );

  return {
    async close() {
      await reconciler.stop();
      await relay.stop();
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

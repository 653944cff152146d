// The worker role: consumes the ingest queue with WORKER_CONCURRENCY jobs at once, and re-adds jobs whose
// rows stayed PENDING (Redis was down when they were committed: DESIGN.md §1 "reconciler").
import type { JobsOptions, Worker } from 'bullmq';
import type { Deps } from './deps.js';
import { createWorker } from './lib/queues.js';
import {
  createIngestEnqueuer,
  INGEST_QUEUE,
  IngestJobDataSchema,
  ingestJobOptions,
} from './sources/ingest-queue.js';
import { ingestProcessor } from './sources/ingest-worker.js';
import { createSourcesRepo } from './sources/sources-repo.js';

export interface Workers {
  close(): Promise<void>;
}

export interface WorkerOptions {
  /** Job options for re-added jobs; the same as the producer's (see DepsOptions.ingestJobOptions). */
  ingestJobOptions?: JobsOptions;
  reconcileEveryMs?: number;
  /** A PENDING job older than this is re-added. */
  reconcileAfterMs?: number;
}

export function startWorkers(deps: Deps, options: WorkerOptions = {}): Workers {
  const { config, logger } = deps;
  const ingestWorker: Worker = createWorker(INGEST_QUEUE, ingestProcessor(deps.ingest, logger), {
    redisUrl: deps.redisUrl,
    prefix: config.queuePrefix,
    concurrency: config.workerConcurrency,
    logger,
  });
  ingestWorker.on('failed', (job, error) => {
    logger.info(
      { jobId: job?.id, attemptsMade: job?.attemptsMade, err: error.message },
      'ingest attempt failed',
    );
    // The processor records its own final failures; this catches the ones BullMQ decides alone (stalls).
    const final = job && (job.attemptsMade >= (job.opts.attempts ?? 1) || /stalled/i.test(error.message));
    const data = IngestJobDataSchema.safeParse(job?.data);
    if (final && data.success)
      deps.ingest
        .abandon(data.data, error.message)
        .catch((failure: unknown) =>
          logger.warn({ err: failure, jobId: job.id }, 'could not record an abandoned job'),
        );
  });

  const repo = createSourcesRepo(deps.pool);
  const enqueuer = createIngestEnqueuer(
    deps.ingestQueue,
    logger,
    ingestJobOptions(options.ingestJobOptions),
    deps.redis,
  );
  let reconciling = false;
  const reconcile = async () => {
    if (reconciling) return;
    reconciling = true;
    try {
      const stale = await repo.stalePendingJobs(options.reconcileAfterMs ?? 60_000, 1_000);
      if (stale.length === 0) return;
      const added = await enqueuer.enqueue(
        stale.map((job) => ({ workspaceId: job.workspaceId, sourceId: job.sourceId, ingestJobId: job.id })),
      );
      if (added) await repo.touchJobs(stale.map((job) => job.id));
      logger.info({ jobs: stale.length, added }, 'reconciler re-added pending ingest jobs');
    } catch (error) {
      logger.warn({ err: error }, 'ingest reconciler failed; it will try again');
    } finally {
      reconciling = false;
    }
  };
  const timer = setInterval(() => void reconcile(), options.reconcileEveryMs ?? 30_000);
  timer.unref();

  return {
    async close() {
      clearInterval(timer);
      // In-flight jobs get the grace period to finish; after it they are left to stall and be retried.
      let timeout: NodeJS.Timeout | undefined;
      const graceful = ingestWorker.close().then(() => true);
      const expired = new Promise<boolean>((resolve) => {
        timeout = setTimeout(() => resolve(false), config.shutdownGraceMs);
      });
      const finished = await Promise.race([graceful, expired]);
      clearTimeout(timeout);
      if (!finished) {
        logger.warn('ingest jobs still running after the grace period; closing anyway');
        await ingestWorker.close(true);
      }
    },
  };
}

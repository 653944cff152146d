// The ingest queue's contract (STYLE.md rule 6): name, payload (IDs only), job options, enqueue helper.
// The BullMQ job id is the ingest_jobs row id, so re-adding a job that is still queued is a no-op.
import type { JobsOptions, Queue } from 'bullmq';
import { z } from 'zod';
import { createQueue, DEFAULT_JOB_OPTIONS, enqueueCommitted } from '../lib/queues.js';
import type { Logger } from '../lib/logger.js';
import type { Redis } from '../lib/redis.js';

export const INGEST_QUEUE = 'ingest';

export const IngestJobDataSchema = z.object({
  workspaceId: z.uuid(),
  sourceId: z.uuid(),
  ingestJobId: z.uuid(),
});
export type IngestJobData = z.infer<typeof IngestJobDataSchema>;

/** Retries for transient fetch errors (timeouts, 5xx, resets); `overrides` lets tests shorten the backoff. */
export function ingestJobOptions(overrides: JobsOptions = {}): JobsOptions {
  return { ...DEFAULT_JOB_OPTIONS, ...overrides };
}

export function createIngestQueue(redis: Redis, prefix: string, logger: Logger): Queue {
  return createQueue(INGEST_QUEUE, redis, prefix, logger);
}

export interface IngestEnqueuer {
  /** Adds committed jobs; never throws (see enqueueCommitted). */
  enqueue(jobs: IngestJobData[]): Promise<boolean>;
}

// ioredis states after a connection was lost or refused ('connecting' at start-up is not down yet).
const DOWN = new Set(['reconnecting', 'close', 'end']);

export function createIngestEnqueuer(
  queue: Queue,
  logger: Logger,
  options: JobsOptions,
  /** The producer connection: while it is known to be down, skip the add (it would only wait for its timeout). */
  redis?: Redis,
): IngestEnqueuer {
  return {
    async enqueue(jobs) {
      if (jobs.length === 0) return true;
      if (redis && DOWN.has(redis.status)) {
        logger.warn(
          { queue: queue.name, jobs: jobs.length },
          'redis is down; the reconciler will add these jobs',
        );
        return false;
      }
      return enqueueCommitted(
        queue,
        jobs.map((job) => ({ id: job.ingestJobId, data: job })),
        logger,
        options,
      );
    },
  };
}

// BullMQ plumbing shared by every queue. PostgreSQL is the system of record: a job's row is committed
// before its BullMQ job is added, the BullMQ job id is the row id, and payloads carry IDs only.
import { Queue, Worker, type JobsOptions, type Processor, type WorkerOptions } from 'bullmq';
import type { Logger } from './logger.js';
import { withTimeout } from './timeout.js';
import { createWorkerConnection, Redis } from './redis.js';

/** Retries with exponential backoff; finished jobs are trimmed by age and count (Postgres keeps the history). */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2_000, jitter: 0.25 },
  removeOnComplete: { age: 3_600, count: 1_000 },
  removeOnFail: { age: 7 * 24 * 3_600, count: 5_000 },
};

const ADD_TIMEOUT_MS = 5_000;
const ADD_BULK_CHUNK = 1_000;

/** `jobOptions` are merged over DEFAULT_JOB_OPTIONS (tests shorten the backoff). */
export function createQueue(
  name: string,
  connection: Redis,
  prefix: string,
  logger: Logger,
  jobOptions: JobsOptions = {},
): Queue {
  const queue = new Queue(name, {
    connection,
    prefix,
    defaultJobOptions: { ...DEFAULT_JOB_OPTIONS, ...jobOptions },
  });
  queue.on('error', (error) => logger.warn({ err: error, queue: name }, 'queue error'));
  return queue;
}

/** Bounded: with Redis unreachable, BullMQ's close waits for a connection that never comes. */
export async function closeQueue(queue: Queue, logger: Logger): Promise<void> {
  await withTimeout(queue.close(), 1_000).catch((error: unknown) =>
    logger.warn({ err: error, queue: queue.name }, 'closing the queue failed'),
  );
}

// ioredis states after a connection was lost or refused ('connecting' at start-up is not down yet).
const DOWN = new Set(['reconnecting', 'close', 'end']);

/**
 * Adds jobs whose rows are already committed. Never throws: when Redis is down or slow the rows stay
 * PENDING and the reconciler adds them later with the same job ids (BullMQ ignores an id it still holds).
 * Returns whether every job was added now.
 */
export async function enqueueCommitted<T>(
  queue: Queue,
  jobs: { id: string; data: T; priority?: number }[],
  logger: Logger,
): Promise<boolean> {
  if (jobs.length === 0) return true;
  // While the connection is known to be down an add would only wait for its timeout.
  const connection = queue.opts.connection;
  if (connection instanceof Redis && DOWN.has(connection.status)) {
    logger.warn(
      { queue: queue.name, jobs: jobs.length },
      'redis is down; the reconciler will add these jobs',
    );
    return false;
  }
  try {
    for (let start = 0; start < jobs.length; start += ADD_BULK_CHUNK) {
      const chunk = jobs.slice(start, start + ADD_BULK_CHUNK);
      await withTimeout(
        queue.addBulk(
          chunk.map((job) => ({
            name: queue.name,
            data: job.data,
            opts: { jobId: job.id, ...(job.priority ? { priority: job.priority } : {}) },
          })),
        ),
        ADD_TIMEOUT_MS,
      );
    }
    return true;
  } catch (error) {
    logger.warn(
      { err: error, queue: queue.name, jobs: jobs.length },
      'could not enqueue now; the reconciler will retry',
    );
    return false;
  }
}

export function createWorker<T>(
  name: string,
  processor: Processor<T>,
  options: { redisUrl: string; prefix: string; concurrency: number; logger: Logger } & Partial<WorkerOptions>,
): Worker<T> {
  const { redisUrl, prefix, concurrency, logger, ...rest } = options;
  const connection = createWorkerConnection(redisUrl, logger);
  const worker = new Worker<T>(name, processor, {
    connection,
    prefix,
    concurrency,
    // A job whose worker died is retried (not failed) on its first stall, then fails on a second.
    maxStalledCount: 2,
    ...rest,
  });
  worker.on('error', (error) => logger.warn({ err: error, queue: name }, 'worker error'));
  // BullMQ leaves a connection it was given open; this one is the worker's alone.
  worker.on('closed', () => connection.disconnect());
  return worker;
}

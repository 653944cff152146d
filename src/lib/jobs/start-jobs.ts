// Runs job definitions (define-job.ts) in this process: one BullMQ worker per definition, the
// stalled-job listener, and one reconciler over every definition's table. A queue added to `jobs` gets
// all of it without code of its own.
import type { Job, Queue, Worker, WorkerOptions } from 'bullmq';
import type { Metrics } from '../metrics.js';
import { createWorker } from '../queues.js';
import { createReconciler } from '../reconciler.js';
import { attemptsExhausted, type AnyJobDefinition, type JobPayload } from './define-job.js';
import { createJobProcessor, createRowFailer, type JobRuntime } from './job-processor.js';

export interface JobWorkersOptions<C> extends JobRuntime<C> {
  jobs: AnyJobDefinition<C>[];
  /** The producer-side queue of each definition, by name: the reconciler re-adds jobs through it. */
  queues: Record<string, Queue>;
  metrics: Pick<Metrics, 'jobs' | 'jobDuration' | 'reconcilerReadds'>;
  redisUrl: string;
  prefix: string;
  concurrency: number;
  /** BullMQ's lock: a crashed worker's jobs are found stalled once it lapses, and moved back to wait. */
  lockMs: number;
  reconcile?: {
    /** How often the reconciler sweeps. */
    everyMs?: number;
    /** How old a PENDING row must be to be re-added. */
    pendingAfterMs?: number;
    /** How long an IN_PROGRESS row may stay unchanged (default: the lock duration). */
    stuckAfterMs?: number;
  };
}

export interface JobWorkers {
  workers: Worker[];
  reconciler: ReturnType<typeof createReconciler>;
}

/** True when BullMQ gave up on the job by itself: attempts exhausted, or stalled too often. */
const isFinalFailure = (job: Job | undefined, error: Error): job is Job =>
  job !== undefined && (attemptsExhausted(job) || /stalled/i.test(error.message));

const abandoned = (reason: string) => `the job was abandoned (${reason}); queue it again to retry`;

function startWorker<C>(definition: AnyJobDefinition<C>, options: JobWorkersOptions<C>): Worker {
  const { logger } = options;
  const pause = { worker: undefined as Worker | undefined };
  const processor = createJobProcessor(definition, options, async (ms) => {
    await pause.worker?.rateLimit(ms);
  });
  const extra: Partial<WorkerOptions> = definition.workerOptions?.(options.context) ?? {};
  const worker = createWorker(definition.name, processor, {
    redisUrl: options.redisUrl,
    prefix: options.prefix,
    concurrency: options.concurrency,
    logger,
    lockDuration: options.lockMs,
    stalledInterval: options.lockMs,
    ...extra,
  });
  pause.worker = worker;

  // The processor records its own failures; this catches the ones BullMQ decides alone (stalls).
  const fail = createRowFailer(definition, options);
  worker.on('failed', (job, error) => {
    const parsed = definition.payloadSchema.safeParse(job?.data);
    if (!isFinalFailure(job, error) || !parsed.success) return;
    const payload = parsed.data as JobPayload;
    const message = (definition.abandonedMessage ?? abandoned)(error.message);
    fail(payload, definition.rowId(payload), message).catch((failure: unknown) =>
      logger.warn(
        { err: failure, queue: definition.name, jobId: job.id },
        'could not record an abandoned job',
      ),
    );
  });
  return worker;
}

export function startJobWorkers<C>(options: JobWorkersOptions<C>): JobWorkers {
  const { jobs, queues, metrics, reconcile = {} } = options;
  for (const definition of jobs)
    if (!queues[definition.name])
      throw new Error(`job ${definition.name}: no producer queue was given for it`);

  const workers = jobs.map((definition) => startWorker(definition, options));
  const reconciler = createReconciler({
    pool: options.pool,
    logger: options.logger,
    intervalMs: reconcile.everyMs,
    pendingAgeMs: reconcile.pendingAfterMs,
    stuckAgeMs: reconcile.stuckAfterMs ?? options.lockMs,
    onReadd: (queue, count) => metrics.reconcilerReadds.inc({ queue }, count),
    queues: jobs.map((definition) => ({
      queue: queues[definition.name]!,
      table: definition.table,
      columns: definition.reconcileColumns,
      payload: (row): unknown => definition.fromRow(row),
    })),
  });
  reconciler.start();
  return { workers, reconciler };
}

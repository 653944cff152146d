// One way to define a durable job (docs/architecture.md, "Jobs"). A queue is a definition: its name, its
// job table in PostgreSQL, its payload schema and the service call that does one attempt. The framework
// gives every definition the same machinery, so a new queue writes none of it:
//
//   - payload parsing (an invalid payload is dropped as permanent);
//   - starting the row (PENDING/IN_PROGRESS → IN_PROGRESS, attempts + 1) and, when there is no row to
//     start, saying why: a duplicate delivery of a finished job (dropped quietly) or a job whose row is
//     not in this database — e.g. another installation sharing the Redis and queue prefix (logged, dropped);
//   - attempts: `attempt.lastAttempt` is computed here and nowhere else;
//   - outcomes: `run` resolves → completed; throws a JobError (or an error the runtime's `classify` maps to
//     one; anything else counts as transient) → the outcome is recorded in PostgreSQL first (FAILED with
//     `onFailed` in the same transaction, or the error noted for the retry), then BullMQ is told:
//     transient → rethrow (retry with backoff; the last attempt fails the row), permanent →
//     UnrecoverableError, rate-limited → the attempt is given back and every worker pauses (RateLimitError);
//   - the stalled-job `failed` listener (a worker died or its loop blocked): the row is failed there too;
//   - metrics: distill_jobs_total and distill_job_duration_seconds by queue and outcome;
//   - the reconciler, which re-adds rows of the table that have no live BullMQ job.
//
// API (keep it stable; start-jobs.ts runs the definitions):
//
//   export const thingJob = defineJob({
//     name: 'thing',                                   // the BullMQ queue
//     table: 'thing_jobs',                             // id = BullMQ job id, shape in job-table.ts
//     payloadSchema: z.object({ workspaceId: z.uuid(), thingJobId: z.uuid() }),
//     rowId: (payload) => payload.thingJobId,
//     fromRow: (row) => ({ workspaceId: row.workspaceId, thingJobId: row.id }),   // for the reconciler
//     run: (payload, attempt, deps: { things: ThingService }) => deps.things.run(payload, attempt),
//   });
//   // producer side: enqueueJobs(thingJob, queue, [payload], logger) after the row is committed;
//   // worker side: startJobWorkers({ jobs: [thingJob, …], context: deps, … }) (start-jobs.ts).
//
// `run` must mark the row COMPLETED in the transaction that stores its work (`attempt.complete(tx)` or
// its own repository's richer update): a row left IN_PROGRESS is re-run by the reconciler.
import type { WorkerOptions } from 'bullmq';
import type { z } from 'zod';
import type { PoolClient, Queryable } from '../db.js';
import type { Logger } from '../logger.js';
import { enqueueCommitted } from '../queues.js';
import type { StartedRow } from './job-table.js';

/** The payload every job carries: IDs only, always its workspace. */
export interface JobPayload {
  workspaceId: string;
}

/** An unfinished row as the reconciler reads it, with the definition's `reconcileColumns`. */
export interface UnfinishedRow {
  id: string;
  workspaceId: string;
  [column: string]: unknown;
}

/** What one attempt knows about itself. */
export interface JobAttempt<S = StartedRow> {
  /** 1 for the first attempt, as BullMQ counts (a rate-limited run is not counted). */
  number: number;
  /** Attempts the job has in all. */
  of: number;
  /** No retry follows a failure of this attempt. */
  lastAttempt: boolean;
  /** The started row: the definition's `startColumns` (default `id, attempts`). */
  row: S;
  /** Aborted at shutdown after the grace period: stop, the job runs again later. */
  signal?: AbortSignal;
  /** Marks the row COMPLETED, in `tx` when given. */
  complete(tx?: Queryable): Promise<void>;
}

export interface JobDefinition<P extends JobPayload = JobPayload, C = unknown, S = StartedRow, R = unknown> {
  /** The BullMQ queue name. */
  name: string;
  /** The job table (lowercase SQL identifier); its shape is described in job-table.ts. */
  table: string;
  payloadSchema: z.ZodType<P>;
  /** The row (= BullMQ job) id of a payload. */
  rowId(payload: P): string;
  /** The payload of an unfinished row, for the reconciler. */
  fromRow(row: UnfinishedRow): P;
  /** Extra columns the reconciler reads for fromRow, as `{ key: 'sql_column' }`. */
  reconcileColumns?: Record<string, string>;
  /** The columns start() returns as `attempt.row` (SQL select list); default `id, attempts`. */
  startColumns?: string;
  /** One attempt; resolves once the row is COMPLETED. */
  run(payload: P, attempt: JobAttempt<S>, context: C): Promise<R>;
  /** Writes that go with FAILED, in the same transaction (e.g. the source's error). */
  onFailed?(payload: P, message: string, tx: PoolClient, context: C): Promise<void>;
  /** What the row says when an unexpected error (not a JobError) fails it; default the error's message. */
  internalErrorMessage?: string;
  /** What the row says when BullMQ gave up on a stalled job. */
  abandonedMessage?(reason: string): string;
  /** Per-queue worker options (a limiter, …), merged over the common ones. */
  workerOptions?(context: C): Partial<WorkerOptions>;
}

/** Any definition, as a list of queues holds them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- payload and row types differ per queue
export type AnyJobDefinition<C = any> = JobDefinition<any, C, any, unknown>;

const SQL_IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** Checks a definition once, at module load, and returns it. */
export function defineJob<P extends JobPayload, C, S = StartedRow, R = unknown>(
  definition: JobDefinition<P, C, S, R>,
): JobDefinition<P, C, S, R> {
  if (!SQL_IDENTIFIER.test(definition.table))
    throw new Error(
      `job ${definition.name}: table ${JSON.stringify(definition.table)} is not a plain SQL name`,
    );
  for (const [key, column] of Object.entries(definition.reconcileColumns ?? {}))
    if (!SQL_IDENTIFIER.test(column) || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(key))
      throw new Error(
        `job ${definition.name}: reconcile column ${key}: ${JSON.stringify(column)} is not a plain SQL name`,
      );
  return Object.freeze({ ...definition });
}

/**
 * Adds jobs whose rows are committed (BullMQ job id = row id). Never throws: false when Redis refused, and
 * the reconciler adds them later.
 */
export function enqueueJobs<P extends JobPayload>(
  definition: Pick<JobDefinition<P>, 'rowId'>,
  queue: Parameters<typeof enqueueCommitted>[0],
  payloads: P[],
  logger: Logger,
): Promise<boolean> {
  return enqueueCommitted(
    queue,
    payloads.map((payload) => ({ id: definition.rowId(payload), data: payload })),
    logger,
  );
}

type AttemptCount = { attemptsMade: number; opts: { attempts?: number } };

/** Whether a failure of the running attempt is the last one BullMQ allows (the only place this is computed). */
export function isLastAttempt(job: AttemptCount): boolean {
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

/** The same question once BullMQ counted the failed attempt (its `failed` event). */
export function attemptsExhausted(job: AttemptCount): boolean {
  return isLastAttempt({ ...job, attemptsMade: job.attemptsMade - 1 });
}

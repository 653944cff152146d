// The BullMQ processor the framework builds for a job definition (define-job.ts describes the contract):
// parse, start the row, run, and turn the result into a recorded outcome plus what BullMQ must hear.
import { UnrecoverableError, Worker, type Job, type Processor } from 'bullmq';
import { z } from 'zod';
import { withTransaction, type Pool } from '../db.js';
import type { Logger } from '../logger.js';
import type { JobOutcome, Metrics } from '../metrics.js';
import { isLastAttempt, type AnyJobDefinition, type JobAttempt, type JobPayload } from './define-job.js';
import { JobError } from './job-error.js';
import { createJobTable } from './job-table.js';

export interface JobRuntime<C> {
  /** Handed to every definition's run (the composition root's services). */
  context: C;
  pool: Pool;
  logger: Logger;
  metrics: Pick<Metrics, 'jobs' | 'jobDuration'>;
  /** Maps the features' own errors onto JobError kinds; undefined = unexpected (counted as transient). */
  classify?(error: unknown): JobError | undefined;
}

const DEFAULT_PAUSE_MS = 60_000;
const DEFAULT_START_COLUMNS = 'id, attempts';

/** Records FAILED, with the definition's writes, in one transaction; true when this call finished the row. */
export function createRowFailer<C>(
  definition: AnyJobDefinition<C>,
  runtime: Pick<JobRuntime<C>, 'pool' | 'context'>,
): (payload: JobPayload, id: string, message: string) => Promise<boolean> {
  const table = createJobTable(definition.table, runtime.pool);
  return (payload, id, message) =>
    withTransaction(runtime.pool, async (tx) => {
      const failed = await table.fail(id, message, tx);
      if (failed) await definition.onFailed?.(payload, message, tx, runtime.context);
      return failed;
    });
}

/** `pause(ms)` pauses every worker of the queue (BullMQ's rateLimit); given once the worker exists. */
export function createJobProcessor<C>(
  definition: AnyJobDefinition<C>,
  runtime: JobRuntime<C>,
  pause: (ms: number) => Promise<void>,
): Processor<unknown, unknown> {
  const { context, pool, logger, metrics } = runtime;
  const table = createJobTable(definition.table, pool);
  const queue = definition.name;
  const fail = createRowFailer(definition, runtime);

  /** No row to start: say why, and drop the job when it cannot be this installation's. */
  async function explainMissingRow(id: string, workspaceId: string): Promise<void> {
    const presence = await table.presence(id, workspaceId);
    if (presence === 'finished') {
      logger.debug({ queue, jobId: id }, 'job finished already (a duplicate delivery); nothing to do');
      return;
    }
    const why =
      presence === 'missing'
        ? `no row ${id} in ${definition.table}: it was deleted, or the job belongs to another installation that shares this Redis and queue prefix (set QUEUE_PREFIX to tell them apart)`
        : `row ${id} in ${definition.table} belongs to another workspace than the payload names`;
    logger.warn({ queue, jobId: id }, `dropping job: ${why}`);
    throw new UnrecoverableError(why);
  }

  /** Records the failure, then throws what BullMQ must hear. Returns the outcome for the metrics. */
  async function settle(
    payload: JobPayload,
    id: string,
    attempt: JobAttempt<unknown>,
    error: unknown,
  ): Promise<{ outcome: JobOutcome; rethrow: unknown }> {
    const classified = error instanceof JobError ? error : runtime.classify?.(error);
    if (!classified) logger.error({ err: error, queue, jobId: id }, 'job attempt failed unexpectedly');
    const message =
      classified?.message ??
      definition.internalErrorMessage ??
      (error instanceof Error ? error.message : String(error));
    const kind = classified?.kind ?? 'transient';

    if (kind === 'permanent') {
      await fail(payload, id, message);
      return { outcome: 'failed', rethrow: new UnrecoverableError(message) };
    }
    if (kind === 'rate-limited') {
      const waitMs = classified?.retryAfterMs ?? DEFAULT_PAUSE_MS;
      await table.releaseAttempt(id, `${message}; all workers pause for ${Math.ceil(waitMs / 1000)} s`);
      await pause(waitMs);
      return { outcome: 'rate_limited', rethrow: Worker.RateLimitError() };
    }
    if (attempt.lastAttempt) {
      await fail(payload, id, `gave up after ${attempt.number} attempts: ${message}`);
      return { outcome: 'failed', rethrow: error };
    }
    await table.noteError(id, `attempt ${attempt.number} of ${attempt.of} failed, will retry: ${message}`);
    return { outcome: 'retried', rethrow: error };
  }

  function parse(job: Job<unknown>): JobPayload {
    const parsed = definition.payloadSchema.safeParse(job.data);
    if (parsed.success) return parsed.data as JobPayload;
    const why = `invalid ${queue} payload: ${z.prettifyError(parsed.error)}`;
    logger.warn({ queue, jobId: job.id }, `dropping job: ${why}`);
    throw new UnrecoverableError(why);
  }

  return async (job, _token, signal) => {
    const started = process.hrtime.bigint();
    let outcome: JobOutcome | undefined;
    try {
      const payload = parse(job);
      const id = definition.rowId(payload);
      const columns = definition.startColumns ?? DEFAULT_START_COLUMNS;
      const row = await table.start<unknown>(id, payload.workspaceId, columns);
      if (row === undefined) {
        await explainMissingRow(id, payload.workspaceId);
        outcome = 'completed';
        return undefined;
      }
      const attempt: JobAttempt<unknown> = {
        number: job.attemptsMade + 1,
        of: job.opts.attempts ?? 1,
        lastAttempt: isLastAttempt(job),
        row,
        signal,
        complete: (tx) => table.complete(id, tx),
      };
      try {
        const result = await definition.run(payload, attempt, context);
        outcome = 'completed';
        return result;
      } catch (error) {
        // Shutdown: nothing is recorded; the job is picked up again through the stalled-job check.
        if (signal?.aborted) throw error;
        const settled = await settle(payload, id, attempt, error);
        outcome = settled.outcome;
        throw settled.rethrow;
      }
    } catch (error) {
      // Dropped (invalid payload, no row), aborted, or the database failed before an outcome was recorded.
      outcome ??= error instanceof UnrecoverableError || isLastAttempt(job) ? 'failed' : 'retried';
      throw error;
    } finally {
      const labels = { queue, outcome: outcome ?? 'failed' };
      metrics.jobs.inc(labels);
      metrics.jobDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    }
  };
}

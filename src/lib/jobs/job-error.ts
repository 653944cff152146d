// The one way a job attempt says "retry or give up" (docs/architecture.md, "Jobs"). Services throw it,
// or throw their own errors and let the queue's classifier (src/job-errors.ts) map them onto it; the job
// framework (define-job.ts) records the outcome in PostgreSQL and only then tells BullMQ.

/**
 * - `transient`: worth another attempt (timeouts, 5xx, a lost connection); the last attempt fails the job.
 * - `permanent`: retrying cannot help (a 404, a deleted source, an invalid decision twice): FAILED now.
 * - `rate-limited`: the attempt does not count; every worker of the queue pauses for `retryAfterMs`.
 */
export type JobErrorKind = 'transient' | 'permanent' | 'rate-limited';

export class JobError extends Error {
  override name = 'JobError';
  /** For `rate-limited`: how long the queue pauses (the framework uses 60 s when unknown). */
  readonly retryAfterMs: number | undefined;

  constructor(
    readonly kind: JobErrorKind,
    message: string,
    options: { retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryAfterMs = options.retryAfterMs;
  }

  static permanent(message: string, cause?: unknown): JobError {
    return new JobError('permanent', message, { cause });
  }

  static transient(message: string, cause?: unknown): JobError {
    return new JobError('transient', message, { cause });
  }
}

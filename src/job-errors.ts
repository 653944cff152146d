// "Retry or give up", spelled once: every error family a queue's run can meet, mapped onto the job
// framework's JobError kinds (lib/jobs/job-error.ts). The framework records the outcome and tells BullMQ.
// Anything not listed here is unexpected (a bug, the database): logged whole and retried as transient.
import { isPgError, PG_FOREIGN_KEY_VIOLATION } from './lib/db.js';
import { AppError } from './lib/errors.js';
import { JobError } from './lib/jobs/job-error.js';
import { FetchError } from './sources/fetch/fetch-errors.js';
import { WriterError } from './writers/writer.js';

export function classifyJobError(error: unknown): JobError | undefined {
  if (error instanceof JobError) return error;
  // A page that cannot be fetched: the fetcher knows whether another try can help (a 503 vs a 404).
  if (error instanceof FetchError)
    return new JobError(error.permanent ? 'permanent' : 'transient', error.message, { cause: error });
  if (error instanceof WriterError) {
    if (error.kind === 'rate-limited')
      return new JobError('rate-limited', 'the model is rate-limited', {
        retryAfterMs: error.retryAfterMs,
        cause: error,
      });
    // A malformed answer that escaped the repair attempt is worth another attempt, like a timeout.
    return new JobError(error.kind === 'permanent' ? 'permanent' : 'transient', error.message, {
      cause: error,
    });
  }
  // The knowledge base refused a decision's write (API errors below 500), or the target article or
  // folder went away while the job ran (a foreign key): the same decision cannot succeed later.
  if (error instanceof AppError && error.statusCode < 500)
    return JobError.permanent(`could not apply the decision: ${error.message}`, error);
  if (isPgError(error, PG_FOREIGN_KEY_VIOLATION))
    return JobError.permanent(
      'could not apply the decision: its source, article or folder was deleted while the job ran',
      error,
    );
  return undefined;
}

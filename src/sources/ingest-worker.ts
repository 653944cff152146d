// The ingest queue's processor: an entry point like a route. It parses the payload and calls the ingest
// service, which records the outcome in PostgreSQL first; here it only becomes retry or give up.
import { UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from '../lib/logger.js';
import { IngestJobDataSchema } from './ingest-queue.js';
import { IngestFailure, type IngestService } from './ingest-service.js';

export function ingestProcessor(ingest: IngestService, logger: Logger) {
  return async (job: Job<unknown>, _token?: string, signal?: AbortSignal): Promise<string> => {
    const parsed = IngestJobDataSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid ingest payload: ${parsed.error.message}`);
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    try {
      const outcome = await ingest.run(parsed.data, { lastAttempt, signal });
      logger.debug({ ...parsed.data, outcome }, 'ingest job done');
      return outcome;
    } catch (error) {
      if (error instanceof IngestFailure && error.permanent) throw new UnrecoverableError(error.message);
      throw error;
    }
  };
}

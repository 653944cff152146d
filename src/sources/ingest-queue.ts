// The ingest queue's contract, in one file: name, payload (IDs only), enqueue helper.
// The BullMQ job id is the ingest_jobs row id, so re-adding a job that is still queued is a no-op.
import type { Queue } from 'bullmq';
import { z } from 'zod';
import type { Logger } from '../lib/logger.js';
import { enqueueCommitted } from '../lib/queues.js';

export const INGEST_QUEUE = 'ingest';

export const IngestJobDataSchema = z.object({
  workspaceId: z.uuid(),
  sourceId: z.uuid(),
  ingestJobId: z.uuid(),
});
export type IngestJobData = z.infer<typeof IngestJobDataSchema>;

export interface IngestEnqueuer {
  /** Adds committed jobs; never throws (see enqueueCommitted). */
  enqueue(jobs: IngestJobData[]): Promise<boolean>;
}

export function createIngestEnqueuer(queue: Queue, logger: Logger): IngestEnqueuer {
  return {
    enqueue: (jobs) =>
      enqueueCommitted(
        queue,
        jobs.map((job) => ({ id: job.ingestJobId, data: job })),
        logger,
      ),
  };
}

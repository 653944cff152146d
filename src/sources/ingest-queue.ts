// The ingest queue: its payload (IDs only), its definition on the job framework (lib/jobs/define-job.ts)
// and its enqueue helper. The BullMQ job id is the ingest_jobs row id, so re-adding a job that is still
// queued is a no-op.
import type { Queue } from 'bullmq';
import { z } from 'zod';
import { defineJob, enqueueJobs } from '../lib/jobs/define-job.js';
import type { Logger } from '../lib/logger.js';
import { START_COLUMNS, type StartedIngestRow } from './ingest-repo.js';
import type { IngestService } from './ingest-service.js';

export const INGEST_QUEUE = 'ingest';

export const IngestJobDataSchema = z.object({
  workspaceId: z.uuid(),
  sourceId: z.uuid(),
  ingestJobId: z.uuid(),
});
export type IngestJobData = z.infer<typeof IngestJobDataSchema>;

export const ingestJob = defineJob<IngestJobData, { ingest: IngestService }, StartedIngestRow>({
  name: INGEST_QUEUE,
  table: 'ingest_jobs',
  payloadSchema: IngestJobDataSchema,
  rowId: (data) => data.ingestJobId,
  // The source comes with the start, in the same round trip.
  startColumns: START_COLUMNS,
  reconcileColumns: { sourceId: 'source_id' },
  fromRow: (row) => ({ workspaceId: row.workspaceId, sourceId: String(row.sourceId), ingestJobId: row.id }),
  run: (data, attempt, deps) => deps.ingest.run(data, attempt),
  onFailed: (data, message, tx, deps) => deps.ingest.recordFailure(data, message, tx),
  internalErrorMessage: 'Ingestion failed because of an internal error; try refreshing the source later.',
  abandonedMessage: (reason) => `Ingestion was abandoned (${reason}); refresh the source to try again.`,
});

export interface IngestEnqueuer {
  /** Adds committed jobs; never throws (see enqueueCommitted). */
  enqueue(jobs: IngestJobData[]): Promise<boolean>;
}

export function createIngestEnqueuer(queue: Queue, logger: Logger): IngestEnqueuer {
  return { enqueue: (jobs) => enqueueJobs(ingestJob, queue, jobs, logger) };
}

// The `sync` queue: its payload (IDs only), its definition on the job framework
// (lib/jobs/define-job.ts) and its enqueue helper (BullMQ job id = sync_runs row id).
import type { Queue } from 'bullmq';
import { z } from 'zod';
import { defineJob, enqueueJobs } from '../lib/jobs/define-job.js';
import type { Logger } from '../lib/logger.js';
import type { SyncRunService } from './sync-run-service.js';

export const SYNC_QUEUE = 'sync';

export const SyncPayloadSchema = z.object({ workspaceId: z.uuid(), syncRunId: z.uuid() });
export type SyncJobPayload = z.infer<typeof SyncPayloadSchema>;

export const syncJob = defineJob({
  name: SYNC_QUEUE,
  table: 'sync_runs',
  payloadSchema: SyncPayloadSchema,
  rowId: (payload) => payload.syncRunId,
  fromRow: (row) => ({ workspaceId: row.workspaceId, syncRunId: row.id }),
  // The run marks itself COMPLETED (sync-repo complete) in its last step.
  run: (payload, attempt, deps: { syncRuns: SyncRunService }) => deps.syncRuns.run(payload, attempt),
  internalErrorMessage: 'The sync run failed because of an internal error; start a new one.',
  abandonedMessage: (reason) => `The sync run was abandoned (${reason}); start a new one.`,
});

/** Adds committed runs; never throws (the reconciler adds them later when Redis refused). */
export function enqueueSyncRuns(queue: Queue, payloads: SyncJobPayload[], logger: Logger): Promise<boolean> {
  return enqueueJobs(syncJob, queue, payloads, logger);
}

// The `generate` queue contract, in one file: name, payload (IDs only), enqueue with jobId = row id.
import type { Queue } from 'bullmq';
import { z } from 'zod';
import type { Logger } from '../lib/logger.js';
import { enqueueCommitted } from '../lib/queues.js';

export const GENERATE_QUEUE = 'generate';

export const GeneratePayloadSchema = z.object({ jobId: z.uuid(), workspaceId: z.uuid() });
export type GeneratePayload = z.infer<typeof GeneratePayloadSchema>;

/** Adds committed job rows to the queue; false when Redis refused (the reconciler enqueues them later). */
export function enqueueGenerateJobs(queue: Queue, jobs: GeneratePayload[], logger: Logger): Promise<boolean> {
  return enqueueCommitted(
    queue,
    jobs.map((job) => ({ id: job.jobId, data: job })),
    logger,
  );
}

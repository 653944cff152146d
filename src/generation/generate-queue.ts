// The `generate` queue contract (STYLE.md rule 6): name, payload (IDs only), enqueue with jobId = row id.
import type { Queue } from 'bullmq';
import { z } from 'zod';
import type { Logger } from '../lib/logger.js';
import { enqueueCommitted } from '../lib/queues.js';

export const GENERATE_QUEUE = 'generate';

export const GeneratePayloadSchema = z.object({ jobId: z.uuid(), workspaceId: z.uuid() });
export type GeneratePayload = z.infer<typeof GeneratePayloadSchema>;

// BullMQ's largest priority (2^21 - 1); lower numbers run first.
const LOWEST_PRIORITY = 2_097_151;

/**
 * Fair ordering across workspaces: a job's priority is its place in its own workspace's line (1 for a
 * workspace with nothing queued, n + 1 behind n of its own jobs). Workers take the lowest number first, so
 * workspaces take turns: one job of a small workspace runs after at most one job per other workspace
 * instead of after a big bulk's hundreds. BullMQ's groups would do this too, but are not in open-source BullMQ.
 */
export function fairPriority(queuedAhead: number): number {
  return Math.min(LOWEST_PRIORITY, queuedAhead + 1);
}

/**
 * Adds committed job rows to the queue, the i-th one `queuedAhead + i` places down its workspace's line;
 * false when Redis refused (the reconciler enqueues them later).
 */
export function enqueueGenerateJobs(
  queue: Queue,
  jobs: GeneratePayload[],
  logger: Logger,
  queuedAhead = 0,
): Promise<boolean> {
  return enqueueCommitted(
    queue,
    jobs.map((job, index) => ({ id: job.jobId, data: job, priority: fairPriority(queuedAhead + index) })),
    logger,
  );
}

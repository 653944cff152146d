// The `generate` queue: its payload (IDs only), its definition on the job framework
// (lib/jobs/define-job.ts) and its enqueue helper (BullMQ job id = knowledge_jobs row id).
import type { Queue } from 'bullmq';
import { z } from 'zod';
import type { Config } from '../config.js';
import { defineJob, type JobAttempt } from '../lib/jobs/define-job.js';
import type { Logger } from '../lib/logger.js';
import { enqueueCommitted } from '../lib/queues.js';
import { emitJobFinished } from '../webhooks/events.js';
import type { GenerationRunService } from './generation-run-service.js';
import { WORK_COLUMNS, type JobWork } from './jobs-repo.js';

export const GENERATE_QUEUE = 'generate';

export const GeneratePayloadSchema = z.object({ jobId: z.uuid(), workspaceId: z.uuid() });
export type GeneratePayload = z.infer<typeof GeneratePayloadSchema>;

interface GenerateJobDeps {
  generationRun: GenerationRunService;
  config: Pick<Config, 'llmMaxRpm'>;
}

export const generateJob = defineJob({
  name: GENERATE_QUEUE,
  table: 'knowledge_jobs',
  payloadSchema: GeneratePayloadSchema,
  rowId: (payload) => payload.jobId,
  fromRow: (row) => ({ jobId: row.id, workspaceId: row.workspaceId }),
  startColumns: WORK_COLUMNS,
  run: (payload, attempt: JobAttempt<JobWork>, deps: GenerateJobDeps) =>
    deps.generationRun.run(payload, attempt),
  onFailed: (payload, _message, tx) => emitJobFinished(tx, payload.workspaceId, payload.jobId),
  workerOptions: (deps) => ({
    // LLM_MAX_RPM caps model calls across every worker process (BullMQ's limiter is global per queue).
    // Without it a limiter is still set, far above any real rate: BullMQ only honours the pause a 429
    // asks for (rateLimit) on a queue that has a limiter.
    limiter: deps.config.llmMaxRpm
      ? { max: deps.config.llmMaxRpm, duration: 60_000 }
      : { max: 1_000_000, duration: 1_000 },
    // While paused, look again every 5 s, so lifting the pause (or its expiry) takes effect promptly.
    maximumRateLimitDelay: 5_000,
  }),
});

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
    jobs.map((job, index) => ({
      id: generateJob.rowId(job),
      data: job,
      priority: fairPriority(queuedAhead + index),
    })),
    logger,
  );
}

// Wire shapes of batches (docs/api.md "Batches"): one batch per bulk generation call.
import { z } from 'zod';
import { PageLimit, Timestamp, Uuid } from '../http/schemas.js';
import { JOB_STATUSES, OPERATIONS } from '../lib/operations.js';
import { JobSchema } from './generation-schemas.js';

const Count = z.number().int().min(0);

export const BATCH_STATUSES = ['PENDING', 'IN_PROGRESS', 'COMPLETED', 'FAILED'] as const;

export const BatchSchema = z.object({
  id: Uuid,
  createdAt: Timestamp,
  completedAt: Timestamp.nullable().describe(
    'when the last job finished; null while any is pending or running',
  ),
  status: z
    .enum(BATCH_STATUSES)
    .describe(
      'COMPLETED once no job is pending or running, even with failures; FAILED when every job failed',
    ),
  params: z.object({
    restrictedOps: z.array(z.enum(OPERATIONS)).describe('as given in the bulk call; empty = all allowed'),
    isDraft: z.boolean(),
    botId: Uuid.nullable(),
    instructions: z.string(),
  }),
  counts: z.object({
    total: Count,
    pending: Count,
    inProgress: Count,
    completed: Count,
    failed: Count,
    reused: Count.describe('completed jobs that reused an identical earlier decision'),
    skipped: Count.describe(
      'completed jobs whose linked source is unchanged since its live article was saved from it (no decision)',
    ),
    calledModel: Count.describe('jobs, of any status, that made at least one model call'),
  }),
  operations: z
    .object({ ADD_ARTICLE_TO_FOLDER: Count, UPDATE_ARTICLE: Count, DO_NOTHING: Count })
    .describe('completed jobs by the operation chosen'),
  drafts: Count.describe('draft articles written by the batch’s jobs'),
  usage: z.object({
    promptTokens: Count,
    completionTokens: Count,
    cachedTokens: Count,
    modelCalls: Count.describe('model calls of the batch’s jobs (a repaired answer is two)'),
  }),
});
export type Batch = z.infer<typeof BatchSchema>;

export const ListBatchesQuerySchema = z.object({
  limit: PageLimit,
  cursor: Uuid.optional().describe('the id of the last batch of the previous page'),
});
export type ListBatchesQuery = z.infer<typeof ListBatchesQuerySchema>;

export const BatchListSchema = z.object({ batches: z.array(BatchSchema), hasMore: z.boolean() });

export const BatchJobsQuerySchema = z.object({
  status: z.enum(JOB_STATUSES).optional(),
  limit: PageLimit,
  cursor: Uuid.optional().describe('the id of the last job of the previous page'),
});
export type BatchJobsQuery = z.infer<typeof BatchJobsQuerySchema>;

export const BatchJobListSchema = z.object({ jobs: z.array(JobSchema), hasMore: z.boolean() });

// Wire shapes of sync runs (docs/api.md "Sync runs"). The schemas are also the output whitelists.
import { z } from 'zod';
import { IdArray, PageLimit, Timestamp, Uuid } from '../http/schemas.js';
import { OPERATIONS } from '../lib/operations.js';

export const SYNC_STATUSES = ['PENDING', 'REFRESHING', 'GENERATING', 'COMPLETED', 'FAILED'] as const;
export type SyncStatus = (typeof SYNC_STATUSES)[number];

/** What a sync run generates with when restrictedOps is omitted: only updates of existing knowledge. */
export const DEFAULT_SYNC_OPS = ['UPDATE_ARTICLE', 'DO_NOTHING'] as const;

export const SyncParamsSchema = z.strictObject({
  documentIds: IdArray.optional().describe('default: every web source of the workspace'),
  restrictedOps: z
    .array(z.enum(OPERATIONS))
    .max(OPERATIONS.length * 2)
    .transform((ops) => [...new Set(ops)])
    .optional()
    .describe('allow-list of operations for the generation step; default UPDATE_ARTICLE, DO_NOTHING'),
  isDraft: z.boolean().default(true),
  instructions: z.string().max(4000).optional(),
  botId: Uuid.optional(),
});
export type SyncParams = z.infer<typeof SyncParamsSchema>;

export const StartSyncResponseSchema = z.object({ syncRunId: Uuid });

export const SyncCountsSchema = z.object({
  sources: z.number().int(),
  refreshed: z.number().int(),
  unchanged: z.number().int(),
  changed: z.number().int(),
  failed: z.number().int(),
  gone: z.number().int(),
  suspect: z.number().int(),
  jobs: z.number().int(),
  drafts: z.number().int(),
});
export type SyncCounts = z.infer<typeof SyncCountsSchema>;

export const SyncRunSchema = z.object({
  id: Uuid,
  status: z.enum(SYNC_STATUSES),
  createdAt: Timestamp,
  completedAt: Timestamp.nullable(),
  scheduleName: z.string().nullable(),
  batchId: Uuid.nullable().describe(
    'the generation step’s batch; null until it exists, or when nothing changed',
  ),
  counts: SyncCountsSchema,
  error: z.string().nullable(),
});
export type SyncRun = z.infer<typeof SyncRunSchema>;

export const ListRunsQuerySchema = z.object({
  limit: PageLimit,
  cursor: Uuid.optional().describe('the id of the last run of the previous page'),
});
export type ListRunsQuery = z.infer<typeof ListRunsQuerySchema>;

export const ListRunsResponseSchema = z.object({ runs: z.array(SyncRunSchema), hasMore: z.boolean() });

// Batches (docs/api.md "Batches"): read one or many, list a batch's jobs, and retry its failed jobs.
// The batch row is written by the bulk call (generation-service.ts); everything else is derived from jobs.
import type { Queue } from 'bullmq';
import { toIso, toIsoOrNull } from '../lib/dates.js';
import { withTransaction, type Pool } from '../lib/db.js';
import { AppError, notFound, validationError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { finishedBatchStatus } from '../lib/operations.js';
import type { BatchesRepo, BatchRow } from './batches-repo.js';
import type { Batch, BatchJobsQuery, ListBatchesQuery } from './batches-schemas.js';
import { enqueueGenerateJobs } from './generate-queue.js';
import type { Job } from './generation-schemas.js';
import { toJob } from './generation-service.js';
import type { JobsRepo } from './jobs-repo.js';
import type { WorkspaceQuotas } from './workspace-quotas.js';

export function batchStatus(
  row: Pick<BatchRow, 'total' | 'pending' | 'inProgress' | 'failed'>,
): Batch['status'] {
  if (row.pending + row.inProgress > 0) return row.pending === row.total ? 'PENDING' : 'IN_PROGRESS';
  return finishedBatchStatus(row);
}

export const isBatchFinished = (batch: Batch): boolean =>
  batch.status === 'COMPLETED' || batch.status === 'FAILED';

export function toBatch(row: BatchRow): Batch {
  const status = batchStatus(row);
  const finished = status === 'COMPLETED' || status === 'FAILED';
  return {
    id: row.id,
    createdAt: toIso(row.createdAt),
    completedAt: finished ? toIsoOrNull(row.lastCompletedAt ?? row.createdAt) : null,
    status,
    params: {
      restrictedOps: row.restrictedOps,
      isDraft: row.isDraft,
      botId: row.botId,
      instructions: row.instructions,
    },
    counts: {
      total: row.total,
      pending: row.pending,
      inProgress: row.inProgress,
      completed: row.completed,
      failed: row.failed,
      reused: row.reused,
      skipped: row.skipped,
      calledModel: row.calledModel,
    },
    operations: { ADD_ARTICLE_TO_FOLDER: row.adds, UPDATE_ARTICLE: row.updates, DO_NOTHING: row.noOps },
    drafts: row.drafts,
    usage: {
      promptTokens: row.promptTokens,
      completionTokens: row.completionTokens,
      cachedTokens: row.cachedTokens,
      modelCalls: row.modelCalls,
    },
  };
}

export function createBatchesService(deps: {
  pool: Pool;
  repos: { batches: BatchesRepo; jobs: JobsRepo };
  queue: Queue;
  logger: Logger;
  quotas: Pick<WorkspaceQuotas, 'admitJobs'>;
}) {
  const { pool, queue, logger, quotas } = deps;
  const { batches: repo, jobs } = deps.repos;

  async function get(workspaceId: string, id: string): Promise<Batch> {
    const row = await repo.find(workspaceId, id);
    if (!row) throw notFound('batch', id);
    return toBatch(row);
  }

  return {
    get,

    async list(
      workspaceId: string,
      query: ListBatchesQuery,
    ): Promise<{ batches: Batch[]; hasMore: boolean }> {
      if (query.cursor && !(await repo.exists(workspaceId, query.cursor)))
        throw validationError('cursor', 'is not a batch of this workspace');
      const rows = await repo.list(workspaceId, {
        ...(query.cursor ? { afterId: query.cursor } : {}),
        limit: query.limit + 1,
      });
      return { batches: rows.slice(0, query.limit).map(toBatch), hasMore: rows.length > query.limit };
    },

    /** The batch's jobs in the bulk call's input order; `?status=FAILED` gives the failures and their errors. */
    async jobs(
      workspaceId: string,
      id: string,
      query: BatchJobsQuery,
    ): Promise<{ jobs: Job[]; hasMore: boolean }> {
      if (!(await repo.exists(workspaceId, id))) throw notFound('batch', id);
      if (query.cursor && (await jobs.findMany(workspaceId, [query.cursor])).at(0)?.batchId !== id)
        throw validationError('cursor', 'is not a job of this batch');
      const rows = await jobs.listByBatch(workspaceId, id, {
        ...(query.status ? { status: query.status } : {}),
        ...(query.cursor ? { afterId: query.cursor } : {}),
        limit: query.limit + 1,
      });
      return { jobs: rows.slice(0, query.limit).map(toJob), hasMore: rows.length > query.limit };
    },

    /** Re-queues the batch's FAILED jobs (fresh attempts) and answers with the batch; 409 when none failed. */
    async retry(workspaceId: string, id: string): Promise<Batch> {
      const before = await get(workspaceId, id);
      if (before.counts.failed === 0)
        throw new AppError('CONFLICT', `batch ${id} has no failed jobs to retry`);
      const { ids, queuedAhead } = await withTransaction(pool, async (tx) => {
        const queued = await quotas.admitJobs(tx, workspaceId, before.counts.failed);
        return { ids: await jobs.requeueFailed(workspaceId, id, tx), queuedAhead: queued };
      });
      // BullMQ keeps the failed run under the same job id and would ignore a new add of it.
      await Promise.all(ids.map((jobId) => queue.remove(jobId).catch(() => undefined)));
      await enqueueGenerateJobs(
        queue,
        ids.map((jobId) => ({ jobId, workspaceId })),
        logger,
        queuedAhead,
      );
      return get(workspaceId, id);
    },
  };
}

export type BatchesService = ReturnType<typeof createBatchesService>;

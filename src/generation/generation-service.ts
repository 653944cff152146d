// Accepting generation work needs PostgreSQL, not Redis: the job rows are committed first, then the
// BullMQ jobs are added; if Redis is down the rows wait for the reconciler and the request still succeeds.
import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import { withTransaction, type Pool } from '../lib/db.js';
import { AppError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { allowedOperations } from '../lib/operations.js';
import { toIso, toIsoOrNull } from '../lib/dates.js';
import { enqueueGenerateJobs } from './generate-queue.js';
import type { BulkGenerateBody, GenerateBody, Job } from './generation-schemas.js';
import type { BatchesRepo } from './batches-repo.js';
import type { JobParams, JobRow, JobsRepo } from './jobs-repo.js';
import type { WorkspaceQuotas } from './workspace-quotas.js';
import type { SourcesService } from '../sources/sources-service.js';

const asDate = (value: Date | string): Date => (value instanceof Date ? value : new Date(value));

export function toJob(row: JobRow): Job {
  return {
    id: row.id,
    jobStatus: row.status,
    createdAt: toIso(asDate(row.createdAt)),
    startedAt: toIsoOrNull(row.startedAt === null ? null : asDate(row.startedAt)),
    completedAt: toIsoOrNull(row.completedAt === null ? null : asDate(row.completedAt)),
    hcArticleId: row.articleId,
    documentId: row.sourceId,
    operation: row.operation,
    reason: row.reason,
    isDraft: row.isDraft,
    error: row.error,
    attempts: row.attempts,
    reused: row.reused,
    // The status-change notification carries it (migration 0090); a trigger that does not send it means false.
    skipped: row.skipped ?? false,
    usage: {
      promptTokens: row.promptTokens,
      completionTokens: row.completionTokens,
      cachedTokens: row.cachedTokens,
    },
    batchId: row.batchId ?? null,
  };
}

function jobParams(body: BulkGenerateBody | GenerateBody): JobParams {
  return {
    allowedOps: allowedOperations(body.restrictedOps),
    instructions: body.instructions ?? '',
    botId: body.botId ?? null,
    isDraft: body.isDraft,
    force: body.force,
  };
}

export function createGenerationService(deps: {
  pool: Pool;
  repos: { jobs: JobsRepo; batches: BatchesRepo };
  queue: Queue;
  logger: Logger;
  sources: Pick<SourcesService, 'assertOwned'>;
  quotas: Pick<WorkspaceQuotas, 'admitJobs'>;
}) {
  const { pool, queue, logger, sources, quotas } = deps;
  const { jobs: repo, batches } = deps.repos;

  return {
    /** One job per source, all in one new batch (docs/api.md "Batches"). */
    async bulk(
      workspaceId: string,
      body: BulkGenerateBody,
      /** A batch id chosen by the caller (a sync run), so a repeated call can tell the batch exists. */
      options: { batchId?: string } = {},
    ): Promise<{ jobs: { documentId: string; backgroundJobId: string }[]; batchId: string }> {
      await sources.assertOwned(workspaceId, body.documentIds);
      const jobs = body.documentIds.map((sourceId) => ({
        id: randomUUID(),
        sourceId,
        origin: 'sources' as const,
      }));
      const batchId = options.batchId ?? randomUUID();
      const params = jobParams(body);
      // One transaction: the batch and every job row are committed, or none.
      const queuedAhead = await withTransaction(pool, async (tx) => {
        const queued = await quotas.admitJobs(tx, workspaceId, jobs.length);
        await batches.insert(
          workspaceId,
          {
            id: batchId,
            restrictedOps: [...new Set(body.restrictedOps ?? [])],
            isDraft: params.isDraft,
            botId: params.botId,
            instructions: params.instructions,
          },
          tx,
        );
        await repo.insertMany(workspaceId, jobs, params, tx, batchId);
        return queued;
      });
      await enqueueGenerateJobs(
        queue,
        jobs.map((job) => ({ jobId: job.id, workspaceId })),
        logger,
        queuedAhead,
      );
      return {
        jobs: jobs.map((job) => ({ documentId: job.sourceId, backgroundJobId: job.id })),
        batchId,
      };
    },

    async generate(workspaceId: string, body: GenerateBody): Promise<{ backgroundJobId: string }> {
      const sourceId = body.origin === 'sources' ? body.documentId! : null;
      if (sourceId) await sources.assertOwned(workspaceId, [sourceId], 'documentId');
      const job = {
        id: randomUUID(),
        sourceId,
        origin: body.origin,
        candidateKnowledge: body.candidateKnowledge,
        hcEventId: body.origin === 'inbox' ? body.hcEventId! : null,
      };
      const queuedAhead = await withTransaction(pool, async (tx) => {
        const queued = await quotas.admitJobs(tx, workspaceId, 1);
        await repo.insertMany(workspaceId, [job], jobParams(body), tx);
        return queued;
      });
      await enqueueGenerateJobs(queue, [{ jobId: job.id, workspaceId }], logger, queuedAhead);
      return { backgroundJobId: job.id };
    },

    /** The jobs in the order asked; 404 naming every ID unknown in this workspace. */
    async jobs(workspaceId: string, ids: string[]): Promise<Job[]> {
      const rows = await repo.findMany(workspaceId, ids);
      const byId = new Map(rows.map((row) => [row.id, row]));
      const unknown = ids.filter((id) => !byId.has(id));
      if (unknown.length > 0) {
        throw new AppError('NOT_FOUND', `unknown job IDs in this workspace: ${unknown.join(', ')}`, [
          { field: 'jobIds', message: 'unknown in this workspace', ids: unknown },
        ]);
      }
      return ids.map((id) => toJob(byId.get(id)!));
    },

    async job(workspaceId: string, id: string): Promise<Job> {
      const [row] = await repo.findMany(workspaceId, [id]);
      if (!row) throw new AppError('NOT_FOUND', `knowledge job ${id} not found`);
      return toJob(row);
    },
  };
}

export type GenerationService = ReturnType<typeof createGenerationService>;

// The `generate` queue's processor: one knowledge job per BullMQ job (DESIGN.md §4). The job row is the
// truth; its outcome is recorded before BullMQ retries or gives up (STYLE.md rule 7).
import { UnrecoverableError, Worker, type Job, type Processor, type Queue } from 'bullmq';
import { isPgError, PG_FOREIGN_KEY_VIOLATION, withTransaction, type Pool } from '../lib/db.js';
import { AppError } from '../lib/errors.js';
import { sha256Hex } from '../lib/hashing.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import type { ArticlesService } from '../knowledge/articles-service.js';
import type { FoldersService } from '../knowledge/folders-service.js';
import {
  WriterError,
  type Decision,
  type DecisionRequest,
  type DecisionSource,
  type Writer,
} from '../writers/writer.js';
import { applyDecision } from './apply.js';
import { agentFolderIds, findCandidates, listFolderChoices } from './candidates.js';
import { decide, decisionKey, PermanentJobError } from './decide.js';
import { GeneratePayloadSchema, type GeneratePayload } from './generate-queue.js';
import { createJobsRepo, type JobWork } from './jobs-repo.js';
import { loadSource } from './pipeline-repo.js';

export interface GenerateWorkerDeps {
  pool: Pool;
  writer: Writer;
  articles: ArticlesService;
  folders: FoldersService;
  /** The producer-side queue, used to pause every worker when the model answers 429 with a long wait. */
  queue: Queue;
  logger: Logger;
  /** Counts model calls and tokens (distill_model_*). */
  metrics?: Pick<Metrics, 'recordModelCall'>;
}

/** Candidate text given to the single-generate route, shaped like a source. */
function textSource(text: string, id: string | null): DecisionSource {
  const paragraphs = text
    .split(/\n\s*\n/)
    .map((block) => block.trim())
    .filter(Boolean);
  const firstLine = (paragraphs[0] ?? '').split('\n')[0]!.replace(/^#+\s*/, '');
  return {
    id,
    title: firstLine.slice(0, 200),
    url: '',
    paragraphs,
    contentHash: sha256Hex(paragraphs.join('\n\n')),
  };
}

export function createGenerateProcessor(deps: GenerateWorkerDeps): Processor<GeneratePayload> {
  const { pool, writer, articles, folders, queue, logger, metrics } = deps;
  const jobs = createJobsRepo(pool);

  /** What the job decides on; throws PermanentJobError when there is nothing to decide on. */
  async function loadInput(
    work: JobWork,
  ): Promise<{ source: DecisionSource; sourceHash: string | null; linkedArticleId: string | null }> {
    if (work.origin !== 'sources')
      return {
        source: textSource(work.candidateKnowledge ?? '', null),
        sourceHash: null,
        linkedArticleId: null,
      };
    const row = work.sourceId ? await loadSource(pool, work.workspaceId, work.sourceId) : undefined;
    if (!row) throw new PermanentJobError('the source was deleted after the job was queued');
    if (work.candidateKnowledge) {
      return {
        source: textSource(work.candidateKnowledge, row.id),
        sourceHash: row.contentHash,
        linkedArticleId: row.linkedKnowledgeId,
      };
    }
    if (!row.contentHash || row.paragraphs.length === 0)
      throw new PermanentJobError('source has no ingested content; ingest it first');
    return {
      source: {
        id: row.id,
        title: row.title,
        url: row.originalUrl,
        paragraphs: row.paragraphs,
        contentHash: row.contentHash,
        breadcrumb: row.breadcrumb,
      },
      sourceHash: row.contentHash,
      linkedArticleId: row.linkedKnowledgeId,
    };
  }

  async function run(work: JobWork, signal: AbortSignal | undefined): Promise<void> {
    const workspaceId = work.workspaceId;
    const { source, sourceHash, linkedArticleId } = await loadInput(work);

    let folderChoices = await listFolderChoices(pool, workspaceId);
    if (folderChoices.length === 0 && work.allowedOps.includes('ADD_ARTICLE_TO_FOLDER')) {
      await withTransaction(pool, (tx) => folders.ensureDefaultFolder(workspaceId, tx));
      folderChoices = await listFolderChoices(pool, workspaceId);
    }
    const candidates = await findCandidates(pool, workspaceId, {
      linkedArticleId,
      title: source.title,
      body: source.paragraphs.join('\n'),
      folderScope: await agentFolderIds(pool, workspaceId, work.botId),
    });
    const request: DecisionRequest = {
      source,
      candidates,
      folders: folderChoices,
      allowedOperations: work.allowedOps,
      instructions: work.instructions,
      signal,
    };
    const key = decisionKey(request, { botId: work.botId }, writer);

    const earlier = work.force ? undefined : await jobs.findReusable(workspaceId, key);
    let decision: Decision;
    let reason: string;
    if (earlier) {
      decision = earlier.decision;
      reason = decision.reason;
    } else {
      const result = await decide(writer, request, (usage) => {
        metrics?.recordModelCall(writer, usage);
        return jobs.addUsage(work.id, usage);
      });
      decision = result.decision;
      reason = [decision.reason, ...result.trimNotes.map((note) => `(${note})`)].join(' ');
    }

    await withTransaction(pool, async (tx) => {
      // A job writes at most once: a re-run after a crash or a duplicate delivery finds the row finished.
      const { rows } = await tx.query<{ status: string }>(
        'SELECT status FROM knowledge_jobs WHERE id = $1 FOR UPDATE',
        [work.id],
      );
      if (rows[0]?.status !== 'IN_PROGRESS') return;
      let articleId: string | null;
      const pendingDraft =
        earlier?.articleId && work.isDraft
          ? await articles.findArticle(workspaceId, earlier.articleId, tx)
          : undefined;
      if (pendingDraft?.isDraft && !pendingDraft.isDraftPublished) {
        // The same decision already waits for review as this draft: point at it instead of writing a copy.
        articleId = pendingDraft.id;
      } else {
        articleId = await applyDecision(
          tx,
          { articles, folders },
          { job: work, decision, reason, sourceId: source.id, sourceHash, sourceTitle: source.title },
        );
      }
      await jobs.complete(
        work.id,
        {
          operation: decision.operation,
          reason,
          articleId,
          decision,
          decisionKey: key,
          sourceHashRead: sourceHash,
          reused: Boolean(earlier),
        },
        tx,
      );
    });
  }

  async function fail(work: JobWork, message: string): Promise<never> {
    await jobs.fail(work.id, message);
    throw new UnrecoverableError(message);
  }

  return async (job: Job<GeneratePayload>, _token?: string, signal?: AbortSignal) => {
    const payload = GeneratePayloadSchema.parse(job.data);
    const work = await jobs.startWork(payload.workspaceId, payload.jobId);
    if (!work) {
      logger.debug({ jobId: payload.jobId }, 'knowledge job finished or gone; nothing to do');
      return;
    }
    try {
      await run(work, signal);
    } catch (error) {
      if (signal?.aborted) throw error; // shutdown: the job is picked up again through the stalled-job check
      if (error instanceof PermanentJobError) return fail(work, error.message);
      // The knowledge base refused the write: the target article or folder went away while the job ran.
      if (isPgError(error, PG_FOREIGN_KEY_VIOLATION)) {
        return fail(
          work,
          'could not apply the decision: its source, article or folder was deleted while the job ran',
        );
      }
      if (error instanceof AppError && error.statusCode < 500)
        return fail(work, `could not apply the decision: ${error.message}`);
      if (error instanceof WriterError && error.kind === 'permanent') return fail(work, error.message);
      if (error instanceof WriterError && error.kind === 'rate-limited') {
        const waitMs = error.retryAfterMs ?? 60_000;
        await jobs.releaseAttempt(
          work.id,
          `the model is rate-limited; all workers pause for ${Math.ceil(waitMs / 1000)} s`,
        );
        await queue.rateLimit(waitMs);
        throw Worker.RateLimitError();
      }
      const message = error instanceof Error ? error.message : String(error);
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (lastAttempt) await jobs.fail(work.id, `gave up after ${job.attemptsMade + 1} attempts: ${message}`);
      else await jobs.recordError(work.id, `attempt ${job.attemptsMade + 1} failed, will retry: ${message}`);
      throw error;
    }
  };
}

// One attempt of a knowledge job (docs/architecture.md §4), the same contract as ingest-service.run: the job
// framework (lib/jobs/define-job.ts) has started the row and hands it over; run loads what the job
// decides on, asks the writer (or reuses an earlier decision), and writes the outcome and the job's
// COMPLETED in one transaction. Failures are thrown — JobError, or the features' own errors that
// src/job-errors.ts classifies — and the framework records them.
import { withTransaction, type Pool, type PoolClient } from '../lib/db.js';
import type { Metrics } from '../lib/metrics.js';
import type { ArticlesService } from '../knowledge/articles-service.js';
import type { FoldersService } from '../knowledge/folders-service.js';
import type { SourcesService } from '../sources/sources-service.js';
import {
  NO_USAGE,
  type Decision,
  type DecisionRequest,
  type FolderChoice,
  type Usage,
  type Writer,
} from '../writers/writer.js';
import { emitBatchIfFinished, emitJobEvent, type FinishedJob } from '../webhooks/events.js';
import { applyDecision } from './apply.js';
import { decide, decisionKey } from './decide.js';
import type { GeneratePayload } from './generate-queue.js';
import { jobInput, type JobInput } from './job-input.js';
import type { JobOutcome, JobsRepo, JobWork } from './jobs-repo.js';

export interface GenerationRunDeps {
  pool: Pool;
  repos: { jobs: JobsRepo };
  writer: Writer;
  articles: ArticlesService;
  folders: FoldersService;
  /** The outcome recorded on the job's source (its content comes with the started row). */
  sources: Pick<SourcesService, 'recordOutcome' | 'linkToArticle'>;
  /** Counts model calls and tokens (distill_model_*). */
  metrics?: Pick<Metrics, 'recordModelCall'>;
}

/** A decision to write: made now, or reused from an earlier job with the same key. */
interface Decided {
  decision: Decision;
  reason: string;
  key: string;
  earlier: { articleId: string | null } | undefined;
}

export type GenerationOutcome = 'completed' | 'reused' | 'skipped' | 'finished-already';

export function createGenerationRunService(deps: GenerationRunDeps) {
  const { pool, writer, articles, folders, sources, metrics } = deps;
  const jobs = deps.repos.jobs;

  /** Completes a job that needs no decision: DO_NOTHING of the linked article, no model call, no draft. */
  async function completeSkipped(
    work: JobWork,
    input: JobInput,
    since: { articleId: string; title: string },
  ): Promise<GenerationOutcome> {
    const outcome: JobOutcome = {
      operation: 'DO_NOTHING',
      reason: `unchanged since '${since.title}' was saved from it`,
      articleId: since.articleId,
      decision: null,
      decisionKey: null,
      sourceHashRead: input.sourceHash,
      reused: false,
      skipped: true,
    };
    try {
      await withTransaction(pool, (tx) => completeRow(tx, work, outcome, { calls: 0, ...NO_USAGE }));
      return 'skipped';
    } catch (error) {
      if (error === FINISHED_ALREADY) return 'finished-already';
      throw error;
    }
  }

  /**
   * Writes the job's event (its fields are known here: nothing is read back), then COMPLETED with the
   * usage, then batch.completed when due. Throws FINISHED_ALREADY (to roll back the event and the draft)
   * when another run finished the job.
   */
  async function completeRow(
    tx: PoolClient,
    work: JobWork,
    outcome: JobOutcome,
    usage: { calls: number } & Usage,
  ): Promise<void> {
    const finished: FinishedJob = {
      jobId: work.id,
      status: 'COMPLETED',
      batchId: work.batchId,
      documentId: work.sourceId,
      operation: outcome.operation,
      articleId: outcome.articleId,
      error: null,
    };
    const batchMayFinish = await emitJobEvent(tx, work.workspaceId, finished);
    if (!(await jobs.complete(work.id, outcome, usage, tx))) throw FINISHED_ALREADY;
    if (batchMayFinish) await emitBatchIfFinished(tx, work.workspaceId, work.batchId!);
  }

  /**
   * The folders a new article may go into: with an agent that has folders, only those (a page must not
   * widen what the agent sees); a workspace without folders gets a default one when ADD is allowed.
   */
  async function folderChoices(work: JobWork, scope: string[] | undefined): Promise<FolderChoice[]> {
    const choices = await folders.listFolderChoices(work.workspaceId, scope);
    if (choices.length > 0 || scope || !work.allowedOps.includes('ADD_ARTICLE_TO_FOLDER')) return choices;
    await withTransaction(pool, (tx) => folders.ensureDefaultFolder(work.workspaceId, tx));
    return folders.listFolderChoices(work.workspaceId, scope);
  }

  async function makeDecision(work: JobWork, request: DecisionRequest, tally: UsageTally): Promise<Decided> {
    const key = decisionKey(request, { botId: work.botId }, writer);
    const earlier = work.force ? undefined : await jobs.findReusable(work.workspaceId, key);
    if (earlier) return { decision: earlier.decision, reason: earlier.decision.reason, key, earlier };
    const result = await decide(writer, request, async (usage) => {
      metrics?.recordModelCall(writer, usage);
      tally.calls.push(usage);
    });
    const reason = [result.decision.reason, ...result.trimNotes.map((note) => `(${note})`)].join(' ');
    return { decision: result.decision, reason, key, earlier: undefined };
  }

  /** The attempt's model calls when it ends without completing: each is added on its own, as it was made. */
  async function recordUsage(work: JobWork, tally: UsageTally): Promise<void> {
    for (const usage of tally.calls.splice(0)) await jobs.addUsage(work.id, usage);
  }

  /**
   * The reuse policy: a reused decision whose draft still waits for review points at that draft instead
   * of writing a copy; anything else is applied.
   */
  async function write(
    tx: PoolClient,
    work: JobWork,
    input: JobInput,
    decided: Decided,
  ): Promise<string | null> {
    const { decision, reason, earlier } = decided;
    const pendingDraft =
      earlier?.articleId && work.isDraft
        ? await articles.findArticle(work.workspaceId, earlier.articleId, tx)
        : undefined;
    if (pendingDraft?.isDraft && !pendingDraft.isDraftPublished) return pendingDraft.id;
    return applyDecision(
      tx,
      { articles, folders, sources },
      {
        job: work,
        decision,
        reason,
        sourceId: input.source.id,
        sourceHash: input.sourceHash,
        sourceTitle: input.source.title,
      },
    );
  }

  return {
    /** Runs one attempt of the started job `attempt.row`; resolves once it is COMPLETED. */
    async run(
      _payload: GeneratePayload,
      attempt: { row: JobWork; signal?: AbortSignal },
    ): Promise<GenerationOutcome> {
      const work = attempt.row;
      const input = jobInput(work);
      if (input.unchangedSince) return completeSkipped(work, input, input.unchangedSince);
      const scope = await folders.botFolderIds(work.workspaceId, work.botId);
      const request: DecisionRequest = {
        source: input.source,
        candidates: await articles.findCandidates(work.workspaceId, {
          linkedArticleId: input.linkedArticleId,
          title: input.source.title,
          body: input.source.paragraphs.join('\n'),
          folderScope: scope,
        }),
        folders: await folderChoices(work, scope),
        allowedOperations: work.allowedOps,
        instructions: work.instructions,
        signal: attempt.signal,
      };
      const tally: UsageTally = { calls: [] };
      try {
        const decided = await makeDecision(work, request, tally);
        return await withTransaction(pool, (tx) => complete(tx, work, input, decided, tally));
      } catch (error) {
        // The original error decides the outcome; a database refusing this would refuse its record too.
        await recordUsage(work, tally).catch(() => undefined);
        if (error === FINISHED_ALREADY) return 'finished-already';
        throw error;
      }
    },
  };

  /** Writes the decision and COMPLETED with the attempt's usage, in `tx`; throws FINISHED_ALREADY to roll back. */
  async function complete(
    tx: PoolClient,
    work: JobWork,
    input: JobInput,
    decided: Decided,
    tally: UsageTally,
  ): Promise<GenerationOutcome> {
    // A job writes at most once: a re-run after a crash or a duplicate delivery finds the row finished.
    // A live write locks the row first; a draft is written idempotently (by its job id), so the completing
    // update's status check is enough, and the rollback undoes the draft of a run that lost the race.
    if (!work.isDraft && !(await jobs.lockRunning(work.id, tx))) throw FINISHED_ALREADY;
    const articleId = await write(tx, work, input, decided);
    const outcome: JobOutcome = {
      operation: decided.decision.operation,
      reason: decided.reason,
      articleId,
      decision: decided.decision,
      decisionKey: decided.key,
      sourceHashRead: input.sourceHash,
      reused: Boolean(decided.earlier),
    };
    await completeRow(tx, work, outcome, sumUsage(tally));
    return decided.earlier ? 'reused' : 'completed';
  }
}

/** The model calls of one attempt, added to the job when it completes (or one by one when it does not). */
interface UsageTally {
  calls: Usage[];
}

function sumUsage(tally: UsageTally): { calls: number } & Usage {
  const sum = { calls: tally.calls.length, ...NO_USAGE };
  for (const usage of tally.calls) {
    sum.promptTokens += usage.promptTokens;
    sum.completionTokens += usage.completionTokens;
    sum.cachedTokens += usage.cachedTokens;
  }
  return sum;
}

/** Thrown inside the completing transaction when another run already finished the job. */
const FINISHED_ALREADY = new Error('the job was finished by another run');

export type GenerationRunService = ReturnType<typeof createGenerationRunService>;

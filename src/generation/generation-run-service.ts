// One attempt of a knowledge job (DESIGN.md §4), the same contract as ingest-service.run: the job
// framework (lib/jobs/define-job.ts) has started the row and hands it over; run loads what the job
// decides on, asks the writer (or reuses an earlier decision), and writes the outcome and the job's
// COMPLETED in one transaction. Failures are thrown — JobError, or the features' own errors that
// src/job-errors.ts classifies — and the framework records them.
import { withTransaction, type Pool, type PoolClient } from '../lib/db.js';
import { sha256Hex } from '../lib/hashing.js';
import { JobError } from '../lib/jobs/job-error.js';
import type { Metrics } from '../lib/metrics.js';
import type { ArticlesService } from '../knowledge/articles-service.js';
import type { FoldersService } from '../knowledge/folders-service.js';
import type { SourcesService } from '../sources/sources-service.js';
import type { Decision, DecisionRequest, DecisionSource, FolderChoice, Writer } from '../writers/writer.js';
import { applyDecision } from './apply.js';
import { agentFolderIds, findCandidates, listFolderChoices } from './candidates.js';
import { decide, decisionKey } from './decide.js';
import type { GeneratePayload } from './generate-queue.js';
import { createJobsRepo, type JobWork } from './jobs-repo.js';

export interface GenerationRunDeps {
  pool: Pool;
  writer: Writer;
  articles: ArticlesService;
  folders: FoldersService;
  /** The job's source: its content, and the outcome recorded on it. */
  sources: Pick<SourcesService, 'contentForJob' | 'recordOutcome'>;
  /** Counts model calls and tokens (distill_model_*). */
  metrics?: Pick<Metrics, 'recordModelCall'>;
}

/** What the job decides on. */
interface JobInput {
  source: DecisionSource;
  sourceHash: string | null;
  linkedArticleId: string | null;
}

/** A decision to write: made now, or reused from an earlier job with the same key. */
interface Decided {
  decision: Decision;
  reason: string;
  key: string;
  earlier: { articleId: string | null } | undefined;
}

export type GenerationOutcome = 'completed' | 'reused' | 'finished-already';

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

export function createGenerationRunService(deps: GenerationRunDeps) {
  const { pool, writer, articles, folders, sources, metrics } = deps;
  const jobs = createJobsRepo(pool);

  async function loadInput(work: JobWork): Promise<JobInput> {
    if (work.origin !== 'sources')
      return {
        source: textSource(work.candidateKnowledge ?? '', null),
        sourceHash: null,
        linkedArticleId: null,
      };
    const row = work.sourceId ? await sources.contentForJob(work.workspaceId, work.sourceId) : undefined;
    if (!row) throw JobError.permanent('the source was deleted after the job was queued');
    const known = { sourceHash: row.contentHash, linkedArticleId: row.linkedKnowledgeId };
    if (work.candidateKnowledge) return { source: textSource(work.candidateKnowledge, row.id), ...known };
    if (!row.contentHash || row.paragraphs.length === 0)
      throw JobError.permanent(
        row.error
          ? `source has no ingested content: its fetch failed (${row.error})`
          : 'source has no ingested content; ingest it first',
      );
    return {
      source: {
        id: row.id,
        title: row.title,
        url: row.originalUrl,
        paragraphs: row.paragraphs,
        contentHash: row.contentHash,
      },
      ...known,
    };
  }

  /**
   * The folders a new article may go into: with an agent that has folders, only those (a page must not
   * widen what the agent sees); a workspace without folders gets a default one when ADD is allowed.
   */
  async function folderChoices(work: JobWork, scope: string[] | undefined): Promise<FolderChoice[]> {
    const choices = await listFolderChoices(pool, work.workspaceId, scope);
    if (choices.length > 0 || scope || !work.allowedOps.includes('ADD_ARTICLE_TO_FOLDER')) return choices;
    await withTransaction(pool, (tx) => folders.ensureDefaultFolder(work.workspaceId, tx));
    return listFolderChoices(pool, work.workspaceId, scope);
  }

  async function makeDecision(work: JobWork, request: DecisionRequest): Promise<Decided> {
    const key = decisionKey(request, { botId: work.botId }, writer);
    const earlier = work.force ? undefined : await jobs.findReusable(work.workspaceId, key);
    if (earlier) return { decision: earlier.decision, reason: earlier.decision.reason, key, earlier };
    const result = await decide(writer, request, (usage) => {
      metrics?.recordModelCall(writer, usage);
      return jobs.addUsage(work.id, usage);
    });
    const reason = [result.decision.reason, ...result.trimNotes.map((note) => `(${note})`)].join(' ');
    return { decision: result.decision, reason, key, earlier: undefined };
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
      const input = await loadInput(work);
      const scope = await agentFolderIds(pool, work.workspaceId, work.botId);
      const request: DecisionRequest = {
        source: input.source,
        candidates: await findCandidates(pool, work.workspaceId, {
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
      const decided = await makeDecision(work, request);
      return withTransaction(pool, async (tx) => {
        // A job writes at most once: a re-run after a crash or a duplicate delivery finds the row finished.
        if (!(await jobs.lockRunning(work.id, tx))) return 'finished-already';
        const articleId = await write(tx, work, input, decided);
        await jobs.complete(
          work.id,
          {
            operation: decided.decision.operation,
            reason: decided.reason,
            articleId,
            decision: decided.decision,
            decisionKey: decided.key,
            sourceHashRead: input.sourceHash,
            reused: Boolean(decided.earlier),
          },
          tx,
        );
        return decided.earlier ? 'reused' : 'completed';
      });
    },
  };
}

export type GenerationRunService = ReturnType<typeof createGenerationRunService>;

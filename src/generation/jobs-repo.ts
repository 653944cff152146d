import { prepared, type Queryable } from '../lib/db.js';
import type { JobStatus, Operation } from '../lib/operations.js';
import { sourceForJobColumn, type SourceForJob } from '../sources/sources-repo.js';
import type { Decision, Usage } from '../writers/writer.js';

/** Where a job's text comes from: a stored source, candidate text, or an inbox event (docs/api.md §4). */
export type JobOrigin = 'sources' | 'generated' | 'inbox';

/** A knowledge job as stored; the same keys arrive in the status-change notifications (migration 0005). */
export interface JobRow {
  id: string;
  workspaceId: string;
  sourceId: string | null;
  status: JobStatus;
  operation: Operation | null;
  reason: string | null;
  articleId: string | null;
  error: string | null;
  attempts: number;
  isDraft: boolean;
  reused: boolean;
  /** Completed without a decision: the linked source is unchanged since its live article was saved from it. */
  skipped: boolean;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  createdAt: Date | string;
  startedAt: Date | string | null;
  completedAt: Date | string | null;
  /** The bulk call (batch) the job belongs to; null for the single-generate route. */
  batchId: string | null;
}

/** Everything a worker needs to run a job. */
export interface JobWork extends JobRow {
  origin: JobOrigin;
  candidateKnowledge: string | null;
  hcEventId: string | null;
  allowedOps: Operation[];
  instructions: string;
  botId: string | null;
  force: boolean;
  /** The job's source as the start read it (null when the job has none or it was deleted). */
  source: SourceForJob | null;
}

export interface NewJob {
  sourceId: string | null;
  origin: JobOrigin;
  candidateKnowledge?: string | null;
  hcEventId?: string | null;
}

/** What a completing job writes on its row. */
export interface JobOutcome {
  operation: Operation;
  reason: string;
  articleId: string | null;
  /** Null for a skipped job: it made no decision, so none can be reused from it. */
  decision: Decision | null;
  decisionKey: string | null;
  sourceHashRead: string | null;
  reused: boolean;
  skipped?: boolean;
}

export interface JobParams {
  allowedOps: Operation[];
  instructions: string;
  botId: string | null;
  isDraft: boolean;
  force: boolean;
}

const JOB_COLUMNS = `id, workspace_id AS "workspaceId", source_id AS "sourceId", status, operation, reason,
  article_id AS "articleId", error, attempts, is_draft AS "isDraft", reused, skipped, prompt_tokens AS "promptTokens",
  completion_tokens AS "completionTokens", cached_tokens AS "cachedTokens", created_at AS "createdAt",
  started_at AS "startedAt", completed_at AS "completedAt", batch_id AS "batchId"`;

/**
 * What a started job returns (the job framework's startColumns for the generate queue): the job, and its
 * source read in the same statement.
 */
export const WORK_COLUMNS = `${JOB_COLUMNS}, origin, candidate_knowledge AS "candidateKnowledge", hc_event_id AS "hcEventId",
  allowed_ops AS "allowedOps", instructions, bot_id AS "botId", force,
  ${sourceForJobColumn('knowledge_jobs')} AS source`;

// What every generate job runs, parsed once per connection (lib/db.ts, prepared).
const ADD_USAGE = prepared(
  `WITH job AS (
     UPDATE knowledge_jobs SET model_calls = model_calls + 1, prompt_tokens = prompt_tokens + $2,
       completion_tokens = completion_tokens + $3, cached_tokens = cached_tokens + $4, updated_at = now()
     WHERE id = $1 RETURNING workspace_id)
   INSERT INTO workspace_model_usage (workspace_id, day, tokens)
   SELECT workspace_id, (now() AT TIME ZONE 'UTC')::date, $2::bigint + $3::bigint FROM job
   ON CONFLICT (workspace_id, day, shard) DO UPDATE SET tokens = workspace_model_usage.tokens + EXCLUDED.tokens`,
);
// COMPLETED only while IN_PROGRESS (the caller checks the count: 0 = another run finished it), with the
// usage of the attempt's model calls added in the same statement, to the job and to the workspace's day.
// The day's row it updates is this connection's own (migration 0100), so no other job waits for its lock.
const COMPLETE = prepared(
  `WITH job AS (
     UPDATE knowledge_jobs SET status = 'COMPLETED', operation = $2, reason = $3, article_id = $4, decision = $5,
       decision_key = $6, source_hash_read = $7, reused = $8, skipped = $13, error = NULL, completed_at = now(), updated_at = now(),
       model_calls = model_calls + $9, prompt_tokens = prompt_tokens + $10,
       completion_tokens = completion_tokens + $11, cached_tokens = cached_tokens + $12
     WHERE id = $1 AND status = 'IN_PROGRESS' RETURNING workspace_id),
   day AS (
     INSERT INTO workspace_model_usage (workspace_id, day, tokens)
     SELECT workspace_id, (now() AT TIME ZONE 'UTC')::date, $10::bigint + $11::bigint FROM job WHERE $9 > 0
     ON CONFLICT (workspace_id, day, shard) DO UPDATE SET tokens = workspace_model_usage.tokens + EXCLUDED.tokens)
   SELECT 1 FROM job`,
);
const LOCK_RUNNING = prepared('SELECT status FROM knowledge_jobs WHERE id = $1 FOR UPDATE');
const FIND_REUSABLE = prepared(
  `SELECT id, decision, article_id AS "articleId" FROM knowledge_jobs
   WHERE workspace_id = $1 AND decision_key = $2 AND status = 'COMPLETED' AND decision IS NOT NULL
     AND decision_rejected_at IS NULL
   ORDER BY completed_at DESC LIMIT 1`,
);

export function createJobsRepo(db: Queryable) {
  return {
    /**
     * Inserts one PENDING row per job in one statement (a bulk request carries up to 1000); with a batch,
     * the jobs keep their input order in it.
     */
    async insertMany(
      workspaceId: string,
      jobs: (NewJob & { id: string })[],
      params: JobParams,
      tx: Queryable = db,
      batchId: string | null = null,
    ): Promise<void> {
      await tx.query(
        `INSERT INTO knowledge_jobs (id, workspace_id, source_id, origin, candidate_knowledge, hc_event_id,
           allowed_ops, instructions, bot_id, is_draft, force, batch_id, batch_position)
         SELECT j.id, $1, j.source_id, j.origin, j.candidate_knowledge, j.hc_event_id, $7, $8, $9, $10, $11, $12,
           CASE WHEN $12::uuid IS NULL THEN NULL ELSE j.position END
         FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[]) WITH ORDINALITY
           AS j(id, source_id, origin, candidate_knowledge, hc_event_id, position)`,
        [
          workspaceId,
          jobs.map((job) => job.id),
          jobs.map((job) => job.sourceId),
          jobs.map((job) => job.origin),
          jobs.map((job) => job.candidateKnowledge ?? null),
          jobs.map((job) => job.hcEventId ?? null),
          params.allowedOps,
          params.instructions,
          params.botId,
          params.isDraft,
          params.force,
          batchId,
        ],
      );
    },

    async findMany(workspaceId: string, ids: string[], tx: Queryable = db): Promise<JobRow[]> {
      const { rows } = await tx.query<JobRow>(
        `SELECT ${JOB_COLUMNS} FROM knowledge_jobs WHERE workspace_id = $1 AND id = ANY($2::uuid[])`,
        [workspaceId, ids],
      );
      return rows;
    },

    /** Locks the row for the rest of the transaction; false when it is no longer IN_PROGRESS. */
    async lockRunning(id: string, tx: Queryable): Promise<boolean> {
      const { rows } = await tx.query<{ status: string }>({ ...LOCK_RUNNING, values: [id] });
      return rows[0]?.status === 'IN_PROGRESS';
    },

    /** The bot a job ran for; null when none or no such job. */
    async botOf(workspaceId: string, id: string, tx: Queryable = db): Promise<string | null> {
      const { rows } = await tx.query<{ botId: string | null }>(
        'SELECT bot_id AS "botId" FROM knowledge_jobs WHERE workspace_id = $1 AND id = $2',
        [workspaceId, id],
      );
      return rows[0]?.botId ?? null;
    },

    /** Adds one model call's usage to the job, and its tokens to the workspace's day (the daily quota). */
    async addUsage(id: string, usage: Usage, tx: Queryable = db): Promise<void> {
      await tx.query({
        ...ADD_USAGE,
        values: [id, usage.promptTokens, usage.completionTokens, usage.cachedTokens],
      });
    },

    /**
     * COMPLETED with the outcome and the usage of `calls` model calls; false (nothing written) when the
     * row is no longer IN_PROGRESS.
     */
    async complete(
      id: string,
      outcome: JobOutcome,
      usage: { calls: number } & Usage,
      tx: Queryable = db,
    ): Promise<boolean> {
      const { rowCount } = await tx.query({
        ...COMPLETE,
        values: [
          id,
          outcome.operation,
          outcome.reason,
          outcome.articleId,
          outcome.decision && JSON.stringify(outcome.decision),
          outcome.decisionKey,
          outcome.sourceHashRead,
          outcome.reused,
          usage.calls,
          usage.promptTokens,
          usage.completionTokens,
          usage.cachedTokens,
          outcome.skipped ?? false,
        ],
      });
      return (rowCount ?? 0) > 0;
    },

    /**
     * The newest completed job of the workspace with this decision key, for reuse without a model call.
     * A decision whose draft was rejected is never reused: the same input then gets a new decision.
     */
    async findReusable(
      workspaceId: string,
      decisionKey: string,
      tx: Queryable = db,
    ): Promise<{ id: string; decision: Decision; articleId: string | null } | undefined> {
      const { rows } = await tx.query<{ id: string; decision: Decision; articleId: string | null }>({
        ...FIND_REUSABLE,
        values: [workspaceId, decisionKey],
      });
      return rows[0];
    },

    /** A batch's jobs in input order, optionally of one status, after the job `afterId` (keyset). */
    async listByBatch(
      workspaceId: string,
      batchId: string,
      filter: { status?: JobStatus; afterId?: string; limit: number },
      tx: Queryable = db,
    ): Promise<JobRow[]> {
      const { rows } = await tx.query<JobRow>(
        `SELECT ${JOB_COLUMNS} FROM knowledge_jobs
         WHERE workspace_id = $1 AND batch_id = $2 AND ($3::text IS NULL OR status = $3)
           AND ($4::uuid IS NULL OR batch_position >
             (SELECT batch_position FROM knowledge_jobs WHERE id = $4 AND batch_id = $2))
         ORDER BY batch_position LIMIT $5`,
        [workspaceId, batchId, filter.status ?? null, filter.afterId ?? null, filter.limit],
      );
      return rows;
    },

    /**
     * Puts a batch's FAILED jobs back to PENDING for a new run (attempts, error and times cleared) and
     * returns their IDs; their rows are committed before they are queued again.
     */
    async requeueFailed(workspaceId: string, batchId: string, tx: Queryable = db): Promise<string[]> {
      const { rows } = await tx.query<{ id: string }>(
        `UPDATE knowledge_jobs SET status = 'PENDING', error = NULL, attempts = 0, started_at = NULL,
           completed_at = NULL, updated_at = now()
         WHERE workspace_id = $1 AND batch_id = $2 AND status = 'FAILED' RETURNING id`,
        [workspaceId, batchId],
      );
      return rows.map((row) => row.id);
    },
  };
}

export type JobsRepo = ReturnType<typeof createJobsRepo>;

// SQL for `knowledge_batches`. A batch's status, counts, usage and completion time are aggregated from its
// jobs in the read itself: no job transition has to keep a batch row in step, so none can leave it wrong.
import type { Queryable } from '../lib/db.js';
import type { Operation } from '../lib/operations.js';

export interface NewBatch {
  id: string;
  restrictedOps: Operation[];
  isDraft: boolean;
  botId: string | null;
  instructions: string;
}

export interface BatchRow extends NewBatch {
  createdAt: Date;
  /** The latest job completion; meaningful only once no job is pending or running. */
  lastCompletedAt: Date | null;
  total: number;
  pending: number;
  inProgress: number;
  completed: number;
  failed: number;
  reused: number;
  adds: number;
  updates: number;
  noOps: number;
  drafts: number;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
}

const BATCH_SELECT = `SELECT b.id, b.restricted_ops AS "restrictedOps", b.is_draft AS "isDraft", b.bot_id AS "botId",
    b.instructions, b.created_at AS "createdAt", j.*
  FROM knowledge_batches b
  CROSS JOIN LATERAL (
    SELECT max(k.completed_at) AS "lastCompletedAt",
      count(*)::int AS total,
      count(*) FILTER (WHERE k.status = 'PENDING')::int AS pending,
      count(*) FILTER (WHERE k.status = 'IN_PROGRESS')::int AS "inProgress",
      count(*) FILTER (WHERE k.status = 'COMPLETED')::int AS completed,
      count(*) FILTER (WHERE k.status = 'FAILED')::int AS failed,
      count(*) FILTER (WHERE k.status = 'COMPLETED' AND k.reused)::int AS reused,
      count(*) FILTER (WHERE k.status = 'COMPLETED' AND k.operation = 'ADD_ARTICLE_TO_FOLDER')::int AS adds,
      count(*) FILTER (WHERE k.status = 'COMPLETED' AND k.operation = 'UPDATE_ARTICLE')::int AS updates,
      count(*) FILTER (WHERE k.status = 'COMPLETED' AND k.operation = 'DO_NOTHING')::int AS "noOps",
      coalesce(sum(k.prompt_tokens), 0)::int AS "promptTokens",
      coalesce(sum(k.completion_tokens), 0)::int AS "completionTokens",
      coalesce(sum(k.cached_tokens), 0)::int AS "cachedTokens",
      (SELECT count(*)::int FROM articles a
        WHERE a.workspace_id = b.workspace_id AND a.is_draft
          AND a.background_job_id IN (SELECT id FROM knowledge_jobs WHERE batch_id = b.id)) AS drafts
    FROM knowledge_jobs k WHERE k.batch_id = b.id
  ) j`;

export function createBatchesRepo(db: Queryable) {
  return {
    async insert(workspaceId: string, batch: NewBatch, tx: Queryable = db): Promise<void> {
      await tx.query(
        `INSERT INTO knowledge_batches (id, workspace_id, restricted_ops, is_draft, bot_id, instructions)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [batch.id, workspaceId, batch.restrictedOps, batch.isDraft, batch.botId, batch.instructions],
      );
    },

    async find(workspaceId: string, id: string, tx: Queryable = db): Promise<BatchRow | undefined> {
      const { rows } = await tx.query<BatchRow>(`${BATCH_SELECT} WHERE b.workspace_id = $1 AND b.id = $2`, [
        workspaceId,
        id,
      ]);
      return rows[0];
    },

    async exists(workspaceId: string, id: string, tx: Queryable = db): Promise<boolean> {
      const { rowCount } = await tx.query(
        'SELECT 1 FROM knowledge_batches WHERE workspace_id = $1 AND id = $2',
        [workspaceId, id],
      );
      return (rowCount ?? 0) > 0;
    },

    /** Newest first; `afterId` is the keyset cursor (compared in SQL: created_at has microseconds). */
    async list(
      workspaceId: string,
      filter: { afterId?: string; limit: number },
      tx: Queryable = db,
    ): Promise<BatchRow[]> {
      const { rows } = await tx.query<BatchRow>(
        `${BATCH_SELECT} WHERE b.workspace_id = $1
           AND ($2::uuid IS NULL OR (b.created_at, b.id) <
             (SELECT created_at, id FROM knowledge_batches WHERE workspace_id = $1 AND id = $2))
         ORDER BY b.created_at DESC, b.id DESC LIMIT $3`,
        [workspaceId, filter.afterId ?? null, filter.limit],
      );
      return rows;
    },
  };
}

export type BatchesRepo = ReturnType<typeof createBatchesRepo>;

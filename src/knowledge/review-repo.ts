// SQL for the review queue (docs/api.md "Review queue"): drafts awaiting review with what a queue row
// shows, their counts per operation, and the reject write.
import type { Queryable } from '../lib/db.js';
import type { Operation } from '../lib/operations.js';

export interface ReviewFilter {
  operation?: Operation;
  parentFolderId?: string;
  batchId?: string;
  sourceId?: string;
  /** Case-insensitive substring of the title or body. */
  text?: string;
}

export interface ReviewRow {
  id: string;
  title: string;
  operation: Operation | null;
  parentFolderId: string | null;
  originalArticleId: string | null;
  createdAt: Date;
  updatedAt: Date;
  stale: boolean;
  sourceId: string | null;
  sourceTitle: string | null;
  sourceUrl: string | null;
  batchId: string | null;
  backgroundJobId: string | null;
  linkedReason: string | null;
}

/** WHERE conditions for the open drafts of `$1` matching the filter (values appended to `values`). */
function openDrafts(filter: ReviewFilter, values: unknown[], options: { withOperation: boolean }): string {
  const conditions = [
    'a.workspace_id = $1',
    'a.is_draft',
    'NOT a.is_draft_published',
    'a.rejected_at IS NULL',
  ];
  const add = (sql: (placeholder: string) => string, value: unknown) => {
    values.push(value);
    conditions.push(sql(`$${values.length}`));
  };
  if (options.withOperation && filter.operation) add((p) => `a.operation = ${p}`, filter.operation);
  if (filter.parentFolderId) add((p) => `a.parent_folder_id = ${p}`, filter.parentFolderId);
  if (filter.sourceId) add((p) => `a.source_document_id = ${p}`, filter.sourceId);
  if (filter.batchId)
    add(
      (p) =>
        `a.background_job_id IN (SELECT id FROM knowledge_jobs WHERE workspace_id = $1 AND batch_id = ${p})`,
      filter.batchId,
    );
  // ILIKE over lower()/strpos: no lowered copy of every body; the text's own wildcards are escaped.
  if (filter.text)
    add(
      (p) => `(a.title ILIKE ${p} OR a.main_knowledge ILIKE ${p})`,
      `%${filter.text.replace(/[\\%_]/g, '\\$&')}%`,
    );
  return conditions.join(' AND ');
}

export function createReviewRepo(db: Queryable) {
  return {
    /** Newest first; `afterId` is the keyset cursor (compared in SQL: created_at has microseconds). */
    async list(
      workspaceId: string,
      filter: ReviewFilter & { afterId?: string; limit: number },
      tx: Queryable = db,
    ): Promise<ReviewRow[]> {
      const values: unknown[] = [workspaceId];
      let where = openDrafts(filter, values, { withOperation: true });
      if (filter.afterId) {
        values.push(filter.afterId);
        where += ` AND (a.created_at, a.id) < (SELECT created_at, id FROM articles WHERE workspace_id = $1 AND id = $${values.length})`;
      }
      values.push(filter.limit);
      const { rows } = await tx.query<ReviewRow>(
        `SELECT a.id, a.title, a.operation, a.parent_folder_id AS "parentFolderId",
           a.original_article_id AS "originalArticleId", a.created_at AS "createdAt", a.updated_at AS "updatedAt",
           (a.original_article_version IS NOT NULL AND (o.id IS NULL OR o.version > a.original_article_version)) AS stale,
           a.source_document_id AS "sourceId", s.title AS "sourceTitle", s.original_url AS "sourceUrl",
           j.batch_id AS "batchId", a.background_job_id AS "backgroundJobId", a.linked_reason AS "linkedReason"
         FROM articles a
           LEFT JOIN articles o ON o.id = a.original_article_id
           LEFT JOIN sources s ON s.id = a.source_document_id
           LEFT JOIN knowledge_jobs j ON j.id = a.background_job_id
         WHERE ${where}
         ORDER BY a.created_at DESC, a.id DESC LIMIT $${values.length}`,
        values,
      );
      return rows;
    },

    /** Open drafts per operation for the filter, its `operation` ignored (hand-made forks count as null). */
    async countByOperation(
      workspaceId: string,
      filter: ReviewFilter,
      tx: Queryable = db,
    ): Promise<{ operation: Operation | null; count: number }[]> {
      const values: unknown[] = [workspaceId];
      const { rows } = await tx.query<{ operation: Operation | null; count: number }>(
        `SELECT a.operation, count(*)::int AS count FROM articles a
         WHERE ${openDrafts(filter, values, { withOperation: false })} GROUP BY a.operation`,
        values,
      );
      return rows;
    },

    /** Folder titles from the root down to each given folder. */
    async folderPaths(
      workspaceId: string,
      folderIds: string[],
      tx: Queryable = db,
    ): Promise<Map<string, string[]>> {
      if (folderIds.length === 0) return new Map();
      const { rows } = await tx.query<{ folderId: string; path: string[] }>(
        `WITH RECURSIVE up AS (
           SELECT id AS start, parent_id, title, 0 AS depth FROM folders
           WHERE workspace_id = $1 AND id = ANY($2::uuid[])
           UNION ALL
           SELECT up.start, f.parent_id, f.title, up.depth + 1 FROM folders f
             JOIN up ON f.id = up.parent_id WHERE up.depth < 100)
         SELECT start AS "folderId", array_agg(title ORDER BY depth DESC) AS path FROM up GROUP BY start`,
        [workspaceId, folderIds],
      );
      return new Map(rows.map((row) => [row.folderId, row.path]));
    },

    /**
     * Rejects a draft, and marks the decision of every job that produced or reused it as rejected, so no
     * later run with the same input reuses that decision.
     */
    async reject(workspaceId: string, id: string, reason: string | null, tx: Queryable = db): Promise<void> {
      await tx.query(
        `UPDATE articles SET rejected_at = clock_timestamp(), reject_reason = $3, updated_at = clock_timestamp()
         WHERE workspace_id = $1 AND id = $2`,
        [workspaceId, id, reason],
      );
      await tx.query(
        `UPDATE knowledge_jobs SET decision_rejected_at = now(), updated_at = now()
         WHERE workspace_id = $1 AND decision_rejected_at IS NULL
           AND (article_id = $2 OR id = (SELECT background_job_id FROM articles WHERE id = $2))`,
        [workspaceId, id],
      );
    },
  };
}

export type ReviewRepo = ReturnType<typeof createReviewRepo>;

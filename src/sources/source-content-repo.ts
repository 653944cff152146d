// What an ingestion job writes to its source: the row it locks and fetches, the content it stores (or the
// 304 and the failure it records), and the end of its ingest job. Part of the sources repository
// (sources-repo.ts).
import type { Queryable } from '../lib/db.js';
import {
  CONTENT_SET,
  contentValues,
  SOURCE_COLUMNS,
  SOURCE_FROM,
  type SourceRow,
  type StoredContent,
} from './source-rows.js';

export function sourceContentQueries(db: Queryable) {
  return {
    /** Locks the source row for the rest of the transaction (content writes are serialized per source). */
    async findForUpdate(workspaceId: string, id: string, tx: Queryable): Promise<SourceRow | undefined> {
      const { rows } = await tx.query<SourceRow>(
        `SELECT ${SOURCE_COLUMNS} FROM ${SOURCE_FROM} WHERE s.workspace_id = $1 AND s.id = $2 FOR UPDATE OF s`,
        [workspaceId, id],
      );
      return rows[0];
    },

    /** Locks the source row for the rest of the transaction without reading it; false when it is gone. */
    async lock(workspaceId: string, id: string, tx: Queryable): Promise<boolean> {
      const { rowCount } = await tx.query(
        'SELECT 1 FROM sources WHERE workspace_id = $1 AND id = $2 FOR UPDATE',
        [workspaceId, id],
      );
      return (rowCount ?? 0) > 0;
    },

    // --- ingest jobs ------------------------------------------------------------------------------------

    async finishJob(
      workspaceId: string,
      jobId: string,
      outcome: { status: 'COMPLETED' | 'FAILED'; error: string | null },
      tx: Queryable = db,
    ): Promise<void> {
      await tx.query(
        `UPDATE ingest_jobs SET status = $3, error = $4, completed_at = now(), updated_at = now()
         WHERE workspace_id = $1 AND id = $2`,
        [workspaceId, jobId, outcome.status, outcome.error],
      );
    },

    // --- source content ---------------------------------------------------------------------------------

    async storeContent(
      workspaceId: string,
      id: string,
      content: StoredContent,
      tx: Queryable,
    ): Promise<void> {
      await tx.query(`UPDATE sources SET ${CONTENT_SET} WHERE workspace_id = $1 AND id = $2`, [
        workspaceId,
        id,
        ...contentValues(content),
      ]);
    },

    /** 304: nothing changed, so neither does updated_at — unless the source recovers from a failure. */
    async markNotModified(workspaceId: string, id: string, tx: Queryable): Promise<void> {
      // A successful source keeps its error too: it is the notice of what was cut from the same content.
      await tx.query(
        `UPDATE sources SET success = true, error = CASE WHEN success THEN error ELSE '' END, fetched_at = now(),
           updated_at = CASE WHEN success THEN updated_at ELSE now() END
         WHERE workspace_id = $1 AND id = $2`,
        [workspaceId, id],
      );
    },

    /** The content stays: a failed refresh never loses what was there. */
    async markFailed(workspaceId: string, id: string, error: string, tx: Queryable): Promise<void> {
      await tx.query(
        `UPDATE sources SET success = false, error = $3, updated_at = now() WHERE workspace_id = $1 AND id = $2`,
        [workspaceId, id, error],
      );
    },
  };
}

// A source's health as stored (docs/api.md "Source health"): the gone strikes and the refresh held back as
// suspect, with the content it would have stored. The rules are source-health.ts; this is part of the
// sources repository (sources-repo.ts).
import type { Queryable } from '../lib/db.js';
import type { NewContent } from './source-rows.js';

export function sourceHealthQueries(db: Queryable) {
  return {
    /** Clears the gone strikes and any held-back refresh. */
    async markHealthy(workspaceId: string, id: string, tx: Queryable = db): Promise<void> {
      await tx.query(
        `UPDATE sources SET gone = false, gone_strikes = 0, gone_strike_job_id = NULL, suspect = NULL,
           held_title = NULL, held_mime_type = NULL, held_paragraphs = NULL, held_hash = NULL,
           held_etag = NULL, held_last_modified = NULL
         WHERE workspace_id = $1 AND id = $2`,
        [workspaceId, id],
      );
    },

    /** Stores `held` aside with the reason; the current content and `changed` stay. */
    async holdBack(
      workspaceId: string,
      id: string,
      reason: string,
      held: NewContent,
      tx: Queryable = db,
    ): Promise<void> {
      await tx.query(
        `UPDATE sources SET suspect = $3, held_title = $4, held_mime_type = $5, held_paragraphs = $6,
           held_hash = $7, held_etag = $8, held_last_modified = $9, gone = false, gone_strikes = 0,
           gone_strike_job_id = NULL, success = true, error = '', fetched_at = now(), updated_at = now()
         WHERE workspace_id = $1 AND id = $2`,
        [
          workspaceId,
          id,
          reason,
          held.title,
          held.mimeType,
          held.paragraphs,
          held.contentHash,
          held.etag,
          held.lastModified,
        ],
      );
    },

    /** The held columns as they are (null when nothing is held), with the reason and the current breadcrumb. */
    async findHeld(
      workspaceId: string,
      id: string,
      tx: Queryable = db,
    ): Promise<(NewContent & { suspect: string | null }) | undefined> {
      const { rows } = await tx.query<NewContent & { suspect: string | null }>(
        `SELECT suspect, held_title AS title, held_mime_type AS "mimeType", held_paragraphs AS paragraphs,
           held_hash AS "contentHash", held_etag AS etag, held_last_modified AS "lastModified",
           breadcrumb
         FROM sources WHERE workspace_id = $1 AND id = $2`,
        [workspaceId, id],
      );
      return rows[0];
    },

    /**
     * One gone strike for ingest job `jobId`, at most once per job; the source is gone from `goneAfter`
     * strikes on. Undefined when this job already struck (or the source is gone from the table).
     */
    async countGoneStrike(
      workspaceId: string,
      id: string,
      jobId: string,
      goneAfter: number,
      tx: Queryable = db,
    ): Promise<{ gone: boolean; wasGone: boolean } | undefined> {
      const { rows } = await tx.query<{ gone: boolean; wasGone: boolean }>(
        `UPDATE sources s SET gone_strikes = s.gone_strikes + 1, gone_strike_job_id = $3,
           gone = s.gone_strikes + 1 >= $4
         FROM (SELECT gone FROM sources WHERE workspace_id = $1 AND id = $2) AS before
         WHERE s.workspace_id = $1 AND s.id = $2 AND s.gone_strike_job_id IS DISTINCT FROM $3
         RETURNING s.gone, before.gone AS "wasGone"`,
        [workspaceId, id, jobId, goneAfter],
      );
      return rows[0];
    },
  };
}

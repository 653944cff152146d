// Source health (docs/api.md "Source health"): pages that are gone, and refreshes held back because the
// page most likely broke (a login wall, an error page, a redirect to another site) rather than changed.
// A held-back refresh keeps the old content current, so a broken page never flags knowledge as changed.
import type { PoolClient, Queryable } from '../lib/db.js';
import { AppError } from '../lib/errors.js';
import type { ArticlesService } from '../knowledge/articles-service.js';
import { emitEvent } from '../webhooks/events.js';
import type { NewContent, SourceRow } from './sources-repo.js';

/** More than this share of the text lost in one refresh is treated as breakage, not an edit. */
export const MAX_SHRINK = 0.6;
/** Consecutive 404/410 answers that make a page gone. */
export const GONE_AFTER = 2;
export const GONE_REASON = 'the page it was written from is gone';

const textLength = (paragraphs: string[]) => paragraphs.reduce((sum, paragraph) => sum + paragraph.length, 0);

/**
 * Why a refresh looks like breakage, or null when it is a normal refresh. Only a source that already has
 * content can be broken: a first fetch has nothing to compare with.
 */
export function suspectReason(
  current: Pick<SourceRow, 'paragraphs' | 'contentHash' | 'originalUrl'>,
  next: { paragraphs: string[]; url: URL },
): string | null {
  if (current.contentHash === null) return null;
  const host = new URL(current.originalUrl).hostname;
  if (next.url.hostname !== host) return `the page redirected to another host (${next.url.hostname})`;
  const before = textLength(current.paragraphs);
  const after = textLength(next.paragraphs);
  if (after === 0) return 'the extracted text is empty';
  if (before > 0 && after < before * (1 - MAX_SHRINK))
    return `the extracted text shrank by ${Math.round((1 - after / before) * 100)} % (from ${before} to ${after} characters)`;
  return null;
}

/** The content a suspect refresh held back: what a normal refresh would have stored. */
export type HeldContent = NewContent;

export function createSourceHealth(db: Queryable, articles: Pick<ArticlesService, 'forkDraft'>) {
  return {
    /** A normal refresh: the page is there and what it answered is current. */
    async markHealthy(workspaceId: string, id: string, tx: Queryable): Promise<void> {
      await tx.query(
        `UPDATE sources SET gone = false, gone_strikes = 0, gone_strike_job_id = NULL, suspect = NULL,
           held_title = NULL, held_mime_type = NULL, held_paragraphs = NULL, held_hash = NULL,
           held_etag = NULL, held_last_modified = NULL
         WHERE workspace_id = $1 AND id = $2`,
        [workspaceId, id],
      );
    },

    /** Keeps the old content current and the new one aside, with the reason; `changed` is not touched. */
    async holdBack(
      workspaceId: string,
      id: string,
      reason: string,
      held: HeldContent,
      tx: Queryable,
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

    /** The content a suspect refresh held back, or undefined when the source is not suspect. */
    /** The held-back content; its breadcrumb is the source's current one (a hold keeps none of its own). */
    async held(workspaceId: string, id: string, tx: Queryable): Promise<HeldContent | undefined> {
      const { rows } = await tx.query<HeldContent & { suspect: string | null }>(
        `SELECT suspect, held_title AS title, held_mime_type AS "mimeType", held_paragraphs AS paragraphs,
           held_hash AS "contentHash", held_etag AS etag, held_last_modified AS "lastModified",
           breadcrumb
         FROM sources WHERE workspace_id = $1 AND id = $2`,
        [workspaceId, id],
      );
      const row = rows[0];
      if (!row || row.suspect === null || row.contentHash === null) return undefined;
      const { suspect: _suspect, ...held } = row;
      return held;
    },

    /**
     * Counts a 404/410 answer of ingest job `jobId` (once per job, so a re-run does not count twice). On the
     * strike that makes the page gone, its linked article gets a draft proposing to deactivate it; nothing
     * is deleted. True when this strike made the page gone.
     */
    async strike(source: SourceRow, jobId: string, tx: PoolClient): Promise<boolean> {
      const { rows } = await tx.query<{ gone: boolean; wasGone: boolean }>(
        `UPDATE sources s SET gone_strikes = s.gone_strikes + 1, gone_strike_job_id = $3,
           gone = s.gone_strikes + 1 >= $4
         FROM (SELECT gone FROM sources WHERE workspace_id = $1 AND id = $2) AS before
         WHERE s.workspace_id = $1 AND s.id = $2 AND s.gone_strike_job_id IS DISTINCT FROM $3
         RETURNING s.gone, before.gone AS "wasGone"`,
        [source.workspaceId, source.id, jobId, GONE_AFTER],
      );
      const row = rows[0];
      if (!row?.gone || row.wasGone) return false;
      await emitEvent(tx, source.workspaceId, 'source.gone', {
        documentId: source.id,
        url: source.originalUrl,
        linkedKnowledgeId: source.linkedKnowledgeId,
      });
      if (source.linkedKnowledgeId) await proposeDeactivation(source, tx);
      return true;
    },
  };

  async function proposeDeactivation(source: SourceRow, tx: PoolClient): Promise<void> {
    try {
      await articles.forkDraft(
        source.workspaceId,
        source.linkedKnowledgeId!,
        { active: false },
        tx,
        GONE_REASON,
      );
    } catch (error) {
      // The linked article was deleted or is not live: there is nothing to deactivate.
      if (!(error instanceof AppError && (error.code === 'NOT_FOUND' || error.code === 'BAD_REQUEST')))
        throw error;
    }
  }
}

export type SourceHealth = ReturnType<typeof createSourceHealth>;

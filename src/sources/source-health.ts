// Source health (docs/api.md "Source health"): pages that are gone, and refreshes held back because the
// page most likely broke (a login wall, an error page, a redirect to another site) rather than changed.
// A held-back refresh keeps the old content current, so a broken page never flags knowledge as changed.
import type { PoolClient, Queryable } from '../lib/db.js';
import { AppError } from '../lib/errors.js';
import type { ArticlesService } from '../knowledge/articles-service.js';
import { emitEvent } from '../webhooks/events.js';
import type { NewContent, SourceRow, SourcesRepo } from './sources-repo.js';

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

export function createSourceHealth(
  repo: Pick<SourcesRepo, 'markHealthy' | 'holdBack' | 'findHeld' | 'countGoneStrike'>,
  articles: Pick<ArticlesService, 'forkDraft'>,
) {
  return {
    /** A normal refresh: the page is there and what it answered is current. */
    markHealthy: (workspaceId: string, id: string, tx: Queryable) => repo.markHealthy(workspaceId, id, tx),

    /** Keeps the old content current and the new one aside, with the reason; `changed` is not touched. */
    holdBack: (workspaceId: string, id: string, reason: string, held: HeldContent, tx: Queryable) =>
      repo.holdBack(workspaceId, id, reason, held, tx),

    /**
     * The content a suspect refresh held back, or undefined when the source is not suspect; its breadcrumb is
     * the source's current one (a hold keeps none of its own).
     */
    async held(workspaceId: string, id: string, tx: Queryable): Promise<HeldContent | undefined> {
      const row = await repo.findHeld(workspaceId, id, tx);
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
      const row = await repo.countGoneStrike(source.workspaceId, source.id, jobId, GONE_AFTER, tx);
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

// One attempt of an ingestion job (docs/architecture.md §3): fetch → extract → store, with the change rule of
// docs/api.md §3 in the transaction that stores the content. The outcome is written to PostgreSQL before
// BullMQ hears of it (docs/architecture.md §4, failures); the worker only translates it into retry or give up.
import { withTransaction, type Pool } from '../lib/db.js';
import type { Logger } from '../lib/logger.js';
import { contentHash, extractContent } from './fetch/extract.js';
import { FetchError, isFetchError } from './fetch/fetch-errors.js';
import { parseWebUrl } from './fetch/normalize-url.js';
import { capParagraphs } from './source-limits.js';
import type { WebClient } from './fetch/web-client.js';
import type { IngestJobData } from './ingest-queue.js';
import { createSourcesRepo, type FetchTarget, type SourceRow } from './sources-repo.js';

/** Thrown after the failure is recorded: `permanent` = do not retry. */
export class IngestFailure extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'IngestFailure';
  }
}

export type IngestOutcome = 'stored' | 'unchanged' | 'not-modified' | 'skipped';

/**
 * The change rule. New content replaces the old, which moves to oldParagraphs. `changed` is recomputed
 * only when the content really changed: true when the source backs knowledge (linkedKnowledgeId) whose
 * saved hash differs from the new one — so content that changes back to what was saved clears it.
 */
export function applyChangeRule(
  source: Pick<
    SourceRow,
    'paragraphs' | 'oldParagraphs' | 'contentHash' | 'savedHash' | 'linkedKnowledgeId' | 'changed'
  >,
  next: { paragraphs: string[]; contentHash: string },
): { paragraphs: string[]; oldParagraphs: string[]; changed: boolean; contentChanged: boolean } {
  if (source.contentHash === next.contentHash)
    return {
      paragraphs: source.paragraphs,
      oldParagraphs: source.oldParagraphs,
      changed: source.changed,
      contentChanged: false,
    };
  const firstContent = source.contentHash === null;
  const linked = source.linkedKnowledgeId !== null;
  // Knowledge saved from an unknown hash: any real change counts; on first content only a known hash can differ.
  const differsFromSaved = source.savedHash === null ? !firstContent : next.contentHash !== source.savedHash;
  return {
    paragraphs: next.paragraphs,
    oldParagraphs: firstContent ? source.oldParagraphs : source.paragraphs,
    changed: linked && differsFromSaved,
    contentChanged: true,
  };
}

export function createIngestService(pool: Pool, web: WebClient, logger: Logger) {
  const repo = createSourcesRepo(pool);

  async function fail(data: IngestJobData, message: string, permanent: boolean): Promise<never> {
    await withTransaction(pool, async (tx) => {
      await repo.markFailed(data.workspaceId, data.sourceId, message, tx);
      await repo.finishJob(data.workspaceId, data.ingestJobId, { status: 'FAILED', error: message }, tx);
    });
    throw new IngestFailure(message, permanent);
  }

  async function fetchAndStore(
    data: IngestJobData,
    source: FetchTarget,
    signal?: AbortSignal,
  ): Promise<IngestOutcome> {
    if (source.sourceType !== 'web')
      throw new FetchError(
        'invalid-url',
        `${source.sourceType} sources cannot be fetched: the ${source.sourceType} provider is not connected in Distill.`,
      );
    const url = parseWebUrl(source.originalUrl);
    if (!url) throw new FetchError('invalid-url', `${source.originalUrl} is not an http or https URL.`);
    // Validators only make sense when we hold the content they describe.
    const hasContent = source.contentHash !== null;
    const page = await web.fetchPage(url, {
      etag: hasContent ? source.etag : null,
      lastModified: hasContent ? source.lastModified : null,
      signal,
    });

    if (page.kind === 'not-modified') {
      await withTransaction(pool, async (tx) => {
        if (!(await repo.lock(data.workspaceId, data.sourceId, tx))) return;
        await repo.markNotModified(data.workspaceId, data.sourceId, tx);
        await repo.finishJob(data.workspaceId, data.ingestJobId, { status: 'COMPLETED', error: null }, tx);
      });
      return 'not-modified';
    }

    const extracted = extractContent(page.body, page.contentType, page.url);
    const capped = capParagraphs(extracted.paragraphs);
    const hash = contentHash(capped.paragraphs);
    return withTransaction(pool, async (tx) => {
      const current = await repo.findForUpdate(data.workspaceId, data.sourceId, tx);
      if (!current) return 'skipped';
      const next = applyChangeRule(current, { paragraphs: capped.paragraphs, contentHash: hash });
      await repo.storeContent(
        data.workspaceId,
        data.sourceId,
        {
          title: extracted.title,
          mimeType: extracted.mimeType,
          paragraphs: next.paragraphs,
          oldParagraphs: next.oldParagraphs,
          changed: next.changed,
          contentHash: hash,
          breadcrumb: extracted.breadcrumb,
          etag: page.etag,
          lastModified: page.lastModified,
          notice: capped.notice,
        },
        tx,
      );
      await repo.finishJob(data.workspaceId, data.ingestJobId, { status: 'COMPLETED', error: null }, tx);
      return next.contentChanged ? 'stored' : 'unchanged';
    });
  }

  return {
    /**
     * BullMQ gave up on a job without the processor recording it (it stalled too often: the worker died or
     * its event loop was blocked). Finishes the row so the source does not stay IN_PROGRESS forever.
     */
    async abandon(data: IngestJobData, reason: string): Promise<void> {
      const message = `Ingestion was abandoned (${reason}); refresh the source to try again.`;
      await withTransaction(pool, async (tx) => {
        if (await repo.failUnfinishedJob(data.workspaceId, data.ingestJobId, message, tx))
          await repo.markFailed(data.workspaceId, data.sourceId, message, tx);
      });
    },

    /**
     * Runs one attempt. Resolves when the job is COMPLETED (or had nothing left to do); throws IngestFailure
     * once the failure is recorded: FAILED at once when permanent or on the last attempt, else still
     * IN_PROGRESS for BullMQ to retry.
     */
    async run(
      data: IngestJobData,
      attempt: { lastAttempt: boolean; signal?: AbortSignal },
    ): Promise<IngestOutcome> {
      const started = await repo.startJob(data.workspaceId, data.ingestJobId);
      // Finished already (a duplicate delivery), or deleted with its source.
      if (!started) return 'skipped';
      const source = await repo.findForFetch(data.workspaceId, data.sourceId);
      if (!source) return 'skipped';
      try {
        return await fetchAndStore(data, source, attempt.signal);
      } catch (error) {
        if (isFetchError(error)) {
          if (error.permanent) return fail(data, error.message, true);
          if (attempt.lastAttempt)
            return fail(data, `${error.message} (gave up after ${started.attempts} attempts)`, true);
          await repo.noteJobError(data.workspaceId, data.ingestJobId, error.message);
          throw new IngestFailure(error.message, false);
        }
        // Ours, not the page's (database, bug): log it whole, show the user a sentence.
        logger.error({ err: error, ...data }, 'ingest attempt failed unexpectedly');
        const message = 'Ingestion failed because of an internal error; try refreshing the source later.';
        if (attempt.lastAttempt) return fail(data, message, true);
        await repo.noteJobError(data.workspaceId, data.ingestJobId, message).catch(() => undefined);
        throw new IngestFailure(message, false);
      }
    },
  };
}

export type IngestService = ReturnType<typeof createIngestService>;

// One attempt of an ingestion job (DESIGN.md §3): fetch → extract → store, with the change rule of
// API.md §3 in the transaction that stores the content. Failures are recorded by the job framework
// (lib/jobs/define-job.ts) before BullMQ hears of them; sources/ingest-job.ts is the queue's definition.
import { withTransaction, type Pool, type Queryable } from '../lib/db.js';
import { contentHash, extractContent } from './fetch/extract.js';
import { FetchError } from './fetch/fetch-errors.js';
import { parseWebUrl } from './fetch/normalize-url.js';
import type { WebClient } from './fetch/web-client.js';
import { emitEvent } from '../webhooks/events.js';
import type { IngestJobData } from './ingest-queue.js';
import { createSourcesRepo, type SourceRow } from './sources-repo.js';

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

export function createIngestService(pool: Pool, web: WebClient) {
  const repo = createSourcesRepo(pool);

  async function fetchAndStore(
    data: IngestJobData,
    source: SourceRow,
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
        if (!(await repo.findForUpdate(data.workspaceId, data.sourceId, tx))) return;
        await repo.markNotModified(data.workspaceId, data.sourceId, tx);
        await repo.finishJob(data.workspaceId, data.ingestJobId, { status: 'COMPLETED', error: null }, tx);
      });
      return 'not-modified';
    }

    const extracted = extractContent(page.body, page.contentType, page.url);
    const hash = contentHash(extracted.paragraphs);
    return withTransaction(pool, async (tx) => {
      const current = await repo.findForUpdate(data.workspaceId, data.sourceId, tx);
      if (!current) return 'skipped';
      const next = applyChangeRule(current, { paragraphs: extracted.paragraphs, contentHash: hash });
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
          etag: page.etag,
          lastModified: page.lastModified,
        },
        tx,
      );
      await repo.finishJob(data.workspaceId, data.ingestJobId, { status: 'COMPLETED', error: null }, tx);
      if (next.contentChanged && next.changed)
        await emitEvent(tx, data.workspaceId, 'source.changed', {
          documentId: data.sourceId,
          url: current.originalUrl,
          title: extracted.title,
          contentHash: hash,
        });
      return next.contentChanged ? 'stored' : 'unchanged';
    });
  }

  return {
    /**
     * Runs one attempt (the ingest job definition calls it once the job framework started the row).
     * Resolves when the job is COMPLETED, or had nothing left to do; throws when the attempt failed — a
     * FetchError says whether retrying can help — and the framework records the failure (recordFailure).
     */
    async run(data: IngestJobData, attempt: { signal?: AbortSignal }): Promise<IngestOutcome> {
      // Deleting a source deletes its jobs, so a started job's source is normally there.
      const source = await repo.find(data.workspaceId, data.sourceId);
      if (!source) return 'skipped';
      return fetchAndStore(data, source, attempt.signal);
    },

    /** The source's side of a FAILED ingest job, in the transaction that fails the job. */
    async recordFailure(data: IngestJobData, message: string, tx: Queryable): Promise<void> {
      await repo.markFailed(data.workspaceId, data.sourceId, message, tx);
      await emitEvent(tx, data.workspaceId, 'source.failed', { documentId: data.sourceId, error: message });
    },
  };
}

export type IngestService = ReturnType<typeof createIngestService>;

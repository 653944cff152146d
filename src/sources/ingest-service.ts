// One attempt of an ingestion job (docs/architecture.md §3): fetch → extract → store, with the change rule of
// docs/api.md §3 in the transaction that stores the content. Failures are recorded by the job framework
// (lib/jobs/define-job.ts) before BullMQ hears of them; sources/ingest-queue.ts is the queue's definition.
import type { ArticlesService } from '../knowledge/articles-service.js';
import { withTransaction, type Pool, type Queryable } from '../lib/db.js';
import { contentHash, type Extracted } from './fetch/extract.js';
import { createExtractPool, type ExtractPool } from './fetch/extract-pool.js';
import { FetchError, isFetchError } from './fetch/fetch-errors.js';
import { parseWebUrl } from './fetch/normalize-url.js';
import type { WebClient } from './fetch/web-client.js';
import { emitEvent } from '../webhooks/events.js';
import type { IngestJobData } from './ingest-queue.js';
import { capParagraphs } from './source-limits.js';
import { createSourceHealth, suspectReason, type HeldContent } from './source-health.js';
import type { IngestRepo, StartedIngestRow, StartSource } from './ingest-repo.js';
import type { SourceRow, SourcesRepo } from './sources-repo.js';

/** What a fetch stores: the extracted page, cut to the size limits (the notice says what was cut). */
type StoredContent = HeldContent & { notice: string };

export type IngestOutcome = 'stored' | 'unchanged' | 'not-modified' | 'suspect' | 'skipped';

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

/** Extracted content; a page with no text is empty content (not a failure) when there is content to keep. */
async function extractOrEmpty(
  extractor: ExtractPool,
  page: { body: Buffer; contentType: string; url: URL },
  hasContent: boolean,
): Promise<Extracted> {
  try {
    return await extractor.extract(page.body, page.contentType, page.url);
  } catch (error) {
    if (!hasContent || !isFetchError(error) || error.reason !== 'empty-content') throw error;
    return { title: '', mimeType: '', paragraphs: [], breadcrumb: [] };
  }
}

export function createIngestService(
  pool: Pool,
  repos: { sources: SourcesRepo; ingest: IngestRepo },
  web: WebClient,
  /** A gone page's linked article gets a draft proposing to deactivate it (source-health.ts). */
  articles: Pick<ArticlesService, 'forkDraft'>,
  options: { extractThreads?: number } = {},
) {
  const { sources: repo, ingest: ingestRepo } = repos;
  const health = createSourceHealth(repo, articles);
  const extractor = createExtractPool({ threads: options.extractThreads });

  /**
   * The plain case in one statement (ingest-repo.ts): not held back, no change event, and the source still
   * as the start read it. Undefined when the locked transaction must decide.
   */
  async function storeAsRead(
    data: IngestJobData,
    read: StartSource,
    content: StoredContent,
    url: URL,
  ): Promise<IngestOutcome | undefined> {
    if (suspectReason(read, { paragraphs: content.paragraphs, url })) return undefined;
    const next = applyChangeRule(read, content);
    if (next.contentChanged && next.changed) return undefined;
    const stored = await ingestRepo.storeIfUnchanged({
      ...data,
      read,
      content: { ...content, ...next },
    });
    if (!stored) return undefined;
    return next.contentChanged ? 'stored' : 'unchanged';
  }

  async function fetchAndStore(
    data: IngestJobData,
    source: StartSource,
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
        await health.markHealthy(data.workspaceId, data.sourceId, tx);
        await repo.finishJob(data.workspaceId, data.ingestJobId, { status: 'COMPLETED', error: null }, tx);
      });
      return 'not-modified';
    }

    const extracted = await extractOrEmpty(extractor, page, hasContent);
    const capped = capParagraphs(extracted.paragraphs);
    const content: StoredContent = {
      title: extracted.title,
      mimeType: extracted.mimeType,
      paragraphs: capped.paragraphs,
      contentHash: contentHash(capped.paragraphs),
      etag: page.etag,
      lastModified: page.lastModified,
      breadcrumb: extracted.breadcrumb,
      notice: capped.notice,
    };
    const outcome = await storeAsRead(data, source, content, page.url);
    if (outcome) return outcome;
    return withTransaction(pool, async (tx) => {
      const current = await repo.findForUpdate(data.workspaceId, data.sourceId, tx);
      if (!current) return 'skipped';
      const reason = suspectReason(current, { paragraphs: content.paragraphs, url: page.url });
      let outcome: IngestOutcome;
      if (reason) {
        await health.holdBack(data.workspaceId, data.sourceId, reason, content, tx);
        outcome = 'suspect';
      } else {
        outcome = (await storeWithChangeRule(current, content, tx)) ? 'stored' : 'unchanged';
        await health.markHealthy(data.workspaceId, data.sourceId, tx);
      }
      await repo.finishJob(data.workspaceId, data.ingestJobId, { status: 'COMPLETED', error: null }, tx);
      return outcome;
    });
  }

  /**
   * Stores fetched content under the change rule; true when the content changed. Content a suspect
   * refresh held back carries no size notice.
   */
  async function storeWithChangeRule(
    current: SourceRow,
    content: HeldContent & Partial<Pick<StoredContent, 'notice'>>,
    tx: Queryable,
  ): Promise<boolean> {
    const next = applyChangeRule(current, content);
    await repo.storeContent(
      current.workspaceId,
      current.id,
      {
        notice: '',
        ...content,
        paragraphs: next.paragraphs,
        oldParagraphs: next.oldParagraphs,
        changed: next.changed,
      },
      tx,
    );
    if (next.contentChanged && next.changed)
      await emitEvent(tx, current.workspaceId, 'source.changed', {
        documentId: current.id,
        url: current.originalUrl,
        title: content.title,
        contentHash: content.contentHash,
      });
    return next.contentChanged;
  }

  /** A 404/410 counts towards `gone`; the job still fails as before, so the source says why. */
  async function countGone(data: IngestJobData, error: unknown): Promise<void> {
    if (!isFetchError(error) || (error.status !== 404 && error.status !== 410)) return;
    await withTransaction(pool, async (tx) => {
      const current = await repo.findForUpdate(data.workspaceId, data.sourceId, tx);
      if (current) await health.strike(current, data.ingestJobId, tx);
    });
  }

  return {
    /**
     * Runs one attempt (the ingest job definition calls it once the job framework started the row).
     * Resolves when the job is COMPLETED, or had nothing left to do; throws when the attempt failed — a
     * FetchError says whether retrying can help — and the framework records the failure (recordFailure).
     */
    async run(
      data: IngestJobData,
      attempt: { signal?: AbortSignal; row: StartedIngestRow },
    ): Promise<IngestOutcome> {
      // The start read the source (ingest-repo.ts). Deleting a source deletes its jobs, so a started job's
      // source is normally there.
      const source = attempt.row.source;
      if (!source) return 'skipped';
      try {
        return await fetchAndStore(data, source, attempt.signal);
      } catch (error) {
        await countGone(data, error);
        throw error;
      }
    },

    /**
     * Applies the content a suspect refresh held back, under the change rule, as a normal refresh would
     * (POST /v2/documents/public/:id/accept-refresh). False when the source is not suspect.
     */
    async acceptRefresh(workspaceId: string, id: string): Promise<boolean> {
      return withTransaction(pool, async (tx) => {
        const current = await repo.findForUpdate(workspaceId, id, tx);
        const held = current && (await health.held(workspaceId, id, tx));
        if (!current || !held) return false;
        await storeWithChangeRule(current, held, tx);
        await health.markHealthy(workspaceId, id, tx);
        return true;
      });
    },

    /** The source's side of a FAILED ingest job, in the transaction that fails the job. */
    async recordFailure(data: IngestJobData, message: string, tx: Queryable): Promise<void> {
      await repo.markFailed(data.workspaceId, data.sourceId, message, tx);
      await emitEvent(tx, data.workspaceId, 'source.failed', { documentId: data.sourceId, error: message });
    },

    /** Stops the extraction threads. */
    close: (): Promise<void> => extractor.close(),
  };
}

export type IngestService = ReturnType<typeof createIngestService>;

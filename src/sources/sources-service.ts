// Sources as the API sees them (docs/api.md §3): ingest and refresh queue jobs, list/get/delete read and write
// rows. Rows are committed before their BullMQ jobs are added; payloads are IDs only.
import { toIso } from '../lib/dates.js';
import { withTransaction, type Pool, type Queryable } from '../lib/db.js';
import type { Operation } from '../lib/operations.js';
import { AppError, notFound, validationError } from '../lib/errors.js';
import type { ArticlesService } from '../knowledge/articles-service.js';
import { seedIndexOf, type DeepCrawler } from './deep-crawl.js';
import type { IngestEnqueuer, IngestJobData } from './ingest-queue.js';
import type { SourceLinkResult, SourceRow, SourcesRepo } from './sources-repo.js';
import type {
  DeepCrawlBody,
  DeepCrawlResponse,
  DeleteBody,
  DeleteResponse,
  IngestBody,
  IngestResponse,
  ListQuery,
  ListResponse,
  Source,
} from './sources-schemas.js';
import { normalizeUrl } from './fetch/normalize-url.js';
import { listIds, notConnected, ownershipChecks, requireWebUrl } from './source-checks.js';

export const toSource = (row: SourceRow): Source => ({
  id: row.id,
  source: row.sourceType,
  externalId: row.externalId,
  originalUrl: row.originalUrl,
  title: row.title,
  mimeType: row.mimeType,
  type: row.objectType,
  english: row.english,
  baser: row.baser,
  paragraphs: row.paragraphs,
  oldParagraphs: row.oldParagraphs,
  success: row.success,
  error: row.error,
  createdAt: toIso(row.createdAt),
  updatedAt: toIso(row.updatedAt),
  linkedJobId: row.linkedJobId,
  linkedJobStatus: row.linkedJobStatus,
  linkedKnowledgeId: row.linkedKnowledgeId,
  linkedOperation: row.linkedOperation,
  linkedReason: row.linkedReason,
  changed: row.changed,
  contentHash: row.contentHash,
  storageUrl: row.storageUrl,
  gone: row.gone,
  suspect: row.suspect,
});

export function createSourcesService(
  pool: Pool,
  repo: SourcesRepo,
  enqueuer: IngestEnqueuer,
  crawler: DeepCrawler,
  /** Linked articles are deleted through the knowledge base, which keeps its own rules (the tree's updatedAt). */
  articles: Pick<ArticlesService, 'deleteArticle'>,
) {
  const { requireOwned, assertOwned } = ownershipChecks(repo);

  /**
   * A job per source, except where the latest job has not started yet: that one is reused (re-added with the
   * same id, which BullMQ ignores if it still holds it, and which recovers a job that never reached Redis).
   */
  async function queueJobs(
    workspaceId: string,
    sources: { id: string; linkedJobStatus: string | null; linkedJobId?: string | null }[],
    createIn?: Parameters<typeof repo.createJobs>[2],
  ): Promise<IngestJobData[]> {
    const reuse = sources.filter((source) => source.linkedJobStatus === 'PENDING' && source.linkedJobId);
    const fresh = sources.filter((source) => !reuse.includes(source));
    const created = await repo.createJobs(
      workspaceId,
      fresh.map((source) => source.id),
      createIn,
    );
    return [
      ...reuse.map((source) => ({ workspaceId, sourceId: source.id, ingestJobId: source.linkedJobId! })),
      ...created.map((job) => ({ workspaceId, sourceId: job.sourceId, ingestJobId: job.jobId })),
    ];
  }

  return {
    /** What the last generation from the source decided, in the job's transaction. */
    recordOutcome: (
      workspaceId: string,
      id: string,
      outcome: { operation: Operation; reason: string },
      tx: Queryable,
    ) => repo.recordOutcome(workspaceId, id, outcome, tx),

    /**
     * The source-backed save (docs/api.md §4, last paragraph): sets the source's `linkedKnowledgeId` to the live
     * article and, only when the source's current content hash is still `sourceHash`, clears `changed` and
     * records `saved_hash = sourceHash`. When the source changed again after the job read it, `changed` is left
     * as it is. Undefined when the source no longer exists in the workspace. Runs in the caller's transaction,
     * the one of the live write (a publish, or a generation job's live write).
     */
    linkToArticle: (
      workspaceId: string,
      link: { sourceId: string; liveArticleId: string; sourceHash: string | null },
      tx: Queryable,
    ): Promise<SourceLinkResult | undefined> => repo.linkToArticle(workspaceId, link, tx),

    async ingest(workspaceId: string, body: IngestBody): Promise<IngestResponse> {
      const toAdd = body.documentIdsToAdd ?? [];
      const toRefresh = body.documentIdsToRefresh ?? [];
      if (toAdd.length === 0 && toRefresh.length === 0)
        throw validationError('documentIdsToAdd', 'or documentIdsToRefresh must contain at least 1 item');
      if (body.source !== 'web') throw notConnected('source', body.source);

      // Web: both arrays hold URLs; one source per normalized URL, in first-seen order.
      const urls = new Map<string, string>();
      for (const [field, values] of [
        ['documentIdsToAdd', toAdd],
        ['documentIdsToRefresh', toRefresh],
      ] as const) {
        values.forEach((value, index) => {
          const externalId = normalizeUrl(requireWebUrl(value, `${field}[${index}]`));
          if (!urls.has(externalId)) urls.set(externalId, value.trim());
        });
      }

      const { jobs, added, updated } = await withTransaction(pool, async (tx) => {
        const input = [...urls].map(([externalId, originalUrl]) => ({ externalId, originalUrl }));
        let rows = await repo.upsertWeb(workspaceId, input, { english: body.english, baser: body.baser }, tx);
        if (rows.length < input.length) {
          // Another request created some of these URLs concurrently; they are visible now.
          const seen = new Set(rows.map((row) => row.externalId));
          const late = input.filter((url) => !seen.has(url.externalId)).map((url) => url.externalId);
          rows = [...rows, ...(await repo.findWebByExternalIds(workspaceId, late, tx))];
        }
        const byExternalId = new Map(rows.map((row) => [row.externalId, row]));
        const ordered = [...urls.keys()].map((externalId) => byExternalId.get(externalId)!);
        const current = await repo.findRefs(
          workspaceId,
          ordered.map((row) => row.id),
          tx,
        );
        const jobs = await queueJobs(workspaceId, current, tx);
        return {
          jobs,
          added: ordered.filter((row) => row.created).map((row) => row.id),
          updated: ordered.filter((row) => !row.created).map((row) => row.id),
        };
      });
      await enqueuer.enqueue(jobs);
      return { addedDocumentIds: added, updatedDocumentIds: updated };
    },

    async refresh(workspaceId: string, documentIds: string[]): Promise<string[]> {
      const sources = await requireOwned(workspaceId, documentIds);
      const files = sources.filter((source) => source.sourceType === 'files');
      if (files.length > 0)
        throw new AppError(
          'VALIDATION',
          `documentIds contains file sources, which cannot be refreshed (delete and upload them again): ${listIds(files.map((f) => f.id))}`,
          files.map((file) => ({
            field: 'documentIds',
            message: `document ${file.id} is a files source`,
            id: file.id,
          })),
        );
      const jobs = await withTransaction(pool, (tx) => queueJobs(workspaceId, sources, tx));
      await enqueuer.enqueue(jobs);
      return documentIds;
    },

    /**
     * The refresh of the web sources among `documentIds` inside the caller's transaction (a sync run records
     * the jobs in it); pass the jobs to enqueueRefresh once it committed. Unknown IDs are skipped.
     */
    async queueRefresh(
      workspaceId: string,
      documentIds: string[],
      tx: NonNullable<Parameters<typeof repo.createJobs>[2]>,
    ): Promise<IngestJobData[]> {
      const sources = await repo.findRefs(workspaceId, documentIds, tx);
      return queueJobs(
        workspaceId,
        sources.filter((source) => source.sourceType === 'web'),
        tx,
      );
    },

    enqueueRefresh: (jobs: IngestJobData[]) => enqueuer.enqueue(jobs),

    assertOwned,

    async list(workspaceId: string, query: ListQuery): Promise<ListResponse> {
      if (query.cursor && (await repo.idsInWorkspace(workspaceId, [query.cursor])).length === 0)
        throw validationError(
          'cursor',
          `must be the id of a document in this workspace (got ${query.cursor})`,
        );
      const { limit, cursor, direction, ...filters } = query;
      const { rows, hasMore } = await repo.list(workspaceId, { limit, cursor, direction }, filters);
      return { documents: rows.map(toSource), hasMore };
    },

    async get(workspaceId: string, id: string): Promise<Source> {
      const row = await repo.find(workspaceId, id);
      if (row) return toSource(row);
      if (await repo.existsElsewhere(workspaceId, id))
        throw new AppError('FORBIDDEN', `document ${id} belongs to another workspace`);
      throw notFound('document', id);
    },

    async delete(workspaceId: string, body: DeleteBody): Promise<DeleteResponse> {
      await requireOwned(workspaceId, body.documentIds);
      return withTransaction(pool, async (tx) => {
        const deleted = await repo.delete(workspaceId, body.documentIds, tx);
        const articleIds = body.deleteArticles
          ? [
              ...new Set(
                deleted.map((row) => row.linkedKnowledgeId).filter((id): id is string => id !== null),
              ),
            ]
          : [];
        const deletedArticles = [];
        for (const articleId of articleIds) {
          try {
            deletedArticles.push(await articles.deleteArticle(workspaceId, articleId, tx));
          } catch (error) {
            // Deleted by another request meanwhile: nothing left to delete or report.
            if (!(error instanceof AppError && error.code === 'NOT_FOUND')) throw error;
          }
        }
        const byId = new Map(deleted.map((row) => [row.id, row]));
        return {
          // Input order; a source deleted concurrently by another request is simply not reported.
          deletedDocuments: body.documentIds
            .map((id) => byId.get(id))
            .filter((row) => row !== undefined)
            .map(({ id, title, originalUrl }) => ({ id, title, originalUrl })),
          deletedArticles: deletedArticles.map(({ id, title, parentFolderId }) => ({
            id,
            title,
            parentFolderId,
          })),
        };
      });
    },

    async deepCrawl(body: DeepCrawlBody): Promise<DeepCrawlResponse> {
      const seeds = body.links.map((link, index) => requireWebUrl(link, `links[${index}]`));
      let result;
      try {
        result = await crawler.crawl(seeds, body.limit);
      } catch (error) {
        const index = seedIndexOf(error);
        if (index === undefined) throw error;
        const message = (error as Error).message;
        throw new AppError('VALIDATION', `links[${index}] cannot be crawled: ${message}`, [
          { field: `links[${index}]`, message },
        ]);
      }
      const pages = `${result.pagesFetched} page${result.pagesFetched === 1 ? '' : 's'}`;
      const notes = [
        ...(result.timedOut ? ['the time limit was reached, so the list may be incomplete'] : []),
        ...result.problems,
      ];
      return {
        data: result.urls,
        message:
          notes.length === 0
            ? `Successfully crawled parent URLs (${result.urls.length} links from ${pages})`
            : `Crawled parent URLs (${result.urls.length} links from ${pages}); ${notes.join(' ')}`,
      };
    },
  };
}

export type SourcesService = ReturnType<typeof createSourcesService>;

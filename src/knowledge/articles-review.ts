// Review of generated drafts (docs/api.md "Review queue", "Reject a draft"): the queue of drafts awaiting a
// decision, and rejecting one. Part of the articles service (articles-service.ts).
import { toIso } from '../lib/dates.js';
import { AppError, notFound, validationError } from '../lib/errors.js';
import { OPERATIONS } from '../lib/operations.js';
import type { Article, ReviewQueue, ReviewQueueQuery } from './articles-schemas.js';
import { assertNotRejected, toArticle, type ArticlesStore, type Tx } from './articles-store.js';
import type { ReviewFilter, ReviewRepo } from './review-repo.js';

export function createArticlesReview(store: ArticlesStore, review: ReviewRepo) {
  const { repo, inTransaction } = store;

  return {
    /**
     * Rejects a draft: it leaves the review queue and the draft list; live knowledge and the source
     * (`changed` included) stay as they are; the decision behind it is never reused.
     */
    async rejectDraft(workspaceId: string, id: string, reason: string | null, tx?: Tx): Promise<Article> {
      return inTransaction(tx, async (tx) => {
        const draft = await repo.find(workspaceId, id, tx, { forUpdate: true });
        if (!draft) throw notFound('draft', id);
        if (!draft.isDraft)
          throw new AppError(
            'BAD_REQUEST',
            `article ${id} is live, not a draft; only drafts can be rejected`,
          );
        if (draft.isDraftPublished)
          throw new AppError('CONFLICT', `draft ${id} was already published; it can no longer be rejected`);
        assertNotRejected(draft);
        await review.reject(workspaceId, id, reason, tx);
        return toArticle((await repo.find(workspaceId, id, tx))!);
      });
    },

    async reviewQueue(workspaceId: string, query: ReviewQueueQuery): Promise<ReviewQueue> {
      if (query.cursor) {
        const cursor = await repo.find(workspaceId, query.cursor);
        if (!cursor?.isDraft) throw validationError('cursor', 'is not a draft of this workspace');
      }
      const filter: ReviewFilter = {
        ...(query.operation ? { operation: query.operation } : {}),
        ...(query.parentFolderId ? { parentFolderId: query.parentFolderId } : {}),
        ...(query.batchId ? { batchId: query.batchId } : {}),
        ...(query.documentId ? { sourceId: query.documentId } : {}),
        ...(query.q ? { text: query.q } : {}),
      };
      const [rows, perOperation] = await Promise.all([
        review.list(workspaceId, {
          ...filter,
          ...(query.cursor ? { afterId: query.cursor } : {}),
          limit: query.limit + 1,
        }),
        review.countByOperation(workspaceId, filter),
      ]);
      const page = rows.slice(0, query.limit);
      const folderIds = [...new Set(page.flatMap((row) => (row.parentFolderId ? [row.parentFolderId] : [])))];
      const paths = await review.folderPaths(workspaceId, folderIds);
      const counts = { total: 0, ADD_ARTICLE_TO_FOLDER: 0, UPDATE_ARTICLE: 0, DO_NOTHING: 0 };
      for (const { operation, count } of perOperation) {
        counts.total += count;
        if (operation && OPERATIONS.includes(operation)) counts[operation] += count;
      }
      return {
        drafts: page.map((row) => ({
          ...row,
          folderPath: (row.parentFolderId && paths.get(row.parentFolderId)) || [],
          createdAt: toIso(row.createdAt),
          updatedAt: toIso(row.updatedAt),
        })),
        hasMore: rows.length > query.limit,
        counts,
      };
    },
  };
}

// Version history of an article (API.md §5): the list of versions, rollback to one of them, and the diff
// of a fork against the live article it was made from. Part of the articles service (articles-service.ts).
import { createTwoFilesPatch } from 'diff';
import { toIso } from '../lib/dates.js';
import { withTransaction } from '../lib/db.js';
import { AppError } from '../lib/errors.js';
import { isDeepStrictEqual } from 'node:util';
import { CONTENT_FIELDS, type Article, type ArticleDiff, type ArticleVersions } from './articles-schemas.js';
import { contentOf, isFork, toArticle, type ArticlesStore, type Tx } from './articles-store.js';

export function createArticlesHistory(store: ArticlesStore) {
  const { pool, repo, inTransaction, requireArticle, requireEditable, writeVersion } = store;

  async function rollbackArticle(
    workspaceId: string,
    id: string,
    version: number,
    tx?: Tx,
  ): Promise<Article> {
    return inTransaction(tx, async (tx) => {
      const row = await requireEditable(workspaceId, id, tx);
      if (version === row.version)
        throw new AppError('CONFLICT', `version ${version} is the current version of article ${id}`);
      const old = await repo.findVersion(workspaceId, id, version, tx);
      if (!old) throw new AppError('NOT_FOUND', `version ${version} of article ${id} not found`);
      return toArticle(await writeVersion(workspaceId, row, old, tx));
    });
  }

  return {
    rollbackArticle,

    async versions(workspaceId: string, id: string): Promise<ArticleVersions> {
      return withTransaction(pool, async (tx) => {
        // One snapshot for the row and its history: REPEATABLE READ keeps a concurrent update out of it.
        await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
        const row = await requireArticle(workspaceId, id, tx);
        const archived = await repo.versions(workspaceId, id, tx);
        return {
          articleId: id,
          versions: [
            { ...contentOf(row), version: row.version, current: true, createdAt: toIso(row.versionedAt) },
            ...archived.map((old) => ({ ...old, current: false, createdAt: toIso(old.createdAt) })),
          ],
        };
      });
    },

    async diff(workspaceId: string, id: string): Promise<ArticleDiff> {
      const draft = await requireArticle(workspaceId, id, pool);
      if (!draft.isDraft || !isFork(draft))
        throw new AppError('BAD_REQUEST', `article ${id} is not a draft that forks a live article`);
      const live = draft.originalArticleId
        ? await repo.find(workspaceId, draft.originalArticleId)
        : undefined;
      if (!live)
        throw new AppError('CONFLICT', `the live article draft ${id} was forked from has been deleted`);
      const forkedVersion = draft.originalArticleVersion ?? 0;
      return {
        articleId: draft.id,
        originalArticleId: live.id,
        originalArticleVersion: forkedVersion,
        liveVersion: live.version,
        stale: live.version > forkedVersion,
        diff: createTwoFilesPatch(
          `live/${live.id}`,
          `draft/${draft.id}`,
          withTrailingNewline(live.mainKnowledge),
          withTrailingNewline(draft.mainKnowledge),
          `version ${live.version}`,
          'draft',
        ),
        live: toArticle(live),
        changedFields: CONTENT_FIELDS.filter((field) => !isDeepStrictEqual(live[field], draft[field])),
      };
    },
  };
}

// Without a final newline the patch carries "\ No newline at end of file" markers that only add noise.
const withTrailingNewline = (text: string): string => (text.endsWith('\n') ? text : `${text}\n`);

// Version history of an article (docs/api.md §5): the list of versions, rollback to one of them, and the diff
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
        diff: await boundedPatch(
          { name: `live/${live.id}`, header: `version ${live.version}`, text: live.mainKnowledge },
          { name: `draft/${draft.id}`, header: 'draft', text: draft.mainKnowledge },
        ),
        live: toArticle(live),
        changedFields: CONTENT_FIELDS.filter((field) => !isDeepStrictEqual(live[field], draft[field])),
      };
    },
  };
}

/**
 * Myers' diff costs (lines × edits): two unrelated 50,000-line bodies took minutes of one CPU. The diff runs
 * in the library's callback mode, which yields to the event loop after every edit step, and gives up past
 * DIFF_MAX_EDITS added + removed lines or DIFF_TIMEOUT_MS: a diff that size is not reviewable anyway.
 */
export const DIFF_MAX_EDITS = 1_000;
export const DIFF_TIMEOUT_MS = 5_000;

interface PatchSide {
  name: string;
  header: string;
  text: string;
}

function boundedPatch(old: PatchSide, next: PatchSide): Promise<string> {
  return new Promise((resolve, reject) => {
    createTwoFilesPatch(
      old.name,
      next.name,
      withTrailingNewline(old.text),
      withTrailingNewline(next.text),
      old.header,
      next.header,
      {
        maxEditLength: DIFF_MAX_EDITS,
        timeout: DIFF_TIMEOUT_MS,
        callback: (patch) => {
          if (patch !== undefined) return resolve(patch);
          reject(
            new AppError(
              'UNPROCESSABLE',
              `the diff is too large to show (more than ${DIFF_MAX_EDITS} changed lines); compare the versions instead`,
            ),
          );
        },
      },
    );
  });
}

// Without a final newline the patch carries "\ No newline at end of file" markers that only add noise.
const withTrailingNewline = (text: string): string => (text.endsWith('\n') ? text : `${text}\n`);

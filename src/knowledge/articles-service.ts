// Articles: create, update, fork, move, delete and reads (docs/api.md §5); publishing and the source-backed save
// (docs/api.md §4) are in articles-publish.ts, versions, rollback and diff in articles-history.ts, the review
// queue and reject in articles-review.ts, and what they share in articles-store.ts. The generation pipeline
// writes drafts and live articles only through this service, inside its own transaction: every write takes an optional transaction client last and opens one
// when it is omitted. Rows that are read and then written are locked (FOR UPDATE), so concurrent publishes
// and updates of one article queue up instead of losing a version.
import { type Pool, type Queryable } from '../lib/db.js';
import { notFound, validationError } from '../lib/errors.js';
import type {
  Article,
  ArticleContent,
  ArticleOverrides,
  ListArticlesQuery,
  UpdateArticleBody,
} from './articles-schemas.js';
import type { ArticlesRepo } from './articles-repo.js';
import { createArticlesHistory } from './articles-history.js';
import { createArticlesPublishing, type PublishHooks } from './articles-publish.js';
import { createArticlesReview } from './articles-review.js';
import { findCandidates, type CandidateQuery } from './candidates-repo.js';
import type { FoldersRepo } from './folders-repo.js';
import type { ReviewRepo } from './review-repo.js';
import {
  contentOf,
  createArticlesStore,
  NO_GENERATION,
  toArticle,
  withOverrides,
  type GenerationFields,
  type Tx,
} from './articles-store.js';

export type { GenerationDraftInput, PublishHooks, SourceBackedSave } from './articles-publish.js';
export { toArticle, type GenerationFields, type Tx } from './articles-store.js';

export interface NewArticleInput extends ArticleContent {
  parentFolderId: string;
  /** Default false: a live article. */
  isDraft?: boolean;
  origin?: string | null;
  active?: boolean;
  public?: boolean;
  generation?: GenerationFields;
}

/** The knowledge base's repositories, built once in deps.ts. */
export interface KnowledgeRepos {
  articles: ArticlesRepo;
  folders: FoldersRepo;
  review: ReviewRepo;
}

export function createArticlesService(pool: Pool, repos: KnowledgeRepos, hooks: PublishHooks) {
  const store = createArticlesStore(pool, repos);
  const { repo, folders, inTransaction, requireArticle, requireEditable, requireFolder, requireLive } = store;

  async function createArticle(workspaceId: string, input: NewArticleInput, tx?: Tx): Promise<Article> {
    return inTransaction(tx, async (tx) => {
      await requireFolder(workspaceId, input.parentFolderId, tx);
      const row = await store.insertArticle(
        workspaceId,
        {
          parentFolderId: input.parentFolderId,
          title: input.title,
          mainKnowledge: input.mainKnowledge,
          agentInstruction: input.agentInstruction,
          questions: input.questions,
          keywords: input.keywords,
          escalation: input.escalation,
          active: input.active ?? true,
          public: input.public ?? true,
          origin: input.origin ?? null,
          isDraft: input.isDraft ?? false,
          originalArticleId: null,
          originalArticleVersion: null,
          ...(input.generation ?? NO_GENERATION),
        },
        tx,
      );
      return toArticle(row);
    });
  }

  async function updateArticle(
    workspaceId: string,
    id: string,
    content: UpdateArticleBody,
    tx?: Tx,
  ): Promise<Article> {
    return inTransaction(tx, async (tx) => {
      const row = await requireEditable(workspaceId, id, tx);
      return toArticle(
        await store.writeVersion(workspaceId, row, withOverrides(contentOf(row), content), tx),
      );
    });
  }

  async function forkDraft(
    workspaceId: string,
    liveArticleId: string,
    overrides: ArticleOverrides = {},
    tx?: Tx,
    /** Why the draft was made, for a draft proposed by Distill rather than by hand (e.g. a gone source). */
    linkedReason: string | null = null,
  ): Promise<Article> {
    return inTransaction(tx, async (tx) => {
      const live = await requireLive(workspaceId, liveArticleId, tx);
      if (overrides.parentFolderId) await requireFolder(workspaceId, overrides.parentFolderId, tx);
      const draft = await repo.insert(
        workspaceId,
        {
          ...withOverrides(contentOf(live), overrides),
          parentFolderId: overrides.parentFolderId ?? live.parentFolderId,
          origin: overrides.origin ?? live.origin,
          isDraft: true,
          originalArticleId: live.id,
          originalArticleVersion: live.version,
          ...NO_GENERATION,
          linkedReason,
        },
        tx,
      );
      return toArticle(draft);
    });
  }

  async function deleteArticle(workspaceId: string, id: string, tx?: Tx): Promise<Article> {
    return inTransaction(tx, async (tx) => {
      const row = await repo.delete(workspaceId, id, tx);
      if (!row) throw notFound('article', id);
      if (!row.isDraft) await folders.stampDeletion(workspaceId, tx);
      return toArticle(row);
    });
  }

  async function moveArticle(
    workspaceId: string,
    id: string,
    parentFolderId: string,
    tx?: Tx,
  ): Promise<Article> {
    return inTransaction(tx, async (tx) => {
      await requireArticle(workspaceId, id, tx, true);
      await requireFolder(workspaceId, parentFolderId, tx);
      return toArticle((await repo.move(workspaceId, id, parentFolderId, tx))!);
    });
  }

  return {
    createArticle,
    updateArticle,
    forkDraft,
    deleteArticle,
    moveArticle,
    ...createArticlesPublishing(store, hooks),
    ...createArticlesHistory(store),
    ...createArticlesReview(store, repos.review),

    /** One article of the workspace, or undefined. */
    async findArticle(workspaceId: string, id: string, tx?: Queryable): Promise<Article | undefined> {
      const row = await repo.find(workspaceId, id, tx ?? pool);
      return row && toArticle(row);
    },

    async listArticles(
      workspaceId: string,
      query: ListArticlesQuery,
    ): Promise<{ articles: Article[]; hasMore: boolean }> {
      if (query.cursor && !(await repo.find(workspaceId, query.cursor)))
        throw validationError('cursor', 'is not an article of this workspace');
      const rows = await repo.list(workspaceId, {
        ...(query.type ? { isDraft: query.type === 'draft' } : {}),
        ...(query.parentFolderId ? { parentFolderId: query.parentFolderId } : {}),
        ...(query.cursor ? { afterId: query.cursor } : {}),
        limit: query.limit + 1,
      });
      return { articles: rows.slice(0, query.limit).map(toArticle), hasMore: rows.length > query.limit };
    },

    async articlesByIds(workspaceId: string, ids: string[]): Promise<Article[]> {
      return (await repo.findMany(workspaceId, ids)).map(toArticle);
    },

    /** The live articles a generation job decides against: the linked one first, then the best matches. */
    findCandidates(workspaceId: string, query: CandidateQuery) {
      return findCandidates(pool, workspaceId, query);
    },
  };
}

export type ArticlesService = ReturnType<typeof createArticlesService>;

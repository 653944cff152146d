// Articles: create, update, fork, publish, versions, rollback, diff (API.md §5) and the source-backed save
// (API.md §4). The generation pipeline writes drafts and live articles only through this service, inside its
// own transaction: every write takes an optional transaction client last and opens one when it is omitted.
// Rows that are read and then written are locked (FOR UPDATE), so concurrent publishes and updates of one
// article queue up instead of losing a version.
import { createTwoFilesPatch } from 'diff';
import { toIso } from '../http/schemas.js';
import { withTransaction, type Pool, type PoolClient, type Queryable } from '../lib/db.js';
import { AppError, notFound, validationError } from '../lib/errors.js';
import type { Operation } from '../lib/operations.js';
import {
  createArticlesRepo,
  type ArticleRow,
  type NewArticleRow,
  type VersionContent,
} from './articles-repo.js';
import type {
  Article,
  ArticleContent,
  ArticleDiff,
  ArticleOverrides,
  ArticleVersions,
  ListArticlesQuery,
  UpdateArticleBody,
} from './articles-schemas.js';
import { createFoldersRepo } from './folders-repo.js';
import { linkSourceToArticle, type SourceLinkResult } from './source-link-repo.js';

/** A client inside an open transaction (from `withTransaction`, or the caller's own BEGIN). */
export type Tx = PoolClient;

export const toArticle = (row: ArticleRow): Article => ({
  id: row.id,
  title: row.title,
  mainKnowledge: row.mainKnowledge,
  agentInstruction: row.agentInstruction,
  questions: row.questions,
  keywords: row.keywords,
  escalation: row.escalation,
  parentFolderId: row.parentFolderId,
  active: row.active,
  public: row.public,
  origin: row.origin,
  isDraft: row.isDraft,
  originalArticleId: row.originalArticleId,
  originalArticleVersion: row.originalArticleVersion,
  isDraftPublished: row.isDraftPublished,
  version: row.version,
  createdAt: toIso(row.createdAt),
  updatedAt: toIso(row.updatedAt),
  sourceDocumentId: row.sourceDocumentId,
  operation: row.operation,
  linkedReason: row.linkedReason,
  backgroundJobId: row.backgroundJobId,
});

/** What a generation job records on the article it writes. */
export interface GenerationFields {
  /** The source the article was generated from; null for candidate text. */
  sourceDocumentId: string | null;
  operation: Operation;
  linkedReason: string | null;
  /** The knowledge job: a job writes at most one article, so a re-run returns the first one. */
  backgroundJobId: string;
  /** The source's content hash the job read; the source-backed save compares against it. */
  sourceHash: string | null;
}

export interface NewArticleInput extends ArticleContent {
  parentFolderId: string;
  /** Default false: a live article. */
  isDraft?: boolean;
  origin?: string | null;
  active?: boolean;
  public?: boolean;
  generation?: GenerationFields;
}

export interface GenerationDraftInput extends GenerationFields {
  /**
   * UPDATE_ARTICLE: the live article the draft forks (required). DO_NOTHING: the live article that already
   * covers the source, or null. ADD_ARTICLE_TO_FOLDER: must be null.
   */
  originalArticleId: string | null;
  /** ADD_ARTICLE_TO_FOLDER: the folder of the new article (required). Otherwise ignored. */
  parentFolderId: string | null;
  /** The article the model wrote: required for ADD and UPDATE, ignored for DO_NOTHING. */
  content: ArticleContent | null;
  /** DO_NOTHING with no target article: the title of the no-op record (e.g. the source's title). */
  title?: string;
  origin?: string | null;
}

export interface SourceBackedSave {
  sourceId: string;
  /** The live article the source now backs. */
  liveArticleId: string;
  /** The source hash the article was generated from (the draft's `sourceHash`). */
  sourceHash: string | null;
}

/**
 * The source-backed save (API.md §4, last paragraph): sets the source's `linkedKnowledgeId` to the live
 * article and, only when the source's current content hash is still `sourceHash`, clears `changed` and
 * records `saved_hash = sourceHash`. When the source changed again after the job read it, `changed` is left
 * as it is. Returns undefined when the source no longer exists in the workspace. Runs on the caller's
 * transaction: call it in the same transaction as the live write.
 */
export function saveSourceBacked(
  tx: Queryable,
  workspaceId: string,
  save: SourceBackedSave,
): Promise<SourceLinkResult | undefined> {
  return linkSourceToArticle(tx, workspaceId, save);
}

const contentOf = (row: ArticleRow): VersionContent => ({
  title: row.title,
  mainKnowledge: row.mainKnowledge,
  agentInstruction: row.agentInstruction,
  questions: row.questions,
  keywords: row.keywords,
  escalation: row.escalation,
  active: row.active,
  public: row.public,
});

function withOverrides(base: VersionContent, overrides: ArticleOverrides): VersionContent {
  return {
    title: overrides.title ?? base.title,
    mainKnowledge: overrides.mainKnowledge ?? base.mainKnowledge,
    agentInstruction: overrides.agentInstruction ?? base.agentInstruction,
    questions: overrides.questions ?? base.questions,
    keywords: overrides.keywords ?? base.keywords,
    escalation: overrides.escalation ?? base.escalation,
    active: overrides.active ?? base.active,
    public: overrides.public ?? base.public,
  };
}

const NO_GENERATION = {
  sourceDocumentId: null,
  operation: null,
  linkedReason: null,
  backgroundJobId: null,
  sourceHash: null,
} as const;

/** A fork: a draft made from a live article (by the fork route, or a generation job's UPDATE/DO_NOTHING). */
const isFork = (row: ArticleRow): boolean =>
  row.originalArticleId !== null || row.originalArticleVersion !== null;

export function createArticlesService(pool: Pool) {
  const repo = createArticlesRepo(pool);
  const folders = createFoldersRepo(pool);

  const inTransaction = <T>(tx: Tx | undefined, fn: (tx: Tx) => Promise<T>): Promise<T> =>
    tx ? fn(tx) : withTransaction(pool, fn);

  async function requireFolder(workspaceId: string, folderId: string, tx: Queryable): Promise<void> {
    if (!(await folders.find(workspaceId, folderId, tx))) throw notFound('parent folder', folderId);
  }

  async function requireArticle(
    workspaceId: string,
    id: string,
    tx: Queryable,
    forUpdate = false,
  ): Promise<ArticleRow> {
    const row = await repo.find(workspaceId, id, tx, { forUpdate });
    if (!row) throw notFound('article', id);
    return row;
  }

  /** Loads a live article to fork; a draft ID is refused with a message that says so. */
  async function requireLive(workspaceId: string, id: string, tx: Queryable): Promise<ArticleRow> {
    const row = await repo.find(workspaceId, id, tx);
    if (!row) throw notFound('live article', id);
    if (row.isDraft)
      throw new AppError('BAD_REQUEST', `article ${id} is a draft; only a live article can be forked`);
    return row;
  }

  /** Drafts that can no longer change: published ones, and DO_NOTHING records (they carry no change). */
  function assertEditable(row: ArticleRow): void {
    if (row.isDraft && row.isDraftPublished)
      throw new AppError(
        'CONFLICT',
        `draft ${row.id} was already published; fork the live article to change it again`,
      );
    if (row.isDraft && row.operation === 'DO_NOTHING')
      throw new AppError(
        'CONFLICT',
        `draft ${row.id} records a DO_NOTHING decision and carries no change; fork the live article to edit it`,
      );
  }

  /** Archives the current version and writes `content` as the next one; `row` must be locked. */
  async function writeVersion(
    workspaceId: string,
    row: ArticleRow,
    content: VersionContent & { parentFolderId?: string },
    tx: Tx,
  ): Promise<ArticleRow> {
    await repo.archiveCurrentVersion(workspaceId, row.id, tx);
    return repo.writeNextVersion(workspaceId, row.id, content, tx);
  }

  async function insertArticle(workspaceId: string, row: NewArticleRow, tx: Tx): Promise<ArticleRow> {
    if (row.backgroundJobId === null) return repo.insert(workspaceId, row, tx);
    const inserted = await repo.insertForJob(
      workspaceId,
      { ...row, backgroundJobId: row.backgroundJobId },
      tx,
    );
    if (inserted) return inserted;
    // A re-run of the same job: the article it wrote the first time is the answer.
    const existing = await repo.findByJob(workspaceId, row.backgroundJobId, tx);
    if (!existing)
      throw new AppError('CONFLICT', `background job ${row.backgroundJobId} belongs to another workspace`);
    return existing;
  }

  async function createArticle(workspaceId: string, input: NewArticleInput, tx?: Tx): Promise<Article> {
    return inTransaction(tx, async (tx) => {
      await requireFolder(workspaceId, input.parentFolderId, tx);
      const row = await insertArticle(
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
      const row = await requireArticle(workspaceId, id, tx, true);
      assertEditable(row);
      return toArticle(await writeVersion(workspaceId, row, withOverrides(contentOf(row), content), tx));
    });
  }

  async function forkDraft(
    workspaceId: string,
    liveArticleId: string,
    overrides: ArticleOverrides = {},
    tx?: Tx,
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
        },
        tx,
      );
      return toArticle(draft);
    });
  }

  /**
   * The draft a generation job writes (API.md §4): ADD_ARTICLE_TO_FOLDER → a new draft in the folder;
   * UPDATE_ARTICLE → a fork of the target carrying the new content; DO_NOTHING → a no-op record (the
   * target's content and folder when there is a target, else an empty body and no folder). Idempotent by
   * `backgroundJobId`: a re-run returns the draft of the first run unchanged.
   */
  async function createGenerationDraft(
    workspaceId: string,
    input: GenerationDraftInput,
    tx?: Tx,
  ): Promise<Article> {
    return inTransaction(tx, async (tx) => {
      const existing = await repo.findByJob(workspaceId, input.backgroundJobId, tx);
      if (existing) return toArticle(existing);
      const generation: GenerationFields = {
        sourceDocumentId: input.sourceDocumentId,
        operation: input.operation,
        linkedReason: input.linkedReason,
        backgroundJobId: input.backgroundJobId,
        sourceHash: input.sourceHash,
      };
      const target = input.originalArticleId
        ? await requireLive(workspaceId, input.originalArticleId, tx)
        : undefined;

      let row: NewArticleRow;
      if (input.operation === 'DO_NOTHING') {
        row = target
          ? {
              ...contentOf(target),
              parentFolderId: target.parentFolderId,
              originalArticleId: target.id,
              originalArticleVersion: target.version,
              origin: input.origin ?? target.origin,
              isDraft: true,
              ...generation,
            }
          : {
              title: input.title ?? '',
              mainKnowledge: '',
              agentInstruction: '',
              questions: [],
              keywords: [],
              escalation: false,
              active: true,
              public: true,
              parentFolderId: null,
              originalArticleId: null,
              originalArticleVersion: null,
              origin: input.origin ?? null,
              isDraft: true,
              ...generation,
            };
      } else {
        if (!input.content) throw validationError('content', `is required for ${input.operation}`);
        if (input.operation === 'UPDATE_ARTICLE') {
          if (!target) throw validationError('originalArticleId', 'is required for UPDATE_ARTICLE');
          row = {
            ...contentOf(target),
            ...input.content,
            parentFolderId: target.parentFolderId,
            originalArticleId: target.id,
            originalArticleVersion: target.version,
            origin: input.origin ?? target.origin,
            isDraft: true,
            ...generation,
          };
        } else {
          if (target) throw validationError('originalArticleId', 'must be null for ADD_ARTICLE_TO_FOLDER');
          if (!input.parentFolderId)
            throw validationError('parentFolderId', 'is required for ADD_ARTICLE_TO_FOLDER');
          await requireFolder(workspaceId, input.parentFolderId, tx);
          row = {
            ...input.content,
            active: true,
            public: true,
            parentFolderId: input.parentFolderId,
            originalArticleId: null,
            originalArticleVersion: null,
            origin: input.origin ?? null,
            isDraft: true,
            ...generation,
          };
        }
      }
      return toArticle(await insertArticle(workspaceId, row, tx));
    });
  }

  /**
   * Publishes a draft (API.md §5) and returns the live article that remains: a fork updates its original
   * in place (version + 1; 409 when the original moved past the forked version, unless `force`), any other
   * draft becomes a new live article, and a DO_NOTHING draft changes no article (the answer is its target,
   * or the draft itself when it has none). Content fields in `overrides` replace the draft's (a DO_NOTHING
   * draft ignores them). When the draft carries a source, the source-backed save runs in the same
   * transaction.
   */
  async function publishDraft(
    workspaceId: string,
    draftId: string,
    overrides: ArticleOverrides = {},
    options: { force?: boolean } = {},
    tx?: Tx,
  ): Promise<Article> {
    return inTransaction(tx, async (tx) => {
      // Lock order: the draft, then its original. Every path that locks both follows it.
      const draft = await repo.find(workspaceId, draftId, tx, { forUpdate: true });
      if (!draft) throw notFound('draft', draftId);
      if (!draft.isDraft)
        throw new AppError(
          'BAD_REQUEST',
          `article ${draftId} is live, not a draft; only drafts can be published`,
        );
      if (draft.isDraftPublished)
        throw new AppError(
          'CONFLICT',
          `draft ${draftId} was already published${draft.publishedArticleId ? ` as article ${draft.publishedArticleId}` : ''}`,
        );

      const saveSource = async (liveArticleId: string) => {
        if (draft.sourceDocumentId)
          await saveSourceBacked(tx, workspaceId, {
            sourceId: draft.sourceDocumentId,
            liveArticleId,
            sourceHash: draft.sourceHash,
          });
      };

      if (draft.operation === 'DO_NOTHING') {
        const target = draft.originalArticleId
          ? await repo.find(workspaceId, draft.originalArticleId, tx)
          : undefined;
        const published = await repo.markPublished(
          workspaceId,
          draft.id,
          {
            content: contentOf(draft),
            parentFolderId: draft.parentFolderId,
            publishedArticleId: target?.id ?? null,
          },
          tx,
        );
        if (target) await saveSource(target.id);
        return toArticle(target ?? published);
      }

      if (overrides.parentFolderId) await requireFolder(workspaceId, overrides.parentFolderId, tx);
      const content = withOverrides(contentOf(draft), overrides);

      if (isFork(draft)) {
        const original = draft.originalArticleId
          ? await repo.find(workspaceId, draft.originalArticleId, tx, { forUpdate: true })
          : undefined;
        if (!original)
          throw new AppError(
            'CONFLICT',
            `the live article draft ${draftId} was forked from has been deleted; create a new article instead`,
          );
        const forkedVersion = draft.originalArticleVersion ?? 0;
        if (original.version > forkedVersion && !options.force)
          throw new AppError(
            'CONFLICT',
            `live article ${original.id} is at version ${original.version} but draft ${draftId} was forked from version ${forkedVersion}; review the diff and publish with force: true to overwrite`,
          );
        // The live article keeps its folder unless the publish body moves it: the draft's folder is the
        // original's at fork time, and copying it back would undo a move made since.
        const live = await writeVersion(
          workspaceId,
          original,
          { ...content, ...(overrides.parentFolderId ? { parentFolderId: overrides.parentFolderId } : {}) },
          tx,
        );
        await repo.markPublished(
          workspaceId,
          draft.id,
          {
            content,
            parentFolderId: overrides.parentFolderId ?? draft.parentFolderId,
            publishedArticleId: live.id,
          },
          tx,
        );
        await saveSource(live.id);
        return toArticle(live);
      }

      const parentFolderId = overrides.parentFolderId ?? draft.parentFolderId;
      if (!parentFolderId)
        throw validationError('parentFolderId', 'is required: the draft has no folder to publish into');
      const live = await repo.insert(
        workspaceId,
        {
          ...content,
          parentFolderId,
          origin: overrides.origin ?? draft.origin,
          isDraft: false,
          originalArticleId: null,
          originalArticleVersion: null,
          sourceDocumentId: draft.sourceDocumentId,
          operation: draft.operation,
          linkedReason: draft.linkedReason,
          // The job id stays on the draft: it is unique, and the job's hcArticleId is the draft.
          backgroundJobId: null,
          sourceHash: draft.sourceHash,
        },
        tx,
      );
      await repo.markPublished(
        workspaceId,
        draft.id,
        { content, parentFolderId, publishedArticleId: live.id },
        tx,
      );
      await saveSource(live.id);
      return toArticle(live);
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

  async function rollbackArticle(
    workspaceId: string,
    id: string,
    version: number,
    tx?: Tx,
  ): Promise<Article> {
    return inTransaction(tx, async (tx) => {
      const row = await requireArticle(workspaceId, id, tx, true);
      assertEditable(row);
      if (version === row.version)
        throw new AppError('CONFLICT', `version ${version} is the current version of article ${id}`);
      const old = await repo.findVersion(workspaceId, id, version, tx);
      if (!old) throw new AppError('NOT_FOUND', `version ${version} of article ${id} not found`);
      return toArticle(await writeVersion(workspaceId, row, old, tx));
    });
  }

  return {
    createArticle,
    updateArticle,
    forkDraft,
    createGenerationDraft,
    publishDraft,
    deleteArticle,
    moveArticle,
    rollbackArticle,

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
      };
    },
  };
}

// Without a final newline the patch carries "\ No newline at end of file" markers that only add noise.
const withTrailingNewline = (text: string): string => (text.endsWith('\n') ? text : `${text}\n`);

export type ArticlesService = ReturnType<typeof createArticlesService>;

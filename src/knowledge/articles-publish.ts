// Drafts becoming live (docs/api.md §5) and what a generation job writes (docs/api.md §4): the generation draft, the
// publish of any draft, and the source-backed save that links a source to the live article it now backs.
// Part of the articles service (articles-service.ts).
import type { Queryable } from '../lib/db.js';
import { AppError, notFound, validationError } from '../lib/errors.js';
import type { ArticleRow, NewArticleRow, VersionContent } from './articles-repo.js';
import type { Article, ArticleContent, ArticleOverrides } from './articles-schemas.js';
import {
  assertNotRejected,
  contentOf,
  isFork,
  toArticle,
  withOverrides,
  type ArticlesStore,
  type GenerationFields,
  type Tx,
} from './articles-store.js';
import { emitEvent } from '../webhooks/events.js';

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
 * What publishing needs from other features, wired in deps.ts: the knowledge base writes no other feature's
 * table itself.
 */
export interface PublishHooks {
  /** The bot a generation job ran for, or null. */
  botOfGenerationJob?(workspaceId: string, jobId: string, tx: Queryable): Promise<string | null>;
  /**
   * The source-backed save (docs/api.md §4, last paragraph), owned by the sources feature
   * (sources-service.ts `linkToArticle`); runs in the publish's transaction.
   */
  linkSourceToArticle(workspaceId: string, save: SourceBackedSave, tx: Queryable): Promise<unknown>;
}

export function createArticlesPublishing(store: ArticlesStore, hooks: PublishHooks) {
  const { repo, folders, inTransaction, requireFolder, requireLive, insertArticle, writeVersion } = store;

  /** A generated ADD for a bot widens the bot's folders only once it goes live, here. */
  async function assignToBot(draft: ArticleRow, folderId: string, tx: Tx): Promise<void> {
    if (draft.operation !== 'ADD_ARTICLE_TO_FOLDER' || !draft.backgroundJobId) return;
    const botId = await hooks.botOfGenerationJob?.(draft.workspaceId, draft.backgroundJobId, tx);
    if (!botId) return;
    await folders.ensureBots(draft.workspaceId, [botId], tx);
    await folders.addJunction(draft.workspaceId, botId, folderId, tx);
  }

  /**
   * The draft a generation job writes (docs/api.md §4): ADD_ARTICLE_TO_FOLDER → a new draft in the folder;
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
      // A re-run of the same job gets the draft of the first run: insertArticle's conflict on the job id.
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

      const fork = (live: ArticleRow, content: VersionContent): NewArticleRow => ({
        ...content,
        parentFolderId: live.parentFolderId,
        originalArticleId: live.id,
        originalArticleVersion: live.version,
        origin: input.origin ?? live.origin,
        isDraft: true,
        ...generation,
      });
      const newDraft = (content: VersionContent, parentFolderId: string | null): NewArticleRow => ({
        ...content,
        parentFolderId,
        originalArticleId: null,
        originalArticleVersion: null,
        origin: input.origin ?? null,
        isDraft: true,
        ...generation,
      });

      let row: NewArticleRow;
      if (input.operation === 'DO_NOTHING') {
        row = target
          ? fork(target, contentOf(target))
          : newDraft(
              {
                title: input.title ?? '',
                mainKnowledge: '',
                agentInstruction: '',
                questions: [],
                keywords: [],
                escalation: false,
                active: true,
                public: true,
              },
              null,
            );
      } else {
        if (!input.content) throw validationError('content', `is required for ${input.operation}`);
        if (input.operation === 'UPDATE_ARTICLE') {
          if (!target) throw validationError('originalArticleId', 'is required for UPDATE_ARTICLE');
          row = fork(target, { ...contentOf(target), ...input.content });
        } else {
          if (target) throw validationError('originalArticleId', 'must be null for ADD_ARTICLE_TO_FOLDER');
          if (!input.parentFolderId)
            throw validationError('parentFolderId', 'is required for ADD_ARTICLE_TO_FOLDER');
          await requireFolder(workspaceId, input.parentFolderId, tx);
          row = newDraft({ ...input.content, active: true, public: true }, input.parentFolderId);
        }
      }
      const draft = toArticle(await insertArticle(workspaceId, row, tx));
      await emitEvent(tx, workspaceId, 'draft.created', draft);
      return draft;
    });
  }

  /**
   * Publishes a draft (docs/api.md §5) and returns the live article that remains: a fork updates its original
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
      assertNotRejected(draft);

      // Every publish that writes a live article ends here.
      const finishPublish = async (liveArticleId: string) => {
        await emitEvent(tx, workspaceId, 'article.published', {
          articleId: liveArticleId,
          draftId: draft.id,
          documentId: draft.sourceDocumentId,
        });
        if (draft.sourceDocumentId)
          await hooks.linkSourceToArticle(
            workspaceId,
            { sourceId: draft.sourceDocumentId, liveArticleId, sourceHash: draft.sourceHash },
            tx,
          );
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
        // No article was written from the source, so it is not linked to the target (see apply.ts).
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
        await finishPublish(live.id);
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
      await assignToBot(draft, parentFolderId, tx);
      await finishPublish(live.id);
      return toArticle(live);
    });
  }

  return { createGenerationDraft, publishDraft };
}

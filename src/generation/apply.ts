// Step 4 of the pipeline (docs/architecture.md §4): write the decision through the knowledge-base services, in the
// job's transaction — a draft (fork for UPDATE, new draft for ADD, no-op record for DO_NOTHING), or a
// live write followed by the source-backed save (ADD and UPDATE only: a save is what links a source).
import type { PoolClient } from '../lib/db.js';
import type { ArticlesService } from '../knowledge/articles-service.js';
import type { FoldersService } from '../knowledge/folders-service.js';
import type { Decision } from '../writers/writer.js';
import type { JobWork } from './jobs-repo.js';
import type { SourcesService } from '../sources/sources-service.js';

export interface ApplyInput {
  job: JobWork;
  decision: Decision;
  /** The decision's reason, with any trim notes. */
  reason: string;
  sourceId: string | null;
  /** The source content hash the decision was made from (for the source-backed save). */
  sourceHash: string | null;
  /** Title for a DO_NOTHING record that has no article to point at. */
  sourceTitle: string;
}

/** Returns the article the job created or updated (hcArticleId); null for a live DO_NOTHING. */
export async function applyDecision(
  tx: PoolClient,
  services: {
    articles: ArticlesService;
    folders: FoldersService;
    sources: Pick<SourcesService, 'recordOutcome' | 'linkToArticle'>;
  },
  input: ApplyInput,
): Promise<string | null> {
  const { job, decision, reason, sourceId, sourceHash } = input;
  const workspaceId = job.workspaceId;
  const { articles, folders } = services;
  const generation = {
    sourceDocumentId: sourceId,
    operation: decision.operation,
    linkedReason: reason,
    backgroundJobId: job.id,
    sourceHash,
  };
  const save = async (liveArticleId: string) => {
    if (sourceId)
      await services.sources.linkToArticle(workspaceId, { sourceId, liveArticleId, sourceHash }, tx);
  };

  let articleId: string | null;
  if (job.isDraft) {
    const draft = await articles.createGenerationDraft(
      workspaceId,
      {
        ...generation,
        originalArticleId: decision.operation === 'ADD_ARTICLE_TO_FOLDER' ? null : decision.targetArticleId,
        parentFolderId: decision.operation === 'ADD_ARTICLE_TO_FOLDER' ? decision.parentFolderId : null,
        content: decision.article,
        title: input.sourceTitle,
        origin: job.origin,
      },
      tx,
    );
    articleId = draft.id;
  } else if (decision.operation === 'ADD_ARTICLE_TO_FOLDER') {
    const article = await articles.createArticle(
      workspaceId,
      { ...decision.article, parentFolderId: decision.parentFolderId, origin: job.origin, generation },
      tx,
    );
    await save(article.id);
    articleId = article.id;
  } else if (decision.operation === 'UPDATE_ARTICLE') {
    await articles.updateArticle(workspaceId, decision.targetArticleId, decision.article, tx);
    await save(decision.targetArticleId);
    articleId = decision.targetArticleId;
  } else {
    // DO_NOTHING writes no article, so the source backs none: linking it to the target would let a
    // later delete of the source (deleteArticles) delete an article it never wrote.
    articleId = null;
  }

  // The agent sees the new article's folder once the article is live (a draft's publish assigns it).
  if (!job.isDraft && decision.operation === 'ADD_ARTICLE_TO_FOLDER' && job.botId) {
    await folders.assignToBot(workspaceId, job.botId, decision.parentFolderId, tx);
  }
  if (sourceId)
    await services.sources.recordOutcome(
      workspaceId,
      sourceId,
      { operation: decision.operation, reason },
      tx,
    );
  return articleId;
}

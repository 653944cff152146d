// The rows of the `articles` and `article_versions` tables and the columns their statements share; the
// repository is articles-repo.ts, with the version history in articles-versions-repo.ts.
import type { ArticleContent } from '../lib/article-content.js';
import type { Operation } from '../lib/operations.js';

/** The fields one version holds (archived in `article_versions`). */
export interface VersionContent extends ArticleContent {
  active: boolean;
  public: boolean;
}

export interface NewArticleRow extends VersionContent {
  parentFolderId: string | null;
  origin: string | null;
  isDraft: boolean;
  originalArticleId: string | null;
  originalArticleVersion: number | null;
  sourceDocumentId: string | null;
  operation: Operation | null;
  linkedReason: string | null;
  backgroundJobId: string | null;
  sourceHash: string | null;
}

export interface ArticleRow extends NewArticleRow {
  id: string;
  workspaceId: string;
  isDraftPublished: boolean;
  version: number;
  publishedArticleId: string | null;
  /** Set when the draft was rejected in review (it then leaves the queue and the draft list). */
  rejectedAt: Date | null;
  rejectReason: string | null;
  createdAt: Date;
  updatedAt: Date;
  versionedAt: Date;
}

export interface ArticleVersionRow extends VersionContent {
  version: number;
  createdAt: Date;
}

export interface TreeArticleRow {
  id: string;
  parentFolderId: string;
  title: string;
  /** The start of mainKnowledge only: the tree shows an excerpt. */
  head: string;
  updatedAt: Date;
}

export const ARTICLE_COLUMNS = `id, workspace_id AS "workspaceId", parent_folder_id AS "parentFolderId", title,
  main_knowledge AS "mainKnowledge", agent_instruction AS "agentInstruction", questions, keywords, escalation,
  active, public, origin, is_draft AS "isDraft", original_article_id AS "originalArticleId",
  original_article_version AS "originalArticleVersion", is_draft_published AS "isDraftPublished", version,
  source_document_id AS "sourceDocumentId", operation, linked_reason AS "linkedReason",
  background_job_id AS "backgroundJobId", source_hash AS "sourceHash",
  published_article_id AS "publishedArticleId", rejected_at AS "rejectedAt", reject_reason AS "rejectReason",
  created_at AS "createdAt", updated_at AS "updatedAt",
  versioned_at AS "versionedAt"`;

// The columns of one version, in the order of versionValues.
export const VERSION_FIELDS =
  'title, main_knowledge, agent_instruction, questions, keywords, escalation, active, public';
export const versionValues = (content: VersionContent): unknown[] => [
  content.title,
  content.mainKnowledge,
  content.agentInstruction,
  content.questions,
  content.keywords,
  content.escalation,
  content.active,
  content.public,
];

// The version history of an article: the current version archived into `article_versions` before the next
// one is written, a draft marked published, and the archived versions read back (docs/api.md §5, versions).
// Part of the articles repository (articles-repo.ts).
import type { Queryable } from '../lib/db.js';
import {
  ARTICLE_COLUMNS,
  VERSION_FIELDS,
  versionValues,
  type ArticleRow,
  type ArticleVersionRow,
  type VersionContent,
} from './articles-rows.js';

const VERSION_COLUMNS = `version, title, main_knowledge AS "mainKnowledge", agent_instruction AS "agentInstruction",
  questions, keywords, escalation, active, public, created_at AS "createdAt"`;

/** SET clause for a version's columns as $3…$10 (after the workspace and article IDs). */
const SET_VERSION = `title = $3, main_knowledge = $4, agent_instruction = $5, questions = $6, keywords = $7,
  escalation = $8, active = $9, public = $10`;

export function articleVersionQueries(db: Queryable) {
  return {
    /** Copies the current version into `article_versions` (before it is replaced). */
    async archiveCurrentVersion(workspaceId: string, id: string, tx: Queryable = db): Promise<void> {
      await tx.query(
        `INSERT INTO article_versions (article_id, workspace_id, version, ${VERSION_FIELDS}, created_at)
         SELECT id, workspace_id, version, ${VERSION_FIELDS}, versioned_at
         FROM articles WHERE workspace_id = $1 AND id = $2`,
        [workspaceId, id],
      );
    },

    /** Writes `content` as the next version (the caller archived the current one first). */
    async writeNextVersion(
      workspaceId: string,
      id: string,
      content: VersionContent & { parentFolderId?: string },
      tx: Queryable = db,
    ): Promise<ArticleRow> {
      const { rows } = await tx.query<ArticleRow>(
        `UPDATE articles SET ${SET_VERSION}, parent_folder_id = COALESCE($11, parent_folder_id),
           version = version + 1, versioned_at = clock_timestamp(), updated_at = clock_timestamp()
         WHERE workspace_id = $1 AND id = $2 RETURNING ${ARTICLE_COLUMNS}`,
        [workspaceId, id, ...versionValues(content), content.parentFolderId ?? null],
      );
      return rows[0]!;
    },

    /**
     * Marks a draft published, recording the content that was published (the overrides given at publish
     * time) and the live article it became, without touching its version history.
     */
    async markPublished(
      workspaceId: string,
      id: string,
      published: {
        content: VersionContent;
        parentFolderId: string | null;
        publishedArticleId: string | null;
      },
      tx: Queryable = db,
    ): Promise<ArticleRow> {
      const { rows } = await tx.query<ArticleRow>(
        `UPDATE articles SET ${SET_VERSION}, parent_folder_id = $11, published_article_id = $12,
           is_draft_published = true, updated_at = clock_timestamp()
         WHERE workspace_id = $1 AND id = $2 RETURNING ${ARTICLE_COLUMNS}`,
        [
          workspaceId,
          id,
          ...versionValues(published.content),
          published.parentFolderId,
          published.publishedArticleId,
        ],
      );
      return rows[0]!;
    },

    /** Archived versions, newest first (the current version is on the article row). */
    async versions(workspaceId: string, id: string, tx: Queryable = db): Promise<ArticleVersionRow[]> {
      const { rows } = await tx.query<ArticleVersionRow>(
        `SELECT ${VERSION_COLUMNS} FROM article_versions WHERE workspace_id = $1 AND article_id = $2
         ORDER BY version DESC`,
        [workspaceId, id],
      );
      return rows;
    },

    async findVersion(
      workspaceId: string,
      id: string,
      version: number,
      tx: Queryable = db,
    ): Promise<ArticleVersionRow | undefined> {
      const { rows } = await tx.query<ArticleVersionRow>(
        `SELECT ${VERSION_COLUMNS} FROM article_versions
         WHERE workspace_id = $1 AND article_id = $2 AND version = $3`,
        [workspaceId, id, version],
      );
      return rows[0];
    },
  };
}

// SQL for the `articles` and `article_versions` tables (live and draft articles in one table).
import type { ArticleContent } from '../lib/article-content.js';
import type { Queryable } from '../lib/db.js';
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

const ARTICLE_COLUMNS = `id, workspace_id AS "workspaceId", parent_folder_id AS "parentFolderId", title,
  main_knowledge AS "mainKnowledge", agent_instruction AS "agentInstruction", questions, keywords, escalation,
  active, public, origin, is_draft AS "isDraft", original_article_id AS "originalArticleId",
  original_article_version AS "originalArticleVersion", is_draft_published AS "isDraftPublished", version,
  source_document_id AS "sourceDocumentId", operation, linked_reason AS "linkedReason",
  background_job_id AS "backgroundJobId", source_hash AS "sourceHash",
  published_article_id AS "publishedArticleId", rejected_at AS "rejectedAt", reject_reason AS "rejectReason",
  created_at AS "createdAt", updated_at AS "updatedAt",
  versioned_at AS "versionedAt"`;

const VERSION_COLUMNS = `version, title, main_knowledge AS "mainKnowledge", agent_instruction AS "agentInstruction",
  questions, keywords, escalation, active, public, created_at AS "createdAt"`;

// The columns of one version, in the order of versionValues.
const VERSION_FIELDS =
  'title, main_knowledge, agent_instruction, questions, keywords, escalation, active, public';
const versionValues = (content: VersionContent): unknown[] => [
  content.title,
  content.mainKnowledge,
  content.agentInstruction,
  content.questions,
  content.keywords,
  content.escalation,
  content.active,
  content.public,
];
/** SET clause for a version's columns as $3…$10 (after the workspace and article IDs). */
const SET_VERSION = `title = $3, main_knowledge = $4, agent_instruction = $5, questions = $6, keywords = $7,
  escalation = $8, active = $9, public = $10`;

// Times come from clock_timestamp(), not now(): articles written in one transaction (a tree import, a
// publish) keep their order in the newest-first list.
const INSERT_COLUMNS = `workspace_id, parent_folder_id, ${VERSION_FIELDS}, origin, is_draft, original_article_id,
  original_article_version, source_document_id, operation, linked_reason, background_job_id, source_hash,
  created_at, updated_at, versioned_at`;

function insertValues(workspaceId: string, row: NewArticleRow): unknown[] {
  return [
    workspaceId,
    row.parentFolderId,
    ...versionValues(row),
    row.origin,
    row.isDraft,
    row.originalArticleId,
    row.originalArticleVersion,
    row.sourceDocumentId,
    row.operation,
    row.linkedReason,
    row.backgroundJobId,
    row.sourceHash,
  ];
}
const INSERT_PLACEHOLDERS = [
  ...Array.from({ length: 19 }, (_, i) => `$${i + 1}`),
  'clock_timestamp()',
  'clock_timestamp()',
  'clock_timestamp()',
].join(', ');

export interface ListFilter {
  isDraft?: boolean;
  parentFolderId?: string;
  /** Keyset cursor: rows strictly after this article in the list order (newest first). */
  afterId?: string;
  limit: number;
}

export function createArticlesRepo(db: Queryable) {
  return {
    async insert(workspaceId: string, row: NewArticleRow, tx: Queryable = db): Promise<ArticleRow> {
      const { rows } = await tx.query<ArticleRow>(
        `INSERT INTO articles (${INSERT_COLUMNS}) VALUES (${INSERT_PLACEHOLDERS}) RETURNING ${ARTICLE_COLUMNS}`,
        insertValues(workspaceId, row),
      );
      return rows[0]!;
    },

    /** Inserts unless an article of the same background job exists (a job writes at most one article). */
    async insertForJob(
      workspaceId: string,
      row: NewArticleRow & { backgroundJobId: string },
      tx: Queryable = db,
    ): Promise<ArticleRow | undefined> {
      const { rows } = await tx.query<ArticleRow>(
        `INSERT INTO articles (${INSERT_COLUMNS}) VALUES (${INSERT_PLACEHOLDERS})
         ON CONFLICT (background_job_id) DO NOTHING RETURNING ${ARTICLE_COLUMNS}`,
        insertValues(workspaceId, row),
      );
      return rows[0];
    },

    async find(
      workspaceId: string,
      id: string,
      tx: Queryable = db,
      options: { forUpdate?: boolean } = {},
    ): Promise<ArticleRow | undefined> {
      const { rows } = await tx.query<ArticleRow>(
        `SELECT ${ARTICLE_COLUMNS} FROM articles WHERE workspace_id = $1 AND id = $2
         ${options.forUpdate ? 'FOR UPDATE' : ''}`,
        [workspaceId, id],
      );
      return rows[0];
    },

    async findByJob(workspaceId: string, backgroundJobId: string, tx: Queryable = db) {
      const { rows } = await tx.query<ArticleRow>(
        `SELECT ${ARTICLE_COLUMNS} FROM articles WHERE workspace_id = $1 AND background_job_id = $2`,
        [workspaceId, backgroundJobId],
      );
      return rows[0];
    },

    /** The articles of these IDs in this workspace, in the order of `ids`; unknown IDs are skipped. */
    async findMany(workspaceId: string, ids: string[], tx: Queryable = db): Promise<ArticleRow[]> {
      const { rows } = await tx.query<ArticleRow>(
        `SELECT ${ARTICLE_COLUMNS} FROM articles a
           JOIN unnest($2::uuid[]) WITH ORDINALITY AS wanted (id, position) USING (id)
         WHERE a.workspace_id = $1 ORDER BY wanted.position`,
        [workspaceId, ids],
      );
      return rows;
    },

    async list(workspaceId: string, filter: ListFilter, tx: Queryable = db): Promise<ArticleRow[]> {
      const conditions = ['workspace_id = $1'];
      const values: unknown[] = [workspaceId];
      const add = (sql: (placeholder: string) => string, value: unknown) => {
        values.push(value);
        conditions.push(sql(`$${values.length}`));
      };
      if (filter.isDraft !== undefined) add((p) => `is_draft = ${p}`, filter.isDraft);
      // A rejected draft is out of the draft list (docs/api.md "Reject a draft"); it stays readable by id.
      if (filter.isDraft === true) conditions.push('rejected_at IS NULL');
      if (filter.parentFolderId) add((p) => `parent_folder_id = ${p}`, filter.parentFolderId);
      // Compared in SQL: created_at has microseconds, which a JavaScript Date would drop.
      if (filter.afterId)
        add(
          (p) =>
            `(created_at, id) < (SELECT created_at, id FROM articles WHERE workspace_id = $1 AND id = ${p})`,
          filter.afterId,
        );
      values.push(filter.limit);
      const { rows } = await tx.query<ArticleRow>(
        `SELECT ${ARTICLE_COLUMNS} FROM articles WHERE ${conditions.join(' AND ')}
         ORDER BY created_at DESC, id DESC LIMIT $${values.length}`,
        values,
      );
      return rows;
    },

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

    async move(
      workspaceId: string,
      id: string,
      parentFolderId: string,
      tx: Queryable = db,
    ): Promise<ArticleRow | undefined> {
      const { rows } = await tx.query<ArticleRow>(
        `UPDATE articles SET parent_folder_id = $3, updated_at = clock_timestamp()
         WHERE workspace_id = $1 AND id = $2 RETURNING ${ARTICLE_COLUMNS}`,
        [workspaceId, id, parentFolderId],
      );
      return rows[0];
    },

    async delete(workspaceId: string, id: string, tx: Queryable = db): Promise<ArticleRow | undefined> {
      const { rows } = await tx.query<ArticleRow>(
        `DELETE FROM articles WHERE workspace_id = $1 AND id = $2 RETURNING ${ARTICLE_COLUMNS}`,
        [workspaceId, id],
      );
      return rows[0];
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

    /** Live articles that sit in a folder, with the start of their body, for the tree snapshot. */
    async listLiveForTree(workspaceId: string, tx: Queryable = db): Promise<TreeArticleRow[]> {
      const { rows } = await tx.query<TreeArticleRow>(
        `SELECT id, parent_folder_id AS "parentFolderId", title, left(main_knowledge, 600) AS head,
           updated_at AS "updatedAt"
         FROM articles WHERE workspace_id = $1 AND NOT is_draft AND parent_folder_id IS NOT NULL
         ORDER BY created_at, id`,
        [workspaceId],
      );
      return rows;
    },
  };
}

export type ArticlesRepo = ReturnType<typeof createArticlesRepo>;

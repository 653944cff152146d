// SQL for the `articles` and `article_versions` tables (live and draft articles in one table): one repository,
// built in deps.ts. Inserts, reads, moves and deletes are here; the version history is
// articles-versions-repo.ts, and the row types and shared columns are articles-rows.ts.
import { prepared, type Queryable } from '../lib/db.js';
import {
  ARTICLE_COLUMNS,
  VERSION_FIELDS,
  versionValues,
  type ArticleRow,
  type NewArticleRow,
  type TreeArticleRow,
} from './articles-rows.js';
import { articleVersionQueries } from './articles-versions-repo.js';

export type * from './articles-rows.js';

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

// Every generation job writing a draft runs both: parsed once per connection (lib/db.ts, prepared).
const INSERT_FOR_JOB = prepared(
  `INSERT INTO articles (${INSERT_COLUMNS}) VALUES (${INSERT_PLACEHOLDERS})
   ON CONFLICT (background_job_id) DO NOTHING RETURNING ${ARTICLE_COLUMNS}`,
);
const FIND_BY_JOB = prepared(
  `SELECT ${ARTICLE_COLUMNS} FROM articles WHERE workspace_id = $1 AND background_job_id = $2`,
);

export interface ListFilter {
  isDraft?: boolean;
  parentFolderId?: string;
  /** Keyset cursor: rows strictly after this article in the list order (newest first). */
  afterId?: string;
  limit: number;
}

// Every generated update reads its target (the fork's source): parsed once per connection (lib/db.ts).
const FIND = prepared(`SELECT ${ARTICLE_COLUMNS} FROM articles WHERE workspace_id = $1 AND id = $2`);
const FIND_FOR_UPDATE = prepared(
  `SELECT ${ARTICLE_COLUMNS} FROM articles WHERE workspace_id = $1 AND id = $2 FOR UPDATE`,
);

export function createArticlesRepo(db: Queryable) {
  return {
    ...articleVersionQueries(db),

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
      const { rows } = await tx.query<ArticleRow>({
        ...INSERT_FOR_JOB,
        values: insertValues(workspaceId, row),
      });
      return rows[0];
    },

    async find(
      workspaceId: string,
      id: string,
      tx: Queryable = db,
      options: { forUpdate?: boolean } = {},
    ): Promise<ArticleRow | undefined> {
      const statement = options.forUpdate ? FIND_FOR_UPDATE : FIND;
      const { rows } = await tx.query<ArticleRow>({ ...statement, values: [workspaceId, id] });
      return rows[0];
    },

    async findByJob(workspaceId: string, backgroundJobId: string, tx: Queryable = db) {
      const { rows } = await tx.query<ArticleRow>({
        ...FIND_BY_JOB,
        values: [workspaceId, backgroundJobId],
      });
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

import { prepared, type Queryable } from '../lib/db.js';

export interface FolderRow {
  id: string;
  workspaceId: string;
  parentFolderId: string | null;
  title: string;
  description: string;
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}

const FOLDER_COLUMNS = `id, workspace_id AS "workspaceId", parent_id AS "parentFolderId", title, description, active,
  created_at AS "createdAt", updated_at AS "updatedAt"`;

// Run by every generation job that adds an article: parsed once per connection (lib/db.ts, prepared).
const FIND_FOLDER = prepared(`SELECT ${FOLDER_COLUMNS} FROM folders WHERE workspace_id = $1 AND id = $2`);
/** How findChildrenByTitles keys its answer. */
export const childKey = (parentId: string | null, title: string): string =>
  `${parentId ?? ''}/${title.toLowerCase()}`;

export function createFoldersRepo(db: Queryable) {
  return {
    async insert(
      workspaceId: string,
      folder: { title: string; description: string; parentFolderId: string | null },
      tx: Queryable = db,
    ): Promise<FolderRow> {
      const { rows } = await tx.query<FolderRow>(
        // clock_timestamp(), not now(): folders made in one transaction (a tree import) keep their order.
        `INSERT INTO folders (workspace_id, parent_id, title, description, created_at, updated_at)
         VALUES ($1, $2, $3, $4, clock_timestamp(), clock_timestamp())
         RETURNING ${FOLDER_COLUMNS}`,
        [workspaceId, folder.parentFolderId, folder.title, folder.description],
      );
      return rows[0]!;
    },

    async find(workspaceId: string, id: string, tx: Queryable = db): Promise<FolderRow | undefined> {
      const { rows } = await tx.query<FolderRow>({ ...FIND_FOLDER, values: [workspaceId, id] });
      return rows[0];
    },

    async listAll(workspaceId: string, tx: Queryable = db): Promise<FolderRow[]> {
      const { rows } = await tx.query<FolderRow>(
        `SELECT ${FOLDER_COLUMNS} FROM folders WHERE workspace_id = $1 ORDER BY created_at, id`,
        [workspaceId],
      );
      return rows;
    },

    async folderIdsOfBot(workspaceId: string, botId: string, tx: Queryable = db): Promise<string[]> {
      const { rows } = await tx.query<{ folderId: string }>(
        'SELECT folder_id AS "folderId" FROM bot_folders WHERE workspace_id = $1 AND bot_id = $2',
        [workspaceId, botId],
      );
      return rows.map((row) => row.folderId);
    },

    /** The workspace's creation time and its latest folder or article deletion, for the tree's timestamps. */
    async workspaceTimes(
      workspaceId: string,
      tx: Queryable = db,
    ): Promise<{ createdAt: Date; knowledgeDeletedAt: Date | null }> {
      const { rows } = await tx.query<{ createdAt: Date; knowledgeDeletedAt: Date | null }>(
        'SELECT created_at AS "createdAt", knowledge_deleted_at AS "knowledgeDeletedAt" FROM workspaces WHERE id = $1',
        [workspaceId],
      );
      return rows[0]!;
    },

    /** A deleted folder or live article leaves no row to date the change: record it on the workspace. */
    async stampDeletion(workspaceId: string, tx: Queryable = db): Promise<void> {
      await tx.query('UPDATE workspaces SET knowledge_deleted_at = clock_timestamp() WHERE id = $1', [
        workspaceId,
      ]);
    },

    /**
     * Serializes changes to the shape of one workspace's tree (moves, imports): two concurrent moves could
     * otherwise each pass the cycle check and together make a cycle. Held until the transaction ends.
     */
    async lockTree(workspaceId: string, tx: Queryable): Promise<void> {
      await tx.query("SELECT pg_advisory_xact_lock(hashtextextended('distill:folder-tree:' || $1, 0))", [
        workspaceId,
      ]);
    },

    /**
     * lockTree without the wait: false when another transaction holds the workspace's tree lock. A tree
     * import answers 409 then rather than hold a pool connection while it queues.
     */
    async tryLockTree(workspaceId: string, tx: Queryable): Promise<boolean> {
      const { rows } = await tx.query<{ locked: boolean }>(
        "SELECT pg_try_advisory_xact_lock(hashtextextended('distill:folder-tree:' || $1, 0)) AS locked",
        [workspaceId],
      );
      return rows[0]!.locked;
    },

    /**
     * For each (parent, title) pair, the oldest folder with that title (case-insensitive) directly under the
     * parent (null = top), in one query. Answers only the pairs that have one, keyed `parent/lower(title)`.
     */
    async findChildrenByTitles(
      workspaceId: string,
      pairs: { parentId: string | null; title: string }[],
      tx: Queryable = db,
    ): Promise<Map<string, string>> {
      const { rows } = await tx.query<{ parentId: string | null; title: string; id: string }>(
        `SELECT t.parent_id AS "parentId", t.title, f.id
           FROM unnest($2::uuid[], $3::text[]) AS t(parent_id, title)
           CROSS JOIN LATERAL (
             SELECT id FROM folders
              WHERE workspace_id = $1 AND parent_id IS NOT DISTINCT FROM t.parent_id AND lower(title) = t.title
              ORDER BY created_at, id LIMIT 1
           ) f`,
        [workspaceId, pairs.map((pair) => pair.parentId), pairs.map((pair) => pair.title.toLowerCase())],
      );
      return new Map(rows.map((row) => [childKey(row.parentId, row.title), row.id]));
    },

    /**
     * Inserts folders in one statement, in input order (created_at increases), keyed like
     * findChildrenByTitles: the (parent, title) pairs must be distinct.
     */
    async insertMany(
      workspaceId: string,
      folders: { title: string; description: string; parentFolderId: string | null }[],
      tx: Queryable = db,
    ): Promise<Map<string, string>> {
      const { rows } = await tx.query<{ id: string; title: string; parentId: string | null }>(
        `INSERT INTO folders (workspace_id, parent_id, title, description, created_at, updated_at)
         SELECT $1, parent_id, title, description, clock_timestamp(), clock_timestamp()
           FROM unnest($2::uuid[], $3::text[], $4::text[]) WITH ORDINALITY AS t(parent_id, title, description, n)
          ORDER BY n
         RETURNING id, title, parent_id AS "parentId"`,
        [
          workspaceId,
          folders.map((folder) => folder.parentFolderId),
          folders.map((folder) => folder.title),
          folders.map((folder) => folder.description),
        ],
      );
      return new Map(rows.map((row) => [childKey(row.parentId, row.title), row.id]));
    },

    async findMany(workspaceId: string, ids: string[], tx: Queryable = db): Promise<FolderRow[]> {
      const { rows } = await tx.query<FolderRow>(
        `SELECT ${FOLDER_COLUMNS} FROM folders WHERE workspace_id = $1 AND id = ANY($2::uuid[])`,
        [workspaceId, ids],
      );
      return rows;
    },

    async update(
      workspaceId: string,
      id: string,
      fields: { title: string; description: string; active: boolean },
      tx: Queryable = db,
    ): Promise<FolderRow | undefined> {
      const { rows } = await tx.query<FolderRow>(
        `UPDATE folders SET title = $3, description = $4, active = $5, updated_at = clock_timestamp()
         WHERE workspace_id = $1 AND id = $2 RETURNING ${FOLDER_COLUMNS}`,
        [workspaceId, id, fields.title, fields.description, fields.active],
      );
      return rows[0];
    },

    async setParent(
      workspaceId: string,
      id: string,
      parentFolderId: string | null,
      tx: Queryable = db,
    ): Promise<FolderRow | undefined> {
      const { rows } = await tx.query<FolderRow>(
        `UPDATE folders SET parent_id = $3, updated_at = clock_timestamp()
         WHERE workspace_id = $1 AND id = $2 RETURNING ${FOLDER_COLUMNS}`,
        [workspaceId, id, parentFolderId],
      );
      return rows[0];
    },

    /** Whether `candidateId` is `folderId` itself or lies anywhere below it. */
    async isSelfOrDescendant(
      workspaceId: string,
      folderId: string,
      candidateId: string,
      tx: Queryable = db,
    ): Promise<boolean> {
      // Walks up from the candidate; UNION (not ALL) stops on a cycle, should one ever exist.
      const { rows } = await tx.query<{ found: boolean }>(
        `WITH RECURSIVE up (id, parent_id) AS (
           SELECT id, parent_id FROM folders WHERE workspace_id = $1 AND id = $3
           UNION
           SELECT f.id, f.parent_id FROM folders f JOIN up ON f.id = up.parent_id WHERE f.workspace_id = $1
         )
         SELECT EXISTS (SELECT 1 FROM up WHERE id = $2) AS found`,
        [workspaceId, folderId, candidateId],
      );
      return rows[0]!.found;
    },

    /** How many subfolders and articles (live or draft) a folder holds directly. */
    async contents(
      workspaceId: string,
      id: string,
      tx: Queryable = db,
    ): Promise<{ folders: number; articles: number }> {
      const { rows } = await tx.query<{ folders: number; articles: number }>(
        `SELECT (SELECT count(*)::int FROM folders WHERE workspace_id = $1 AND parent_id = $2) AS folders,
                (SELECT count(*)::int FROM articles WHERE workspace_id = $1 AND parent_folder_id = $2) AS articles`,
        [workspaceId, id],
      );
      return rows[0]!;
    },

    async delete(workspaceId: string, id: string, tx: Queryable = db): Promise<FolderRow | undefined> {
      const { rows } = await tx.query<FolderRow>(
        `DELETE FROM folders WHERE workspace_id = $1 AND id = $2 RETURNING ${FOLDER_COLUMNS}`,
        [workspaceId, id],
      );
      return rows[0];
    },

    /** Bots (the support agents a client runs) are plain UUIDs, created in the workspace on first use. */
    async ensureBots(workspaceId: string, botIds: string[], tx: Queryable = db): Promise<void> {
      await tx.query(
        `INSERT INTO bots (workspace_id, id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING`,
        [workspaceId, botIds],
      );
    },

    async addJunction(
      workspaceId: string,
      botId: string,
      folderId: string,
      tx: Queryable = db,
    ): Promise<void> {
      await tx.query(
        `INSERT INTO bot_folders (workspace_id, bot_id, folder_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
        [workspaceId, botId, folderId],
      );
    },

    async removeJunction(
      workspaceId: string,
      botId: string,
      folderId: string,
      tx: Queryable = db,
    ): Promise<void> {
      await tx.query('DELETE FROM bot_folders WHERE workspace_id = $1 AND bot_id = $2 AND folder_id = $3', [
        workspaceId,
        botId,
        folderId,
      ]);
    },
  };
}

export type FoldersRepo = ReturnType<typeof createFoldersRepo>;

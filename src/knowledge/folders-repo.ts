import type { Queryable } from '../lib/db.js';

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

export function createFoldersRepo(db: Queryable) {
  return {
    async insert(
      workspaceId: string,
      folder: { title: string; description: string; parentFolderId: string | null },
      tx: Queryable = db,
    ): Promise<FolderRow> {
      const { rows } = await tx.query<FolderRow>(
        `INSERT INTO folders (workspace_id, parent_id, title, description) VALUES ($1, $2, $3, $4)
         RETURNING ${FOLDER_COLUMNS}`,
        [workspaceId, folder.parentFolderId, folder.title, folder.description],
      );
      return rows[0]!;
    },

    async find(workspaceId: string, id: string, tx: Queryable = db): Promise<FolderRow | undefined> {
      const { rows } = await tx.query<FolderRow>(
        `SELECT ${FOLDER_COLUMNS} FROM folders WHERE workspace_id = $1 AND id = $2`,
        [workspaceId, id],
      );
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

    async workspaceCreatedAt(workspaceId: string, tx: Queryable = db): Promise<Date> {
      const { rows } = await tx.query<{ createdAt: Date }>(
        'SELECT created_at AS "createdAt" FROM workspaces WHERE id = $1',
        [workspaceId],
      );
      return rows[0]!.createdAt;
    },
  };
}

export type FoldersRepo = ReturnType<typeof createFoldersRepo>;

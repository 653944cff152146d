import type { Pool } from '../lib/db.js';
import { notFound } from '../lib/errors.js';
import { toIso } from '../http/schemas.js';
import { createFoldersRepo, type FolderRow } from './folders-repo.js';
import type { CreateFolderBody, Folder, TreeNode, TreeSnapshot } from './folders-schemas.js';

export const toFolder = (row: FolderRow): Folder => ({
  id: row.id,
  title: row.title,
  description: row.description,
  parentFolderId: row.parentFolderId,
  active: row.active,
  createdAt: toIso(row.createdAt),
  updatedAt: toIso(row.updatedAt),
});

/**
 * Nests folders under their parents. With `rootIds`, only those folders (and everything below them) are
 * included; a listed folder inside another listed folder appears once, under its ancestor.
 */
export function buildTree(folders: FolderRow[], rootIds?: Set<string>): TreeNode[] {
  const nodes = new Map<string, TreeNode>();
  for (const folder of folders) {
    nodes.set(folder.id, {
      id: folder.id,
      title: folder.title,
      description: folder.description,
      type: 'folder',
      children: [],
    });
  }
  const roots: TreeNode[] = [];
  for (const folder of folders) {
    const node = nodes.get(folder.id)!;
    const parent = folder.parentFolderId ? nodes.get(folder.parentFolderId) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  if (!rootIds) return roots;

  const parentOf = new Map(folders.map((folder) => [folder.id, folder.parentFolderId]));
  const hasListedAncestor = (id: string): boolean => {
    for (let parent = parentOf.get(id); parent; parent = parentOf.get(parent)) {
      if (rootIds.has(parent)) return true;
    }
    return false;
  };
  return folders
    .filter((folder) => rootIds.has(folder.id) && !hasListedAncestor(folder.id))
    .map((folder) => nodes.get(folder.id)!);
}

export function createFoldersService(pool: Pool) {
  const repo = createFoldersRepo(pool);

  return {
    async create(workspaceId: string, body: CreateFolderBody): Promise<Folder> {
      const parentFolderId = body.parentFolderId ?? null;
      if (parentFolderId && !(await repo.find(workspaceId, parentFolderId)))
        throw notFound('parent folder', parentFolderId);
      return toFolder(
        await repo.insert(workspaceId, { title: body.title, description: body.description, parentFolderId }),
      );
    },

    async tree(workspaceId: string, botId: string | undefined): Promise<TreeSnapshot> {
      const [folders, createdAt, botFolderIds] = await Promise.all([
        repo.listAll(workspaceId),
        repo.workspaceCreatedAt(workspaceId),
        botId ? repo.folderIdsOfBot(workspaceId, botId) : Promise.resolve(undefined),
      ]);
      const updatedAt = folders.reduce(
        (latest, folder) => (folder.updatedAt > latest ? folder.updatedAt : latest),
        createdAt,
      );
      return {
        id: workspaceId,
        createdAt: toIso(createdAt),
        updatedAt: toIso(updatedAt),
        snapshotObjV2: buildTree(folders, botFolderIds ? new Set(botFolderIds) : undefined),
      };
    },
  };
}

export type FoldersService = ReturnType<typeof createFoldersService>;

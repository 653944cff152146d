import {
  isPgError,
  PG_FOREIGN_KEY_VIOLATION,
  withTransaction,
  type Pool,
  type Queryable,
} from '../lib/db.js';
import { AppError, notFound } from '../lib/errors.js';
import { toIso } from '../lib/dates.js';
import { markdownToText } from '../lib/markdown-text.js';
import type { ArticlesRepo, TreeArticleRow } from './articles-repo.js';
import { botFolderIds, listFolderChoices } from './candidates-repo.js';
import type { FolderRow, FoldersRepo } from './folders-repo.js';
import type {
  CreateFolderBody,
  Folder,
  JunctionsBody,
  TreeNode,
  TreeSnapshot,
  UpdateFolderBody,
} from './folders-schemas.js';

export const toFolder = (row: FolderRow): Folder => ({
  id: row.id,
  title: row.title,
  description: row.description,
  parentFolderId: row.parentFolderId,
  active: row.active,
  createdAt: toIso(row.createdAt),
  updatedAt: toIso(row.updatedAt),
});

const EXCERPT_LENGTH = 200;

/** A short plain-text start of an article body for the tree: markdown marks dropped, cut at a word. */
export function excerpt(markdown: string): string {
  const text = markdownToText(markdown, { display: true });
  if (text.length <= EXCERPT_LENGTH) return text;
  const cut = text.slice(0, EXCERPT_LENGTH);
  const lastSpace = cut.lastIndexOf(' ');
  return `${(lastSpace > EXCERPT_LENGTH / 2 ? cut.slice(0, lastSpace) : cut).trimEnd()}…`;
}

/**
 * Nests folders under their parents and live articles under their folders (subfolders first, then articles,
 * each oldest first). With `rootIds`, only those folders (and everything below them) are included; a listed
 * folder inside another listed folder appears once, under its ancestor.
 */
export function buildTree(
  folders: FolderRow[],
  articles: TreeArticleRow[],
  rootIds?: Set<string>,
): TreeNode[] {
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
  for (const article of articles) {
    nodes.get(article.parentFolderId)?.children.push({
      id: article.id,
      title: article.title,
      description: excerpt(article.head),
      type: 'article',
      children: [],
    });
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

const latest = (dates: Iterable<Date | null>, start: Date): Date => {
  let out = start;
  for (const date of dates) if (date && date > out) out = date;
  return out;
};

export function createFoldersService(pool: Pool, repos: { folders: FoldersRepo; articles: ArticlesRepo }) {
  const { folders: repo, articles } = repos;

  return {
    async create(workspaceId: string, body: CreateFolderBody): Promise<Folder> {
      const parentFolderId = body.parentFolderId ?? null;
      if (parentFolderId && !(await repo.find(workspaceId, parentFolderId)))
        throw notFound('parent folder', parentFolderId);
      try {
        return toFolder(
          await repo.insert(workspaceId, {
            title: body.title,
            description: body.description,
            parentFolderId,
          }),
        );
      } catch (error) {
        // The parent was deleted between the check and the insert.
        if (parentFolderId && isPgError(error, PG_FOREIGN_KEY_VIOLATION))
          throw notFound('parent folder', parentFolderId);
        throw error;
      }
    },

    async update(workspaceId: string, id: string, body: UpdateFolderBody): Promise<Folder> {
      const row = await repo.update(workspaceId, id, body);
      if (!row) throw notFound('folder', id);
      return toFolder(row);
    },

    /** Re-parents a folder (null = top level); 406 for a move under itself or its own descendant. */
    async move(workspaceId: string, id: string, parentFolderId: string | null): Promise<Folder> {
      return withTransaction(pool, async (tx) => {
        await repo.lockTree(workspaceId, tx);
        if (!(await repo.find(workspaceId, id, tx))) throw notFound('folder', id);
        if (parentFolderId) {
          if (!(await repo.find(workspaceId, parentFolderId, tx)))
            throw notFound('destination folder', parentFolderId);
          if (await repo.isSelfOrDescendant(workspaceId, id, parentFolderId, tx))
            throw new AppError(
              'NOT_ACCEPTABLE',
              `folder ${id} cannot move under ${parentFolderId === id ? 'itself' : `its own subfolder ${parentFolderId}`}`,
            );
        }
        return toFolder((await repo.setParent(workspaceId, id, parentFolderId, tx))!);
      });
    },

    /** Deletes an empty folder (409 when it holds subfolders or articles, live or draft). */
    async delete(workspaceId: string, id: string): Promise<Folder> {
      return withTransaction(pool, async (tx) => {
        if (!(await repo.find(workspaceId, id, tx))) throw notFound('folder', id);
        const contents = await repo.contents(workspaceId, id, tx);
        const notEmpty = () =>
          new AppError(
            'CONFLICT',
            `folder ${id} is not empty: it holds ${contents.folders} subfolder(s) and ${contents.articles} article(s) (live or draft); move or delete them first`,
          );
        if (contents.folders > 0 || contents.articles > 0) throw notEmpty();
        try {
          const row = (await repo.delete(workspaceId, id, tx))!;
          await repo.stampDeletion(workspaceId, tx);
          return toFolder(row);
        } catch (error) {
          // Something was added to the folder between the count and the delete.
          if (isPgError(error, PG_FOREIGN_KEY_VIOLATION)) throw notEmpty();
          throw error;
        }
      });
    },

    /**
     * Assigns folders to agents and unassigns them, in order, in one transaction. Idempotent: adding an
     * existing junction or deleting a missing one changes nothing. Agents are created on first ADD.
     */
    async applyJunctions(workspaceId: string, body: JunctionsBody): Promise<{ status: true }> {
      return withTransaction(pool, async (tx) => {
        const folderIds = [...new Set(body.junctions.map((junction) => junction.folderId))];
        const known = new Set((await repo.findMany(workspaceId, folderIds, tx)).map((folder) => folder.id));
        const unknown = folderIds.find((id) => !known.has(id));
        if (unknown) throw notFound('folder', unknown);
        const added = body.junctions.filter((junction) => junction.action === 'ADD');
        if (added.length > 0)
          await repo.ensureBots(workspaceId, [...new Set(added.map((junction) => junction.botId))], tx);
        for (const junction of body.junctions) {
          if (junction.action === 'ADD')
            await repo.addJunction(workspaceId, junction.botId, junction.folderId, tx);
          else await repo.removeJunction(workspaceId, junction.botId, junction.folderId, tx);
        }
        return { status: true as const };
      });
    },

    /**
     * A workspace with no folder gets one named "General" for generated articles to land in. Race-safe:
     * the tree lock serializes concurrent jobs, and only the first finds the workspace empty.
     */
    async ensureDefaultFolder(workspaceId: string, tx: Queryable): Promise<void> {
      await repo.lockTree(workspaceId, tx);
      if ((await repo.listAll(workspaceId, tx)).length > 0) return;
      await repo.insert(
        workspaceId,
        {
          title: 'General',
          description: 'Articles generated before any folder existed',
          parentFolderId: null,
        },
        tx,
      );
    },

    /** Assigns a folder to a bot (created on first use); nothing happens when it is assigned already. */
    async assignToBot(workspaceId: string, botId: string, folderId: string, tx: Queryable): Promise<void> {
      await repo.ensureBots(workspaceId, [botId], tx);
      await repo.addJunction(workspaceId, botId, folderId, tx);
    },

    /** The folders a generation job may put a new article in, with what each holds; only `scope` when given. */
    listFolderChoices(workspaceId: string, scope?: string[]) {
      return listFolderChoices(pool, workspaceId, scope);
    },

    /** The bot's folders and their subfolders; undefined without a bot or when it has none. */
    botFolderIds(workspaceId: string, botId: string | null) {
      return botFolderIds(pool, workspaceId, botId);
    },

    async tree(workspaceId: string, botId: string | undefined): Promise<TreeSnapshot> {
      return withTransaction(pool, async (tx) => {
        // One snapshot across the queries, so an article never hangs under a folder the tree lacks.
        await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
        const folders = await repo.listAll(workspaceId, tx);
        const liveArticles = await articles.listLiveForTree(workspaceId, tx);
        const times = await repo.workspaceTimes(workspaceId, tx);
        const botFolderIds = botId ? await repo.folderIdsOfBot(workspaceId, botId, tx) : undefined;
        const updatedAt = latest(
          [
            times.knowledgeDeletedAt,
            ...folders.map((folder) => folder.updatedAt),
            ...liveArticles.map((article) => article.updatedAt),
          ],
          times.createdAt,
        );
        return {
          id: workspaceId,
          createdAt: toIso(times.createdAt),
          updatedAt: toIso(updatedAt),
          snapshotObjV2: buildTree(folders, liveArticles, botFolderIds ? new Set(botFolderIds) : undefined),
        };
      });
    },
  };
}

export type FoldersService = ReturnType<typeof createFoldersService>;

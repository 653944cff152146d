// Tree import (`POST /v2/knowledge/public/tree/persist`): folders and draft article stubs from a tree CSV,
// all in one transaction, so a file either imports whole or changes nothing.
import { withTransaction, type Pool, type PoolClient } from '../lib/db.js';
import type { ArticlesService } from './articles-service.js';
import { createFoldersRepo } from './folders-repo.js';
import { keywordsFromTitle, type TreeCsvRow, type TreeImportResult } from './tree-csv.js';

export const TREE_IMPORT_ORIGIN = 'tree-import';

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

export function createTreeService(pool: Pool, articles: ArticlesService) {
  const folders = createFoldersRepo(pool);

  return {
    /**
     * Every row lives in the folder at its `folder_path` (created along the way when missing). A folder row
     * is the folder `title` inside that path; an article row is a draft inside it. A path title matches an
     * existing folder under the same parent by title, case-insensitively (the oldest when several do);
     * an existing folder keeps its description. Folder rows are applied before article rows, shallow ones
     * first, so a folder's own row sets its description wherever it sits in the file.
     */
    async importRows(workspaceId: string, rows: TreeCsvRow[]): Promise<TreeImportResult> {
      return withTransaction(pool, async (tx) => {
        await folders.lockTree(workspaceId, tx);
        const created = new Set<string>();
        const existing = new Set<string>();
        const byParentAndTitle = new Map<string, string>();

        const folderIn = async (
          parentId: string | null,
          title: string,
          description: string,
          client: PoolClient,
        ): Promise<string> => {
          const key = `${parentId ?? ''}/${title.toLowerCase()}`;
          const cached = byParentAndTitle.get(key);
          if (cached) return cached;
          const found = await folders.findChildByTitle(workspaceId, parentId, title, client);
          let id: string;
          if (found) {
            id = found.id;
            existing.add(id);
          } else {
            id = (await folders.insert(workspaceId, { title, description, parentFolderId: parentId }, client))
              .id;
            created.add(id);
          }
          byParentAndTitle.set(key, id);
          return id;
        };
        const folderAt = async (path: string[]): Promise<string | null> => {
          let parentId: string | null = null;
          for (const title of path) parentId = await folderIn(parentId, title, '', tx);
          return parentId;
        };

        // Folder rows first, shallow before deep (file order otherwise), so a folder declared by its own
        // row gets that row's description even when a deeper path or an article names it earlier.
        const ordered = [
          ...rows.filter((row) => row.type === 'folder').sort((a, b) => a.path.length - b.path.length),
          ...rows.filter((row) => row.type === 'article'),
        ];
        let articlesCreated = 0;
        for (const row of ordered) {
          const parentId = await folderAt(row.path);
          if (row.type === 'folder') {
            await folderIn(parentId, row.title, row.description, tx);
            continue;
          }
          await articles.createArticle(
            workspaceId,
            {
              title: row.title,
              mainKnowledge: row.description,
              agentInstruction: '',
              questions: [row.title],
              keywords: keywordsFromTitle(row.title),
              escalation: false,
              parentFolderId: parentId!,
              isDraft: true,
              origin: TREE_IMPORT_ORIGIN,
            },
            tx,
          );
          articlesCreated += 1;
        }

        const reused = existing.size ? ` (${existing.size} already existed)` : '';
        return {
          status: 'COMPLETED' as const,
          message: `Imported ${plural(rows.length, 'row')}: created ${plural(created.size, 'folder')}${reused} and ${plural(articlesCreated, 'draft article')}`,
          foldersCreated: created.size,
          foldersExisting: existing.size,
          articlesCreated,
        };
      });
    },
  };
}

export type TreeService = ReturnType<typeof createTreeService>;

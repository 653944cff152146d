// Tree import (`POST /v2/knowledge/public/tree/persist`): folders and draft article stubs from a tree CSV,
// all in one transaction, so a file either imports whole or changes nothing.
import { withTransaction, type Pool } from '../lib/db.js';
import { AppError } from '../lib/errors.js';
import type { ArticlesService } from './articles-service.js';
import type { FoldersRepo } from './folders-repo.js';
import { keywordsFromTitle, type TreeCsvRow, type TreeImportResult } from './tree-csv.js';
import { importOrder, TreeFolders } from './tree-folders.js';

export const TREE_IMPORT_ORIGIN = 'tree-import';

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

export function createTreeService(pool: Pool, folders: FoldersRepo, articles: ArticlesService) {
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
        if (!(await folders.tryLockTree(workspaceId, tx)))
          throw new AppError(
            'CONFLICT',
            'another tree import or folder move is running in this workspace; try again when it has finished',
          );
        // Folder rows first, shallow before deep, so a folder declared by its own row gets that row's
        // description even when a deeper path or an article names it earlier.
        const ordered = importOrder(rows);
        const tree = new TreeFolders();
        const nodes = ordered.map((row) =>
          row.type === 'folder'
            ? tree.add(row.path, { title: row.title, description: row.description })
            : tree.add(row.path),
        );
        await tree.resolve(folders, workspaceId, tx);
        const { created, existing } = tree;

        let articlesCreated = 0;
        for (const [index, row] of ordered.entries()) {
          if (row.type === 'folder') continue;
          await articles.createArticle(
            workspaceId,
            {
              title: row.title,
              mainKnowledge: row.description,
              agentInstruction: '',
              questions: [row.title],
              keywords: keywordsFromTitle(row.title),
              escalation: false,
              parentFolderId: nodes[index]!.id!,
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

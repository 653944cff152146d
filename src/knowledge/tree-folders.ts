// The folders a tree import needs, found or created level by level: one lookup and one insert per level
// and batch, instead of two queries per path title. A file of 5,000 rows 10 levels deep costs tens of
// queries, not 100,000.
import type { PoolClient } from '../lib/db.js';
import { childKey, type createFoldersRepo } from './folders-repo.js';
import type { TreeCsvRow } from './tree-csv.js';

type FoldersRepo = ReturnType<typeof createFoldersRepo>;

interface FolderNode {
  /** The lower-cased titles of the path, joined by "/". */
  key: string;
  parent: FolderNode | null;
  /** The first spelling met; later ones match it case-insensitively. */
  title: string;
  /** Used only when the folder is created. */
  description: string;
  depth: number;
  id?: string;
}

const BATCH = 1_000;

/** The import's folder tree, in the order the rows name it (the first mention decides title and description). */
export class TreeFolders {
  private readonly nodes = new Map<string, FolderNode>();
  readonly created = new Set<string>();
  readonly existing = new Set<string>();

  /** The node of `path` (created along the way); `own` is the folder row's own folder, with its description. */
  add(path: string[], own?: { title: string; description: string }): FolderNode | null {
    let node: FolderNode | null = null;
    for (const title of path) node = this.child(node, title, '');
    return own ? this.child(node, own.title, own.description) : node;
  }

  private child(parent: FolderNode | null, title: string, description: string): FolderNode {
    const key = `${parent?.key ?? ''}/${title.toLowerCase()}`;
    let node = this.nodes.get(key);
    if (!node) {
      node = { key, parent, title, description, depth: (parent?.depth ?? 0) + 1 };
      this.nodes.set(key, node);
    }
    return node;
  }

  /** Finds or creates every folder, shallow levels first, so each level knows its parents' ids. */
  async resolve(repo: FoldersRepo, workspaceId: string, tx: PoolClient): Promise<void> {
    const levels: FolderNode[][] = [];
    for (const node of this.nodes.values()) (levels[node.depth - 1] ??= []).push(node);
    for (const level of levels) {
      for (let start = 0; start < level.length; start += BATCH) {
        const batch = level.slice(start, start + BATCH);
        const pairs = batch.map((node) => ({ parentId: node.parent?.id ?? null, title: node.title }));
        const found = await repo.findChildrenByTitles(workspaceId, pairs, tx);
        const missing = batch.filter((node) => {
          node.id = found.get(childKey(node.parent?.id ?? null, node.title));
          if (node.id) this.existing.add(node.id);
          return !node.id;
        });
        if (missing.length === 0) continue;
        const inserted = await repo.insertMany(
          workspaceId,
          missing.map((node) => ({
            title: node.title,
            description: node.description,
            parentFolderId: node.parent?.id ?? null,
          })),
          tx,
        );
        for (const node of missing) {
          node.id = inserted.get(childKey(node.parent?.id ?? null, node.title))!;
          this.created.add(node.id);
        }
      }
    }
  }
}

/** Folder rows first, shallow before deep (file order otherwise), then article rows. */
export const importOrder = (rows: TreeCsvRow[]): TreeCsvRow[] => [
  ...rows.filter((row) => row.type === 'folder').sort((a, b) => a.path.length - b.path.length),
  ...rows.filter((row) => row.type === 'article'),
];

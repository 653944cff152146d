import { z } from 'zod';
import { Timestamp, Uuid } from '../http/schemas.js';

export const FolderSchema = z.object({
  id: Uuid,
  title: z.string(),
  description: z.string(),
  parentFolderId: Uuid.nullable(),
  active: z.boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Folder = z.infer<typeof FolderSchema>;

// The tree import (tree-csv.ts) checks the same limits.
export const FOLDER_TITLE_MAX = 200;
export const FOLDER_DESCRIPTION_MAX = 2_000;
const FolderTitle = z.string().trim().min(1).max(FOLDER_TITLE_MAX);
const FolderDescription = z.string().max(FOLDER_DESCRIPTION_MAX);

export const CreateFolderBodySchema = z.strictObject({
  title: FolderTitle,
  description: FolderDescription,
  parentFolderId: Uuid.nullish(),
});
export type CreateFolderBody = z.infer<typeof CreateFolderBodySchema>;

export const UpdateFolderBodySchema = z.strictObject({
  title: FolderTitle,
  description: FolderDescription,
  active: z.boolean(),
});
export type UpdateFolderBody = z.infer<typeof UpdateFolderBodySchema>;

export const MoveFolderBodySchema = z.strictObject({
  parentFolderId: Uuid.nullable().describe('the new parent; null moves the folder to the top level'),
});

export const JunctionsBodySchema = z.strictObject({
  junctions: z
    .array(z.strictObject({ folderId: Uuid, botId: Uuid, action: z.enum(['ADD', 'DELETE']) }))
    .min(1)
    .max(1000),
});
export type JunctionsBody = z.infer<typeof JunctionsBodySchema>;

export const JunctionsResultSchema = z.object({ status: z.literal(true) });

export interface TreeNode {
  id: string;
  title: string;
  description: string;
  type: 'folder' | 'article';
  children: TreeNode[];
}

export const TreeNodeSchema: z.ZodType<TreeNode> = z.object({
  id: Uuid,
  title: z.string(),
  description: z.string(),
  type: z.enum(['folder', 'article']),
  get children() {
    return z.array(TreeNodeSchema);
  },
});

export const TreeSnapshotSchema = z.object({
  id: Uuid.describe('the workspace id: one knowledge tree per workspace'),
  createdAt: Timestamp,
  updatedAt: Timestamp.describe('the latest change to any folder or article in the tree'),
  snapshotObjV2: z.array(TreeNodeSchema),
});
export type TreeSnapshot = z.infer<typeof TreeSnapshotSchema>;

export const TreeQuerySchema = z.object({ botId: Uuid.optional() });

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { workspaceOf } from '../http/auth.js';
import { authErrors, ErrorResponseSchema, IdParamsSchema } from '../http/schemas.js';
import type { FoldersService } from './folders-service.js';
import {
  CreateFolderBodySchema,
  FolderSchema,
  JunctionsBodySchema,
  JunctionsResultSchema,
  MoveFolderBodySchema,
  TreeQuerySchema,
  TreeSnapshotSchema,
  UpdateFolderBodySchema,
} from './folders-schemas.js';

export function foldersRoutes(folders: FoldersService): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/v2/hc-folders/public',
      {
        config: { scope: 'write' },
        schema: {
          tags: ['folders'],
          summary: 'Create a folder',
          body: CreateFolderBodySchema,
          response: { 200: FolderSchema, ...authErrors, 404: ErrorResponseSchema },
        },
      },
      (request) => folders.create(workspaceOf(request), request.body),
    );

    app.get(
      '/v2/hc-folders/public',
      {
        config: { scope: 'read' },
        schema: {
          tags: ['folders'],
          summary: 'Folder and article tree snapshot, optionally only the folders assigned to an agent',
          querystring: TreeQuerySchema,
          response: { 200: TreeSnapshotSchema, ...authErrors },
        },
      },
      (request) => folders.tree(workspaceOf(request), request.query.botId),
    );

    app.put(
      '/v2/hc-folders/:id/public',
      {
        config: { scope: 'write' },
        schema: {
          tags: ['folders'],
          summary: "Update a folder's title, description and active flag",
          params: IdParamsSchema,
          body: UpdateFolderBodySchema,
          response: { 200: FolderSchema, ...authErrors, 404: ErrorResponseSchema },
        },
      },
      (request) => folders.update(workspaceOf(request), request.params.id, request.body),
    );

    app.put(
      '/v2/hc-folders/:id/move/public',
      {
        config: { scope: 'write' },
        schema: {
          tags: ['folders'],
          summary: 'Move a folder under another one, or to the top level with parentFolderId: null',
          description: '406 Not Acceptable for a move under the folder itself or one of its subfolders.',
          params: IdParamsSchema,
          body: MoveFolderBodySchema,
          response: { 200: FolderSchema, ...authErrors, 404: ErrorResponseSchema, 406: ErrorResponseSchema },
        },
      },
      (request) => folders.move(workspaceOf(request), request.params.id, request.body.parentFolderId),
    );

    app.delete(
      '/v2/hc-folders/:id/public',
      {
        config: { scope: 'write' },
        schema: {
          tags: ['folders'],
          summary: 'Delete an empty folder (409 when it holds subfolders or articles); answers with it',
          params: IdParamsSchema,
          response: { 200: FolderSchema, ...authErrors, 404: ErrorResponseSchema, 409: ErrorResponseSchema },
        },
      },
      (request) => folders.delete(workspaceOf(request), request.params.id),
    );

    app.post(
      '/v2/hc-bot-folder-junctions/public',
      {
        config: { scope: 'write' },
        schema: {
          tags: ['folders'],
          summary: 'Assign folders to agents (ADD) or unassign them (DELETE); idempotent, all or nothing',
          body: JunctionsBodySchema,
          response: { 200: JunctionsResultSchema, ...authErrors, 404: ErrorResponseSchema },
        },
      },
      (request) => folders.applyJunctions(workspaceOf(request), request.body),
    );
  };
}

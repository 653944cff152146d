import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { workspaceOf } from '../http/auth.js';
import { authErrors, ErrorResponseSchema } from '../http/schemas.js';
import type { FoldersService } from './folders-service.js';
import {
  CreateFolderBodySchema,
  FolderSchema,
  TreeQuerySchema,
  TreeSnapshotSchema,
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
  };
}

import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { workspaceOf } from '../http/auth.js';
import { authErrors, BODY_LIMIT_BYTES, ErrorResponseSchema } from '../http/schemas.js';
import { AppError, validationError } from '../lib/errors.js';
import { parseTreeCsv, TreeImportResultSchema } from './tree-csv.js';
import type { TreeService } from './tree-service.js';

export function treeRoutes(tree: TreeService): FastifyPluginAsyncZod {
  return async (app) => {
    // Registered here only: this plugin's scope is the one place that accepts multipart bodies.
    await app.register(multipart, {
      limits: { fileSize: BODY_LIMIT_BYTES, files: 1, fields: 10, parts: 20, fieldSize: 10_000 },
    });

    app.post(
      '/v2/knowledge/public/tree/persist',
      {
        config: { scope: 'write' },
        schema: {
          tags: ['knowledge'],
          summary: 'Import a folder tree from a CSV file (multipart field "file")',
          description:
            'CSV header `type,folder_path,title,description`. Folder rows create the folder `title` inside `folder_path`; ' +
            'article rows create draft articles in the folder at `folder_path`. All or nothing: a bad row → 400 naming its line and column. ' +
            'At most 10 folder levels and 20,000 path titles per file; 409 while another import or folder move runs in the workspace.',
          consumes: ['multipart/form-data'],
          response: {
            200: TreeImportResultSchema,
            ...authErrors,
            409: ErrorResponseSchema,
            413: ErrorResponseSchema,
            415: ErrorResponseSchema,
          },
        },
      },
      async (request) => {
        if (!request.isMultipart())
          throw new AppError(
            'UNSUPPORTED_MEDIA_TYPE',
            'send multipart/form-data with the CSV file in the field "file"',
          );
        // Parts other than "file" are skipped; the first file part must be it.
        const part = await request.file();
        if (!part || part.fieldname !== 'file')
          throw validationError('file', 'is required (multipart field "file")');
        const rows = parseTreeCsv(await part.toBuffer());
        return tree.importRows(workspaceOf(request), rows);
      },
    );
  };
}

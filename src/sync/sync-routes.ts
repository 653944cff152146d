// Sync run routes (docs/api.md "Sync runs"): start a run, read one, list them. Thin: the service decides.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { workspaceOf } from '../http/auth.js';
import { authErrors, ErrorResponseSchema, IdParamsSchema } from '../http/schemas.js';
import type { SyncService } from './sync-service.js';
import {
  ListRunsQuerySchema,
  ListRunsResponseSchema,
  StartSyncResponseSchema,
  SyncParamsSchema,
  SyncRunSchema,
} from './sync-schemas.js';

export function syncRoutes(sync: SyncService): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/v2/sync/public',
      {
        config: { scope: 'write' },
        schema: {
          tags: ['sync'],
          summary: '(ext) Refresh the sources and generate for what changed, as one batch, in the background',
          body: SyncParamsSchema.nullish().transform((body) => SyncParamsSchema.parse(body ?? {})),
          response: { 200: StartSyncResponseSchema, ...authErrors },
        },
      },
      async (request) => {
        const run = await sync.start(workspaceOf(request), request.body);
        return { syncRunId: run!.id };
      },
    );

    app.get(
      '/v2/sync/public/runs',
      {
        config: { scope: 'read' },
        schema: {
          tags: ['sync'],
          summary: '(ext) Sync runs, newest first',
          querystring: ListRunsQuerySchema,
          response: { 200: ListRunsResponseSchema, ...authErrors },
        },
      },
      (request) => sync.list(workspaceOf(request), request.query),
    );

    app.get(
      '/v2/sync/public/runs/:id',
      {
        config: { scope: 'read' },
        schema: {
          tags: ['sync'],
          summary: '(ext) One sync run: its step, batch and counts',
          params: IdParamsSchema,
          response: { 200: SyncRunSchema, ...authErrors, 404: ErrorResponseSchema },
        },
      },
      (request) => sync.get(workspaceOf(request), request.params.id),
    );
  };
}

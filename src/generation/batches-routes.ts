// Batches routes (docs/api.md "Batches"): HTTP edge only; the rules live in batches-service.ts.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { workspaceOf } from '../http/auth.js';
import { authErrors, ErrorResponseSchema, IdParamsSchema } from '../http/schemas.js';
import { streamBatchEvents } from './batch-events-stream.js';
import { createStreamSlots, SSE_DEFAULTS, type StreamSlots } from './job-events-limits.js';
import {
  BatchJobListSchema,
  BatchJobsQuerySchema,
  BatchListSchema,
  BatchSchema,
  ListBatchesQuerySchema,
} from './batches-schemas.js';
import type { BatchesService } from './batches-service.js';
import type { JobEvents } from './job-events.js';

const notFound = { 404: ErrorResponseSchema } as const;

export function batchesRoutes(
  batches: BatchesService,
  events: JobEvents,
  /** Open event streams, shared with the job event streams. */
  slots: StreamSlots = createStreamSlots(SSE_DEFAULTS),
): FastifyPluginAsyncZod {
  return async (app) => {
    // Event streams stay open until their batch finishes; a closing server ends them so it can stop.
    const openStreams = new Set<() => void>();
    app.addHook('preClose', async () => {
      for (const end of openStreams) end();
    });

    app.get(
      '/v2/knowledge/public/batches',
      {
        config: { scope: 'read' },
        schema: {
          tags: ['knowledge'],
          summary: '(ext) Batches (one per bulk call), newest first',
          description: 'Keyset pagination: pass the id of the last batch of a page as `cursor`.',
          querystring: ListBatchesQuerySchema,
          response: { 200: BatchListSchema, ...authErrors },
        },
      },
      (request) => batches.list(workspaceOf(request), request.query),
    );

    app.get(
      '/v2/knowledge/public/batches/:id',
      {
        config: { scope: 'read' },
        schema: {
          tags: ['knowledge'],
          summary: '(ext) One batch: status, counts by job status and operation, drafts, token usage',
          params: IdParamsSchema,
          response: { 200: BatchSchema, ...authErrors, ...notFound },
        },
      },
      (request) => batches.get(workspaceOf(request), request.params.id),
    );

    app.get(
      '/v2/knowledge/public/batches/:id/jobs',
      {
        config: { scope: 'read' },
        schema: {
          tags: ['knowledge'],
          summary: "(ext) A batch's jobs in input order (`?status=FAILED`: the failures and their errors)",
          params: IdParamsSchema,
          querystring: BatchJobsQuerySchema,
          response: { 200: BatchJobListSchema, ...authErrors, ...notFound },
        },
      },
      (request) => batches.jobs(workspaceOf(request), request.params.id, request.query),
    );

    app.post(
      '/v2/knowledge/public/batches/:id/retry',
      {
        config: { scope: 'write' },
        schema: {
          tags: ['knowledge'],
          summary: "(ext) Re-queue the batch's FAILED jobs; answers with the batch (409 when none failed)",
          params: IdParamsSchema,
          response: { 200: BatchSchema, ...authErrors, ...notFound, 409: ErrorResponseSchema },
        },
      },
      (request) => batches.retry(workspaceOf(request), request.params.id),
    );

    app.get(
      '/v2/knowledge/public/batches/:id/events',
      {
        config: { scope: 'read' },
        schema: {
          tags: ['knowledge'],
          summary:
            '(ext) Server-Sent Events: the batch now, then again on every change of one of its jobs; ends when it is finished',
          params: IdParamsSchema,
          response: { 200: z.string().describe('text/event-stream'), ...authErrors, ...notFound },
        },
      },
      (request, reply) =>
        streamBatchEvents(request, reply, {
          batches,
          events,
          openStreams,
          slots,
          keyId: request.auth!.keyId,
          workspaceId: workspaceOf(request),
          batchId: request.params.id,
        }),
    );
  };
}

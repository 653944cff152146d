import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { workspaceOf } from '../http/auth.js';
import { authErrors, ErrorResponseSchema, IdParamsSchema } from '../http/schemas.js';
import { formatTreeCsv } from '../knowledge/tree-csv.js';
import type { GenerationService } from './generation-service.js';
import {
  BulkGenerateBodySchema,
  BulkGenerateResponseSchema,
  GenerateBodySchema,
  JobEventsQuerySchema,
  JobSchema,
  JobsStatusBodySchema,
  TreeInitializeBodySchema,
} from './generation-schemas.js';
import { streamJobEvents } from './job-events-stream.js';
import type { JobEvents } from './job-events.js';
import { ModelLimitedError } from './model-limiter.js';
import type { TreeScaffold } from './tree-scaffold.js';
import { createStreamSlots, SSE_DEFAULTS, type StreamSlots } from './job-events-limits.js';
import { z } from 'zod';

export function generationRoutes(
  generation: GenerationService,
  events: JobEvents,
  scaffold: TreeScaffold,
  /** Open event streams, shared with the batch event streams (one budget per key and per process). */
  slots: StreamSlots = createStreamSlots(SSE_DEFAULTS),
): FastifyPluginAsyncZod {
  return async (app) => {
    // Event streams stay open until their jobs finish; a closing server ends them so it can stop.
    const openStreams = new Set<() => void>();
    app.addHook('preClose', async () => {
      for (const end of openStreams) end();
    });

    const bulkRoute = {
      config: { scope: 'write' as const },
      schema: {
        tags: ['knowledge'],
        summary: 'Bulk generate knowledge: one background job per source',
        body: BulkGenerateBodySchema,
        response: { 200: BulkGenerateResponseSchema, ...authErrors },
      },
    };
    app.post('/v2/knowledge/public/bulk', bulkRoute, (request) =>
      generation.bulk(workspaceOf(request), request.body),
    );
    // (ext) The same handler under the name the seed page uses.
    app.post('/knowledge/bulk-generate', bulkRoute, (request) =>
      generation.bulk(workspaceOf(request), request.body),
    );

    app.post(
      '/v2/knowledge/public',
      {
        config: { scope: 'write' },
        schema: {
          tags: ['knowledge'],
          summary: 'Generate knowledge from one candidate text',
          body: GenerateBodySchema,
          response: { 200: z.object({ backgroundJobId: z.uuid() }), ...authErrors },
        },
      },
      (request) => generation.generate(workspaceOf(request), request.body),
    );

    app.post(
      '/v2/knowledge/public/jobs/status',
      {
        config: { scope: 'read' },
        schema: {
          tags: ['knowledge'],
          summary: 'Check knowledge jobs (404 naming the IDs unknown in this workspace)',
          body: JobsStatusBodySchema,
          response: { 200: z.object({ jobs: z.array(JobSchema) }), ...authErrors, 404: ErrorResponseSchema },
        },
      },
      async (request) => ({ jobs: await generation.jobs(workspaceOf(request), request.body.jobIds) }),
    );

    app.get(
      '/v2/knowledge/public/jobs/events',
      {
        config: { scope: 'read' },
        schema: {
          tags: ['knowledge'],
          summary:
            '(ext) Server-Sent Events: the current state of each job, then one event per status change; ends when all are finished',
          querystring: JobEventsQuerySchema,
          response: {
            200: z.string().describe('text/event-stream'),
            ...authErrors,
            404: ErrorResponseSchema,
            429: ErrorResponseSchema,
          },
        },
      },
      (request, reply) =>
        streamJobEvents(request, reply, {
          generation,
          events,
          openStreams,
          slots,
          keyId: request.auth!.keyId,
          workspaceId: workspaceOf(request),
          jobIds: request.query.jobIds,
        }),
    );

    app.get(
      '/v2/knowledge/public/jobs/:id',
      {
        config: { scope: 'read' },
        schema: {
          tags: ['knowledge'],
          summary: '(ext) One knowledge job, with its error and usage',
          params: IdParamsSchema,
          response: { 200: JobSchema, ...authErrors, 404: ErrorResponseSchema },
        },
      },
      (request) => generation.job(workspaceOf(request), request.params.id),
    );

    app.post(
      '/v2/knowledge/public/tree/initialize',
      {
        config: { scope: 'write' },
        schema: {
          tags: ['knowledge'],
          summary:
            'Scaffold a folder/article tree from a prompt, as a CSV template to edit and import with tree/persist',
          body: TreeInitializeBodySchema,
          response: {
            200: z.string().describe('text/csv: type,folder_path,title,description'),
            ...authErrors,
            429: ErrorResponseSchema,
          },
        },
      },
      async (request, reply) => {
        const rows = await scaffold.propose(workspaceOf(request), request.body.initPrompt).catch((error) => {
          if (error instanceof ModelLimitedError) reply.header('retry-after', error.retryAfterSeconds);
          throw error;
        });
        const csv = formatTreeCsv(rows);
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="distill-tree-template.csv"')
          .serializer((payload: string) => payload)
          .send(csv);
      },
    );
  };
}

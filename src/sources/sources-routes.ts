import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { workspaceOf } from '../http/auth.js';
import { authErrors, ErrorResponseSchema, IdParamsSchema } from '../http/schemas.js';
import { AppError } from '../lib/errors.js';
import type { IngestService } from './ingest-service.js';
import { notConnected } from './source-checks.js';
import type { SourcesService } from './sources-service.js';
import {
  DeepCrawlBodySchema,
  DeepCrawlResponseSchema,
  DeleteBodySchema,
  DeleteResponseSchema,
  IngestBodySchema,
  IngestResponseSchema,
  ListQuerySchema,
  ListResponseSchema,
  ProviderParamsSchema,
  RegisterResourcesBodySchema,
  RefreshBodySchema,
  RefreshResponseSchema,
  SourceSchema,
} from './sources-schemas.js';

export function sourcesRoutes(
  sources: SourcesService,
  ingest: Pick<IngestService, 'acceptRefresh'>,
): FastifyPluginAsyncZod {
  return async (app) => {
    // Provider discovery and registration (Notion, Zendesk, Confluence): the routes exist, with their
    // validation and scopes, and answer as Fini does for a provider the workspace has not connected.
    app.get(
      '/v2/documents/public/resources/:provider',
      {
        config: { scope: 'read' },
        schema: {
          tags: ['sources'],
          summary: 'Discover importable resources of a connected provider (none can be connected yet: 400)',
          params: ProviderParamsSchema,
          response: { ...authErrors },
        },
      },
      (request) => {
        throw notConnected('provider', request.params.provider);
      },
    );
    app.post(
      '/v2/documents/public/resources/:provider',
      {
        config: { scope: 'write' },
        schema: {
          tags: ['sources'],
          summary: 'Register resources of a connected provider as sources (none can be connected yet: 400)',
          params: ProviderParamsSchema,
          body: RegisterResourcesBodySchema,
          response: { ...authErrors },
        },
      },
      (request) => {
        throw notConnected('provider', request.params.provider);
      },
    );

    app.post(
      '/v2/documents/public',
      {
        config: { scope: 'write' },
        schema: {
          tags: ['sources'],
          summary: 'Ingest web pages (URLs) or refresh known ones; the work happens in background jobs',
          body: IngestBodySchema,
          response: { 200: IngestResponseSchema, ...authErrors },
        },
      },
      (request) => sources.ingest(workspaceOf(request), request.body),
    );

    app.post(
      '/v2/documents/public/refresh',
      {
        config: { scope: 'write' },
        schema: {
          tags: ['sources'],
          summary: 'Re-fetch existing sources to detect changes',
          body: RefreshBodySchema,
          response: { 200: RefreshResponseSchema, ...authErrors },
        },
      },
      (request) => sources.refresh(workspaceOf(request), request.body.documentIds),
    );

    app.get(
      '/v2/documents/public',
      {
        config: { scope: 'read' },
        schema: {
          tags: ['sources'],
          summary: 'List sources, newest update first, with filters and a keyset cursor',
          querystring: ListQuerySchema,
          response: { 200: ListResponseSchema, ...authErrors },
        },
      },
      (request) => sources.list(workspaceOf(request), request.query),
    );

    app.get(
      '/v2/documents/public/:id',
      {
        config: { scope: 'read' },
        schema: {
          tags: ['sources'],
          summary: 'One source; poll linkedJobStatus to follow its ingestion',
          params: IdParamsSchema,
          response: { 200: SourceSchema, ...authErrors, 404: ErrorResponseSchema },
        },
      },
      (request) => sources.get(workspaceOf(request), request.params.id),
    );

    app.post(
      '/v2/documents/public/:id/accept-refresh',
      {
        config: { scope: 'write' },
        schema: {
          tags: ['sources'],
          summary: '(ext) Apply the content a suspect refresh held back, with the change rule',
          params: IdParamsSchema,
          response: { 200: SourceSchema, ...authErrors, 404: ErrorResponseSchema, 409: ErrorResponseSchema },
        },
      },
      async (request) => {
        const workspaceId = workspaceOf(request);
        await sources.get(workspaceId, request.params.id);
        if (!(await ingest.acceptRefresh(workspaceId, request.params.id)))
          throw new AppError(
            'CONFLICT',
            `document ${request.params.id} is not suspect: no held-back refresh to accept`,
          );
        return sources.get(workspaceId, request.params.id);
      },
    );

    app.delete(
      '/v2/documents/public',
      {
        config: { scope: 'write' },
        schema: {
          tags: ['sources'],
          summary: 'Delete sources, and with deleteArticles their linked articles',
          body: DeleteBodySchema,
          response: { 200: DeleteResponseSchema, ...authErrors },
        },
      },
      (request) => sources.delete(workspaceOf(request), request.body),
    );

    app.post(
      '/v2/documents/public/deep-crawl/links',
      {
        config: { scope: 'write' },
        schema: {
          tags: ['sources'],
          summary: 'Discover same-site page URLs from seed links (creates nothing)',
          body: DeepCrawlBodySchema,
          response: { 200: DeepCrawlResponseSchema, ...authErrors },
        },
      },
      (request) => sources.deepCrawl(request.body),
    );
  };
}

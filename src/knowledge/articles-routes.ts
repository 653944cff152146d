// Articles routes (API.md §5): HTTP edge only; the rules live in the articles service (articles-service.ts).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { workspaceOf } from '../http/auth.js';
import { authErrors, ErrorResponseSchema, IdParamsSchema } from '../http/schemas.js';
import {
  ArticleDiffSchema,
  ArticleIdsBodySchema,
  ArticleListSchema,
  ArticleSchema,
  ArticleVersionsSchema,
  CreateArticleBodySchema,
  ForkBodySchema,
  ListArticlesQuerySchema,
  MoveArticleBodySchema,
  PublishBodySchema,
  RejectBodySchema,
  ReviewQueueQuerySchema,
  ReviewQueueSchema,
  RollbackBodySchema,
  UpdateArticleBodySchema,
} from './articles-schemas.js';
import type { ArticlesService } from './articles-service.js';

const notFound = { 404: ErrorResponseSchema } as const;
const conflict = { 409: ErrorResponseSchema } as const;

export function articlesRoutes(articles: ArticlesService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/v2/hc-articles/public',
      {
        config: { scope: 'read' },
        schema: {
          tags: ['articles'],
          summary: 'List articles, newest first (live, drafts, or both when type is omitted)',
          description:
            'Keyset pagination: pass the id of the last article of a page as `cursor` to get the next page.',
          querystring: ListArticlesQuerySchema,
          response: { 200: ArticleListSchema, ...authErrors },
        },
      },
      (request) => articles.listArticles(workspaceOf(request), request.query),
    );

    app.get(
      '/v2/hc-articles/review/public',
      {
        config: { scope: 'read' },
        schema: {
          tags: ['articles'],
          summary:
            '(ext) The review queue: drafts neither published nor rejected, newest first, with counts per operation',
          description:
            'Filters combine with AND; `counts` apply every filter but `operation`. Keyset pagination: pass the id of the last draft of a page as `cursor`.',
          querystring: ReviewQueueQuerySchema,
          response: { 200: ReviewQueueSchema, ...authErrors },
        },
      },
      (request) => articles.reviewQueue(workspaceOf(request), request.query),
    );

    app.post(
      '/v2/hc-articles/ids/public',
      {
        config: { scope: 'read' },
        schema: {
          tags: ['articles'],
          summary: 'Get articles by IDs (unknown IDs are omitted)',
          body: ArticleIdsBodySchema,
          response: { 200: z.array(ArticleSchema), ...authErrors },
        },
      },
      (request) => articles.articlesByIds(workspaceOf(request), request.body.articleIds),
    );

    app.post(
      '/v2/hc-articles/public',
      {
        config: { scope: 'write' },
        schema: {
          tags: ['articles'],
          summary: 'Create an article (live unless isDraft is true)',
          body: CreateArticleBodySchema,
          response: { 200: ArticleSchema, ...authErrors, ...notFound },
        },
      },
      (request) => articles.createArticle(workspaceOf(request), request.body),
    );

    app.put(
      '/v2/hc-articles/:id/public',
      {
        config: { scope: 'write' },
        schema: {
          tags: ['articles'],
          summary: "Replace an article's content: a new version, the previous one kept",
          params: IdParamsSchema,
          body: UpdateArticleBodySchema,
          response: { 200: ArticleSchema, ...authErrors, ...notFound, ...conflict },
        },
      },
      (request) => articles.updateArticle(workspaceOf(request), request.params.id, request.body),
    );

    app.delete(
      '/v2/hc-articles/:id/public',
      {
        config: { scope: 'write' },
        schema: {
          tags: ['articles'],
          summary: 'Delete an article (live or draft) with its versions; answers with the deleted article',
          params: IdParamsSchema,
          response: { 200: ArticleSchema, ...authErrors, ...notFound },
        },
      },
      (request) => articles.deleteArticle(workspaceOf(request), request.params.id),
    );

    app.post(
      '/v2/hc-articles/:id/draft/public',
      {
        config: { scope: 'write' },
        schema: {
          tags: ['articles'],
          summary: 'Fork a live article into a draft (fields given override the copy)',
          params: IdParamsSchema,
          body: ForkBodySchema,
          response: { 200: ArticleSchema, ...authErrors, ...notFound },
        },
      },
      (request) => articles.forkDraft(workspaceOf(request), request.params.id, request.body ?? {}),
    );

    app.post(
      '/v2/hc-articles/:id/publish/public',
      {
        config: { scope: 'write' },
        schema: {
          tags: ['articles'],
          summary: 'Publish a draft; answers with the live article',
          description:
            'A fork updates its original in place (409 when the original changed after the fork, unless `force: true`); ' +
            'any other draft becomes a new live article; a DO_NOTHING draft changes no article. ' +
            "Content fields given override the draft's.",
          params: IdParamsSchema,
          body: PublishBodySchema,
          response: { 200: ArticleSchema, ...authErrors, ...notFound, ...conflict },
        },
      },
      (request) => {
        const { force, ...overrides } = request.body ?? { force: false };
        return articles.publishDraft(workspaceOf(request), request.params.id, overrides, { force });
      },
    );

    app.post(
      '/v2/hc-articles/:id/reject/public',
      {
        config: { scope: 'write' },
        schema: {
          tags: ['articles'],
          summary: '(ext) Reject a draft: it leaves the review queue; its decision is not reused',
          description:
            'Live knowledge and the source stay as they are. 400 for a live article; 409 for a published or already rejected draft.',
          params: IdParamsSchema,
          body: RejectBodySchema,
          response: { 200: ArticleSchema, ...authErrors, ...notFound, ...conflict },
        },
      },
      (request) =>
        articles.rejectDraft(workspaceOf(request), request.params.id, request.body?.reason || null),
    );

    app.put(
      '/v2/hc-articles/:id/move/public',
      {
        config: { scope: 'write' },
        schema: {
          tags: ['articles'],
          summary: 'Move an article to another folder',
          params: IdParamsSchema,
          body: MoveArticleBodySchema,
          response: { 200: ArticleSchema, ...authErrors, ...notFound },
        },
      },
      (request) => articles.moveArticle(workspaceOf(request), request.params.id, request.body.parentFolderId),
    );

    app.get(
      '/v2/hc-articles/:id/versions/public',
      {
        config: { scope: 'read' },
        schema: {
          tags: ['articles'],
          summary: '(ext) Version history, newest first, the current version included',
          params: IdParamsSchema,
          response: { 200: ArticleVersionsSchema, ...authErrors, ...notFound },
        },
      },
      (request) => articles.versions(workspaceOf(request), request.params.id),
    );

    app.post(
      '/v2/hc-articles/:id/rollback/public',
      {
        config: { scope: 'write' },
        schema: {
          tags: ['articles'],
          summary: "(ext) Restore an earlier version's content as a new version",
          params: IdParamsSchema,
          body: RollbackBodySchema,
          response: { 200: ArticleSchema, ...authErrors, ...notFound, ...conflict },
        },
      },
      (request) => articles.rollbackArticle(workspaceOf(request), request.params.id, request.body.version),
    );

    app.get(
      '/v2/hc-articles/:id/diff/public',
      {
        config: { scope: 'read' },
        schema: {
          tags: ['articles'],
          summary: "(ext) Unified diff of a fork's mainKnowledge against the live article",
          params: IdParamsSchema,
          response: { 200: ArticleDiffSchema, ...authErrors, ...notFound, ...conflict },
        },
      },
      (request) => articles.diff(workspaceOf(request), request.params.id),
    );
  };
}

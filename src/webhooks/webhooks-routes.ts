// Webhooks routes (docs/api.md "Webhooks"): HTTP edge only; the rules live in webhooks-service.ts.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { workspaceOf } from '../http/auth.js';
import { authErrors, ErrorResponseSchema, IdParamsSchema } from '../http/schemas.js';
import {
  CreatedWebhookSchema,
  CreateWebhookBodySchema,
  DeliveryListSchema,
  DeliveryParamsSchema,
  DeliverySchema,
  PageQuerySchema,
  WebhookListSchema,
  WebhookSchema,
} from './webhooks-schemas.js';
import type { WebhooksService } from './webhooks-service.js';

const notFound = { 404: ErrorResponseSchema } as const;
const tags = ['webhooks'];

export function webhooksRoutes(webhooks: WebhooksService): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/v2/webhooks/public',
      {
        config: { scope: 'write' },
        schema: {
          tags,
          summary:
            '(ext) Register a webhook endpoint; the answer carries its signing secret, shown only once',
          body: CreateWebhookBodySchema,
          response: { 200: CreatedWebhookSchema, ...authErrors },
        },
      },
      (request) => webhooks.create(workspaceOf(request), request.body),
    );

    app.get(
      '/v2/webhooks/public',
      {
        config: { scope: 'read' },
        schema: {
          tags,
          summary: '(ext) Webhook endpoints, newest first (no secrets)',
          querystring: PageQuerySchema,
          response: { 200: WebhookListSchema, ...authErrors },
        },
      },
      (request) => webhooks.list(workspaceOf(request), request.query),
    );

    app.delete(
      '/v2/webhooks/public/:id',
      {
        config: { scope: 'write' },
        schema: {
          tags,
          summary: '(ext) Delete a webhook endpoint with its delivery log; answers with it',
          params: IdParamsSchema,
          response: { 200: WebhookSchema, ...authErrors, ...notFound },
        },
      },
      (request) => webhooks.delete(workspaceOf(request), request.params.id),
    );

    app.get(
      '/v2/webhooks/public/:id/deliveries',
      {
        config: { scope: 'read' },
        schema: {
          tags,
          summary:
            "(ext) An endpoint's deliveries, newest first: status, attempts, response code, next retry",
          params: IdParamsSchema,
          querystring: PageQuerySchema,
          response: { 200: DeliveryListSchema, ...authErrors, ...notFound },
        },
      },
      (request) => webhooks.deliveries(workspaceOf(request), request.params.id, request.query),
    );

    app.post(
      '/v2/webhooks/public/:id/deliveries/:deliveryId/redeliver',
      {
        config: { scope: 'write' },
        schema: {
          tags,
          summary: '(ext) Send a delivery again, as a new delivery of the same event (same webhook-id)',
          params: DeliveryParamsSchema,
          response: { 200: DeliverySchema, ...authErrors, ...notFound },
        },
      },
      (request) => webhooks.redeliver(workspaceOf(request), request.params.id, request.params.deliveryId),
    );
  };
}

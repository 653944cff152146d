// Webhook endpoints and their delivery log (docs/api.md "Webhooks"): create (with a secret shown once),
// list, delete, read deliveries, and redeliver one. Delivering is webhook-delivery.ts's job.
import type { Queue } from 'bullmq';
import { toIso, toIsoOrNull } from '../lib/dates.js';
import { notFound, validationError } from '../lib/errors.js';
import { enqueueJobs } from '../lib/jobs/define-job.js';
import type { Logger } from '../lib/logger.js';
import { EVENT_TYPES, type EventType } from './events.js';
import { generateSecret } from './webhook-sender.js';
import { checkWebhookUrl, type UrlGuardOptions } from './webhook-url.js';
import { webhookJob } from './webhooks-queue.js';
import type { DeliveryRow, EndpointRow, WebhooksRepo } from './webhooks-repo.js';
import type { CreateWebhookBody, Delivery, PageQuery, Webhook } from './webhooks-schemas.js';

/** An endpoint's wire form: the list's item, and the data of the webhook.endpoint.* events. */
export const toWebhook = (row: EndpointRow): Webhook => ({
  id: row.id,
  url: row.url,
  events: row.events as EventType[],
  description: row.description,
  createdAt: toIso(row.createdAt),
  disabledAt: toIsoOrNull(row.disabledAt),
});

const toDelivery = (row: DeliveryRow): Delivery => ({
  id: row.id,
  eventId: row.eventId,
  eventType: row.eventType as EventType,
  status: row.status as Delivery['status'],
  attempts: row.attempts,
  responseCode: row.responseCode,
  error: row.error,
  nextRetryAt: row.status === 'IN_PROGRESS' || row.status === 'PENDING' ? toIsoOrNull(row.nextRetryAt) : null,
  manual: row.manual,
  createdAt: toIso(row.createdAt),
  completedAt: toIsoOrNull(row.completedAt),
});

/** One page of a list read with one extra row. */
function page<R, T>(rows: R[], limit: number, map: (row: R) => T): { items: T[]; hasMore: boolean } {
  return { items: rows.slice(0, limit).map(map), hasMore: rows.length > limit };
}

function checkEvents(events: string[]): EventType[] {
  const known = new Set<string>(EVENT_TYPES);
  const unknown = events.filter((type) => !known.has(type));
  if (unknown.length > 0)
    throw validationError(
      'events',
      `contains unknown event type${unknown.length > 1 ? 's' : ''} ${unknown.map((type) => JSON.stringify(type)).join(', ')}; valid types are ${EVENT_TYPES.join(', ')}`,
    );
  return [...new Set(events)] as EventType[];
}

export function createWebhooksService(deps: {
  repo: WebhooksRepo;
  queue: Queue;
  logger: Logger;
  urlGuard: UrlGuardOptions;
}) {
  const { queue, logger } = deps;
  const { repo } = deps;

  async function requireEndpoint(workspaceId: string, id: string): Promise<void> {
    if (!(await repo.endpointExists(workspaceId, id))) throw notFound('webhook', id);
  }

  return {
    async create(workspaceId: string, body: CreateWebhookBody): Promise<Webhook & { secret: string }> {
      const events = checkEvents(body.events);
      const url = await checkWebhookUrl(body.url, deps.urlGuard);
      const secret = generateSecret();
      const row = await repo.insertEndpoint(workspaceId, {
        url,
        events,
        description: body.description ?? '',
        secret,
      });
      return { ...toWebhook(row), secret };
    },

    async list(workspaceId: string, query: PageQuery): Promise<{ webhooks: Webhook[]; hasMore: boolean }> {
      if (query.cursor && !(await repo.endpointExists(workspaceId, query.cursor)))
        throw validationError('cursor', 'is not a webhook of this workspace');
      const { items, hasMore } = page(await repo.listEndpoints(workspaceId, query), query.limit, toWebhook);
      return { webhooks: items, hasMore };
    },

    async delete(workspaceId: string, id: string): Promise<Webhook> {
      const row = await repo.deleteEndpoint(workspaceId, id);
      if (!row) throw notFound('webhook', id);
      return toWebhook(row);
    },

    async deliveries(
      workspaceId: string,
      id: string,
      query: PageQuery,
    ): Promise<{ deliveries: Delivery[]; hasMore: boolean }> {
      await requireEndpoint(workspaceId, id);
      if (query.cursor && !(await repo.deliveryExists(id, query.cursor)))
        throw validationError('cursor', 'is not a delivery of this webhook');
      const rows = await repo.listDeliveries(workspaceId, id, query);
      const { items, hasMore } = page(rows, query.limit, toDelivery);
      return { deliveries: items, hasMore };
    },

    /** A new delivery of the same event (same webhook-id), sent even to a disabled endpoint. */
    async redeliver(workspaceId: string, id: string, deliveryId: string): Promise<Delivery> {
      await requireEndpoint(workspaceId, id);
      const row = await repo.insertRedelivery(workspaceId, id, deliveryId);
      if (!row) throw notFound('delivery', deliveryId);
      await enqueueJobs(webhookJob, queue, [{ workspaceId, deliveryId: row.id }], logger);
      return toDelivery(row);
    },
  };
}

export type WebhooksService = ReturnType<typeof createWebhooksService>;

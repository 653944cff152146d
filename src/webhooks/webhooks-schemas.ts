// Wire shapes of webhook endpoints and deliveries (docs/api.md "Webhooks").
import { z } from 'zod';
import { PageLimit, Timestamp, Uuid } from '../http/schemas.js';
import { EVENT_TYPES } from './events.js';

export const CreateWebhookBodySchema = z.strictObject({
  url: z.string().min(1).max(2_000),
  events: z
    .array(z.string())
    .min(1)
    .max(EVENT_TYPES.length * 2)
    .describe(`event types to receive: ${EVENT_TYPES.join(', ')}`),
  description: z.string().max(500).optional(),
});
export type CreateWebhookBody = z.infer<typeof CreateWebhookBodySchema>;

export const WebhookSchema = z.object({
  id: Uuid,
  url: z.string(),
  events: z.array(z.enum(EVENT_TYPES)),
  description: z.string(),
  createdAt: Timestamp,
  disabledAt: Timestamp.nullable().describe(
    'set after 24 h of consecutive failed deliveries (event webhook.endpoint.disabled); a successful manual redelivery clears it (event webhook.endpoint.enabled)',
  ),
});
export type Webhook = z.infer<typeof WebhookSchema>;

export const CreatedWebhookSchema = WebhookSchema.extend({
  secret: z.string().describe('whsec_…: the signing secret, shown only in this answer'),
});

export const PageQuerySchema = z.object({
  limit: PageLimit,
  cursor: Uuid.optional().describe('the id of the last item of the previous page'),
});
export type PageQuery = z.infer<typeof PageQuerySchema>;

export const WebhookListSchema = z.object({ webhooks: z.array(WebhookSchema), hasMore: z.boolean() });

export const DELIVERY_STATUSES = ['PENDING', 'IN_PROGRESS', 'COMPLETED', 'FAILED'] as const;

export const DeliverySchema = z.object({
  id: Uuid,
  eventId: Uuid.describe('also the webhook-id header: the same on every attempt and redelivery'),
  eventType: z.enum(EVENT_TYPES),
  status: z
    .enum(DELIVERY_STATUSES)
    .describe('IN_PROGRESS while retries remain; COMPLETED on a 2xx; FAILED once retries ran out'),
  attempts: z.number().int().min(0),
  responseCode: z
    .number()
    .int()
    .nullable()
    .describe('the last answer; null when none came (timeout, refused)'),
  error: z.string().nullable(),
  nextRetryAt: Timestamp.nullable(),
  manual: z.boolean().describe('a redelivery asked for through the API'),
  createdAt: Timestamp,
  completedAt: Timestamp.nullable(),
});
export type Delivery = z.infer<typeof DeliverySchema>;

export const DeliveryListSchema = z.object({ deliveries: z.array(DeliverySchema), hasMore: z.boolean() });

export const DeliveryParamsSchema = z.object({ id: Uuid, deliveryId: Uuid });

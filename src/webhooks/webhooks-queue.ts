// The `webhooks` queue: one job per delivery row (BullMQ job id = webhook_deliveries id),
// defined on the job framework (lib/jobs/define-job.ts). Retries are BullMQ's exponential backoff.
import { z } from 'zod';
import { defineJob } from '../lib/jobs/define-job.js';
import type { WebhookDelivery } from './webhook-delivery.js';

export const WEBHOOKS_QUEUE = 'webhooks';

export const WebhookPayloadSchema = z.object({ workspaceId: z.uuid(), deliveryId: z.uuid() });
export type WebhookPayload = z.infer<typeof WebhookPayloadSchema>;

/**
 * 15 attempts, the n-th retry 5.274 s · 2^(n-1) after the failure before it: the last attempt comes about
 * 24 h after the first (5.274 s · (2^14 - 1) ≈ 86 400 s). No jitter, so `nextRetryAt` is exact.
 */
export const WEBHOOK_JOB_OPTIONS = {
  attempts: 15,
  backoff: { type: 'exponential', delay: 5_274 },
} as const;

/** The wait BullMQ applies after failed attempt `attempt` (1-based), for the delivery log's nextRetryAt. */
export function retryDelayMs(backoff: { type: string; delay?: number }, attempt: number): number {
  const delay = backoff.delay ?? 0;
  return backoff.type === 'exponential' ? delay * 2 ** (attempt - 1) : delay;
}

export const webhookJob = defineJob({
  name: WEBHOOKS_QUEUE,
  table: 'webhook_deliveries',
  payloadSchema: WebhookPayloadSchema,
  rowId: (payload) => payload.deliveryId,
  fromRow: (row) => ({ workspaceId: row.workspaceId, deliveryId: row.id }),
  run: (payload, attempt, deps: { webhookDelivery: WebhookDelivery }) =>
    deps.webhookDelivery.run(payload, attempt),
  internalErrorMessage: 'The delivery failed because of an internal error; it will be retried.',
  abandonedMessage: (reason) => `The delivery was abandoned (${reason}); redeliver it to try again.`,
});

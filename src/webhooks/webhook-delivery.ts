// One attempt of a webhook delivery (the `webhooks` queue's service): send the event signed, record the
// answer on the delivery and its endpoint, and tell the job framework whether to retry. An endpoint that
// has failed for `disableAfterMs` in a row (24 h) is disabled: its pending deliveries stop, new events
// skip it, and a manual redelivery that succeeds enables it again. Both changes are events
// (webhook.endpoint.disabled / .enabled, docs/api.md "Webhooks"), written in the transaction that makes
// them; the enabled one also goes to the endpoint itself, so its receiver learns it missed events.
import { toIso } from '../lib/dates.js';
import { withTransaction, type Pool } from '../lib/db.js';
import type { JobAttempt } from '../lib/jobs/define-job.js';
import { JobError } from '../lib/jobs/job-error.js';
import { emitEvent } from './events.js';
import type { WebhookSender } from './webhook-sender.js';
import type { WebhookPayload } from './webhooks-queue.js';
import type { OutgoingDelivery, WebhooksRepo } from './webhooks-repo.js';
import { toWebhook } from './webhooks-service.js';

export const DISABLE_AFTER_MS = 24 * 3_600_000;

export interface WebhookDeliveryDeps {
  pool: Pool;
  repo: WebhooksRepo;
  sender: WebhookSender;
  /** The queue's wait after failed attempt n (webhooks-queue.ts retryDelayMs with its backoff). */
  retryDelayMs(attempt: number): number;
  /** How long an endpoint may fail without a success before it is disabled. */
  disableAfterMs?: number;
}

export type DeliveryOutcome = 'delivered' | 'gone';

export function createWebhookDelivery(deps: WebhookDeliveryDeps) {
  const { pool, sender } = deps;
  const { repo } = deps;
  const disableAfterMs = deps.disableAfterMs ?? DISABLE_AFTER_MS;

  /** The delivery is done; an endpoint it enables again is announced to itself and its subscribers. */
  const recordSuccess = (delivery: OutgoingDelivery, responseCode: number) =>
    withTransaction(pool, async (tx) => {
      const enabled = await repo.recordSuccess(delivery, responseCode, tx);
      if (!enabled) return;
      const data = { ...toWebhook(enabled.endpoint), wasDisabledAt: toIso(enabled.wasDisabledAt) };
      await emitEvent(tx, delivery.workspaceId, 'webhook.endpoint.enabled', data, {
        alsoTo: delivery.endpointId,
      });
    });

  /** The failed attempt is logged; true when it disabled the endpoint (announced to the others). */
  const recordFailure = (
    delivery: OutgoingDelivery,
    failure: { responseCode: number | null; nextRetryAt: Date | null },
  ) =>
    withTransaction(pool, async (tx) => {
      const disabled = await repo.recordFailure(delivery, { ...failure, disableAfterMs }, tx);
      // emitEvent skips this endpoint: it is disabled now.
      if (disabled)
        await emitEvent(tx, delivery.workspaceId, 'webhook.endpoint.disabled', toWebhook(disabled));
      return disabled !== undefined;
    });

  return {
    async run(payload: WebhookPayload, attempt: Pick<JobAttempt, 'number' | 'lastAttempt' | 'signal'>) {
      const delivery = await repo.outgoing(payload.deliveryId);
      if (!delivery) return 'gone' satisfies DeliveryOutcome;
      if (delivery.disabledAt && !delivery.manual)
        throw JobError.permanent(
          `not sent: the endpoint was disabled at ${toIso(delivery.disabledAt)} after 24 h of failed deliveries; redeliver to enable it again`,
        );
      const body = JSON.stringify({
        type: delivery.type,
        timestamp: toIso(delivery.eventCreatedAt),
        data: delivery.data,
      });
      const result = await sender.send(
        delivery.url,
        delivery.secret,
        { id: delivery.eventId, body },
        attempt.signal,
      );
      if (result.error === null) {
        await recordSuccess(delivery, result.status);
        return 'delivered' satisfies DeliveryOutcome;
      }
      // Stopping: the attempt did not really happen; it runs again after the restart.
      if (attempt.signal?.aborted) throw new Error(result.error);
      const nextRetryAt = attempt.lastAttempt
        ? null
        : new Date(Date.now() + deps.retryDelayMs(attempt.number));
      if (await recordFailure(delivery, { responseCode: result.status, nextRetryAt }))
        throw JobError.permanent(`${result.error}; the endpoint is now disabled after 24 h of failures`);
      throw JobError.transient(result.error);
    },
  };
}

export type WebhookDelivery = ReturnType<typeof createWebhookDelivery>;

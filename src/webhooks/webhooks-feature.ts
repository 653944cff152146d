// Wires the webhooks feature for the composition root (src/deps.ts): the routes' service, the delivery
// service the `webhooks` queue runs, and the sender they share the address guard with.
import type { JobsOptions, Queue } from 'bullmq';
import type { Config } from '../config.js';
import type { Pool } from '../lib/db.js';
import type { Logger } from '../lib/logger.js';
import type { SafeFetchOptions } from '../sources/fetch/safe-fetch.js';
import { createWebhookDelivery, type WebhookDelivery } from './webhook-delivery.js';
import { createWebhookSender } from './webhook-sender.js';
import { retryDelayMs, WEBHOOK_JOB_OPTIONS } from './webhooks-queue.js';
import type { WebhooksRepo } from './webhooks-repo.js';
import { createWebhooksService, type WebhooksService } from './webhooks-service.js';

export interface WebhooksFeature {
  service: WebhooksService;
  delivery: WebhookDelivery;
  close(): Promise<void>;
}

/** The webhooks queue's job options: its own retry schedule, under what the caller merges over every queue. */
export const webhookJobOptions = (jobOptions: JobsOptions = {}): JobsOptions => ({
  ...WEBHOOK_JOB_OPTIONS,
  ...jobOptions,
});

export function createWebhooksFeature(deps: {
  config: Pick<Config, 'allowPrivateUrls' | 'webhookTimeoutMs'>;
  pool: Pool;
  repo: WebhooksRepo;
  queue: Queue;
  logger: Logger;
  /** The ingestion fetcher's injected DNS and address policy (tests), so both guards agree. */
  web?: Partial<Pick<SafeFetchOptions, 'resolver' | 'addressPolicy'>>;
  jobOptions?: JobsOptions;
}): WebhooksFeature {
  const guard = {
    allowPrivateAddresses: deps.config.allowPrivateUrls,
    resolver: deps.web?.resolver,
    addressPolicy: deps.web?.addressPolicy,
  };
  const sender = createWebhookSender({ ...guard, timeoutMs: deps.config.webhookTimeoutMs });
  const backoff = webhookJobOptions(deps.jobOptions).backoff;
  const backoffOf =
    typeof backoff === 'number' ? { type: 'fixed', delay: backoff } : (backoff ?? { type: 'fixed' });
  return {
    service: createWebhooksService({
      repo: deps.repo,
      queue: deps.queue,
      logger: deps.logger,
      urlGuard: guard,
    }),
    delivery: createWebhookDelivery({
      pool: deps.pool,
      repo: deps.repo,
      sender,
      retryDelayMs: (attempt) => retryDelayMs(backoffOf, attempt),
    }),
    close: () => sender.close(),
  };
}

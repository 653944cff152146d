// The outbox relay: hands committed deliveries (written by emitEvent in the transactions that change the
// state) to the `webhooks` queue. It claims rows by setting queued_at, oldest first, several workers at
// once without overlap (SKIP LOCKED). Nothing is lost in between: a row claimed by a process that dies
// before its enqueue stays PENDING, and the job framework's reconciler re-adds it.
import type { Queue } from 'bullmq';
import { enqueueJobs } from '../lib/jobs/define-job.js';
import type { Logger } from '../lib/logger.js';
import { webhookJob } from './webhooks-queue.js';
import type { WebhooksRepo } from './webhooks-repo.js';

const CLAIM_LIMIT = 500;

export interface WebhookRelay {
  stop(): Promise<void>;
}

export function startWebhookRelay(options: {
  repo: WebhooksRepo;
  queue: Queue;
  logger: Logger;
  /** How often the outbox is polled. */
  everyMs: number;
}): WebhookRelay {
  const { queue, logger, everyMs } = options;
  const { repo } = options;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  async function sweep(): Promise<void> {
    for (;;) {
      const claimed = await repo.claimUnqueued(CLAIM_LIMIT);
      if (claimed.length === 0) return;
      await enqueueJobs(
        webhookJob,
        queue,
        claimed.map((row) => ({ workspaceId: row.workspaceId, deliveryId: row.id })),
        logger,
      );
      if (claimed.length < CLAIM_LIMIT || stopped) return;
    }
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      running = sweep()
        .catch((error: unknown) => logger.warn({ err: error }, 'webhook relay sweep failed; retrying'))
        .finally(schedule);
    }, everyMs);
  }

  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

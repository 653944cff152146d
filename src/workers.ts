// The worker role: one BullMQ worker per queue, all in this process, sharing WORKER_CONCURRENCY.
import type { Worker } from 'bullmq';
import type { Deps } from './deps.js';
import { createWorker } from './lib/queues.js';
import { createGenerateProcessor } from './generation/generate-worker.js';
import { GENERATE_QUEUE } from './generation/generate-queue.js';

export interface Workers {
  close(): Promise<void>;
}

export function startWorkers(deps: Deps): Workers {
  const { config, logger } = deps;
  const common = { redisUrl: deps.redisUrl, prefix: config.queuePrefix, logger };
  const workers: Worker[] = [
    createWorker(
      GENERATE_QUEUE,
      createGenerateProcessor({
        pool: deps.pool,
        writer: deps.writer,
        articles: deps.articles,
        folders: deps.folders,
        queue: deps.queues.generate,
        logger,
      }),
      {
        ...common,
        concurrency: config.workerConcurrency,
        // LLM_MAX_RPM caps model calls across every worker process (BullMQ's limiter is global per queue).
        // Without it a limiter is still set, far above any real rate: BullMQ only honours the pause a 429
        // asks for (queue.rateLimit) on a queue that has a limiter.
        limiter: config.llmMaxRpm
          ? { max: config.llmMaxRpm, duration: 60_000 }
          : { max: 1_000_000, duration: 1_000 },
        // While paused, look again every 5 s, so lifting the pause (or its expiry) takes effect promptly.
        maximumRateLimitDelay: 5_000,
      },
    ),
  ];
  logger.info(
    { queues: workers.map((worker) => worker.name), concurrency: config.workerConcurrency },
    'workers started',
  );
  return {
    async close() {
      await Promise.all(workers.map((worker) => worker.close()));
    },
  };
}

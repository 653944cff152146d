// Prometheus metrics (prom-client) for GET /metrics. One registry per Deps rather than prom-client's global
// default, so several apps can live in one process (tests) without registering a metric twice.
import type { JobState, Queue } from 'bullmq';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Logger } from './logger.js';
import { withTimeout } from './timeout.js';

/** The BullMQ states reported by distill_queue_jobs (BullMQ 6 has no separate `paused` list). */
export const QUEUE_STATES = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'waiting-children',
  'completed',
  'failed',
] as const satisfies readonly JobState[];

export type JobOutcome = 'completed' | 'failed' | 'retried' | 'rate_limited';

/** Bounds the queue-depth read at scrape time, so a Redis outage cannot hang /metrics. */
const QUEUE_COUNTS_TIMEOUT_MS = 1_000;

export interface Metrics {
  registry: Registry;
  httpRequestDuration: Histogram<'method' | 'route' | 'status_code'>;
  jobDuration: Histogram<'queue' | 'outcome'>;
  jobs: Counter<'queue' | 'outcome'>;
  modelCalls: Counter<'writer' | 'model'>;
  modelTokens: Counter<'writer' | 'model' | 'kind'>;
  reconcilerReadds: Counter<'queue'>;
  /** One model answer and its token usage. */
  recordModelCall(
    writer: { name: string; model: string },
    usage: { promptTokens: number; completionTokens: number; cachedTokens: number },
  ): void;
}

export function createMetrics(options: { queues: Queue[]; logger: Logger }): Metrics {
  const { queues, logger } = options;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const httpRequestDuration = new Histogram({
    name: 'distill_http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });

  new Gauge({
    name: 'distill_queue_jobs',
    help: 'Jobs in each BullMQ queue by state, read from Redis at scrape time (absent while Redis is unreachable)',
    labelNames: ['queue', 'state'] as const,
    registers,
    async collect() {
      this.reset();
      await Promise.all(
        queues.map(async (queue) => {
          try {
            const counts = await withTimeout(queue.getJobCounts(...QUEUE_STATES), QUEUE_COUNTS_TIMEOUT_MS);
            for (const state of QUEUE_STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
          } catch (error) {
            logger.debug({ err: error, queue: queue.name }, 'queue depth unavailable for /metrics');
          }
        }),
      );
    },
  });

  const jobDuration = new Histogram({
    name: 'distill_job_duration_seconds',
    help: 'Duration of one job attempt by queue and outcome',
    labelNames: ['queue', 'outcome'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers,
  });

  const jobs = new Counter({
    name: 'distill_jobs_total',
    help: 'Job attempts by queue and outcome: completed, failed (for good), retried, rate_limited (no attempt used)',
    labelNames: ['queue', 'outcome'] as const,
    registers,
  });

  const modelCalls = new Counter({
    name: 'distill_model_calls_total',
    help: 'Answers received from the writer (model) by writer and model',
    labelNames: ['writer', 'model'] as const,
    registers,
  });

  const modelTokens = new Counter({
    name: 'distill_model_tokens_total',
    help: 'Tokens reported by the model by writer, model and kind (prompt, completion, cached)',
    labelNames: ['writer', 'model', 'kind'] as const,
    registers,
  });

  const reconcilerReadds = new Counter({
    name: 'distill_reconciler_readded_jobs_total',
    help: 'Jobs the reconciler re-added because their BullMQ job was missing or dead, by queue',
    labelNames: ['queue'] as const,
    registers,
  });

  return {
    registry,
    httpRequestDuration,
    jobDuration,
    jobs,
    modelCalls,
    modelTokens,
    reconcilerReadds,
    recordModelCall(writer, usage) {
      const labels = { writer: writer.name, model: writer.model };
      modelCalls.inc(labels);
      modelTokens.inc({ ...labels, kind: 'prompt' }, usage.promptTokens);
      modelTokens.inc({ ...labels, kind: 'completion' }, usage.completionTokens);
      modelTokens.inc({ ...labels, kind: 'cached' }, usage.cachedTokens);
    },
  };
}

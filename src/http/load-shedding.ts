// Load shedding (@fastify/under-pressure): while the event loop is saturated, new requests get 503 with
// Retry-After instead of queueing behind it. The thresholds are far above what a healthy process reaches.
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../lib/errors.js';

export interface LoadSheddingOptions {
  /** Mean event-loop delay over one sample that counts as overload; 0 = not checked. */
  maxEventLoopDelayMs: number;
  /** Event-loop utilization (0–1) over one sample that counts as overload; 0 = not checked. */
  maxEventLoopUtilization: number;
  sampleIntervalMs: number;
  retryAfterSeconds: number;
}

export const LOAD_SHEDDING_DEFAULTS: LoadSheddingOptions = {
  maxEventLoopDelayMs: 1_000,
  maxEventLoopUtilization: 0.98,
  sampleIntervalMs: 1_000,
  retryAfterSeconds: 10,
};

/** Still answered under pressure: monitoring must see an overloaded process, not lose it. */
const ALWAYS_ANSWERED = new Set(['/healthz', '/readyz', '/metrics']);

export async function registerLoadShedding(
  app: FastifyInstance,
  options: LoadSheddingOptions,
): Promise<void> {
  const { retryAfterSeconds } = options;
  await app.register(underPressure, {
    maxEventLoopDelay: options.maxEventLoopDelayMs,
    maxEventLoopUtilization: options.maxEventLoopUtilization,
    // Utilization of the last sample, not since start-up.
    eventLoopUtilizationMode: 'interval',
    sampleInterval: options.sampleIntervalMs,
    retryAfter: retryAfterSeconds,
    pressureHandler: async (request, reply, type) => {
      if (ALWAYS_ANSWERED.has(request.routeOptions.url ?? '')) return;
      reply.header('retry-after', retryAfterSeconds);
      throw new AppError(
        'UNAVAILABLE',
        `the server is overloaded (${type}); retry in ${retryAfterSeconds} seconds`,
      );
    },
  });
}

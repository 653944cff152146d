// Per-key rate limit (docs/api.md §1: RATE_LIMIT_PER_MINUTE, default 600 per minute) on every route that takes
// an API key. Counts are shared in Redis, so the limit holds across API processes; a request far from its
// limit is counted in this process and sent to Redis in the background (rate-limit-store.ts says within
// what tolerance). Requests without a valid key are counted by client IP. Public routes (health,
// readiness, metrics, docs, the dashboard) are not limited.
import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../lib/errors.js';
import type { Redis } from '../lib/redis.js';
import { createSyncedCounts } from './rate-limit-store.js';

export const RATE_LIMIT_HEADERS = ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'];

export async function registerRateLimit(
  app: FastifyInstance,
  options: { perMinute: number; redis: Redis; keyPrefix: string },
): Promise<void> {
  if (options.perMinute === 0) return;
  const counts = createSyncedCounts(options.redis, `${options.keyPrefix}:rate-limit:`);
  app.addHook('onClose', () => counts.close());
  await app.register(rateLimit, {
    max: options.perMinute,
    timeWindow: 60_000,
    // A route-level onRequest hook: Fastify runs it after the app's onRequest hooks, so after auth.ts has
    // identified the key (and before it refuses a bad one, so those are counted too).
    hook: 'onRequest',
    store: counts.Store,
    // The producer connection fails fast while Redis is down: then requests that must ask Redis pass
    // uncounted, because the API must keep accepting work without Redis (the rows wait in PostgreSQL for
    // the reconciler).
    skipOnError: true,
    allowList: (request) => !request.routeOptions.config.scope,
    keyGenerator: (request) => (request.auth ? `key:${request.auth.keyId}` : `ip:${normalizeIP(request.ip)}`),
    errorResponseBuilder: (request, context) =>
      new AppError(
        'RATE_LIMITED',
        `rate limit of ${context.max} requests per minute exceeded for this ${request.auth ? 'API key' : 'client address'}; retry in ${context.after}`,
      ),
  });
}

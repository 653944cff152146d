import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../deps.js';
import { AppError } from '../lib/errors.js';
import { withTimeout } from '../lib/timeout.js';
import { createAddressThrottle } from './address-throttle.js';
import { ErrorResponseSchema } from './schemas.js';

/**
 * Readiness checks per client address and minute: far above any monitor's polling, low enough that nobody
 * can turn /readyz (public, one PostgreSQL query and one Redis call each) into load on both.
 */
export const READYZ_PER_MINUTE = 120;

/** A dependency that has not answered by then counts as down: monitoring needs an answer, not a hang. */
const CHECK_TIMEOUT_MS = 2_000;

// /readyz is public: it says what is down in words an operator can act on, never the driver's message
// (which carries internal addresses); the log has the detail.
const CHECKS = {
  database: { name: 'PostgreSQL', run: (deps: ReadinessDeps) => deps.checkDatabase() },
  redis: { name: 'Redis', run: (deps: ReadinessDeps) => deps.checkRedis() },
} as const;
type ReadinessDeps = Pick<Deps, 'checkDatabase' | 'checkRedis'>;

const Checks = z.record(z.enum(['database', 'redis']), z.string());

export function healthRoutes(deps: ReadinessDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const throttle = createAddressThrottle({ max: READYZ_PER_MINUTE, windowMs: 60_000 });
    app.get(
      '/healthz',
      {
        schema: {
          tags: ['operations'],
          summary: 'The process is up',
          security: [],
          response: { 200: z.object({ status: z.literal('ok') }) },
        },
      },
      () => ({ status: 'ok' as const }),
    );

    app.get(
      '/readyz',
      {
        schema: {
          tags: ['operations'],
          summary: 'PostgreSQL and Redis are reachable (503 otherwise, saying which is down)',
          security: [],
          response: {
            200: z.object({ status: z.literal('ok'), checks: Checks }),
            429: ErrorResponseSchema,
            503: z.object({ status: z.literal('unavailable'), checks: Checks }),
          },
        },
      },
      async (request, reply) => {
        if (throttle.hit(request.ip)) {
          const seconds = throttle.retryAfterSeconds(request.ip);
          reply.header('retry-after', seconds);
          throw new AppError(
            'RATE_LIMITED',
            `readiness checks are limited to ${READYZ_PER_MINUTE} per minute per client address; retry in ${seconds} seconds`,
          );
        }
        const entries = Object.entries(CHECKS) as [
          keyof typeof CHECKS,
          (typeof CHECKS)[keyof typeof CHECKS],
        ][];
        const results = await Promise.allSettled(
          entries.map(([, check]) => withTimeout(check.run(deps), CHECK_TIMEOUT_MS)),
        );
        const checks = {} as Record<keyof typeof CHECKS, string>;
        const failures: Record<string, string> = {};
        entries.forEach(([id, check], index) => {
          const result = results[index]!;
          checks[id] = result.status === 'fulfilled' ? 'ok' : `${check.name} is not reachable`;
          if (result.status === 'rejected')
            failures[id] = result.reason instanceof Error ? result.reason.message : String(result.reason);
        });
        if (Object.keys(failures).length === 0) return { status: 'ok' as const, checks };
        request.log.warn({ failures }, 'not ready');
        return reply.status(503).send({ status: 'unavailable' as const, checks });
      },
    );
  };
}

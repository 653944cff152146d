import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../deps.js';
import { errorBody } from './error-handler.js';
import { ErrorResponseSchema } from './schemas.js';

const CheckState = z.enum(['ok', 'down']);

export function healthRoutes(deps: Pick<Deps, 'checkDatabase' | 'checkRedis'>): FastifyPluginAsyncZod {
  return async (app) => {
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
          summary: 'PostgreSQL and Redis are reachable (503 otherwise)',
          security: [],
          response: {
            200: z.object({ status: z.literal('ok'), checks: z.record(z.string(), CheckState) }),
            503: ErrorResponseSchema,
          },
        },
      },
      async (request, reply) => {
        const [database, redis] = await Promise.allSettled([deps.checkDatabase(), deps.checkRedis()]);
        const failures = Object.entries({ database, redis })
          .filter((entry): entry is [string, PromiseRejectedResult] => entry[1].status === 'rejected')
          .map(([name, result]) => ({
            field: name,
            message: `${name} is unreachable: ${String((result.reason as Error)?.message ?? result.reason)}`,
          }));
        if (failures.length > 0) {
          request.log.warn({ failures }, 'not ready');
          return reply
            .status(503)
            .send(errorBody('UNAVAILABLE', failures.map((f) => f.message).join('; '), failures));
        }
        return { status: 'ok' as const, checks: { database: 'ok' as const, redis: 'ok' as const } };
      },
    );
  };
}

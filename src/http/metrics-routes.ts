// GET /metrics (Prometheus text format, public like /healthz) and the HTTP request histogram.
import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Metrics } from '../lib/metrics.js';

/** Times every request, labelled by the route pattern, never the raw URL (IDs would explode the series). */
export function registerHttpMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpRequestDuration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });
}

export function metricsRoutes(metrics: Metrics): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/metrics',
      {
        schema: {
          tags: ['operations'],
          summary: 'Prometheus metrics: HTTP latency, queue depth, jobs, model calls and tokens, process',
          security: [],
          response: { 200: z.string().describe('Prometheus text exposition format') },
        },
      },
      async (_request, reply) => {
        const text = await metrics.registry.metrics();
        return reply
          .header('content-type', metrics.registry.contentType)
          .serializer((payload: string) => payload)
          .send(text);
      },
    );
  };
}

// buildApp(deps): the Fastify instance with validation, auth, error format, docs and every route.
// It never listens; main.ts does (and tests inject).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Deps } from './deps.js';
import { adminRoutes } from './http/admin-routes.js';
import { registerAuth } from './http/auth.js';
import { BODY_LIMIT_BYTES } from './http/schemas.js';
import { registerErrorHandling } from './http/error-handler.js';
import { healthRoutes } from './http/health-routes.js';
import { registerIdempotency } from './http/idempotency.js';
import { findNul, nulError, registerNulGuard } from './http/nul-guard.js';
import {
  LOAD_SHEDDING_DEFAULTS,
  registerLoadShedding,
  type LoadSheddingOptions,
} from './http/load-shedding.js';
import { metricsRoutes, registerHttpMetrics } from './http/metrics-routes.js';
import { registerRateLimit } from './http/rate-limit.js';
import { RequestLog } from './http/request-log.js';
import { registerSecurityHeaders } from './http/security-headers.js';
import { httpValidatorCompiler } from './http/zod-messages.js';
import { consoleRoutes } from './console/console-routes.js';
import { keysRoutes } from './keys/keys-routes.js';
import { articlesRoutes } from './knowledge/articles-routes.js';
import { foldersRoutes } from './knowledge/folders-routes.js';
import { treeRoutes } from './knowledge/tree-routes.js';
import { batchesRoutes } from './generation/batches-routes.js';
import { generationRoutes } from './generation/generation-routes.js';
import { createStreamSlots } from './generation/job-events-limits.js';
import { sourcesRoutes } from './sources/sources-routes.js';
import { schedulesRoutes } from './sync/schedules-routes.js';
import { syncRoutes } from './sync/sync-routes.js';
import { webhooksRoutes } from './webhooks/webhooks-routes.js';

export type App = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** Knobs that are not configuration: tests tune load shedding. */
export interface AppOptions {
  loadShedding?: Partial<LoadSheddingOptions>;
}

export async function buildApp(deps: Deps, options: AppOptions = {}): Promise<App> {
  // Widened to Fastify's logger type so route plugins typed against the defaults fit.
  const loggerInstance: FastifyBaseLogger = deps.logger;
  const app = Fastify({
    loggerInstance,
    bodyLimit: BODY_LIMIT_BYTES,
    // No reverse proxy is assumed in front: bound how long a client may take to send its request.
    requestTimeout: 30_000,
    keepAliveTimeout: 72_000,
    // A client could otherwise choose the id its request is logged under (and collide with another's).
    requestIdHeader: deps.config.trustRequestId ? 'x-request-id' : false,
    genReqId: () => randomUUID(),
    logController: new RequestLog(),
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(httpValidatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  // JSON only: Fastify also parses text/plain by default, which would turn a wrong content type into a
  // confusing validation error instead of 415. An empty JSON body counts as no body (optional bodies).
  app.removeContentTypeParser('text/plain');
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') {
      done(null, undefined);
      return;
    }
    void parseJson(request, body as string, (error, parsed) => {
      const nul = error ? undefined : findNul(parsed);
      if (nul) done(nulError(nul, 'body'), undefined);
      else done(error, parsed);
    });
  });

  registerErrorHandling(app);
  registerHttpMetrics(app, deps.metrics);
  registerNulGuard(app);

  // Hook order matters (Fastify runs a kind of hook in registration order): shed load before any work,
  // then headers, then auth identifies the key, the per-key rate limit counts it (a route-level hook, so
  // after all of these), auth refuses bad keys (preParsing), and idempotency reads the body.
  await registerLoadShedding(app, { ...LOAD_SHEDDING_DEFAULTS, ...options.loadShedding });
  await registerSecurityHeaders(app, { corsOrigins: deps.config.corsOrigins });
  registerAuth(app, deps.keys);
  await registerRateLimit(app, {
    perMinute: deps.config.rateLimitPerMinute,
    redis: deps.redis,
    keyPrefix: deps.config.queuePrefix,
  });
  registerIdempotency(app, {
    repo: deps.repos.idempotency,
    logger: deps.logger,
    bodyLimit: BODY_LIMIT_BYTES,
  });

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Distill API',
        version: '0.1.0',
        description:
          "Fini-compatible knowledge and sources API. Authenticate with 'Authorization: Bearer fini_…'.",
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  await app.register(healthRoutes(deps));
  await app.register(metricsRoutes(deps.metrics));
  await app.register(foldersRoutes(deps.folders));
  await app.register(articlesRoutes(deps.articles));
  await app.register(treeRoutes(deps.tree));
  // Every event stream (jobs and batches) counts against one budget per key and per process.
  const streamSlots = createStreamSlots({
    perKey: deps.config.sseMaxStreamsPerKey,
    total: deps.config.sseMaxStreams,
    maxLifetimeMs: deps.config.sseMaxStreamMs,
  });
  await app.register(generationRoutes(deps.generation, deps.jobEvents, deps.treeScaffold, streamSlots));
  await app.register(batchesRoutes(deps.batches, deps.jobEvents, streamSlots));
  await app.register(sourcesRoutes(deps.sources, deps.ingest));
  await app.register(keysRoutes());
  await app.register(consoleRoutes());
  await app.register(webhooksRoutes(deps.webhooks));
  await app.register(syncRoutes(deps.sync));
  await app.register(schedulesRoutes(deps.schedules));
  await app.register(adminRoutes({ adminToken: deps.config.adminToken, queues: Object.values(deps.queues) }));
  return app;
}

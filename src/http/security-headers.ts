// Security headers (helmet) on every response, and CORS only for the origins listed in CORS_ORIGINS.
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import { RATE_LIMIT_HEADERS } from './rate-limit.js';

export async function registerSecurityHeaders(
  app: FastifyInstance,
  options: { corsOrigins: readonly string[] },
): Promise<void> {
  await app.register(helmet, {
    // Helmet's default policy suits the two HTML pages (/docs, /admin/queues): their scripts and styles
    // come from this server. Without upgrade-insecure-requests, so a server reached over plain HTTP on a
    // private network keeps working (that directive would send the pages' own requests to https).
    contentSecurityPolicy: { useDefaults: true, directives: { upgradeInsecureRequests: null } },
  });

  // Off unless configured: without Access-Control-Allow-Origin, browsers keep other sites' pages from
  // reading the API's answers. Keys travel in the Authorization header, never in cookies.
  if (options.corsOrigins.length === 0) return;
  await app.register(cors, {
    origin: options.corsOrigins.includes('*') ? '*' : [...options.corsOrigins],
    methods: ['GET', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-request-id'],
    exposedHeaders: ['x-request-id', 'retry-after', 'idempotent-replayed', ...RATE_LIMIT_HEADERS],
    maxAge: 600,
  });
}

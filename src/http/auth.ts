// Bearer-key authentication and per-route scopes (docs/api.md §1). A route declares `config: { scope }`;
// routes without a scope (health, docs, metrics) are public.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../lib/errors.js';
import type { AuthContext, KeysService, Scope } from '../keys/keys-service.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    scope?: Scope;
  }
  interface FastifyRequest {
    auth: AuthContext | null;
  }
}

// One message for every kind of bad credential, so a caller cannot tell an unknown key from a revoked one.
const UNAUTHORIZED_MESSAGE = 'missing or invalid API key; send Authorization: Bearer fini_…';
const BEARER = /^Bearer[ ]+(\S+)$/i;

/**
 * Two steps. `onRequest` identifies the key and sets `request.auth` (null when missing or invalid); the
 * per-key rate limit runs next (a route-level onRequest hook, which Fastify runs after these), so it can
 * count by key, and by client IP for requests without a valid key. `preParsing` then refuses: 401 / 403
 * still come before any body is read, parsed or validated.
 */
export function registerAuth(app: FastifyInstance, keys: KeysService): void {
  app.decorateRequest('auth', null);
  app.addHook('onRequest', async (request) => {
    if (!request.routeOptions.config.scope) return;
    const match = BEARER.exec(request.headers.authorization ?? '');
    request.auth = (match ? await keys.authenticate(match[1]!) : undefined) ?? null;
  });
  app.addHook('preParsing', async (request) => {
    const scope = request.routeOptions.config.scope;
    if (!scope) return;
    if (!request.auth) throw new AppError('UNAUTHORIZED', UNAUTHORIZED_MESSAGE);
    if (!request.auth.scopes.includes(scope))
      throw new AppError('FORBIDDEN', `this API key lacks the '${scope}' scope`);
  });
}

/** The workspace of the authenticated key; only called from routes that declare a scope. */
export function workspaceOf(request: FastifyRequest): string {
  if (!request.auth) throw new Error(`route ${request.url} reads the workspace but declares no scope`);
  return request.auth.workspaceId;
}

// (ext) GET /v2/keys/public/me: the workspace and scopes of the calling key, so a client (the review
// console) can tell a read-only key from a read/write one before offering write actions. It never
// lists or manages keys: the CLI does.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { authErrors } from '../http/schemas.js';
import { KeyInfoSchema } from './keys-schemas.js';

export function keysRoutes(): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/v2/keys/public/me',
      {
        config: { scope: 'read' },
        schema: {
          tags: ['keys'],
          summary: "(ext) The calling key's workspace and scopes",
          response: { 200: KeyInfoSchema, ...authErrors },
        },
      },
      (request) => {
        // The auth hook ran (the route declares a scope), so the key is known.
        const auth = request.auth!;
        return { workspaceId: auth.workspaceId, scopes: [...auth.scopes].sort() };
      },
    );
  };
}

// GET /console: the review console's built files (console/dist). Vite names every asset after a hash of
// its content, so assets are cached for a year as immutable; index.html names the current assets and is
// never cached, so a new build reaches browsers on their next load. The console talks only to the public
// API with the key its user pastes; its CSP allows nothing but this server.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { CONSOLE_DIST_DIR } from './console-build.js';

export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
};
const ASSET_NAME = /^[\w.-]+$/;

function notBuilt(reply: FastifyReply) {
  return reply
    .code(503)
    .type('text/plain; charset=utf-8')
    .send('The review console is not built: run `npm install`, then `npm start` builds it.');
}

export function consoleRoutes(distDir = CONSOLE_DIST_DIR): FastifyPluginAsync {
  return async (app) => {
    const sendIndex = async (_request: unknown, reply: FastifyReply) => {
      let html: Buffer;
      try {
        html = await readFile(path.join(distDir, 'index.html'));
      } catch {
        return notBuilt(reply);
      }
      return reply
        .header('cache-control', 'no-cache, no-store, must-revalidate')
        .header('content-security-policy', CONSOLE_CSP)
        .type('text/html; charset=utf-8')
        .send(html);
    };
    app.get('/console', { schema: { hide: true } }, sendIndex);

    app.get<{ Params: { file: string } }>(
      '/console/assets/:file',
      { schema: { hide: true } },
      async (request, reply) => {
        const { file } = request.params;
        const type = CONTENT_TYPES[path.extname(file)];
        if (!ASSET_NAME.test(file) || !type) return reply.callNotFound();
        let body: Buffer;
        try {
          body = await readFile(path.join(distDir, 'assets', file));
        } catch {
          return reply.callNotFound();
        }
        return reply
          .header('cache-control', 'public, max-age=31536000, immutable')
          .header('content-security-policy', CONSOLE_CSP)
          .type(type)
          .send(body);
      },
    );
  };
}

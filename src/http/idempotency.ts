// Idempotency-Key on POST routes that write (docs/api.md §1, ext; the shape follows the IETF draft
// draft-ietf-httpapi-idempotency-key-header): a repeat with the same key and the same request within 24 h
// gets the first answer back (status and body, with `idempotent-replayed: true`) and does nothing again.
// The same key with another request → 422; while the first request still runs → 409. Answers ≥ 500 are
// not kept, so a retry can succeed. Read routes that use POST (jobs/status, ids) ignore the header.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { workspaceOf } from './auth.js';
import type { IdempotencyRepo } from './idempotency-repo.js';

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: { key: string; fingerprint: string; owner: boolean } | null;
  }
}

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const IDEMPOTENCY_KEY_MAX_LENGTH = 200;
/** A first request still unanswered after this long is presumed dead with its process; a retry may take over. */
const STALE_AFTER_MS = 120_000;
const CLEANUP_EVERY_MS = 15 * 60_000;
const KEY_PATTERN = new RegExp(`^[\\x20-\\x7e]{1,${IDEMPOTENCY_KEY_MAX_LENGTH}}$`);

interface StoredAnswer {
  statusCode: number;
  contentType: string | null;
  body: string;
}

const headerError = (message: string) =>
  new AppError('VALIDATION', `Idempotency-Key ${message}`, [{ field: 'Idempotency-Key', message }]);

function readKey(request: FastifyRequest): string | undefined {
  const raw = request.headers[IDEMPOTENCY_HEADER];
  if (raw === undefined) return undefined;
  const key = (Array.isArray(raw) ? raw.join(', ') : raw).trim();
  if (key.length > IDEMPOTENCY_KEY_MAX_LENGTH)
    throw headerError(`must be at most ${IDEMPOTENCY_KEY_MAX_LENGTH} characters`);
  if (!KEY_PATTERN.test(key)) throw headerError('must be 1 to 200 printable ASCII characters');
  return key;
}

/** The request the key stands for: method, path with query, and the body byte for byte. */
export function requestFingerprint(method: string, url: string, body: Buffer): string {
  return createHash('sha256').update(`${method} ${url}\n`).update(body).digest('hex');
}

async function readBody(payload: NodeJS.ReadableStream, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of payload) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > limit) throw new AppError('PAYLOAD_TOO_LARGE', `body exceeds the limit of ${limit} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

export function registerIdempotency(
  app: FastifyInstance,
  options: { repo: IdempotencyRepo; logger: Logger; bodyLimit: number },
): void {
  const { repo } = options;
  const { logger } = options;
  app.decorateRequest('idempotency', null);

  const applies = (request: FastifyRequest) =>
    request.method === 'POST' && request.routeOptions.config.scope === 'write';

  // Before parsing (and after auth, whose preParsing hook is registered first): read the raw body to
  // fingerprint it, then hand the same bytes on to the parser.
  app.addHook('preParsing', async (request, _reply, payload) => {
    if (!applies(request)) return undefined;
    const key = readKey(request);
    if (key === undefined) return undefined;
    if (/^multipart\//i.test(request.headers['content-type'] ?? ''))
      throw headerError('is not supported with multipart/form-data bodies (the tree import)');
    const body = await readBody(payload, options.bodyLimit);
    request.idempotency = {
      key,
      fingerprint: requestFingerprint(request.method, request.url, body),
      owner: false,
    };
    return Readable.from(body.length > 0 ? [body] : [], { objectMode: false });
  });

  // After validation, so a malformed request keeps no key and can be corrected and sent again.
  app.addHook('preHandler', async (request, reply) => {
    const idempotency = request.idempotency;
    if (!idempotency) return;
    const claim = await repo.claim(
      workspaceOf(request),
      idempotency.key,
      idempotency.fingerprint,
      STALE_AFTER_MS,
    );
    switch (claim.kind) {
      case 'claimed':
        idempotency.owner = true;
        return;
      case 'mismatch':
        throw new AppError(
          'UNPROCESSABLE',
          `Idempotency-Key "${idempotency.key}" was already used for a different request in the last 24 hours; send a new key with a new request`,
          [{ field: 'Idempotency-Key', message: 'was used for a different request' }],
        );
      case 'in-flight':
        throw new AppError(
          'CONFLICT',
          `a request with Idempotency-Key "${idempotency.key}" is still being processed; retry once it has answered`,
          [{ field: 'Idempotency-Key', message: 'is in use by a request still running' }],
        );
      case 'completed':
        reply.code(claim.statusCode).header('idempotent-replayed', 'true');
        if (claim.contentType) reply.header('content-type', claim.contentType);
        // The stored body is the serialized answer: sent as it is.
        return reply.serializer((payload: string) => payload).send(claim.body);
    }
  });

  /** Keeps the answer for replays; without one (a 5xx, a stream, no answer at all) frees the key. */
  const settle = async (request: FastifyRequest, answer: StoredAnswer | undefined) => {
    const idempotency = request.idempotency;
    if (!idempotency?.owner) return;
    idempotency.owner = false;
    const workspaceId = workspaceOf(request);
    try {
      if (answer && answer.statusCode < 500) await repo.complete(workspaceId, idempotency.key, answer);
      else await repo.release(workspaceId, idempotency.key);
    } catch (error) {
      logger.warn({ err: error }, 'could not record the answer for an Idempotency-Key');
      await repo.release(workspaceId, idempotency.key).catch(() => undefined);
    }
  };

  app.addHook('onSend', async (request, reply, payload) => {
    if (!request.idempotency?.owner) return payload;
    const contentType = reply.getHeader('content-type');
    const body =
      typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString() : undefined;
    await settle(
      request,
      body === undefined
        ? undefined
        : {
            statusCode: reply.statusCode,
            contentType: typeof contentType === 'string' ? contentType : null,
            body,
          },
    );
    return payload;
  });
  // A request that ended without onSend (the client went away first) frees its key.
  app.addHook('onResponse', async (request) => settle(request, undefined));

  const cleanup = setInterval(() => {
    repo
      .deleteExpired()
      .catch((error: unknown) => logger.warn({ err: error }, 'could not delete expired idempotency keys'));
  }, CLEANUP_EVERY_MS);
  cleanup.unref();
  app.addHook('onClose', async () => clearInterval(cleanup));
}

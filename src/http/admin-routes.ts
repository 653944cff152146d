// /admin/queues: the BullMQ dashboard (bull-board) over both queues, behind ADMIN_TOKEN. Without a token
// configured the routes do not exist (404); a wrong or missing token gets 401, and an address that sent
// too many wrong ones gets 429 for a while.
import { timingSafeEqual } from 'node:crypto';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyPluginAsync } from 'fastify';
import { sha256 } from '../lib/hashing.js';
import { createAddressThrottle } from './address-throttle.js';
import { errorBody } from './error-handler.js';

export const ADMIN_QUEUES_PATH = '/admin/queues';
/** Wrong tokens one client address may send per window before it is refused outright (429). */
export const ADMIN_FAILURES_ALLOWED = 10;
const ADMIN_FAILURE_WINDOW_MS = 15 * 60_000;

/** The token from `Authorization: Bearer <token>`, or the password of `Basic` (what a browser prompts for). */
function presentedToken(header: string | undefined): string | undefined {
  const match = /^(Bearer|Basic)[ ]+(\S+)$/i.exec(header ?? '');
  if (!match) return undefined;
  if (match[1]!.toLowerCase() === 'bearer') return match[2];
  const decoded = Buffer.from(match[2]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? undefined : decoded.slice(colon + 1);
}

export function adminRoutes(options: {
  adminToken: string | undefined;
  queues: Queue[];
}): FastifyPluginAsync {
  return async (app) => {
    if (!options.adminToken) return;
    // Digests have equal lengths, so timingSafeEqual neither throws nor leaks the token's length.
    const expected = sha256(options.adminToken);
    // Token guessing: an address past its failures waits out the window, whatever it sends meanwhile.
    const failures = createAddressThrottle({
      max: ADMIN_FAILURES_ALLOWED,
      windowMs: ADMIN_FAILURE_WINDOW_MS,
    });
    app.addHook('onRequest', async (request, reply) => {
      // Answered here rather than thrown: bull-board sets its own error handler on its routes.
      if (failures.limited(request.ip)) {
        const seconds = failures.retryAfterSeconds(request.ip);
        return reply
          .code(429)
          .header('retry-after', seconds)
          .send(
            errorBody(
              'RATE_LIMITED',
              `too many failed attempts at the queue dashboard's token from this address; retry in ${seconds} seconds`,
            ),
          );
      }
      const token = presentedToken(request.headers.authorization);
      if (token !== undefined && timingSafeEqual(sha256(token), expected)) return;
      failures.hit(request.ip);
      return reply
        .code(401)
        .header('www-authenticate', 'Basic realm="Distill queues", charset="UTF-8"')
        .send(
          errorBody(
            'UNAUTHORIZED',
            'the queue dashboard needs ADMIN_TOKEN: send Authorization: Bearer <token>, or basic auth with the token as the password',
          ),
        );
    });

    const serverAdapter = new FastifyAdapter();
    serverAdapter.setBasePath(ADMIN_QUEUES_PATH);
    createBullBoard({
      queues: options.queues.map((queue) => new BullMQAdapter(queue)),
      serverAdapter,
      options: { uiConfig: { boardTitle: 'Distill queues' } },
    });
    await app.register(serverAdapter.registerPlugin(), { prefix: ADMIN_QUEUES_PATH });
  };
}

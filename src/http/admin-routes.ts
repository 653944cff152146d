// /admin/queues: the BullMQ dashboard (bull-board) over both queues, behind ADMIN_TOKEN. Without a token
// configured the routes do not exist (404); a wrong or missing token gets 401.
import { timingSafeEqual } from 'node:crypto';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyPluginAsync } from 'fastify';
import { sha256 } from '../lib/hashing.js';
import { errorBody } from './error-handler.js';

export const ADMIN_QUEUES_PATH = '/admin/queues';

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
    app.addHook('onRequest', async (request, reply) => {
      const token = presentedToken(request.headers.authorization);
      if (token !== undefined && timingSafeEqual(sha256(token), expected)) return;
      // Answered here rather than thrown: bull-board sets its own error handler on its routes.
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

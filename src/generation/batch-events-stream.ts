// GET /v2/knowledge/public/batches/:id/events: Server-Sent Events carrying the batch object each time one
// of its jobs changes status, until the batch is finished. Job notifications only say "something changed";
// the batch is re-read (one aggregate query), at most one read at a time, so a burst of changes costs a few
// reads rather than one per job.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Batch } from './batches-schemas.js';
import { isBatchFinished, type BatchesService } from './batches-service.js';
import { batchTopic, type JobEvents } from './job-events.js';
import type { StreamSlots } from './job-events-limits.js';

const HEARTBEAT_MS = 15_000;

export async function streamBatchEvents(
  request: FastifyRequest,
  reply: FastifyReply,
  options: {
    batches: Pick<BatchesService, 'get'>;
    events: JobEvents;
    /** Streams open on this server, each with its `end`; the server ends them when it closes. */
    openStreams: Set<() => void>;
    /** The per-key and per-process budget of open streams, and their lifetime. */
    slots: StreamSlots;
    keyId: string;
    workspaceId: string;
    batchId: string;
  },
): Promise<void> {
  const { batches, events, openStreams, slots, workspaceId, batchId } = options;
  // 429 naming the limit when the key or the process has its streams open already.
  const release = slots.acquire(options.keyId);
  let open = false;
  let finished = false;
  let lastSent = '';
  let reading = false;
  let again = false;

  const send = (batch: Batch) => {
    const data = JSON.stringify(batch);
    if (finished || data === lastSent) return;
    lastSent = data;
    reply.raw.write(`event: batch\ndata: ${data}\n\n`);
    if (isBatchFinished(batch)) finish();
  };
  // Re-reads after every change; changes during a read cause exactly one more read.
  const refresh = () => {
    if (!open || finished) return;
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    batches.get(workspaceId, batchId).then(
      (batch) => {
        reading = false;
        send(batch);
        if (again) {
          again = false;
          refresh();
        }
      },
      (error: unknown) => {
        reading = false;
        request.log.warn({ err: error }, 'batch events re-read failed');
      },
    );
  };

  // Listen before the first read, so no change between the two is missed.
  const unsubscribe = await events
    .subscribe(workspaceId, [batchTopic(batchId)], refresh, refresh)
    .catch((error: unknown) => {
      release();
      throw error;
    });
  let current: Batch;
  try {
    current = await batches.get(workspaceId, batchId);
  } catch (error) {
    unsubscribe();
    release();
    throw error;
  }

  const heartbeat = setInterval(() => reply.raw.write(': keep-alive\n\n'), HEARTBEAT_MS);
  // Past its lifetime the stream ends without "done": the client reconnects and gets the batch again.
  const lifetime = setTimeout(() => end(), slots.limits.maxLifetimeMs);
  const stop = () => {
    finished = true;
    clearInterval(heartbeat);
    clearTimeout(lifetime);
    unsubscribe();
    release();
    openStreams.delete(end);
  };
  function finish() {
    if (finished) return;
    stop();
    reply.raw.end('event: done\ndata: {}\n\n');
  }
  function end() {
    if (finished) return;
    stop();
    reply.raw.end();
  }
  openStreams.add(end);
  request.raw.once('close', stop);

  reply.hijack();
  reply.raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-request-id': request.id,
  });
  open = true;
  send(current);
  // A change may have arrived between the first read and now.
  if (!finished) refresh();
}

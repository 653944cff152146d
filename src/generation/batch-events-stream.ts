// GET /v2/knowledge/public/batches/:id/events: Server-Sent Events carrying the batch object each time one
// of its jobs changes status, until the batch is finished. Job notifications only say "something changed";
// the batch is re-read (one aggregate query), at most one read at a time, so a burst of changes costs a few
// reads rather than one per job. The stream itself (budget, heartbeat, lifetime) is event-stream.ts.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Batch } from './batches-schemas.js';
import { isBatchFinished, type BatchesService } from './batches-service.js';
import { serveEventStream, type EventStream, type EventStreamOptions } from './event-stream.js';
import { batchTopic, type JobEvents } from './job-events.js';

export async function streamBatchEvents(
  request: FastifyRequest,
  reply: FastifyReply,
  options: Omit<EventStreamOptions, 'kind'> & {
    batches: Pick<BatchesService, 'get'>;
    events: JobEvents;
    workspaceId: string;
    batchId: string;
  },
): Promise<void> {
  const { batches, events, workspaceId, batchId } = options;
  await serveEventStream(request, reply, { ...options, kind: 'batch' }, (stream: EventStream) => {
    let lastSent = '';
    let reading = false;
    let again = false;

    const send = (batch: Batch) => {
      const data = JSON.stringify(batch);
      if (stream.stopped || data === lastSent) return;
      lastSent = data;
      stream.send('batch', data);
      if (isBatchFinished(batch)) stream.finish();
    };
    // Re-reads after every change; changes during a read cause exactly one more read.
    const refresh = () => {
      if (!stream.started || stream.stopped) return;
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

    return {
      subscribe: () => events.subscribe(workspaceId, [batchTopic(batchId)], refresh, refresh),
      read: () => batches.get(workspaceId, batchId),
      start(current) {
        send(current);
        // A change may have arrived between the first read and now.
        if (!stream.stopped) refresh();
      },
    };
  });
}

// One extraction thread of extract-pool.ts: extractContent on the pages the pool sends, the answer or the
// error back. Only the pool starts it.
import { parentPort } from 'node:worker_threads';
import { extractContent } from './extract.js';
import { isFetchError } from './fetch-errors.js';
import type { ExtractReply, ExtractRequest } from './extract-pool.js';

const port = parentPort;
if (!port) throw new Error('extract-worker.ts runs only as a worker thread of extract-pool.ts');

port.on('message', (request: ExtractRequest) => {
  let reply: ExtractReply;
  try {
    const body = Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength);
    reply = { id: request.id, result: extractContent(body, request.contentType, new URL(request.url)) };
  } catch (error) {
    reply = {
      id: request.id,
      error: isFetchError(error)
        ? {
            fetch: { reason: error.reason, permanent: error.permanent, status: error.status },
            message: error.message,
          }
        : { message: error instanceof Error ? error.message : String(error), stack: (error as Error).stack },
    };
  }
  port.postMessage(reply);
});

// What the job and the batch event streams share (docs/api.md "Job events", batch events): a slot of the SSE budget
// (job-events-limits.ts), the subscription and first read done before anything is written (so a failure is
// still an error answer), then the event-stream head, a heartbeat, the stream's lifetime, and one way to
// stop that every end (done, lifetime, server close, client gone) goes through.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { StreamKind, StreamSlots } from './job-events-limits.js';

const HEARTBEAT_MS = 15_000;

export interface EventStream {
  /** True once the head is written: events can be sent. */
  readonly started: boolean;
  /** True once the stream ended, for whatever reason; nothing more is sent. */
  readonly stopped: boolean;
  /** Writes one event (`data` is already serialized). */
  send(event: string, data: string, id?: string): void;
  /** Ends the stream with `event: done`: what it watches is finished. */
  finish(): void;
}

/** What one kind of stream watches. */
export interface StreamSource<T> {
  /** Listens for changes; resolves to the unsubscribe. */
  subscribe(): Promise<() => void>;
  /** The current state, read after subscribing so that no change between the two is missed. */
  read(): Promise<T>;
  /** Sends the current state once the head is written. */
  start(current: T): void;
}

export interface EventStreamOptions {
  slots: StreamSlots;
  kind: StreamKind;
  keyId: string;
  /** Streams open on this server, each with its `end`; the server ends them when it closes. */
  openStreams: Set<() => void>;
}

/** Subscribes, then reads; a failed read gives the subscription back. */
async function subscribeAndRead<T>(
  source: StreamSource<T>,
): Promise<{ unsubscribe: () => void; current: T }> {
  const unsubscribe = await source.subscribe();
  try {
    return { unsubscribe, current: await source.read() };
  } catch (error) {
    unsubscribe();
    throw error;
  }
}

/**
 * Serves one event stream of what `define` returns: it subscribes and reads the current state before
 * anything is written, so a failure there is an error answer (the slot and the subscription are given back).
 */
export async function serveEventStream<T>(
  request: FastifyRequest,
  reply: FastifyReply,
  options: EventStreamOptions,
  define: (stream: EventStream) => StreamSource<T>,
): Promise<void> {
  // 429 naming the limit when the key or the process has its streams open already.
  const release = options.slots.acquire(options.keyId, options.kind);
  let started = false;
  let stopped = false;
  let cleanUp = release;

  const stop = (): boolean => {
    if (stopped) return false;
    stopped = true;
    cleanUp();
    return true;
  };
  const stream: EventStream = {
    get started() {
      return started;
    },
    get stopped() {
      return stopped;
    },
    send(event, data, id) {
      if (stopped) return;
      reply.raw.write(`event: ${event}\n${id === undefined ? '' : `id: ${id}\n`}data: ${data}\n\n`);
    },
    finish() {
      if (stop()) reply.raw.end('event: done\ndata: {}\n\n');
    },
  };

  const source = define(stream);
  let watched: { unsubscribe: () => void; current: T };
  try {
    watched = await subscribeAndRead(source);
  } catch (error) {
    release();
    throw error;
  }
  const { unsubscribe, current } = watched;

  // Past its lifetime the stream ends without "done": the client reconnects and gets the current state again.
  const end = () => {
    if (stop()) reply.raw.end();
  };
  const heartbeat = setInterval(() => reply.raw.write(': keep-alive\n\n'), HEARTBEAT_MS);
  const lifetime = setTimeout(end, options.slots.limits.maxLifetimeMs);
  cleanUp = () => {
    clearInterval(heartbeat);
    clearTimeout(lifetime);
    unsubscribe();
    release();
    options.openStreams.delete(end);
  };
  options.openStreams.add(end);
  request.raw.once('close', stop);

  reply.hijack();
  reply.raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-request-id': request.id,
  });
  started = true;
  source.start(current);
}

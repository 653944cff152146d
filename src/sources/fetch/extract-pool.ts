// Extraction off the event loop: a page's Readability + turndown pass is CPU work of a few milliseconds, and
// an ingest worker runs many jobs at once, so done inline it holds up every other job's fetches and queries.
// A few worker threads (extract-worker.ts) take it; the event loop keeps the I/O. Threads start on the first
// page, so the API and the CLI never start any. Results are those of extractContent, errors too (a
// FetchError stays one, with its reason); a thread that dies fails its pages with a transient error.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Extracted } from './extract.js';
import { FetchError, type FetchFailureReason } from './fetch-errors.js';

export interface ExtractRequest {
  id: number;
  body: Uint8Array;
  contentType: string;
  url: string;
}

export type ExtractReply =
  | { id: number; result: Extracted; error?: undefined }
  | {
      id: number;
      result?: undefined;
      error: {
        message: string;
        stack?: string;
        fetch?: { reason: FetchFailureReason; permanent: boolean; status: number | undefined };
      };
    };

export interface ExtractPool {
  extract(body: Buffer, contentType: string, url: URL): Promise<Extracted>;
  close(): Promise<void>;
}

/** One thread per core but one (the event loop's), at least one. */
export const DEFAULT_EXTRACT_THREADS = Math.max(1, availableParallelism() - 1);

interface Pending {
  resolve(result: Extracted): void;
  reject(error: Error): void;
}

interface Thread {
  worker: Worker;
  pending: Map<number, Pending>;
}

/**
 * Under tsx (the `npx distill` path, tests) this file is TypeScript and so is the worker's: the thread
 * registers tsx before importing it. The compiled build imports the compiled worker directly.
 */
function startWorker(): Worker {
  const entry = new URL(
    `./extract-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`,
    import.meta.url,
  );
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry);
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(boot, { eval: true });
}

function toError(error: NonNullable<ExtractReply['error']>): Error {
  if (error.fetch)
    return new FetchError(error.fetch.reason, error.message, {
      permanent: error.fetch.permanent,
      status: error.fetch.status,
    });
  const failure = new Error(error.message);
  if (error.stack) failure.stack = error.stack;
  return failure;
}

export function createExtractPool(options: { threads?: number } = {}): ExtractPool {
  const size = options.threads ?? DEFAULT_EXTRACT_THREADS;
  const threads: Thread[] = [];
  let nextId = 0;
  let closed = false;

  function spawn(): Thread {
    const thread: Thread = { worker: startWorker(), pending: new Map() };
    const fail = (error: Error) => {
      threads.splice(threads.indexOf(thread), 1);
      for (const pending of thread.pending.values()) pending.reject(error);
      thread.pending.clear();
    };
    thread.worker.on('message', (reply: ExtractReply) => {
      const pending = thread.pending.get(reply.id);
      if (!pending) return;
      thread.pending.delete(reply.id);
      if (thread.pending.size === 0) thread.worker.unref();
      if (reply.error) pending.reject(toError(reply.error));
      else pending.resolve(reply.result);
    });
    thread.worker.on('error', (error) => fail(new Error(`the extraction thread failed: ${error.message}`)));
    thread.worker.on('exit', (code) => {
      if (threads.includes(thread)) fail(new Error(`the extraction thread exited (code ${code})`));
    });
    // An idle thread does not keep the process alive; one with pages in flight does (see extract()).
    thread.worker.unref();
    threads.push(thread);
    return thread;
  }

  /** The thread with the fewest pages in flight; a new one while the pool is not full. */
  function pick(): Thread {
    let best: Thread | undefined;
    for (const thread of threads) if (!best || thread.pending.size < best.pending.size) best = thread;
    if (!best || (best.pending.size > 0 && threads.length < size)) return spawn();
    return best;
  }

  return {
    extract(body, contentType, url) {
      if (closed) return Promise.reject(new Error('the extraction pool is closed'));
      const thread = pick();
      const id = nextId++;
      // A copy of exactly the page's bytes, moved to the thread (a Buffer may be a view into a larger pool).
      const bytes = new Uint8Array(body);
      const request: ExtractRequest = { id, body: bytes, contentType, url: url.href };
      return new Promise<Extracted>((resolve, reject) => {
        if (thread.pending.size === 0) thread.worker.ref();
        thread.pending.set(id, { resolve, reject });
        thread.worker.postMessage(request, [bytes.buffer]);
      });
    },
    async close() {
      closed = true;
      const stopping = threads.splice(0);
      for (const thread of stopping)
        for (const pending of thread.pending.values())
          pending.reject(new Error('the extraction pool closed'));
      await Promise.all(stopping.map((thread) => thread.worker.terminate()));
    },
  };
}

// One LISTEN connection to a PostgreSQL channel that reconnects by itself. Its state matters to callers
// that trust a cache only while they are sure to hear about changes: `listening` is false from the moment
// the connection is lost until LISTEN succeeds again (`onListening` then runs: re-read what was missed).
import pg from 'pg';
import type { Logger } from './logger.js';

export interface PgListener {
  readonly listening: boolean;
  /** Connects (once; later calls return the same attempt). Rejects when this attempt failed. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface PgListenerOptions {
  databaseUrl: string;
  channel: string;
  logger: Logger;
  onNotification(payload: string): void;
  /** Runs each time LISTEN succeeds, the first time included. */
  onListening?(): void;
  /** Runs when the connection is lost. */
  onLost?(): void;
  retryMs?: number;
}

export function createPgListener(options: PgListenerOptions): PgListener {
  const { databaseUrl, channel, logger, retryMs = 1_000 } = options;
  let client: pg.Client | undefined;
  let attempt: Promise<void> | undefined;
  let listening = false;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const scheduleRetry = () => {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      start().catch((error: unknown) =>
        logger.warn({ err: error, channel }, 'LISTEN reconnect failed; retrying'),
      );
    }, retryMs);
    retry.unref();
  };

  function start(): Promise<void> {
    attempt ??= (async () => {
      const next = new pg.Client({ connectionString: databaseUrl, application_name: `distill-${channel}` });
      next.on('notification', (message) => {
        if (message.channel === channel) options.onNotification(message.payload ?? '');
      });
      next.on('error', (error) => {
        if (client !== next) return;
        logger.warn({ err: error, channel }, 'LISTEN connection lost; reconnecting');
        listening = false;
        client = undefined;
        attempt = undefined;
        options.onLost?.();
        void next.end().catch(() => undefined);
        scheduleRetry();
      });
      try {
        await next.connect();
        await next.query(`LISTEN ${channel}`);
      } catch (error) {
        void next.end().catch(() => undefined);
        throw error;
      }
      if (closed) {
        await next.end().catch(() => undefined);
        return;
      }
      client = next;
      listening = true;
      options.onListening?.();
    })().catch((error: unknown) => {
      attempt = undefined;
      scheduleRetry();
      throw error;
    });
    return attempt;
  }

  return {
    get listening() {
      return listening;
    },
    start,
    async close() {
      closed = true;
      listening = false;
      clearTimeout(retry);
      const current = client;
      client = undefined;
      await current?.end().catch(() => undefined);
    },
  };
}

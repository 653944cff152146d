// ioredis connections as BullMQ's production guide ("Going to production") asks: producers fail fast,
// workers retry forever.
import { Redis } from 'ioredis';
import type { Logger } from './logger.js';
import { withTimeout } from './timeout.js';

export { Redis };

/**
 * For producers (the API): commands fail at once while Redis is unreachable instead of queueing in memory,
 * so a request never hangs on Redis; work already committed to Postgres is enqueued later by the reconciler.
 */
export function createProducerConnection(url: string, logger: Logger): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    lazyConnect: false,
  });
  attachErrorLogging(redis, logger, 'producer');
  return redis;
}

/** For workers: BullMQ's blocking commands must wait through reconnects rather than fail. */
export function createWorkerConnection(url: string, logger: Logger): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, connectTimeout: 5_000 });
  attachErrorLogging(redis, logger, 'worker');
  return redis;
}

/** ioredis emits 'error' on every failed reconnect; log the first of a run, not each retry. */
function attachErrorLogging(redis: Redis, logger: Logger, role: string): void {
  let down = false;
  redis.on('error', (error: Error) => {
    if (!down) warnRedisConnection(logger, error, { role });
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.info({ role }, 'redis connection restored');
    down = false;
  });
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EPIPE',
]);

/** Errors that only say Redis cannot be reached (as opposed to a failed command). */
export function isConnectionError(error: Error): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return (
    (code !== undefined && CONNECTION_CODES.has(code)) ||
    /Connection is closed|connect ETIMEDOUT/.test(error.message)
  );
}

/** At most one warning per window per logger, however many connections, queues and workers report it. */
export const REDIS_WARNING_WINDOW_MS = 60_000;
const lastWarning = new WeakMap<Logger, { at: number; repeats: number }>();

/**
 * A Redis that stays down is reported by every connection, queue and worker on each reconnect attempt
 * (about one a second each). Say it once per window, with the error's message (its stack says nothing
 * more) and how many reports were left out since the last warning.
 */
export function warnRedisConnection(
  logger: Logger,
  error: Error,
  context: Record<string, unknown> = {},
): void {
  const now = Date.now();
  const last = lastWarning.get(logger);
  if (last && now - last.at < REDIS_WARNING_WINDOW_MS) {
    last.repeats += 1;
    return;
  }
  logger.warn(
    { ...context, error: error.message, repeatsLeftOut: last?.repeats ?? 0 },
    `redis connection lost (${error.message}); retrying, next warning in ${REDIS_WARNING_WINDOW_MS / 1000} s at most`,
  );
  lastWarning.set(logger, { at: now, repeats: 0 });
}

/** Closes a connection without waiting on a server that may be gone. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  // quit fails, or never answers, when the connection is already down.
  await withTimeout(redis.quit(), 1_000).catch(() => undefined);
  redis.disconnect();
}

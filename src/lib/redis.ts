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
    if (!down) logger.warn({ err: error, role }, 'redis connection lost; retrying');
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.info({ role }, 'redis connection restored');
    down = false;
  });
}

/** Closes a connection without waiting on a server that may be gone. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  // quit fails, or never answers, when the connection is already down.
  await withTimeout(redis.quit(), 1_000).catch(() => undefined);
  redis.disconnect();
}

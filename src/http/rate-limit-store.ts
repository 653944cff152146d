// The per-key rate limit's counts (a store for @fastify/rate-limit): kept in this process and written to
// Redis in the background, so a request far from its limit waits for no Redis call. The count in Redis is
// the one every API process shares (docs/api.md §1); each process adds its own requests to it (INCRBY, one
// pipeline every FLUSH_INTERVAL_MS) and learns the others' from the answer.
//
// Tolerance: a request is decided here only while the count this process knows (Redis's at its last
// exchange, plus its own requests since) is at most half the limit; past that, every request adds itself in
// Redis and is decided on Redis's answer, as a plain Redis store would. So the limit can only be exceeded
// when the processes together serve more than half of it for one key within one flush interval (300 of
// the default 600 per minute in 100 ms), which the limit does not pretend to stop.
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Redis } from '../lib/redis.js';

const FLUSH_INTERVAL_MS = 100;
/** Beyond this many keys in one window, new keys are counted in Redis directly (the map stays bounded). */
const MAX_LOCAL_KEYS = 10_000;

// INCRBY with the window's expiry set by whoever creates the key (fixed window, as @fastify/rate-limit's own
// Redis store); answers the count and the milliseconds left in the window.
const ADD_LUA = `
local count = redis.call('INCRBY', KEYS[1], ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
return {count, ttl}`;

type RedisWithAdd = Redis & {
  rateLimitAdd?(key: string, delta: number, windowMs: number): Promise<[number, number]>;
};

interface Count {
  /** Redis's count at the last answer. */
  known: number;
  /** Sent to Redis, not answered yet. */
  inFlight: number;
  /** Counted here, not sent yet. */
  pending: number;
  /** When the window ends (Redis's TTL at the last answer; until the first one, this process's guess). */
  resetAt: number;
  windowMs: number;
}

type Result = { current: number; ttl: number };
type Callback = (error: Error | null, result?: Result) => void;

export interface SyncedCounts {
  /** The store class for @fastify/rate-limit's `store` option. */
  Store: FastifyRateLimitStoreCtor;
  /** Sends what is pending and stops the timer (at close). */
  close(): Promise<void>;
}

export function createSyncedCounts(redis: Redis, keyPrefix: string): SyncedCounts {
  const client: RedisWithAdd = redis;
  if (!client.rateLimitAdd) client.defineCommand('rateLimitAdd', { numberOfKeys: 1, lua: ADD_LUA });
  const add = (key: string, delta: number, windowMs: number) => client.rateLimitAdd!(key, delta, windowMs);
  const counts = new Map<string, Count>();
  let timer: NodeJS.Timeout | undefined;

  /** Sends the pending requests of one key; resolves with Redis's answer (which includes them). */
  async function send(key: string, count: Count): Promise<Result> {
    const delta = count.pending;
    count.pending = 0;
    count.inFlight += delta;
    try {
      const [current, ttl] = await add(key, delta, count.windowMs);
      // Answers come back in order on one connection, so this one is the latest.
      count.known = current;
      count.resetAt = Date.now() + ttl;
      return { current, ttl };
    } catch (error) {
      count.pending += delta; // counted again with the next exchange
      throw error;
    } finally {
      count.inFlight -= delta;
    }
  }

  function flush(): Promise<unknown> {
    const now = Date.now();
    const sends: Promise<unknown>[] = [];
    for (const [key, count] of counts) {
      if (count.pending > 0) sends.push(send(key, count).catch(() => undefined));
      else if (count.inFlight === 0 && count.resetAt <= now) counts.delete(key);
    }
    if (counts.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
    return Promise.all(sends);
  }

  function countFor(key: string, windowMs: number, now: number): Count | undefined {
    let count = counts.get(key);
    if (count && count.resetAt <= now && count.inFlight === 0) {
      // The window ended: Redis's key has expired too, and the next exchange starts the new one.
      count.known = 0;
      count.resetAt = now + windowMs;
    }
    if (!count) {
      if (counts.size >= MAX_LOCAL_KEYS) return undefined;
      count = { known: 0, inFlight: 0, pending: 0, resetAt: now + windowMs, windowMs };
      counts.set(key, count);
    }
    timer ??= setInterval(() => void flush(), FLUSH_INTERVAL_MS).unref();
    return count;
  }

  function incr(key: string, callback: Callback, windowMs: number, max: number): void {
    const now = Date.now();
    const count = countFor(key, windowMs, now);
    if (!count) {
      add(key, 1, windowMs).then(
        ([current, ttl]) => callback(null, { current, ttl }),
        (error: Error) => callback(error),
      );
      return;
    }
    count.pending += 1;
    const current = count.known + count.inFlight + count.pending;
    if (current * 2 <= max) {
      callback(null, { current, ttl: Math.max(0, count.resetAt - now) });
      return;
    }
    send(key, count).then(
      (result) => callback(null, result),
      (error: Error) => callback(error),
    );
  }

  function storeFor(prefix: string): FastifyRateLimitStore {
    return {
      incr: (key, callback, timeWindow, max) => incr(prefix + key, callback, timeWindow, max),
      // A route with its own limit counts apart (as the Redis store does); the plugin passes the route
      // as `routeInfo`, which its types do not say.
      child: (options) => {
        const route = (options as unknown as { routeInfo: { method: string; url: string } }).routeInfo;
        return storeFor(`${prefix}${route.method}${route.url}-`);
      },
    };
  }

  return {
    // @fastify/rate-limit calls `new Store(options)`; a constructor that returns an object yields it.
    Store: function Store() {
      return storeFor(keyPrefix);
    } as unknown as FastifyRateLimitStoreCtor,
    async close() {
      await flush();
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}

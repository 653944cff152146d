// The model-call limiter for work done outside the generate queue (the tree scaffold runs the writer inside
// its HTTP request). It shares the generate queue's BullMQ rate-limiter key, so LLM_MAX_RPM caps these
// calls together with the queue's jobs, and a pause the model asked for (a 429 with Retry-After, set with
// queue.rateLimit) holds them too.
import type { Queue } from 'bullmq';
import { AppError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { Redis } from '../lib/redis.js';

/** The generate workers' limiter: LLM_MAX_RPM per minute, else a limit far above any real rate. */
export function modelLimit(llmMaxRpm: number | undefined): { max: number; duration: number } {
  return llmMaxRpm ? { max: llmMaxRpm, duration: 60_000 } : { max: 1_000_000, duration: 1_000 };
}

// What BullMQ's moveToActive does with the key: a counter that expires `duration` after its first use,
// full at `max`; a pause sets it to MAX_SAFE_INTEGER with the pause's expiry. Answers the wait in ms, or 0
// after counting this call.
const ACQUIRE = `
local max = tonumber(ARGV[1])
if tonumber(redis.call('GET', KEYS[1]) or 0) >= max then
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl > 0 then return ttl end
  redis.call('DEL', KEYS[1])
end
if redis.call('INCR', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

/** 429 while the model limiter is full; `retryAfterSeconds` goes into the Retry-After header. */
export class ModelLimitedError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super(
      'RATE_LIMITED',
      `the model is at its call limit (LLM_MAX_RPM, or a pause the model asked for); retry in ${retryAfterSeconds} s`,
    );
  }
}

export function createModelLimiter(
  queue: Queue,
  redis: Redis,
  llmMaxRpm: number | undefined,
  logger: Logger,
) {
  const { max, duration } = modelLimit(llmMaxRpm);
  return {
    /**
     * Counts one model call, or throws ModelLimitedError when the limiter is full. With Redis unreachable
     * the call goes ahead: the scaffold needs only the model, and the queue it shares a limit with is
     * stopped anyway.
     */
    async acquire(): Promise<void> {
      let waitMs = 0;
      try {
        waitMs = Number(await redis.eval(ACQUIRE, 1, queue.keys.limiter!, max, duration));
      } catch (error) {
        logger.warn({ err: error }, 'model limiter unreachable; the call goes ahead');
      }
      if (waitMs > 0) throw new ModelLimitedError(Math.ceil(waitMs / 1000));
    },
  };
}

export type ModelLimiter = ReturnType<typeof createModelLimiter>;

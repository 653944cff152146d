// How many event streams (job and batch streams count together) may be open, and for how long. Each open stream holds a socket, a heartbeat
// timer and listeners for its jobs, so one key opening thousands would starve the process; a stream that
// outlives its lifetime is ended and the client (EventSource) reconnects with Last-Event-ID.
import { AppError } from '../lib/errors.js';

export interface StreamLimits {
  /** SSE_MAX_STREAMS_PER_KEY */
  perKey: number;
  /** SSE_MAX_STREAMS: across every key, in this process. */
  total: number;
  /** SSE_MAX_STREAM_MS */
  maxLifetimeMs: number;
}

/** The defaults of src/config.ts, for callers without a config (tests of the routes alone). */
export const SSE_DEFAULTS: StreamLimits = { perKey: 10, total: 1_000, maxLifetimeMs: 3_600_000 };

/** Which stream asks for a slot: the 429 names it. */
export type StreamKind = 'job' | 'batch';

export interface StreamSlots {
  /** Takes a slot for `keyId` or throws 429 naming the limit; the returned function gives it back (once). */
  acquire(keyId: string, kind: StreamKind): () => void;
  readonly limits: StreamLimits;
}

const SHARED = 'job and batch streams count together';

export function createStreamSlots(limits: StreamLimits): StreamSlots {
  const byKey = new Map<string, number>();
  let total = 0;
  return {
    limits,
    acquire(keyId, kind) {
      const refused = `cannot open a ${kind} event stream: this`;
      const mine = byKey.get(keyId) ?? 0;
      if (mine >= limits.perKey)
        throw new AppError(
          'RATE_LIMITED',
          `${refused} API key already has ${mine} open event streams (${SHARED}), the most SSE_MAX_STREAMS_PER_KEY allows (${limits.perKey}); close one${kind === 'job' ? ', or watch more jobs per stream' : ''}`,
        );
      if (total >= limits.total)
        throw new AppError(
          'RATE_LIMITED',
          `${refused} server already has ${total} open event streams (${SHARED}), the most SSE_MAX_STREAMS allows (${limits.total}); try again later`,
        );
      byKey.set(keyId, mine + 1);
      total += 1;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        total -= 1;
        const left = (byKey.get(keyId) ?? 1) - 1;
        if (left > 0) byKey.set(keyId, left);
        else byKey.delete(keyId);
      };
    },
  };
}

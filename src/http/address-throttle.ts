// A fixed-window counter per client address, in this process's memory. For the public routes that the
// per-key limiter (rate-limit.ts) leaves alone: /readyz and the /admin/queues token check. In memory on
// purpose: /readyz must keep its limit while Redis is down (the moment monitoring asks most), and the admin
// check counts failed attempts only, which the Redis-backed limiter cannot. Each API process counts
// for itself, so N processes allow N times the limit.
import { normalizeIP } from '@fastify/rate-limit';

export interface AddressThrottle {
  /** Counts one event for the address; true once it went past the limit in the current window. */
  hit(address: string): boolean;
  /** True while the address is past the limit, without counting. */
  limited(address: string): boolean;
  /** Whole seconds until the address's window ends (at least 1). */
  retryAfterSeconds(address: string): number;
}

/** Addresses tracked at once; past it, the oldest windows are forgotten first. */
const MAX_ADDRESSES = 10_000;

export function createAddressThrottle(options: { max: number; windowMs: number }): AddressThrottle {
  const windows = new Map<string, { count: number; endsAt: number }>();

  const current = (address: string, now: number) => {
    const key = normalizeIP(address);
    const window = windows.get(key);
    if (window && window.endsAt > now) return { key, window };
    windows.delete(key);
    return { key, window: undefined };
  };

  return {
    hit(address) {
      const now = Date.now();
      const { key, window } = current(address, now);
      if (window) {
        window.count += 1;
        return window.count > options.max;
      }
      // Map order is insertion order: the first key is the oldest window.
      if (windows.size >= MAX_ADDRESSES) windows.delete(windows.keys().next().value!);
      windows.set(key, { count: 1, endsAt: now + options.windowMs });
      return options.max < 1;
    },
    limited(address) {
      const { window } = current(address, Date.now());
      return window !== undefined && window.count >= options.max;
    },
    retryAfterSeconds(address) {
      const { window } = current(address, Date.now());
      return window ? Math.max(1, Math.ceil((window.endsAt - Date.now()) / 1000)) : 1;
    },
  };
}

// Per-host politeness: at most `max` requests at once to one host from this process, whatever the
// worker concurrency (docs/architecture.md §3). A small keyed semaphore; waiters give up when their signal aborts.

export interface KeyedLimiter {
  run<T>(key: string, fn: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  active(key: string): number;
}

interface Slot {
  active: number;
  waiting: (() => void)[];
}

export function createKeyedLimiter(max: number): KeyedLimiter {
  const slots = new Map<string, Slot>();

  function acquire(key: string, signal?: AbortSignal): Promise<void> {
    let slot = slots.get(key);
    if (!slot) {
      slot = { active: 0, waiting: [] };
      slots.set(key, slot);
    }
    if (slot.active < max) {
      slot.active += 1;
      return Promise.resolve();
    }
    const target = slot;
    return new Promise<void>((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        const index = target.waiting.indexOf(grant);
        if (index >= 0) target.waiting.splice(index, 1);
        reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      target.waiting.push(grant);
    });
  }

  function release(key: string): void {
    const slot = slots.get(key);
    if (!slot) return;
    const next = slot.waiting.shift();
    // The slot passes straight to the next waiter, so `active` stays the same.
    if (next) return next();
    slot.active -= 1;
    if (slot.active === 0) slots.delete(key);
  }

  return {
    async run(key, fn, signal) {
      await acquire(key, signal);
      try {
        return await fn();
      } finally {
        release(key);
      }
    },
    active: (key) => slots.get(key)?.active ?? 0,
  };
}

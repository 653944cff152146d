// Verified API keys, kept in memory for a few seconds so a request costs no key lookup in PostgreSQL.
// Keyed by the SHA-256 of the secret (never the secret itself). The cache is trusted only while this
// process listens for key changes (migration 0050 NOTIFYs every revocation, deletion or scope change at
// commit): a revocation reaches every process within the notification's delivery, well under a second.
// While the LISTEN connection is down nothing is cached or served from the cache, and everything cached
// before is dropped, so a missed notification cannot keep a revoked key alive. The TTL bounds how long
// an entry lives even so (e.g. a row changed by hand with the trigger disabled).
import type { Logger } from '../lib/logger.js';
import { createPgListener, type PgListener } from '../lib/pg-listener.js';

export const KEY_CHANGES_CHANNEL = 'distill_api_keys';
const TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

export interface KeyCache<T extends { keyId: string }> {
  get(keyHash: string): T | undefined;
  /**
   * A counter that moves with every change heard. Read it before looking a key up and pass it to `set`:
   * a change heard while the lookup ran may concern the row just read, so that answer is not cached.
   */
  readonly epoch: number;
  set(keyHash: string, value: T, epochBeforeLookup: number): void;
  /** Drops a key at once (a revocation made by this process does not wait for its own notification). */
  evict(keyId: string): void;
  close(): Promise<void>;
}

export function createKeyCache<T extends { keyId: string }>(
  databaseUrl: string,
  logger: Logger,
  options: { ttlMs?: number } = {},
): KeyCache<T> {
  const ttlMs = options.ttlMs ?? TTL_MS;
  const entries = new Map<string, { value: T; expiresAt: number }>();
  let epoch = 0;
  const clear = () => {
    epoch += 1;
    entries.clear();
  };
  const listener: PgListener = createPgListener({
    databaseUrl,
    channel: KEY_CHANGES_CHANNEL,
    logger,
    onNotification: (keyId) => evict(keyId),
    // Whatever changed while the connection was down was not heard: start from nothing.
    onListening: clear,
    onLost: clear,
  });
  let started = false;

  function evict(keyId: string): void {
    epoch += 1;
    for (const [hash, entry] of entries) if (entry.value.keyId === keyId) entries.delete(hash);
  }

  return {
    get(keyHash) {
      if (!started) {
        started = true;
        listener
          .start()
          .catch((error: unknown) =>
            logger.warn({ err: error }, 'cannot listen for API key changes; keys are not cached'),
          );
      }
      if (!listener.listening) return undefined;
      const entry = entries.get(keyHash);
      if (!entry) return undefined;
      if (entry.expiresAt <= Date.now()) {
        entries.delete(keyHash);
        return undefined;
      }
      return entry.value;
    },
    get epoch() {
      return epoch;
    },
    set(keyHash, value, epochBeforeLookup) {
      if (!listener.listening || epochBeforeLookup !== epoch) return;
      // Oldest first: Map keeps insertion order, and a refreshed entry is re-inserted.
      entries.delete(keyHash);
      if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
      entries.set(keyHash, { value, expiresAt: Date.now() + ttlMs });
    },
    evict,
    close: () => listener.close(),
  };
}

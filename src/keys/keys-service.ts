import { withTransaction, type Pool, type PoolClient } from '../lib/db.js';
import { randomBase62, sha256 } from '../lib/hashing.js';
import type { Logger } from '../lib/logger.js';
import { createKeyCache, type KeyCache } from './key-cache.js';
import type { ApiKeyRow, KeysRepo, Scope } from './keys-repo.js';

export type { Scope };
export const SCOPES: readonly Scope[] = ['read', 'write'];

/** `fini_` + 40 base62 characters (~238 bits): the format Fini clients send. */
export const API_KEY_PATTERN = /^fini_[0-9A-Za-z]{40}$/;
const DISPLAY_PREFIX_LENGTH = 12;
const TOUCH_INTERVAL_MS = 60_000;

export interface AuthContext {
  keyId: string;
  workspaceId: string;
  scopes: Scope[];
}

export interface CreatedKey {
  id: string;
  key: string;
  prefix: string;
  workspaceId: string;
  workspaceName: string;
  scopes: Scope[];
}

export interface KeysServiceOptions {
  /**
   * Where to LISTEN for key changes. With it, verified keys are cached for a few seconds (key-cache.ts);
   * without it (the CLI, scripts) every call looks the key up.
   */
  databaseUrl?: string;
  cacheTtlMs?: number;
}

export function createKeysService(
  pool: Pool,
  repo: KeysRepo,
  logger: Logger,
  options: KeysServiceOptions = {},
) {
  const lastTouched = new Map<string, number>();
  const cache: KeyCache<AuthContext> | undefined = options.databaseUrl
    ? createKeyCache(options.databaseUrl, logger, { ttlMs: options.cacheTtlMs })
    : undefined;

  /** `lastUsedAt` at most once a minute per key and process, off the request's path. */
  function touch(keyId: string): void {
    const now = Date.now();
    if (now - (lastTouched.get(keyId) ?? 0) < TOUCH_INTERVAL_MS) return;
    lastTouched.set(keyId, now);
    repo.touch(keyId).catch((error: unknown) => logger.warn({ err: error }, 'could not record API key use'));
  }

  async function lookUp(keyHash: Buffer): Promise<AuthContext | undefined> {
    const row = await repo.findActiveByHash(keyHash);
    return row && { keyId: row.id, workspaceId: row.workspaceId, scopes: row.scopes };
  }

  /** A new key in the workspace of that name (created on first use); only its hash is stored. */
  async function insertKey(workspaceName: string, scopes: Scope[], tx: PoolClient): Promise<CreatedKey> {
    const key = `fini_${randomBase62(40)}`;
    const prefix = key.slice(0, DISPLAY_PREFIX_LENGTH);
    const workspaceId = await repo.upsertWorkspace(workspaceName, tx);
    const id = await repo.insert(workspaceId, prefix, sha256(key), scopes, tx);
    return { id, key, prefix, workspaceId, workspaceName, scopes };
  }

  return {
    createKey(workspaceName: string, scopes: Scope[]): Promise<CreatedKey> {
      return withTransaction(pool, (tx) => insertKey(workspaceName, scopes, tx));
    },

    /**
     * On a fresh database, creates workspace `default` with a read/write key and returns it (to print once).
     * The advisory lock keeps two processes starting together from both creating one.
     */
    async createDefaultKeyIfFresh(): Promise<CreatedKey | undefined> {
      return withTransaction(pool, async (tx) => {
        await tx.query("SELECT pg_advisory_xact_lock(hashtext('distill:default-key'))");
        if ((await repo.countWorkspaces(tx)) > 0) return undefined;
        return insertKey('default', ['read', 'write'], tx);
      });
    },

    list: (): Promise<ApiKeyRow[]> => repo.list(),
    async revoke(id: string) {
      const outcome = await repo.revoke(id);
      cache?.evict(id);
      return outcome;
    },

    /**
     * Looks the key up by its SHA-256: unknown, revoked and mistyped keys all take the same path (one indexed
     * lookup; only keys found valid are cached), so response time says nothing about which it was.
     */
    async authenticate(presented: string): Promise<AuthContext | undefined> {
      if (!API_KEY_PATTERN.test(presented)) return undefined;
      const keyHash = sha256(presented);
      const cacheKey = keyHash.toString('hex');
      let auth = cache?.get(cacheKey);
      if (!auth) {
        const epoch = cache?.epoch ?? 0;
        auth = await lookUp(keyHash);
        if (auth) cache?.set(cacheKey, auth, epoch);
      }
      if (auth) touch(auth.keyId);
      return auth;
    },

    close: async (): Promise<void> => cache?.close(),
  };
}

export type KeysService = ReturnType<typeof createKeysService>;

// Verified keys are cached per process for a few seconds, and a revocation reaches every process through
// NOTIFY (src/keys/key-cache.ts, migration 0050).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { startTestApp, type TestContext, type TestKey } from './helpers/app.js';

let a: TestContext;
let b: TestContext;
beforeAll(async () => {
  [a, b] = await Promise.all([startTestApp(), startTestApp()]);
});
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

/** How many key lookups one authenticated request of `ctx` makes. */
async function lookupsOfOneRequest(ctx: TestContext, key: TestKey): Promise<number> {
  const spy = vi.spyOn(ctx.deps.pool, 'query');
  try {
    await ctx.http().get('/v2/hc-folders/public').set(key.header).expect(200);
    return spy.mock.calls.filter(([sql]) => typeof sql === 'string' && sql.includes('FROM api_keys')).length;
  } finally {
    spy.mockRestore();
  }
}

async function outsideRevoke(keyId: string): Promise<void> {
  // As the CLI in another process would: straight to PostgreSQL.
  const client = new pg.Client({ connectionString: inject('databaseUrl') });
  await client.connect();
  try {
    await client.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [keyId]);
  } finally {
    await client.end();
  }
}

describe('API key cache', () => {
  it('serves a verified key from memory: later requests make no key lookup in PostgreSQL', async () => {
    const key = await a.createKey();
    // The first request starts listening for key changes; keys are cached once that listener is up.
    await expect.poll(() => lookupsOfOneRequest(a, key), { timeout: 5_000 }).toBe(0);
    expect(await lookupsOfOneRequest(a, key)).toBe(0);
  });

  it('refuses a key revoked elsewhere in another app instance within about a second', async () => {
    const key = await a.createKey();
    await expect.poll(() => lookupsOfOneRequest(b, key), { timeout: 5_000 }).toBe(0);
    await outsideRevoke(key.id);
    const status = async () => (await b.http().get('/v2/hc-folders/public').set(key.header)).status;
    // The bound is generous for a loaded machine; the cache's own TTL (5 s) is not what ends it.
    await expect.poll(status, { timeout: 3_000, interval: 50 }).toBe(401);
  });

  it('refuses a key revoked through the service at once in the same process', async () => {
    const key = await a.createKey();
    await expect.poll(() => lookupsOfOneRequest(a, key), { timeout: 5_000 }).toBe(0);
    await a.deps.keys.revoke(key.id);
    await a.http().get('/v2/hc-folders/public').set(key.header).expect(401);
  });

  it('forgets a key when its workspace is deleted', async () => {
    const key = await a.createKey();
    await expect.poll(() => lookupsOfOneRequest(b, key), { timeout: 5_000 }).toBe(0);
    await a.deps.pool.query('DELETE FROM workspaces WHERE id = $1', [key.workspaceId]);
    const status = async () => (await b.http().get('/v2/hc-folders/public').set(key.header)).status;
    await expect.poll(status, { timeout: 3_000, interval: 50 }).toBe(401);
  });
});

// Two installs on one machine share the Redis on 127.0.0.1:6379: each database's installation id gives
// it a queue prefix of its own, so neither takes the other's jobs. QUEUE_PREFIX still decides when set.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { readInstallationId, withQueuePrefix } from '../src/lib/installation.js';
import { createIsolatedDatabase } from './helpers/isolated-database.js';

let first: Awaited<ReturnType<typeof createIsolatedDatabase>>;
let second: Awaited<ReturnType<typeof createIsolatedDatabase>>;
beforeAll(async () => {
  [first, second] = await Promise.all([createIsolatedDatabase(), createIsolatedDatabase()]);
});
afterAll(async () => {
  await Promise.all([first.drop(), second.drop()]);
});

describe('installation id and queue prefix', () => {
  it('two databases get different default prefixes; every process of one database the same', async () => {
    const config = loadConfig({});
    const [a, b, again] = await Promise.all([
      withQueuePrefix(config, first.url),
      withQueuePrefix(config, second.url),
      withQueuePrefix(config, first.url),
    ]);
    const id = await readInstallationId(first.url);
    expect(a.queuePrefix).toBe(`distill-${id.replaceAll('-', '').slice(0, 12)}`);
    expect(b.queuePrefix).toMatch(/^distill-[0-9a-f]{12}$/);
    expect(b.queuePrefix).not.toBe(a.queuePrefix);
    expect(again.queuePrefix).toBe(a.queuePrefix);
    expect(Object.isFrozen(a)).toBe(true);
  });

  it('QUEUE_PREFIX overrides the derived prefix', async () => {
    const config = await withQueuePrefix(loadConfig({ QUEUE_PREFIX: 'shared' }), first.url);
    expect(config.queuePrefix).toBe('shared');
  });
});

// Stopping a running service (`distill all`, a real child process) while Redis is gone: every shutdown
// step has a deadline, so SIGTERM ends the process; a second signal ends it at once.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedRedis, type RedisHandle } from '../src/lib/embedded-redis.js';
import { createLogger } from '../src/lib/logger.js';
import { createIsolatedDatabase } from './helpers/isolated-database.js';
import { freePort } from './helpers/processes.js';
import { startRoleProcess, type WorkerProcess } from './helpers/worker-process.js';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'distill-shutdown-'));
let database: Awaited<ReturnType<typeof createIsolatedDatabase>>;
beforeAll(async () => {
  database = await createIsolatedDatabase();
});
const children: WorkerProcess[] = [];
afterAll(async () => {
  for (const { child } of children) if (child.exitCode === null) child.kill('SIGKILL');
  await database.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A private Redis, so stopping it disturbs no other test. */
function privateRedis(): Promise<RedisHandle> {
  return freePort().then((port) =>
    startEmbeddedRedis({
      dataDir: mkdtempSync(path.join(dataDir, 'r-')),
      port,
      logger: createLogger('silent'),
    }),
  );
}

function startService(env: Record<string, string>): WorkerProcess {
  const service = startRoleProcess(
    'all',
    { DATABASE_URL: database.url, LOG_LEVEL: 'info', LLM_PROVIDER: 'offline', ...env },
    (output) => output.includes('is listening on') && output.includes('workers started'),
  );
  children.push(service);
  return service;
}

async function startWithRedisThenStopIt(graceMs: number) {
  const redis = await privateRedis();
  const service = startService({
    REDIS_URL: redis.url,
    PORT: String(await freePort()),
    SHUTDOWN_GRACE_MS: String(graceMs),
  });
  await service.ready;
  await redis.stop();
  // The workers noticed: their connections are reconnecting.
  await expect.poll(() => service.output(), { timeout: 15_000 }).toMatch(/redis connection lost/);
  return service;
}

describe('shutdown with Redis gone', () => {
  it(
    'SIGTERM ends the process (SHUTDOWN_GRACE_MS + 10 s at most) and it says stopped',
    { timeout: 60_000 },
    async () => {
      const service = await startWithRedisThenStopIt(1_000);
      service.child.kill('SIGTERM');
      // Before every step had a deadline, closing the workers waited for Redis forever: the test timed out.
      const code = await service.exited;
      expect(service.output()).toMatch(/"msg":"stopped"/);
      expect(code).toBe(0);
    },
  );

  it('a second SIGTERM during the grace period forces the exit', { timeout: 60_000 }, async () => {
    // A grace period longer than this test: only the second signal can end the process in time.
    const service = await startWithRedisThenStopIt(600_000);
    service.child.kill('SIGTERM');
    await expect.poll(() => service.output()).toMatch(/shutting down/);
    // A repeat within a second counts as the same signal (npm forwards the Ctrl-C its group got too).
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    service.child.kill('SIGTERM');
    const code = await service.exited;
    expect(service.output()).toMatch(/second signal: stopping now/);
    expect(code).not.toBe(0);
  });
});

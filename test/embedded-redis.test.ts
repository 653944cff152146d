// The private redis-server used when no REDIS_URL is set and nothing answers on 127.0.0.1:6379.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pingRedis, startEmbeddedRedis } from '../src/lib/embedded-redis.js';
import { createLogger } from '../src/lib/logger.js';
import { isAlive, readPid } from '../src/lib/processes.js';
import { freePort } from './helpers/processes.js';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'distill-redis-'));
const pidFile = path.join(dataDir, 'redis', 'redis.pid');
const logger = createLogger('silent');
const started: number[] = [];
afterAll(() => {
  for (const pid of started) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('embedded Redis', () => {
  it('starts a redis-server child with its data under DATA_DIR and stops it without leaving a process', async () => {
    const port = await freePort();
    const redis = await startEmbeddedRedis({ dataDir, port, logger });
    expect(redis).toMatchObject({ url: `redis://127.0.0.1:${port}`, owned: true });
    expect(await pingRedis('127.0.0.1', port)).toBe(true);
    const pid = (await readPid(pidFile))!;
    started.push(pid);
    expect(isAlive(pid)).toBe(true);

    // While its owner lives, another process joins it instead of starting a second one.
    const joined = await startEmbeddedRedis({ dataDir, port, logger });
    expect(joined.owned).toBe(false);

    await redis.stop();
    expect(isAlive(pid)).toBe(false);
    expect(await pingRedis('127.0.0.1', port)).toBe(false);
  });

  it('replaces a redis-server orphaned by a dead owner', async () => {
    const port = await freePort();
    const dir = path.join(dataDir, 'redis');
    // An orphan: a redis-server on our pid file whose recorded owner no longer exists.
    const orphan = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--pidfile', pidFile, '--save', ''],
      {
        stdio: 'ignore',
        detached: true,
      },
    );
    orphan.unref();
    started.push(orphan.pid!);
    await expect.poll(() => readPid(pidFile)).toBe(orphan.pid);
    writeFileSync(path.join(dir, 'owner.pid'), '999999\n');

    const redis = await startEmbeddedRedis({ dataDir, port, logger });
    expect(redis.owned).toBe(true);
    expect(isAlive(orphan.pid!)).toBe(false);
    const replacement = (await readPid(pidFile))!;
    started.push(replacement);
    expect(replacement).not.toBe(orphan.pid);
    expect(await pingRedis('127.0.0.1', port)).toBe(true);
    await redis.stop();
  });
});

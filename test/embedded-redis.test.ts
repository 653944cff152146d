// The private redis-server used when no REDIS_URL is set and nothing answers on 127.0.0.1:6379.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
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
    expect(redis).toMatchObject({ owned: true, origin: 'embedded' });
    expect(redis.url).toMatch(new RegExp(`^redis://:[0-9a-f]{48}@127\\.0\\.0\\.1:${port}$`));
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

  it('asks for a generated password, kept 0600 under a 0700 directory and reused on restart', async () => {
    const dir = mkdtempSync(path.join(dataDir, 'pw-'));
    const port = await freePort();
    const first = await startEmbeddedRedis({ dataDir: path.join(dir, 'data'), port, logger });
    started.push((await readPid(path.join(dir, 'data', 'redis', 'redis.pid')))!);
    // Without the password, any local process could read or take the queues.
    expect(await pingRedis('127.0.0.1', port)).toBe(false);
    const client = new Redis(first.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
    expect(await client.ping()).toBe('PONG');
    client.disconnect();

    const passwordFile = path.join(dir, 'data', 'redis', 'password');
    const password = readFileSync(passwordFile, 'utf8').trim();
    expect(first.url).toContain(`:${password}@`);
    expect(statSync(passwordFile).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(dir, 'data', 'redis')).mode & 0o777).toBe(0o700);
    // DATA_DIR itself: 0700, or 0711 as root (the embedded PostgreSQL's user must pass through).
    expect(statSync(path.join(dir, 'data')).mode & 0o777).toBe(process.getuid?.() === 0 ? 0o711 : 0o700);
    await first.stop();

    const second = await startEmbeddedRedis({ dataDir: path.join(dir, 'data'), port, logger });
    started.push((await readPid(path.join(dir, 'data', 'redis', 'redis.pid')))!);
    expect(second.url).toBe(first.url);
    await second.stop();
  });

  it('runs redis-server in a process group of its own, so a Ctrl-C in the terminal does not reach it', async () => {
    const dir = mkdtempSync(path.join(dataDir, 'group-'));
    const redis = await startEmbeddedRedis({ dataDir: dir, port: await freePort(), logger });
    const pid = (await readPid(path.join(dir, 'redis', 'redis.pid')))!;
    started.push(pid);
    // Field 5 of /proc/<pid>/stat is the process group.
    const group = (id: number | 'self') =>
      readFileSync(`/proc/${id}/stat`, 'utf8').split(') ')[1]!.split(' ')[2];
    expect(group(pid)).toBe(String(pid));
    expect(group(pid)).not.toBe(group('self'));
    await redis.stop();
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
    const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
    expect(await client.ping()).toBe('PONG');
    client.disconnect();
    await redis.stop();
  });
});

// Redis for the embedded default. No npm package ships a working redis-server offline, so with no
// REDIS_URL we use a Redis on 127.0.0.1:6379 when one answers, else spawn `redis-server` from PATH as a
// child with its data, pid file and password under DATA_DIR (docs/architecture.md §1, embedded defaults).
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type { Logger } from './logger.js';
import { spawnUntilReady } from './detached-child.js';
import {
  classifyRunningServer,
  isAlive,
  makeDataDir,
  makePrivateDir,
  removeFile,
  stopProcess,
  writePid,
} from './processes.js';

export interface RedisHandle {
  url: string;
  owned: boolean;
  /** REDIS_URL, a Redis found on 127.0.0.1:6379, or the private redis-server under DATA_DIR. */
  origin: 'configured' | 'found' | 'embedded';
  stop: () => Promise<void>;
}

export class RedisUnavailableError extends Error {
  override name = 'RedisUnavailableError';
}

export const REDIS_INSTALL_HINT =
  "set REDIS_URL, or install Redis: 'apt-get install -y redis-server' (Debian/Ubuntu), 'brew install redis' (macOS), or 'docker compose up -d redis'";

/** True when something on host:port answers a Redis PING. */
export function pingRedis(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let answer = '';
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      answer += chunk.toString('utf8');
      if (answer.includes('\r\n')) finish(answer.startsWith('+PONG'));
    });
  });
}

const notOwned = (url: string, origin: RedisHandle['origin']): RedisHandle => ({
  url,
  owned: false,
  origin,
  stop: () => Promise.resolve(),
});

/** host:port of a Redis URL, for the log (never its password). */
export function redisAddress(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || '6379'}`;
}

/** The private server's password: generated on first use, kept (0600) so a restart and other processes reuse it. */
async function readOrCreatePassword(file: string): Promise<string> {
  const existing = (await readFile(file, 'utf8').catch(() => ''))?.trim();
  if (existing) return existing;
  const password = randomBytes(24).toString('hex');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

export async function ensureRedis(options: {
  redisUrl: string | undefined;
  dataDir: string;
  port: number;
  logger: Logger;
}): Promise<RedisHandle> {
  if (options.redisUrl) return notOwned(options.redisUrl, 'configured');
  if (await pingRedis('127.0.0.1', 6379)) return notOwned('redis://127.0.0.1:6379', 'found');
  return startEmbeddedRedis(options);
}

/** Starts (or joins, while its owner lives) the private redis-server under DATA_DIR/redis. */
export async function startEmbeddedRedis(options: {
  dataDir: string;
  port: number;
  logger: Logger;
}): Promise<RedisHandle> {
  const { dataDir, port, logger } = options;
  const dir = path.join(dataDir, 'redis');
  const pidFile = path.join(dir, 'redis.pid');
  const ownerFile = path.join(dir, 'owner.pid');
  await makeDataDir(dataDir);
  await makePrivateDir(dir);
  const password = await readOrCreatePassword(path.join(dir, 'password'));
  const url = `redis://:${password}@127.0.0.1:${port}`;
  const secretsFile = path.join(dir, 'secrets.conf');
  const running = await classifyRunningServer(pidFile, ownerFile);
  if (running.state === 'shared') return notOwned(url, 'embedded');
  if (running.state === 'orphan') {
    logger.warn({ serverPid: running.pid }, 'stopping an orphaned embedded Redis left by an earlier run');
    await stopProcess(running.pid, 'SIGTERM', 10_000);
  }

  await writeFile(secretsFile, `requirepass ${password}\n`, { mode: 0o600 });
  // Readiness is tied to this child's own output, so an orphan answering PING cannot fool us.
  const { pid: childPid } = await spawnUntilReady(
    'redis-server',
    [
      // The password goes in through a 0600 file: a command-line argument is visible to every local user.
      secretsFile,
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--pidfile',
      pidFile,
      '--daemonize',
      'no',
      '--save',
      '',
      // BullMQ needs noeviction; AOF keeps queued work across a restart of this Redis.
      '--appendonly',
      'yes',
      '--appendfsync',
      'everysec',
      '--maxmemory-policy',
      'noeviction',
      '--logfile',
      '',
    ],
    {
      readyText: 'Ready to accept connections',
      timeoutMs: 10_000,
      failure: (reason, error) =>
        error?.code === 'ENOENT'
          ? new RedisUnavailableError(
              `Redis is not running on 127.0.0.1:6379 and redis-server is not installed: ${REDIS_INSTALL_HINT}`,
            )
          : new RedisUnavailableError(`redis-server ${reason}`),
    },
  );
  await writePid(ownerFile, process.pid);
  const onExit = () => {
    if (isAlive(childPid)) process.kill(childPid, 'SIGTERM');
  };
  process.once('exit', onExit);
  logger.info({ port, dir }, 'embedded Redis started');

  return {
    url,
    owned: true,
    origin: 'embedded',
    stop: async () => {
      process.removeListener('exit', onExit);
      await stopProcess(childPid, 'SIGTERM', 10_000);
      await removeFile(ownerFile);
    },
  };
}

// Redis for the embedded default. No npm package ships a working redis-server offline, so with no
// REDIS_URL we use a Redis on 127.0.0.1:6379 when one answers, else spawn `redis-server` from PATH as a
// child with its data and pid file under DATA_DIR (docs/architecture.md §1, embedded defaults).
import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type { Logger } from './logger.js';
import { classifyRunningServer, isAlive, removeFile, stopProcess, writePid } from './processes.js';

export interface RedisHandle {
  url: string;
  owned: boolean;
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

const notOwned = (url: string): RedisHandle => ({ url, owned: false, stop: () => Promise.resolve() });

export async function ensureRedis(options: {
  redisUrl: string | undefined;
  dataDir: string;
  port: number;
  logger: Logger;
}): Promise<RedisHandle> {
  if (options.redisUrl) return notOwned(options.redisUrl);
  if (await pingRedis('127.0.0.1', 6379)) return notOwned('redis://127.0.0.1:6379');
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
  await mkdir(dir, { recursive: true });
  const url = `redis://127.0.0.1:${port}`;
  const running = await classifyRunningServer(pidFile, ownerFile);
  if (running.state === 'shared') return notOwned(url);
  if (running.state === 'orphan') {
    logger.warn({ serverPid: running.pid }, 'stopping an orphaned embedded Redis left by an earlier run');
    await stopProcess(running.pid, 'SIGTERM', 10_000);
  }

  const child = spawn(
    'redis-server',
    [
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
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );

  // Readiness is tied to this child's own output, so an orphan answering PING cannot fool us.
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () =>
        reject(new RedisUnavailableError(`redis-server did not become ready in 10 s: ${output.slice(-300)}`)),
      10_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        error.code === 'ENOENT'
          ? new RedisUnavailableError(
              `Redis is not running on 127.0.0.1:6379 and redis-server is not installed: ${REDIS_INSTALL_HINT}`,
            )
          : error,
      );
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(
        new RedisUnavailableError(
          `redis-server exited with code ${code}: ${output.trim().split('\n').slice(-2).join(' ')}`,
        ),
      );
    });
  });
  child.stdout.resume();
  child.stderr.resume();
  child.removeAllListeners('exit');
  const childPid = child.pid!;
  await writePid(ownerFile, process.pid);
  const onExit = () => {
    if (isAlive(childPid)) process.kill(childPid, 'SIGTERM');
  };
  process.once('exit', onExit);
  logger.info({ port, dir }, 'embedded Redis started');

  return {
    url,
    owned: true,
    stop: async () => {
      process.removeListener('exit', onExit);
      await stopProcess(childPid, 'SIGTERM', 10_000);
      await removeFile(ownerFile);
    },
  };
}

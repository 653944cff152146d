// A `distill worker` (or `distill all`) in a child process, for tests that crash or stop it.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { TestContext } from './app.js';
import { childEnv, ROOT } from './processes.js';

export interface WorkerProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  /** Resolves once the process logged that it is ready (its queues are consumed). */
  ready: Promise<void>;
}

/** Runs `distill <role>` with exactly `env` (plus the parent's non-Distill variables). */
export function startRoleProcess(
  role: 'worker' | 'all',
  env: Record<string, string>,
  isReady: (output: string) => boolean = (output) => output.includes('workers started'),
): WorkerProcess {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'distill.js'), role], {
    cwd: ROOT,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const collect = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (isReady(output)) markReady();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited, ready };
}

/** Starts a worker on the same database, Redis and queue prefix as the test app. */
export function startWorkerProcess(ctx: TestContext, env: Record<string, string> = {}): WorkerProcess {
  return startRoleProcess('worker', {
    DATABASE_URL: ctx.config.databaseUrl!,
    REDIS_URL: ctx.config.redisUrl!,
    QUEUE_PREFIX: ctx.config.queuePrefix,
    LOG_LEVEL: 'info',
    ...env,
  });
}

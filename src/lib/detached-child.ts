// Embedded servers (PostgreSQL, Redis) run in a process group of their own: a Ctrl-C in a terminal
// signals the whole foreground group, and a server that stopped at once would fail every connection
// Distill still has to close. Distill stops them itself, last, in order (main.ts).
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

export interface ReadyChild {
  child: ChildProcess;
  pid: number;
}

/**
 * Spawns `command` detached and resolves once its output contains `readyText`; rejects with `failure`
 * applied to the last output when it exits first or is not ready within `timeoutMs`.
 */
export function spawnUntilReady(
  command: string,
  args: string[],
  options: Pick<SpawnOptions, 'uid' | 'gid' | 'env'> & {
    readyText: string;
    timeoutMs: number;
    onOutput?: (text: string) => void;
    failure: (reason: string, error?: NodeJS.ErrnoException) => Error;
  },
): Promise<ReadyChild> {
  const { readyText, timeoutMs, onOutput, failure, ...spawnOptions } = options;
  const child = spawn(command, args, { ...spawnOptions, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise<ReadyChild>((resolve, reject) => {
    let output = '';
    const tail = () => output.trim().split('\n').slice(-3).join(' ');
    const done = (error?: Error) => {
      clearTimeout(timer);
      child.removeListener('exit', onExit);
      if (error) reject(error);
      else resolve({ child, pid: child.pid! });
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      done(failure(`not ready after ${timeoutMs / 1000} s: ${tail()}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      onOutput?.(text);
      output = (output + text).slice(-4_000);
      if (output.includes(readyText)) done();
    };
    const onExit = (code: number | null) => done(failure(`exited with code ${code}: ${tail()}`));
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', (error: NodeJS.ErrnoException) => done(failure(error.message, error)));
    child.once('exit', onExit);
  }).then((ready) => {
    // Keep draining its output (a full pipe would block the server), without holding our exit.
    ready.child.stdout!.resume();
    ready.child.stderr!.resume();
    ready.child.unref();
    return ready;
  });
}

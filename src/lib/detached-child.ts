// Embedded servers (PostgreSQL, Redis) and initdb run in a process group of their own: a Ctrl-C in a
// terminal signals the whole foreground group, and a server that stopped at once would fail every
// connection Distill still has to close (an initdb would leave no cluster, or one whose settings it chose
// while its probes were being killed). Distill lets initdb finish and stops the servers itself, last, in
// order (main.ts).
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

type DetachedOptions = Pick<SpawnOptions, 'uid' | 'gid' | 'env'> & {
  onOutput?: (text: string) => void;
  failure: (reason: string, error?: NodeJS.ErrnoException) => Error;
};

/** Spawns `command` in a process group of its own; `onText` gets its output (stdout and stderr). */
function spawnDetached(
  command: string,
  args: string[],
  options: Pick<SpawnOptions, 'uid' | 'gid' | 'env'>,
  onText: (text: string) => void,
): ChildProcess {
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const onData = (chunk: Buffer) => onText(chunk.toString('utf8'));
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  return child;
}

/** The last lines of what a child wrote, for the reason of its failure. */
function outputTail(): { add: (text: string) => string; tail: () => string } {
  let output = '';
  return {
    add: (text) => (output = (output + text).slice(-4_000)),
    tail: () => output.trim().split('\n').slice(-3).join(' '),
  };
}

/** Runs `command` detached to its end; rejects with `failure` applied to its last output unless it exits 0. */
export function runDetached(command: string, args: string[], options: DetachedOptions): Promise<void> {
  const { onOutput, failure, ...spawnOptions } = options;
  const output = outputTail();
  return new Promise<void>((resolve, reject) => {
    const child = spawnDetached(command, args, spawnOptions, (text) => {
      onOutput?.(text);
      output.add(text);
    });
    child.once('error', (error: NodeJS.ErrnoException) => reject(failure(error.message, error)));
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(failure(`exited with ${signal ?? `code ${code}`}: ${output.tail()}`));
    });
  });
}

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
  options: DetachedOptions & { readyText: string; timeoutMs: number },
): Promise<ReadyChild> {
  const { readyText, timeoutMs, onOutput, failure, ...spawnOptions } = options;
  const output = outputTail();
  return new Promise<ReadyChild>((resolve, reject) => {
    const child = spawnDetached(command, args, spawnOptions, (text) => {
      onOutput?.(text);
      if (output.add(text).includes(readyText)) done();
    });
    const done = (error?: Error) => {
      clearTimeout(timer);
      child.removeListener('exit', onExit);
      if (error) reject(error);
      else resolve({ child, pid: child.pid! });
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      done(failure(`not ready after ${timeoutMs / 1000} s: ${output.tail()}`));
    }, timeoutMs);
    const onExit = (code: number | null) => done(failure(`exited with code ${code}: ${output.tail()}`));
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

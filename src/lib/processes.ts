// Small helpers for the child processes of the embedded defaults (PostgreSQL, Redis): pid files,
// liveness, and stopping an orphan left behind by a SIGKILLed parent.
import { readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile, rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to another user (e.g. the postgres user).
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

/** A killed process whose parent has not reaped it yet still answers kill(pid, 0); on Linux, ask /proc. */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

/** Reads the first line of a pid file; undefined when the file is missing or holds no pid. */
export async function readPid(file: string): Promise<number | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  const pid = Number.parseInt(text?.split('\n')[0]?.trim() ?? '', 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export async function writePid(file: string, pid: number): Promise<void> {
  await writeFile(file, `${pid}\n`, { mode: 0o644 });
}

/** Creates `dir` and missing parents for this user alone (0700): DATA_DIR holds passwords and data. */
export async function makePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
}

/**
 * DATA_DIR itself: 0700, except as root, where the embedded PostgreSQL runs as the `postgres` user and
 * must pass through it to its cluster (0711: others may enter, not list).
 */
export async function makeDataDir(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: process.getuid?.() === 0 ? 0o711 : 0o700 });
}

export async function removeFile(file: string): Promise<void> {
  await rm(file, { force: true });
}

/** Sends `signal` and waits up to `timeoutMs` for the process to go; escalates to SIGKILL after that. */
export async function stopProcess(pid: number, signal: NodeJS.Signals, timeoutMs: number): Promise<void> {
  try {
    process.kill(pid, signal);
  } catch {
    return;
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return;
    await sleep(50);
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * A server started by one of our processes is shared while that owner lives (the CLI uses the server's
 * PostgreSQL, a worker the API's Redis); once the owner is gone, the server is an orphan to stop.
 */
export async function classifyRunningServer(
  serverPidFile: string,
  ownerPidFile: string,
): Promise<{ state: 'none' } | { state: 'shared'; pid: number } | { state: 'orphan'; pid: number }> {
  const pid = await readPid(serverPidFile);
  if (pid === undefined || !isAlive(pid)) return { state: 'none' };
  const owner = await readPid(ownerPidFile);
  if (owner !== undefined && isAlive(owner)) return { state: 'shared', pid };
  return { state: 'orphan', pid };
}

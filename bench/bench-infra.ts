// The benchmark's own database and Redis keys (shared services: nothing outside them is touched), the
// machine it ran on, and CPU accounting from /proc so a noisy run can be told from a quiet one.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import pg from 'pg';
import type { Redis } from 'ioredis';

function adminUrl(databaseUrl: string): { admin: string; name: string } {
  const target = new URL(databaseUrl);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!/^[a-z_][a-z0-9_]*$/.test(name))
    throw new Error(`the benchmark database name must be a plain identifier (got "${name}")`);
  target.pathname = '/postgres';
  return { admin: target.href, name };
}

async function withAdmin(databaseUrl: string, fn: (client: pg.Client, name: string) => Promise<void>) {
  const { admin, name } = adminUrl(databaseUrl);
  const client = new pg.Client({ connectionString: admin, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await fn(client, name);
  } finally {
    await client.end();
  }
}

/** Drops (if left from an earlier run) and creates the benchmark's own database. */
export async function recreateDatabase(databaseUrl: string): Promise<void> {
  await withAdmin(databaseUrl, async (client, name) => {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name}`);
  });
}

export async function dropDatabase(databaseUrl: string): Promise<void> {
  await withAdmin(databaseUrl, async (client, name) => {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
}

/** Every key under `prefix:` (the benchmark's queues), never anything else on the shared Redis. */
export async function prefixKeys(redis: Redis, prefix: string, sub = ''): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:${sub}*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys;
}

export async function deletePrefixKeys(redis: Redis, prefix: string): Promise<number> {
  const keys = await prefixKeys(redis, prefix);
  for (let i = 0; i < keys.length; i += 500) await redis.unlink(...keys.slice(i, i + 500));
  return keys.length;
}

/** Bytes Redis attributes to the keys under `prefix:sub` (MEMORY USAGE, exact for aggregates). */
export async function prefixBytes(redis: Redis, prefix: string, sub = ''): Promise<number> {
  const keys = await prefixKeys(redis, prefix, sub);
  let total = 0;
  for (let i = 0; i < keys.length; i += 500) {
    const pipeline = redis.pipeline();
    for (const key of keys.slice(i, i + 500)) pipeline.call('MEMORY', 'USAGE', key, 'SAMPLES', '0');
    for (const [error, bytes] of (await pipeline.exec()) ?? []) if (!error) total += Number(bytes ?? 0);
  }
  return total;
}

export async function redisUsedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? NaN);
}

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGb: number;
  node: string;
  postgres: string;
  redis: string;
  os: string;
}

export async function machineInfo(pool: pg.Pool, redis: Redis): Promise<MachineInfo> {
  const { rows } = await pool.query<{ server_version: string }>('SHOW server_version');
  const server = await redis.info('server');
  return {
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.cpus().length,
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    node: process.version,
    postgres: rows[0]?.server_version ?? 'unknown',
    redis: /^redis_version:(.+)$/m.exec(server)?.[1]?.trim() ?? 'unknown',
    os: `${os.type()} ${os.release()}`,
  };
}

let clockTicks: number | undefined;
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** CPU seconds a process has used so far, in user and in kernel (system) mode; undefined once it is gone. */
export function processCpuSplit(pid: number): { user: number; system: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of proc(5) (utime, stime) are at 11 and 12 after the command name.
    return { user: Number(fields[11]) / ticksPerSecond(), system: Number(fields[12]) / ticksPerSecond() };
  } catch {
    return undefined;
  }
}

/** CPU seconds (user + system) a process has used so far; undefined once it is gone. */
export function processCpuSeconds(pid: number): number | undefined {
  const split = processCpuSplit(pid);
  return split && split.user + split.system;
}

/** Resident set size in MB (VmRSS); undefined once the process is gone. */
export function processRssMb(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]);
    return Number.isFinite(kb) ? kb / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Machine-wide busy and total CPU time (all cores), from /proc/stat. */
function machineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  const total = values.reduce((sum, value) => sum + value, 0);
  return { busy: (total - idle) / ticksPerSecond(), total: total / ticksPerSecond() };
}

/** PIDs of live processes whose command line (arguments joined by spaces) passes `test`. */
export function pidsWhere(test: (cmdline: string) => boolean): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (test(readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim()))
        pids.push(Number(entry));
    } catch {
      // gone while we looked
    }
  }
  return pids;
}

/** PostgreSQL backends serving `database` (their process title names it), e.g. the benchmark's own. */
export const postgresBackendsOf = (database: string) => () =>
  pidsWhere((cmdline) => cmdline.startsWith('postgres: ') && cmdline.includes(` ${database} `));

/** The redis-server listening on `port` (shared: other users' commands count too). */
export const redisServerOn = (port: string) => () =>
  pidsWhere((cmdline) => cmdline.startsWith('redis-server ') && cmdline.endsWith(`:${port}`));

export interface CpuWindow {
  /** CPU use per watched process or group, in % of one core, and the whole machine's, in % of all cores. */
  stop(): { processes: Record<string, number>; machineBusyPercent: number; seconds: number };
}

type Watched = number | (() => number[]);

function snapshot(watched: Watched): Map<number, number> {
  const pids = typeof watched === 'number' ? [watched] : watched();
  const cpu = new Map<number, number>();
  for (const pid of pids) {
    const seconds = processCpuSeconds(pid);
    if (seconds !== undefined) cpu.set(pid, seconds);
  }
  return cpu;
}

/**
 * Starts measuring the CPU use of processes (name → pid) or groups of processes (name → a function
 * listing their pids: a process that appears meanwhile counts in full, one that exits is lost) and of
 * the machine.
 */
export function cpuWindow(watch: Record<string, Watched>): CpuWindow {
  const started = performance.now();
  const before = new Map(Object.entries(watch).map(([name, watched]) => [name, snapshot(watched)]));
  const machineBefore = machineCpu();
  return {
    stop() {
      const seconds = (performance.now() - started) / 1000;
      const processes: Record<string, number> = {};
      for (const [name, watched] of Object.entries(watch)) {
        const then = before.get(name)!;
        let used = 0;
        for (const [pid, now] of snapshot(watched)) used += now - (then.get(pid) ?? 0);
        processes[name] = round((100 * used) / seconds, 1);
      }
      const machineAfter = machineCpu();
      const total = machineAfter.total - machineBefore.total;
      const machineBusyPercent =
        total > 0 ? round((100 * (machineAfter.busy - machineBefore.busy)) / total, 1) : 0;
      return { processes, machineBusyPercent, seconds: round(seconds, 2) };
    },
  };
}

export function loadAverage(): number {
  return round(os.loadavg()[0] ?? 0, 2);
}

export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The p-th percentile (0–100) of values, nearest rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a value other than undefined, or fails naming `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  intervalMs = 50,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

// The processes a benchmark measures or talks to, each a child of the benchmark: Distill roles started
// through the real CLI (`bin/distill.js api|worker`), and the fake OpenAI-compatible model server. Only
// these children are ever signalled, by their own pid.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { request } from 'undici';
import type { FakeBehaviour, FakeStats } from '../test/helpers/fake-openai.js';
import { childEnv, ROOT } from '../test/helpers/processes.js';

const OUTPUT_TAIL_CHARS = 16_000;

export interface Child {
  name: string;
  pid: number;
  /** The last few KB of its stdout and stderr, for error messages. */
  output(): string;
  /** Rejects as soon as the process exits while it should still run. */
  readonly exitCode: number | null | undefined;
  stop(timeoutMs?: number): Promise<void>;
}

function track(name: string, child: ChildProcess): Child {
  let output = '';
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exitCode = code ?? (signal ? null : 0);
      resolve();
    }),
  );
  if (child.pid === undefined) throw new Error(`could not start ${name}`);
  const pid = child.pid;
  return {
    name,
    pid,
    output: () => output,
    get exitCode() {
      return exitCode;
    },
    async stop(timeoutMs = 30_000) {
      if (exitCode !== undefined) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface ServiceOptions {
  role: 'api' | 'worker' | 'all';
  env: Record<string, string>;
  /** Extra Node flags, e.g. --cpu-prof. */
  nodeFlags?: string[];
  /**
   * `tsx`: `bin/distill.js`, what `npx distill <role>` runs (TypeScript through tsx); `compiled`:
   * `dist/cli.js` from `npm run build`, what the Docker image runs.
   */
  runtime?: Runtime;
}

export type Runtime = 'tsx' | 'compiled';

/** A Distill role in its own process, started the way an operator starts it. */
export function startService(name: string, options: ServiceOptions): Child {
  const entry =
    options.runtime === 'compiled' ? path.join(ROOT, 'dist', 'cli.js') : path.join(ROOT, 'bin', 'distill.js');
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), entry, options.role], {
    cwd: ROOT,
    env: childEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return track(name, child);
}

/** Compiles src/ to dist/ (`npm run build`), for the compiled runtime. */
export function buildDist(): void {
  execFileSync(
    process.execPath,
    [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
}

export const profileFolderName = (name: string) => name.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/-+$/, '');

/**
 * The Node flags that write CPU profiles of the process to `dir/name` when it exits: one file per thread
 * (the main thread, and the thread tsx's module loader hooks run on), so Node's own file names are kept.
 */
export function cpuProfileFlags(dir: string, name: string): string[] {
  const target = path.join(dir, profileFolderName(name));
  mkdirSync(target, { recursive: true });
  return ['--cpu-prof', `--cpu-prof-dir=${target}`];
}

export interface FakeModel {
  child: Child;
  /** Base URL for OPENAI_BASE_URL (ends in /v1). */
  url: string;
  stats(): Promise<FakeStats>;
  setDefault(behaviour: FakeBehaviour, latencyMs?: number): Promise<void>;
  reset(): Promise<void>;
}

/** test/helpers/fake-openai-server.ts in its own process, so its CPU never counts as the service's. */
export async function startFakeModel(latencyMs: number): Promise<FakeModel> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(ROOT, 'test', 'helpers', 'fake-openai-server.ts'),
      '--port',
      '0',
      '--latency',
      String(latencyMs),
      // The prompt-cache simulation compares each prompt with the last 32: CPU the box's two cores need
      // for the service under test. No figure here reads cached_tokens.
      '--cache-window',
      '0',
    ],
    { cwd: ROOT, env: childEnv({}), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lines = createInterface({ input: child.stdout });
  const tracked = track('fake model server', child);
  const first = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the fake model server did not start in 30 s')), 30_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(line);
    });
    child.once('exit', (code) =>
      reject(new Error(`the fake model server exited (${code}): ${tracked.output()}`)),
    );
  });
  lines.close();
  const { url } = JSON.parse(first) as { url: string };
  const origin = new URL(url).origin;
  // A fresh connection per call (`reset`): a kept-alive one can be closed by the server while the
  // bench builds or waits, and the next call would fail on it.
  const control = async <T>(method: 'GET' | 'POST', route: string, body?: unknown): Promise<T> => {
    const response = await request(`${origin}${route}`, {
      method,
      reset: true,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.body.text();
    if (response.statusCode !== 200)
      throw new Error(`fake model server ${route} answered ${response.statusCode}: ${text.slice(0, 200)}`);
    return JSON.parse(text) as T;
  };
  return {
    child: tracked,
    url,
    stats: () => control<FakeStats>('GET', '/fake/stats'),
    async setDefault(behaviour, latency) {
      await control('POST', '/fake/default', { behaviour, latencyMs: latency });
    },
    async reset() {
      await control('POST', '/fake/reset');
    },
  };
}

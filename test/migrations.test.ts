import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '../src/lib/logger.js';
import { runMigrations } from '../src/lib/migrate.js';

const logger = createLogger('silent');
const adminUrl = inject('databaseUrl');
const created: string[] = [];

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(sql);
  await client.end();
}

async function freshDatabase(): Promise<string> {
  const name = `distill_migrate_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  await admin(`CREATE DATABASE ${name}`);
  created.push(name);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

afterAll(async () => {
  for (const name of created) await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
});

describe('migrations', () => {
  it('applies every migration once, and a second run applies nothing', async () => {
    const url = await freshDatabase();
    const first = await runMigrations(url, logger);
    expect(first[0]).toBe('0001_workspaces-and-api-keys');
    expect(first).toEqual([...first].sort());
    expect(await runMigrations(url, logger)).toEqual([]);
  });

  it('lets two processes start on an empty database at once: one migrates, the other waits and finds nothing to do', async () => {
    const url = await freshDatabase();
    const [a, b] = await Promise.all([runMigrations(url, logger), runMigrations(url, logger)]);
    const applied = [...a, ...b];
    expect(applied.length).toBeGreaterThanOrEqual(2);
    expect(new Set(applied).size).toBe(applied.length);
    expect(a.length === 0 || b.length === 0).toBe(true);
  });
});

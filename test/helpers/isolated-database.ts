// A database of its own, for tests whose reconciler or workers must not see other test files' rows.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createLogger } from '../../src/lib/logger.js';
import { runMigrations } from '../../src/lib/migrate.js';

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: inject('databaseUrl') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function createIsolatedDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `distill_iso_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(inject('databaseUrl'));
  url.pathname = `/${name}`;
  await runMigrations(url.toString(), createLogger('silent'));
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

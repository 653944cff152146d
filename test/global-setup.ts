// Once per `npm test`: find PostgreSQL and Redis (or start the embedded ones when none answers), create a
// fresh test database, migrate it, and hand the URLs to the test files through vitest's provide/inject.
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { ensureEmbeddedPostgres } from '../src/lib/embedded-postgres.js';
import { ensureRedis } from '../src/lib/embedded-redis.js';
import { createLogger } from '../src/lib/logger.js';
import { runMigrations } from '../src/lib/migrate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
  }
}

const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const TEST_DATA_DIR = path.resolve('data', 'test-services');

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const logger = createLogger('warn');
  const stops: (() => Promise<void>)[] = [];

  let adminUrl = process.env.TEST_DATABASE_URL ?? DEFAULT_ADMIN_URL;
  if (!process.env.TEST_DATABASE_URL && !(await canConnect(adminUrl))) {
    const embedded = await ensureEmbeddedPostgres({ dataDir: TEST_DATA_DIR, port: 54339, logger });
    stops.push(embedded.stop);
    adminUrl = withDatabase(embedded.url, 'postgres');
  }
  const redis = await ensureRedis({
    redisUrl: process.env.TEST_REDIS_URL,
    dataDir: TEST_DATA_DIR,
    port: 56389,
    logger,
  });
  stops.push(redis.stop);

  // A fresh database per run: migrations are tested from zero, and runs never see each other's rows.
  const databaseName = process.env.DISTILL_TEST_DB ?? 'distill_test';
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${databaseName}`);
  await admin.end();
  const databaseUrl = withDatabase(adminUrl, databaseName);
  await runMigrations(databaseUrl, logger);

  project.provide('databaseUrl', databaseUrl);
  project.provide('redisUrl', redis.url);
  return async () => {
    for (const stop of stops.reverse()) await stop();
  };
}

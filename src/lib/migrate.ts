import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import type { Logger } from './logger.js';

// src/lib/migrate.ts and dist/lib/migrate.js both sit two levels below the package root.
const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'migrations');

/**
 * Applies pending migrations (numbered plain SQL files). Safe to call from several processes at once:
 * node-pg-migrate takes an advisory lock, and `wait` makes the others queue behind it.
 */
export async function runMigrations(databaseUrl: string, logger: Logger): Promise<string[]> {
  const applied = await runner({
    databaseUrl,
    dir: MIGRATIONS_DIR,
    direction: 'up',
    migrationsTable: 'schema_migrations',
    checkOrder: true,
    singleTransaction: true,
    advisoryLockMode: 'wait',
    logger: {
      debug: () => undefined,
      info: () => undefined,
      warn: (message: string) => logger.warn(message),
      // Its errors are thrown too, and reported once by the caller.
      error: (message: string) => logger.debug(message),
    },
  });
  const names = applied.map((migration) => migration.name);
  if (names.length > 0) logger.info({ migrations: names }, `applied ${names.length} migration(s)`);
  return names;
}

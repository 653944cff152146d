import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Logger } from './logger.js';

/** Anything that runs a query: the pool, or a client inside a transaction. Repositories take it last. */
export type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;
export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

/** Per pool made by createPool: its connections that are open or still closing. */
const openClients = new WeakMap<pg.Pool, Set<pg.PoolClient>>();

export function createPool(connectionString: string, max: number, logger: Logger): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    // A runaway query must not hold a worker's slot (or a job lock) forever.
    statement_timeout: 30_000,
    application_name: 'distill',
  });
  // Without a listener, an idle client's error (e.g. the server shutting down) crashes the process.
  pool.on('error', (error) => logger.warn({ err: error }, 'idle database connection failed'));
  // 'remove' comes once a client's socket has closed (pg-pool ends it, then emits).
  const open = new Set<pg.PoolClient>();
  pool.on('connect', (client) => open.add(client));
  pool.on('remove', (client) => open.delete(client));
  openClients.set(pool, open);
  return pool;
}

/**
 * Ends the pool and resolves once every connection has closed. `pool.end()` resolves when it has asked
 * its clients to end, with their sockets still open: a PostgreSQL stopped right after (the embedded one,
 * by our shutdown) fails each server process not yet gone with "terminating connection due to
 * administrator command", which the client reports as an error.
 */
export async function endPool(pool: pg.Pool): Promise<void> {
  await pool.end();
  const open = openClients.get(pool);
  if (!open?.size) return;
  await new Promise<void>((resolve) => {
    const onRemove = () => {
      if (open.size > 0) return;
      pool.off('remove', onRemove);
      resolve();
    };
    pool.on('remove', onRemove);
  });
}

/**
 * Runs `fn` with a client of its own. The pool listens for errors only on idle clients: a checked-out
 * client that loses its server between two queries would emit an unhandled 'error' and crash the process.
 * Here the error is kept and the client is discarded on release; the next query reports the failure.
 */
export async function withClient<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (error: Error) => (broken = error);
  client.on('error', onError);
  try {
    return await fn(client);
  } finally {
    client.removeListener('error', onError);
    client.release(broken);
  }
}

/** Runs `fn` in one transaction; rolls back on any throw. */
export function withTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return withClient(pool, async (client) => {
    await client.query('BEGIN');
    try {
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  });
}

/** Postgres error codes we react to. https://www.postgresql.org/docs/current/errcodes-appendix.html */
export const PG_FOREIGN_KEY_VIOLATION = '23503';

export function isPgError(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

/**
 * A statement PostgreSQL parses once per connection (a protocol-level named prepared statement): for the
 * statements every job runs, parse and plan were a good part of PostgreSQL's CPU per job. The name is
 * derived from the text, so two texts never share a name (pg refuses that) and the same text always gets
 * the same one. Works behind PgBouncer in transaction mode from 1.21 on, with `max_prepared_statements`
 * above 0 there (PgBouncer tracks protocol-level names and prepares them on whichever server it uses);
 * README.md, "Performance".
 */
export function prepared(text: string): { name: string; text: string } {
  return { name: `distill_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`, text };
}

// Ending the pool at shutdown: endPool resolves only once every connection has closed and its server
// process is gone, so a PostgreSQL stopped right after (the embedded one) has no client to disconnect.
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { createPool, endPool } from '../src/lib/db.js';
import { createLogger } from '../src/lib/logger.js';

async function backendPid(client: pg.PoolClient): Promise<number> {
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  return rows[0]!.pid;
}

describe('endPool', () => {
  it('resolves once all connections, idle and checked out, are closed and their server processes gone', async () => {
    const admin = new pg.Client({ connectionString: inject('databaseUrl') });
    await admin.connect();
    try {
      for (let round = 0; round < 5; round += 1) {
        const pool = createPool(inject('databaseUrl'), 4, createLogger('silent'));
        const clients = await Promise.all([1, 2, 3, 4].map(() => pool.connect()));
        const pids = await Promise.all(clients.map(backendPid));
        const closed = new Set<pg.PoolClient>();
        for (const client of clients) client.once('end', () => closed.add(client));
        for (const client of clients.slice(0, 3)) client.release();
        // One is still checked out when the pool is ended, and released after.
        const ended = endPool(pool);
        clients[3]!.release();
        await ended;
        // pool.end() alone resolves before any socket has closed.
        expect(closed.size, `round ${round}`).toBe(clients.length);
        const { rows } = await admin.query('SELECT pid FROM pg_stat_activity WHERE pid = ANY($1::int[])', [
          pids,
        ]);
        expect(rows, `round ${round}`).toEqual([]);
      }
    } finally {
      await admin.end();
    }
  });
});

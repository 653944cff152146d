// Ingest throughput on the fixture web site: N HTML pages (boilerplate + article) ingested through the
// real service, queue and worker at the default WORKER_CONCURRENCY, timed from the ingest call until every
// job row is COMPLETED or FAILED. Everything stays on this machine (127.0.0.x).
//
//   node --import tsx bench/ingest-throughput.ts [--pages 200] [--hosts 1]
//
// --hosts spreads the pages over fixture servers on 127.0.0.1..127.0.0.N: with one host the per-host
// politeness limit (2 requests at once) is the ceiling, with several the worker concurrency is.
// Uses PostgreSQL at BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/distill_bench, created
// and migrated if missing) and Redis at BENCH_REDIS_URL (default redis://127.0.0.1:6379, own queue prefix).
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { createDeps } from '../src/deps.js';
import { createLogger } from '../src/lib/logger.js';
import { runMigrations } from '../src/lib/migrate.js';
import { startWorkers } from '../src/workers.js';
import { startFixtureServer, type Fixture } from '../test/helpers/fixture-server.js';

const { values } = parseArgs({
  options: { pages: { type: 'string', default: '200' }, hosts: { type: 'string', default: '1' } },
});
const pages = Number(values.pages);
const hostCount = Number(values.hosts);
const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/distill_bench';
const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = target.pathname.slice(1);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.href });
  await client.connect();
  const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (!rowCount) await client.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
  await client.end();
}

const logger = createLogger('warn');
await ensureDatabase(databaseUrl);
await runMigrations(databaseUrl, logger);

const sites: Fixture[] = [];
for (let i = 1; i <= hostCount; i++) sites.push(await startFixtureServer(`127.0.0.${i}`));

const config = loadConfig({
  DATABASE_URL: databaseUrl,
  REDIS_URL: redisUrl,
  ALLOW_PRIVATE_URLS: 'true',
  QUEUE_PREFIX: `bench-${randomUUID().slice(0, 8)}`,
  LOG_LEVEL: 'warn',
});
const deps = createDeps(config, logger, { databaseUrl, redisUrl, role: 'all' });
const workers = startWorkers(deps);

try {
  const { workspaceId } = await deps.keys.createKey(`bench-${randomUUID()}`, ['read', 'write']);
  const urls = Array.from({ length: pages }, (_, i) => sites[i % sites.length]!.url(`/bench/${i}`));

  const started = performance.now();
  await deps.sources.ingest(workspaceId, {
    source: 'web',
    documentIdsToAdd: urls,
    english: true,
    baser: false,
  });
  let done = 0;
  let failed = 0;
  while (done < pages) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    const { rows } = await deps.pool.query<{ done: number; failed: number }>(
      `SELECT count(*) FILTER (WHERE status IN ('COMPLETED', 'FAILED'))::int AS done,
              count(*) FILTER (WHERE status = 'FAILED')::int AS failed
         FROM ingest_jobs WHERE workspace_id = $1`,
      [workspaceId],
    );
    ({ done, failed } = rows[0]!);
    if (performance.now() - started > 300_000) throw new Error(`timed out with ${done}/${pages} done`);
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(
    JSON.stringify({
      pages,
      hosts: hostCount,
      workerConcurrency: config.workerConcurrency,
      perHostLimit: 2,
      failed,
      seconds: Number(seconds.toFixed(2)),
      pagesPerSecond: Number((pages / seconds).toFixed(1)),
    }),
  );
  await deps.pool.query('DELETE FROM workspaces WHERE id = $1', [workspaceId]);
} finally {
  await workers.close();
  await deps.queues.ingest.obliterate({ force: true }).catch(() => undefined);
  await deps.close();
  for (const site of sites) await site.close();
}

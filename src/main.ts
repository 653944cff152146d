// Entry point: parse config → open PostgreSQL and Redis (embedded when not configured) → migrate →
// build deps → listen → start the workers. SIGTERM/SIGINT stop everything in order (lib/shutdown.ts).
import { pathToFileURL } from 'node:url';
import { buildApp } from './app.js';
import { ensureConsoleBuilt } from './console/console-build.js';
import { ConfigError, loadConfig, loadDotEnv, type Config } from './config.js';
import { createDeps, type Role } from './deps.js';
import { redisAddress } from './lib/embedded-redis.js';
import { openDatabase, openRedis, type RedisHandle } from './lib/infrastructure.js';
import { withQueuePrefix } from './lib/installation.js';
import { createLogger } from './lib/logger.js';
import { runMigrations } from './lib/migrate.js';
import { createShutdown } from './lib/shutdown.js';
import { listenError, postgresError, StartupError } from './lib/startup-errors.js';
import { startWorkers } from './workers.js';

export function loadConfigOrExit(): Config {
  loadDotEnv();
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

/** api and worker run beside other processes, so they need the shared database, not an embedded one. */
function assertRoleCanRun(role: Role, config: Config): void {
  if (role === 'all' || config.databaseUrl) return;
  console.error(
    `Distill could not start: the ${role} role needs DATABASE_URL (a PostgreSQL shared by the api and worker processes). ` +
      'Set DATABASE_URL (and REDIS_URL), or run the "all" role, which starts an embedded PostgreSQL.',
  );
  process.exit(1);
}

function describeRedis(redis: RedisHandle): string {
  const origin = {
    configured: 'REDIS_URL',
    found: 'found on the default port; set REDIS_URL to use another',
    embedded: `the private redis-server under DATA_DIR`,
  }[redis.origin];
  return `${redisAddress(redis.url)} (${origin})`;
}

export async function runRole(role: Role): Promise<void> {
  const loaded = loadConfigOrExit();
  assertRoleCanRun(role, loaded);
  const logger = createLogger(loaded.logLevel);
  const shutdown = createShutdown({ logger, graceMs: loaded.shutdownGraceMs });
  shutdown.listen();

  const startup = (async () => {
    // Built beside the database start-up; a failed build leaves the API running without the console.
    const consoleBuild =
      role === 'worker'
        ? undefined
        : ensureConsoleBuilt(logger).catch((error: unknown) => {
            logger.error({ err: error }, 'building the review console failed');
            return 'unavailable' as const;
          });
    const database = await openDatabase(loaded, logger).catch((error: unknown) => {
      throw postgresError(error, loaded);
    });
    shutdown.add('database server', database.stop, 12_000);
    await runMigrations(database.url, logger).catch((error: unknown) => {
      throw postgresError(error, loaded);
    });
    const config = await withQueuePrefix(loaded, database.url);
    const redis = await openRedis(config, logger);
    shutdown.add('redis server', redis.stop, 12_000);
    logger.info(
      { redis: redisAddress(redis.url), redisOrigin: redis.origin, queuePrefix: config.queuePrefix },
      `queues on Redis ${describeRedis(redis)} with prefix ${config.queuePrefix}`,
    );

    const deps = createDeps(config, logger, { databaseUrl: database.url, redisUrl: redis.url, role });
    shutdown.add('connections', () => deps.close(), 5_000);

    // The port is taken before the workers start: a second start on a busy port runs no jobs, and the
    // first API key is created only once the server is reachable, so it is never made and not shown.
    let address: string | undefined;
    if (role !== 'worker') {
      const app = await buildApp(deps);
      shutdown.add('http server', () => app.close(), 5_000);
      address = await app.listen({ port: config.port, host: config.host }).catch((error: unknown) => {
        throw listenError(error, config);
      });
    }
    if (role !== 'api') {
      const workers = startWorkers(deps);
      // The grace period, then a bounded abort (workers.ts).
      shutdown.add('workers', () => workers.close(), config.shutdownGraceMs + 3_000);
    }
    if (address) {
      console.log(`Distill (${role}) is listening on ${address} — API docs at ${address}/docs`);
      const defaultKey = await deps.keys.createDefaultKeyIfFresh();
      if ((await consoleBuild) !== 'unavailable') console.log(`Review console at ${address}/console`);
      if (defaultKey) {
        console.log('Created workspace "default" with a read/write API key. It is shown once; store it now:');
        console.log(defaultKey.key);
      }
    }
  })();
  shutdown.starting(startup);

  try {
    await startup;
  } catch (error) {
    // A failure already worded for people is said once, on stderr; anything else is logged with its stack.
    const worded =
      error instanceof StartupError || (error instanceof Error && error.name === 'EmbeddedStartError');
    if (!worded) logger.fatal({ err: error }, 'start-up failed');
    console.error(`Distill could not start: ${error instanceof Error ? error.message : String(error)}`);
    await shutdown.run('start-up failed', 1);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await runRole('all');
}

// Entry point: parse config → open PostgreSQL and Redis (embedded when not configured) → migrate →
// build deps → listen → start the workers. SIGTERM/SIGINT stop everything in order (lib/shutdown.ts), also
// during start-up, which then starts nothing more.
import { pathToFileURL } from 'node:url';
import { buildApp } from './app.js';
import { ensureConsoleBuilt, type ConsoleBuildResult } from './console/console-build.js';
import { ConfigError, loadConfig, loadDotEnv, type Config } from './config.js';
import { createDeps, type Deps, type Role } from './deps.js';
import { redisAddress } from './lib/embedded-redis.js';
import { openDatabase, openRedis, type RedisHandle } from './lib/infrastructure.js';
import { withQueuePrefix } from './lib/installation.js';
import { createLogger, type Logger } from './lib/logger.js';
import { runMigrations } from './lib/migrate.js';
import { createShutdown, StartupInterrupted, type Shutdown } from './lib/shutdown.js';
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

/** Built beside the database start-up; a failed build leaves the API running without the console. */
function buildConsole(logger: Logger, shutdown: Shutdown): Promise<ConsoleBuildResult> {
  return ensureConsoleBuilt(logger).catch((error: unknown) => {
    // A Ctrl-C also reaches Vite's esbuild (our process group): a build it stopped is no failure.
    if (shutdown.reason !== undefined) logger.info('review console build stopped: shutting down');
    else logger.error({ err: error }, 'building the review console failed');
    return 'unavailable' as const;
  });
}

/** Where the service listens, the console, and the first API key (shown this once). */
async function announce(
  role: Role,
  address: string,
  deps: Deps,
  consoleBuild: Promise<ConsoleBuildResult> | undefined,
): Promise<void> {
  console.log(`Distill (${role}) is listening on ${address} — API docs at ${address}/docs`);
  const defaultKey = await deps.keys.createDefaultKeyIfFresh();
  if ((await consoleBuild) !== 'unavailable') console.log(`Review console at ${address}/console`);
  if (defaultKey) {
    console.log('Created workspace "default" with a read/write API key. It is shown once; store it now:');
    console.log(defaultKey.key);
  }
}

/**
 * Starts `role` step by step. A stop asked for meanwhile (Ctrl-C) lets the step under way finish, then
 * ends start-up: each step registers its stop before the next begins, so whatever started is stopped.
 */
async function startServices(role: Role, loaded: Config, logger: Logger, shutdown: Shutdown): Promise<void> {
  const consoleBuild = role === 'worker' ? undefined : buildConsole(logger, shutdown);
  try {
    const database = await openDatabase(loaded, logger).catch((error: unknown) => {
      throw postgresError(error, loaded);
    });
    shutdown.add('database server', database.stop, 12_000);
    shutdown.throwIfStopping();
    await runMigrations(database.url, logger).catch((error: unknown) => {
      throw postgresError(error, loaded);
    });
    const config = await withQueuePrefix(loaded, database.url);
    shutdown.throwIfStopping();
    const redis = await openRedis(config, logger);
    shutdown.add('redis server', redis.stop, 12_000);
    shutdown.throwIfStopping();
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
      shutdown.throwIfStopping();
      address = await app.listen({ port: config.port, host: config.host }).catch((error: unknown) => {
        throw listenError(error, config);
      });
      shutdown.throwIfStopping();
    }
    if (role !== 'api') {
      const workers = startWorkers(deps);
      // The grace period, then a bounded abort (workers.ts).
      shutdown.add('workers', () => workers.close(), config.shutdownGraceMs + 3_000);
    }
    if (address) await announce(role, address, deps, consoleBuild);
  } finally {
    // Settled before start-up is, so a stop never exits while the build is writing its files.
    await consoleBuild;
  }
}

export async function runRole(role: Role): Promise<void> {
  const loaded = loadConfigOrExit();
  assertRoleCanRun(role, loaded);
  const logger = createLogger(loaded.logLevel);
  const shutdown = createShutdown({ logger, graceMs: loaded.shutdownGraceMs });
  shutdown.listen();

  const startup = startServices(role, loaded, logger, shutdown);
  shutdown.starting(startup);
  try {
    await startup;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (shutdown.reason !== undefined) {
      // A stop was asked for: what failed is what it stopped (a Ctrl-C reaches initdb and the console
      // build too), not a failure to report. The stop under way exits as asked.
      logger.info(
        { reason: shutdown.reason, ...(error instanceof StartupInterrupted ? {} : { stepError: message }) },
        'start-up interrupted: stopping what was started',
      );
      await shutdown.run(shutdown.reason, 0);
      return;
    }
    // A failure already worded for people is said once, on stderr; anything else is logged with its stack.
    const worded =
      error instanceof StartupError || (error instanceof Error && error.name === 'EmbeddedStartError');
    if (!worded) logger.fatal({ err: error }, 'start-up failed');
    console.error(`Distill could not start: ${message}`);
    await shutdown.run('start-up failed', 1);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await runRole('all');
}

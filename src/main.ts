// Entry point: parse config → open PostgreSQL and Redis (embedded when not configured) → migrate →
// build deps → start the role (api | worker | all). SIGTERM/SIGINT stop everything in reverse order.
import { pathToFileURL } from 'node:url';
import { buildApp } from './app.js';
import { ensureConsoleBuilt } from './console/console-build.js';
import { ConfigError, loadConfig, loadDotEnv, type Config } from './config.js';
import { createDeps, type Role } from './deps.js';
import { openDatabase, openRedis } from './lib/infrastructure.js';
import { createLogger, type Logger } from './lib/logger.js';
import { runMigrations } from './lib/migrate.js';
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

/** Stops what was started, newest first; each step is bounded so one stuck close cannot hang the exit. */
async function stopAll(
  stoppers: { name: string; stop: () => Promise<void> }[],
  logger: Logger,
): Promise<void> {
  for (const { name, stop } of [...stoppers].reverse()) {
    try {
      await stop();
      logger.debug(`${name} stopped`);
    } catch (error) {
      logger.error({ err: error }, `stopping ${name} failed`);
    }
  }
}

export async function runRole(role: Role): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel);
  const stoppers: { name: string; stop: () => Promise<void> }[] = [];
  let stopping: Promise<void> | undefined;

  let startup: Promise<void> = Promise.resolve();

  const shutdown = (reason: string, exitCode: number) => {
    if (stopping) return stopping;
    logger.info({ reason }, 'shutting down');
    // A signal during start-up waits for it to settle, so nothing it is starting is left behind.
    stopping = startup
      .catch(() => undefined)
      .then(() => stopAll(stoppers, logger))
      .then(() => {
        logger.info('stopped');
        process.exit(exitCode);
      });
    return stopping;
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void shutdown(signal, 0));

  startup = (async () => {
    // Built beside the database start-up; a failed build leaves the API running without the console.
    const consoleBuild =
      role === 'worker'
        ? undefined
        : ensureConsoleBuilt(logger).catch((error: unknown) => {
            logger.error({ err: error }, 'building the review console failed');
            return 'unavailable' as const;
          });
    const database = await openDatabase(config, logger);
    stoppers.push({ name: 'database server', stop: database.stop });
    await runMigrations(database.url, logger);
    const redis = await openRedis(config, logger);
    stoppers.push({ name: 'redis server', stop: redis.stop });

    const deps = createDeps(config, logger, { databaseUrl: database.url, redisUrl: redis.url, role });
    stoppers.push({ name: 'connections', stop: () => deps.close() });

    // Workers first: on shutdown (reverse order) HTTP stops accepting before the workers drain.
    if (role !== 'api') {
      const workers = startWorkers(deps);
      stoppers.push({ name: 'workers', stop: () => workers.close() });
    }
    if (role !== 'worker') {
      const app = await buildApp(deps);
      stoppers.push({ name: 'http server', stop: () => app.close() });
      const defaultKey = await deps.keys.createDefaultKeyIfFresh();
      const address = await app.listen({ port: config.port, host: config.host });
      console.log(`Distill (${role}) is listening on ${address} — API docs at ${address}/docs`);
      if ((await consoleBuild) !== 'unavailable') console.log(`Review console at ${address}/console`);
      if (defaultKey) {
        console.log('Created workspace "default" with a read/write API key. It is shown once; store it now:');
        console.log(defaultKey.key);
      }
    }
  })();

  try {
    await startup;
  } catch (error) {
    logger.fatal({ err: error }, 'start-up failed');
    console.error(`Distill could not start: ${error instanceof Error ? error.message : String(error)}`);
    await shutdown('start-up failed', 1);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await runRole('all');
}

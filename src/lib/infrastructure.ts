// Where PostgreSQL and Redis come from: the configured URLs, or the embedded defaults under DATA_DIR.
import type { Config } from '../config.js';
import { ensureEmbeddedPostgres, type DatabaseHandle } from './embedded-postgres.js';
import { ensureRedis, type RedisHandle } from './embedded-redis.js';
import type { Logger } from './logger.js';

export type { DatabaseHandle, RedisHandle };

export async function openDatabase(config: Config, logger: Logger): Promise<DatabaseHandle> {
  if (config.databaseUrl) return { url: config.databaseUrl, owned: false, stop: () => Promise.resolve() };
  return ensureEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, logger });
}

export function openRedis(config: Config, logger: Logger): Promise<RedisHandle> {
  return ensureRedis({
    redisUrl: config.redisUrl,
    dataDir: config.dataDir,
    port: config.embeddedRedisPort,
    logger,
  });
}

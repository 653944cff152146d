// Composition root: the connections and services every role shares, wired once, closed once.
import type { Config } from './config.js';
import { createPool, type Pool } from './lib/db.js';
import type { Logger } from './lib/logger.js';
import { closeRedis, createProducerConnection, type Redis } from './lib/redis.js';
import { createKeysService, type KeysService } from './keys/keys-service.js';
import { createArticlesService, type ArticlesService } from './knowledge/articles-service.js';
import { createFoldersService, type FoldersService } from './knowledge/folders-service.js';
import { createTreeService, type TreeService } from './knowledge/tree-service.js';
import { createQueue } from './lib/queues.js';
import { GENERATE_QUEUE } from './generation/generate-queue.js';
import { createGenerationService, type GenerationService } from './generation/generation-service.js';
import { createJobEvents, type JobEvents } from './generation/job-events.js';
import { createWriter } from './writers/create-writer.js';
import type { Writer } from './writers/writer.js';
import type { Queue } from 'bullmq';

export type Role = 'api' | 'worker' | 'all';

export interface Deps {
  config: Config;
  logger: Logger;
  pool: Pool;
  /** The producer connection: fails fast while Redis is down (see lib/redis.ts). */
  redis: Redis;
  redisUrl: string;
  keys: KeysService;
  folders: FoldersService;
  /** Articles, drafts and publish; the generation pipeline writes through it (see articles-service.ts). */
  articles: ArticlesService;
  tree: TreeService;
  /** The model (or the offline writer), behind one interface. */
  writer: Writer;
  /** Producer-side queues; workers are started by workers.ts in the worker role. */
  queues: { generate: Queue };
  generation: GenerationService;
  jobEvents: JobEvents;
  checkDatabase(): Promise<void>;
  checkRedis(): Promise<void>;
  close(): Promise<void>;
}

export function createDeps(
  config: Config,
  logger: Logger,
  connections: { databaseUrl: string; redisUrl: string; role: Role },
): Deps {
  // Room for every concurrent job plus the HTTP handlers.
  const poolSize = connections.role === 'api' ? 10 : config.workerConcurrency + 10;
  const pool = createPool(connections.databaseUrl, poolSize, logger);
  const redis = createProducerConnection(connections.redisUrl, logger);
  const articles = createArticlesService(pool);
  const writer = createWriter(config, logger);
  const queues = { generate: createQueue(GENERATE_QUEUE, redis, config.queuePrefix, logger) };
  const jobEvents = createJobEvents(connections.databaseUrl, logger);

  return {
    config,
    logger,
    pool,
    redis,
    redisUrl: connections.redisUrl,
    keys: createKeysService(pool, logger),
    folders: createFoldersService(pool),
    articles,
    tree: createTreeService(pool, articles),
    writer,
    queues,
    generation: createGenerationService({ pool, queue: queues.generate, logger, writer }),
    jobEvents,
    async checkDatabase() {
      await pool.query('SELECT 1');
    },
    async checkRedis() {
      const answer = await Promise.race([
        redis.ping(),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('redis ping timed out')), 1_000)),
      ]);
      if (answer !== 'PONG') throw new Error(`redis answered ${String(answer)}`);
    },
    async close() {
      await jobEvents.close();
      await Promise.all(Object.values(queues).map((queue) => queue.close().catch(() => undefined)));
      await closeRedis(redis);
      await pool.end();
    },
  };
}

// Composition root: the connections and services every role shares, wired once, closed once.
import type { JobsOptions, Queue } from 'bullmq';
import type { Config } from './config.js';
import { createPool, type Pool } from './lib/db.js';
import type { Logger } from './lib/logger.js';
import { closeRedis, createProducerConnection, type Redis } from './lib/redis.js';
import { createKeysService, type KeysService } from './keys/keys-service.js';
import { createFoldersService, type FoldersService } from './knowledge/folders-service.js';
import { createDeepCrawler, CRAWL_DEFAULTS, type CrawlLimits } from './sources/deep-crawl.js';
import { createWebClient, type WebClient, type WebClientOptions } from './sources/fetch/web-client.js';
import { createIngestEnqueuer, createIngestQueue, ingestJobOptions } from './sources/ingest-queue.js';
import { createIngestService, type IngestService } from './sources/ingest-service.js';
import { createSourcesService, type SourcesService } from './sources/sources-service.js';

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
  /** Fetches web pages for ingestion and deep crawls: SSRF-safe, robots.txt-aware, polite per host. */
  web: WebClient;
  ingestQueue: Queue;
  sources: SourcesService;
  ingest: IngestService;
  checkDatabase(): Promise<void>;
  checkRedis(): Promise<void>;
  close(): Promise<void>;
}

/** Knobs that are not configuration: tests shorten retries and inject DNS and the address policy. */
export interface DepsOptions {
  web?: Partial<Omit<WebClientOptions, 'allowPrivateAddresses'>>;
  /** Merged over the ingest queue's job options (attempts, backoff). */
  ingestJobOptions?: JobsOptions;
  crawlLimits?: Partial<CrawlLimits>;
}

export function createDeps(
  config: Config,
  logger: Logger,
  connections: { databaseUrl: string; redisUrl: string; role: Role },
  options: DepsOptions = {},
): Deps {
  // Room for every concurrent job plus the HTTP handlers.
  const poolSize = connections.role === 'api' ? 10 : config.workerConcurrency + 10;
  const pool = createPool(connections.databaseUrl, poolSize, logger);
  const redis = createProducerConnection(connections.redisUrl, logger);
  const web = createWebClient({ ...options.web, allowPrivateAddresses: config.allowPrivateUrls });
  const ingestQueue = createIngestQueue(redis, config.queuePrefix, logger);
  const enqueuer = createIngestEnqueuer(
    ingestQueue,
    logger,
    ingestJobOptions(options.ingestJobOptions),
    redis,
  );
  const crawler = createDeepCrawler(web, { ...CRAWL_DEFAULTS, ...options.crawlLimits });

  return {
    config,
    logger,
    pool,
    redis,
    redisUrl: connections.redisUrl,
    keys: createKeysService(pool, logger),
    folders: createFoldersService(pool),
    web,
    ingestQueue,
    sources: createSourcesService(pool, enqueuer, crawler),
    ingest: createIngestService(pool, web, logger),
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
      // Bounded: with Redis unreachable, BullMQ's close waits for a connection that never comes.
      await Promise.race([
        ingestQueue
          .close()
          .catch((error: unknown) => logger.warn({ err: error }, 'closing the ingest queue failed')),
        new Promise((resolve) => setTimeout(resolve, 1_000).unref()),
      ]);
      await web.close();
      await closeRedis(redis);
      await pool.end();
    },
  };
}

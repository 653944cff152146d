// Composition root: the connections and services every role shares, wired once, closed once.
import type { JobsOptions, Queue } from 'bullmq';
import type { Config } from './config.js';
import { createPool, endPool, type Pool } from './lib/db.js';
import type { Logger } from './lib/logger.js';
import { createMetrics, type Metrics } from './lib/metrics.js';
import { closeQueue, createQueue } from './lib/queues.js';
import { withTimeout } from './lib/timeout.js';
import { closeRedis, createProducerConnection, type Redis } from './lib/redis.js';
import { createBatchesRepo } from './generation/batches-repo.js';
import { createJobsRepo } from './generation/jobs-repo.js';
import { createIdempotencyRepo } from './http/idempotency-repo.js';
import { createKeysRepo } from './keys/keys-repo.js';
import { createKeysService, type KeysService } from './keys/keys-service.js';
import { createArticlesRepo } from './knowledge/articles-repo.js';
import { createFoldersRepo } from './knowledge/folders-repo.js';
import { createReviewRepo } from './knowledge/review-repo.js';
import { createIngestRepo } from './sources/ingest-repo.js';
import { createSourcesRepo } from './sources/sources-repo.js';
import { createSyncRepo } from './sync/sync-repo.js';
import { createWebhooksRepo } from './webhooks/webhooks-repo.js';
import { createArticlesService, type ArticlesService } from './knowledge/articles-service.js';
import { createFoldersService, type FoldersService } from './knowledge/folders-service.js';
import { createTreeService, type TreeService } from './knowledge/tree-service.js';
import { createBatchesService, type BatchesService } from './generation/batches-service.js';
import { GENERATE_QUEUE } from './generation/generate-queue.js';
import {
  createGenerationRunService,
  type GenerationRunService,
} from './generation/generation-run-service.js';
import { createGenerationService, type GenerationService } from './generation/generation-service.js';
import { createJobEvents, type JobEvents } from './generation/job-events.js';
import { createModelLimiter } from './generation/model-limiter.js';
import { createTreeScaffold, type TreeScaffold } from './generation/tree-scaffold.js';
import { createWorkspaceQuotas, type WorkspaceQuotas } from './generation/workspace-quotas.js';
import { createDeepCrawler, CRAWL_DEFAULTS, type CrawlLimits } from './sources/deep-crawl.js';
import { createWebClient, type WebClient, type WebClientOptions } from './sources/fetch/web-client.js';
import { createIngestEnqueuer, INGEST_QUEUE } from './sources/ingest-queue.js';
import { createSchedulesService, SCHEDULE_QUEUE, type SchedulesService } from './sync/schedules-service.js';
import { SYNC_QUEUE } from './sync/sync-queue.js';
import { createSyncRunService, type SyncRunService } from './sync/sync-run-service.js';
import { createSyncService, type SyncService } from './sync/sync-service.js';
import { createIngestService, type IngestService } from './sources/ingest-service.js';
import { createSourcesService, type SourcesService } from './sources/sources-service.js';
import type { WebhookDelivery } from './webhooks/webhook-delivery.js';
import { createWebhooksFeature, webhookJobOptions } from './webhooks/webhooks-feature.js';
import { WEBHOOKS_QUEUE } from './webhooks/webhooks-queue.js';
import type { WebhooksService } from './webhooks/webhooks-service.js';
import { createWriter } from './writers/create-writer.js';
import type { Writer } from './writers/writer.js';

export type Role = 'api' | 'worker' | 'all';

/**
 * One repository per table (or per closely kept group of tables), built once here; services take the ones
 * they need, and other features reach a table only through the owning feature's service.
 */
export function createRepos(pool: Pool) {
  return {
    articles: createArticlesRepo(pool),
    folders: createFoldersRepo(pool),
    review: createReviewRepo(pool),
    sources: createSourcesRepo(pool),
    ingest: createIngestRepo(pool),
    jobs: createJobsRepo(pool),
    batches: createBatchesRepo(pool),
    sync: createSyncRepo(pool),
    webhooks: createWebhooksRepo(pool),
    keys: createKeysRepo(pool),
    idempotency: createIdempotencyRepo(pool),
  };
}

export type Repos = ReturnType<typeof createRepos>;

export interface Deps {
  config: Config;
  logger: Logger;
  pool: Pool;
  /** The repositories every service shares (createRepos); the HTTP edge and the workers take theirs here. */
  repos: Repos;
  /** The producer connection: fails fast while Redis is down (see lib/redis.ts). */
  redis: Redis;
  redisUrl: string;
  keys: KeysService;
  folders: FoldersService;
  /** Articles, drafts and publish; the generation pipeline writes through it (see articles-service.ts). */
  articles: ArticlesService;
  tree: TreeService;
  /** Fetches web pages for ingestion and deep crawls: SSRF-safe, robots.txt-aware, polite per host. */
  web: WebClient;
  sources: SourcesService;
  ingest: IngestService;
  /** The model (or the offline writer), behind one interface. */
  writer: Writer;
  /** Producer-side queues; workers.ts consumes them in the worker role. */
  queues: { ingest: Queue; generate: Queue; webhooks: Queue; sync: Queue; schedule: Queue };
  generation: GenerationService;
  /** Bulk calls as batches: read, list, retry (the bulk call itself writes the batch). */
  batches: BatchesService;
  /** Per-workspace limits on queued jobs and model tokens (off unless configured). */
  quotas: WorkspaceQuotas;
  /** The tree scaffold's model call, behind the model limiter and the token quota. */
  treeScaffold: TreeScaffold;
  /** One attempt of a knowledge job (the generate queue's service). */
  generationRun: GenerationRunService;
  /** Sync runs as the API sees them, and one attempt of a run (the sync queue's service). */
  sync: SyncService;
  syncRuns: SyncRunService;
  schedules: SchedulesService;
  jobEvents: JobEvents;
  /** Webhook endpoints and their delivery log (routes), and one delivery attempt (the webhooks queue). */
  webhooks: WebhooksService;
  webhookDelivery: WebhookDelivery;
  /** The Prometheus registry of this process and its metrics (GET /metrics). */
  metrics: Metrics;
  checkDatabase(): Promise<void>;
  checkRedis(): Promise<void>;
  close(): Promise<void>;
}

/** Knobs that are not configuration: tests shorten retries and inject DNS and the address policy. */
export interface DepsOptions {
  web?: Partial<Omit<WebClientOptions, 'allowPrivateAddresses'>>;
  /** Merged over every queue's default job options (attempts, backoff). */
  jobOptions?: JobsOptions;
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
  const queues = {
    ingest: createQueue(INGEST_QUEUE, redis, config.queuePrefix, logger, options.jobOptions),
    generate: createQueue(GENERATE_QUEUE, redis, config.queuePrefix, logger, options.jobOptions),
    webhooks: createQueue(
      WEBHOOKS_QUEUE,
      redis,
      config.queuePrefix,
      logger,
      webhookJobOptions(options.jobOptions),
    ),
    sync: createQueue(SYNC_QUEUE, redis, config.queuePrefix, logger, options.jobOptions),
    // Cron ticks (BullMQ job schedulers); a tick only starts a run, so a failed one is not retried.
    schedule: createQueue(SCHEDULE_QUEUE, redis, config.queuePrefix, logger, { attempts: 1 }),
  };
  const metrics = createMetrics({ queues: Object.values(queues), logger });
  const repos = createRepos(pool);
  // Publishing a generated draft assigns its folder to the job's bot, and a source-backed draft's publish links
  // its source to the live article (see articles-publish.ts). `sources` is built below (it deletes linked
  // articles through this service); the hook runs only once both exist.
  const articles = createArticlesService(pool, repos, {
    botOfGenerationJob: (workspaceId, jobId, tx) => repos.jobs.botOf(workspaceId, jobId, tx),
    linkSourceToArticle: (workspaceId, save, tx) => sources.linkToArticle(workspaceId, save, tx),
  });
  const writer = createWriter(config, logger);
  const web = createWebClient({ ...options.web, allowPrivateAddresses: config.allowPrivateUrls });
  const crawler = createDeepCrawler(web, { ...CRAWL_DEFAULTS, ...options.crawlLimits });
  const jobEvents = createJobEvents(connections.databaseUrl, logger);
  const keys = createKeysService(pool, repos.keys, logger, { databaseUrl: connections.databaseUrl });
  const folders = createFoldersService(pool, repos);
  const webhooks = createWebhooksFeature({
    config,
    pool,
    repo: repos.webhooks,
    queue: queues.webhooks,
    logger,
    web: options.web,
    jobOptions: options.jobOptions,
  });
  const sources = createSourcesService(
    pool,
    repos.sources,
    createIngestEnqueuer(queues.ingest, logger),
    crawler,
    articles,
  );
  const quotas = createWorkspaceQuotas(pool, {
    maxQueuedJobs: config.workspaceMaxQueuedJobs,
    maxTokensPerDay: config.workspaceMaxTokensPerDay,
  });
  const generation = createGenerationService({
    pool,
    repos,
    queue: queues.generate,
    logger,
    sources,
    quotas,
  });
  const batches = createBatchesService({ pool, repos, queue: queues.generate, logger, quotas });
  const sync = createSyncService({ pool, repos, queue: queues.sync, logger, sources });
  const ingest = createIngestService(pool, repos, web, articles);

  return {
    config,
    logger,
    pool,
    repos,
    redis,
    redisUrl: connections.redisUrl,
    keys,
    folders,
    articles,
    tree: createTreeService(pool, repos.folders, articles),
    web,
    sources,
    ingest,
    writer,
    queues,
    generation,
    generationRun: createGenerationRunService({ pool, repos, writer, articles, folders, sources, metrics }),
    batches,
    quotas,
    treeScaffold: createTreeScaffold({
      writer,
      limiter: createModelLimiter(queues.generate, redis, config.llmMaxRpm, logger),
      quotas,
      metrics,
    }),
    sync,
    schedules: createSchedulesService({ pool, queue: queues.schedule, logger, sync }),
    syncRuns: createSyncRunService({ pool, repos, sources, generation, batches }),
    jobEvents,
    webhooks: webhooks.service,
    webhookDelivery: webhooks.delivery,
    metrics,
    async checkDatabase() {
      await pool.query('SELECT 1');
    },
    async checkRedis() {
      const answer = await withTimeout(redis.ping(), 1_000, 'redis ping timed out');
      if (answer !== 'PONG') throw new Error(`redis answered ${String(answer)}`);
    },
    async close() {
      await jobEvents.close();
      await keys.close();
      await Promise.all(Object.values(queues).map((queue) => closeQueue(queue, logger)));
      await web.close();
      await ingest.close();
      await webhooks.close();
      await closeRedis(redis);
      await endPool(pool);
    },
  };
}

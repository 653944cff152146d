// Builds the real app against the test PostgreSQL and Redis. Each test file gets its own queue prefix;
// each test makes its own workspace and keys, so files can run in parallel on one database.
import { randomUUID } from 'node:crypto';
import type { Response } from 'superagent';
import supertest from 'supertest';
import { inject } from 'vitest';
import { buildApp, type App, type AppOptions } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createDeps, type Deps, type DepsOptions } from '../../src/deps.js';
import { createLogger, type Logger } from '../../src/lib/logger.js';
import type { Scope } from '../../src/keys/keys-service.js';
import { startWorkers, type WorkerOptions, type Workers } from '../../src/workers.js';

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: inject('databaseUrl'),
    REDIS_URL: inject('redisUrl'),
    ALLOW_PRIVATE_URLS: 'true',
    QUEUE_PREFIX: `test-${randomUUID().slice(0, 8)}`,
    ...overrides,
  });
}

export interface TestKey {
  key: string;
  id: string;
  workspaceId: string;
  workspaceName: string;
  /** `{ authorization: 'Bearer …' }`, for supertest's `.set()`. */
  header: { authorization: string };
}

export interface TestContext {
  app: App;
  deps: Deps;
  config: Config;
  http: () => supertest.Agent;
  /** A key in a new workspace (or in `workspaceName` when given). */
  createKey(options?: { scopes?: Scope[]; workspaceName?: string }): Promise<TestKey>;
  close(): Promise<void>;
}

export interface TestAppOptions extends DepsOptions {
  /**
   * Also run the queue workers in this process (for tests that need jobs to run). The reconciler and the
   * webhook relay stay idle unless asked for: test files share one database, and they would pick up other
   * files' rows.
   */
  workers?: boolean | WorkerOptions;
  /** Instead of a logger at LOG_LEVEL on stdout (tests that read the log). */
  logger?: Logger;
  app?: AppOptions;
}

/** Retries a few times, quickly: tests wait for outcomes, not for production backoff. */
export const TEST_JOB_OPTIONS = { attempts: 3, backoff: { type: 'fixed', delay: 100 } } as const;
// The webhook relay likewise: it would claim other files' deliveries (test/webhooks-delivery.test.ts runs it).
const RECONCILER_IDLE: WorkerOptions = {
  reconcileEveryMs: 24 * 3_600_000,
  webhookRelayEveryMs: 24 * 3_600_000,
};

export async function startTestApp(
  overrides: Record<string, string> = {},
  options: TestAppOptions = {},
): Promise<TestContext> {
  const config = testConfig(overrides);
  const { workers: withWorkers, logger: givenLogger, app: appOptions, ...depsOptions } = options;
  const logger = givenLogger ?? createLogger(config.logLevel);
  const jobOptions = { ...TEST_JOB_OPTIONS, ...depsOptions.jobOptions };
  const deps = createDeps(
    config,
    logger,
    { databaseUrl: config.databaseUrl!, redisUrl: config.redisUrl!, role: 'all' },
    { ...depsOptions, jobOptions },
  );
  const app = await buildApp(deps, {
    ...appOptions,
    // Event-loop utilization is not checked: a test process runs client, server and workers on one loop
    // and may well be busy for a whole second. (test/load-shedding.test.ts tests the check.)
    loadShedding: { maxEventLoopUtilization: 0, ...appOptions?.loadShedding },
  });
  await app.ready();
  const workers: Workers | undefined = withWorkers
    ? startWorkers(deps, withWorkers === true ? RECONCILER_IDLE : withWorkers)
    : undefined;
  return {
    app,
    deps,
    config,
    http: () => supertest.agent(app.server),
    async createKey(options = {}) {
      const workspaceName = options.workspaceName ?? `ws-${randomUUID()}`;
      const created = await deps.keys.createKey(workspaceName, options.scopes ?? ['read', 'write']);
      return {
        key: created.key,
        id: created.id,
        workspaceId: created.workspaceId,
        workspaceName,
        header: { authorization: `Bearer ${created.key}` },
      };
    },
    async close() {
      await app.close();
      await workers?.close();
      // The Redis is shared: leave none of this run's queue keys behind.
      if (deps.redis.status === 'ready') {
        for (const queue of Object.values(deps.queues))
          await queue.obliterate({ force: true }).catch(() => undefined);
      }
      await deps.close();
    },
  };
}

/** A supertest parser that keeps the body as text (CSV downloads, event streams). */
export function asText(res: Response, done: (error: Error | null, body: string) => void): void {
  // In Node, superagent hands the parser the raw response stream.
  const stream = res as unknown as NodeJS.ReadableStream;
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  stream.on('end', () => done(null, text));
}

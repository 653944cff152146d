// `npm run bench [-- --quick] [-- --profile] [-- --keep] [-- --out FILE]`: Distill measured against the
// physical limits of the machine it runs on, each figure side by side with a baseline from the same run
// (or a count), because the machines are shared and noisy. bench/README.md says what each figure means.
//
// Needs PostgreSQL and Redis (those of the test setup): BENCH_DATABASE_URL (default
// postgres://postgres@127.0.0.1:5432/distill_bench: dropped and recreated, dropped again at the end) and
// BENCH_REDIS_URL (default redis://127.0.0.1:6379: only keys under a fresh bench-<random> prefix are used,
// and deleted at the end). Everything else — the api and worker processes, the fake model server, the
// fixture web sites — runs on loopback as children of this process.
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createKeysRepo } from '../src/keys/keys-repo.js';
import { createKeysService } from '../src/keys/keys-service.js';
import { createLogger } from '../src/lib/logger.js';
import { runMigrations } from '../src/lib/migrate.js';
import { GENERATE_QUEUE } from '../src/generation/generate-queue.js';
import { INGEST_QUEUE } from '../src/sources/ingest-queue.js';
import { freePort, ROOT } from '../test/helpers/processes.js';
import { startFixtureServer, type Fixture } from '../test/helpers/fixture-server.js';
import { FULL_SIZES, QUICK_SIZES } from './bench-config.js';
import { startWorker, type BenchContext } from './bench-context.js';
import {
  deletePrefixKeys,
  dropDatabase,
  loadAverage,
  machineInfo,
  type MachineInfo,
  processRssMb,
  recreateDatabase,
  round,
  waitFor,
} from './bench-infra.js';
import { buildDist, startFakeModel, startService, type Child, type Runtime } from './bench-processes.js';
import { renderTable, runInfo, tableRows, type Results } from './bench-report.js';
import { seedWorkspaces } from './bench-workspaces.js';
import { summarizeWorkerProfile } from './worker-profile.js';
import { benchAuth } from './scenarios/auth-cost.js';
import { benchBulkAccept } from './scenarios/bulk-accept.js';
import { benchCandidatesScale } from './scenarios/candidates-scale.js';
import { benchIngest } from './scenarios/ingest.js';
import { benchMemory } from './scenarios/memory.js';
import { benchModelCalls } from './scenarios/model-calls.js';
import { benchSyncRun } from './scenarios/sync-run.js';
import { benchWorkerThroughput } from './scenarios/worker-throughput.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    out: { type: 'string' },
    // Only these figures (comma-separated keys of results.json), to iterate on one; writes
    // bench/results/only.json unless --out says otherwise, and prints it instead of the table.
    only: { type: 'string' },
  },
});
const only = args.only ? new Set(args.only.split(',')) : undefined;
const want = (figure: string) => !only || only.has(figure);
const sizes = args.quick ? QUICK_SIZES : FULL_SIZES;
const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/distill_bench';
const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
// A quick run never overwrites the committed figures of a full run.
const outFile = path.resolve(
  args.out ??
    path.join(ROOT, 'bench', only ? 'results/only.json' : args.quick ? 'results/quick.json' : 'results.json'),
);
const profileDir = args.profile ? path.join(ROOT, 'bench', 'results', 'profiles') : undefined;
const prefix = `bench-${randomUUID().slice(0, 8)}`;
const startedAt = performance.now();

const log = (message: string) =>
  console.log(`[bench ${((performance.now() - startedAt) / 1000).toFixed(1).padStart(6)} s] ${message}`);

const children: Child[] = [];
const sites: Fixture[] = [];
let pool: pg.Pool | undefined;
let redis: Redis | undefined;
const queues: Queue[] = [];

async function main(): Promise<void> {
  const loadAtStart = loadAverage();
  log(
    `${sizes.quick ? 'quick' : 'full'} run; load average ${loadAtStart} on ${os.cpus().length} cores; queue prefix ${prefix}`,
  );
  const logger = createLogger('warn');
  await recreateDatabase(databaseUrl);
  await runMigrations(databaseUrl, logger);
  pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const machine = await machineInfo(pool, redis);

  const fake = await startFakeModel(sizes.modelLatencyMs);
  children.push(fake.child);
  const port = await freePort();
  const serviceEnv = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    HOST: '127.0.0.1',
    // Request logging at info would put a log write on every request; operators choose, the bench says so.
    LOG_LEVEL: 'warn',
    ALLOW_PRIVATE_URLS: 'true',
    // The per-key limit stays on (one Redis count per request, as in production) but at its maximum, so
    // the load generator is never refused.
    RATE_LIMIT_PER_MINUTE: '1000000',
    LLM_PROVIDER: 'openai',
    OPENAI_BASE_URL: fake.url,
    DATA_DIR: path.join(os.tmpdir(), `distill-${prefix}`),
  };
  const api = startService('api', { role: 'api', env: { ...serviceEnv, PORT: String(port) } });
  children.push(api);
  const apiUrl = `http://127.0.0.1:${port}`;
  await waitFor(
    'the api process to be ready',
    async () => {
      if (api.exitCode !== undefined) throw new Error(`api exited (${api.exitCode}): ${api.output()}`);
      const ready = await fetch(`${apiUrl}/readyz`).catch(() => undefined);
      return ready?.ok ? true : undefined;
    },
    60_000,
    100,
  );

  const queueOptions = { connection: redis, prefix };
  const generateQueue = new Queue(GENERATE_QUEUE, queueOptions);
  const ingestQueue = new Queue(INGEST_QUEUE, queueOptions);
  queues.push(generateQueue, ingestQueue);
  const ctx: BenchContext = {
    sizes,
    pool,
    redis,
    prefix,
    databaseName: new URL(databaseUrl).pathname.slice(1),
    databaseUrl,
    redisPort: new URL(redisUrl).port || '6379',
    fake,
    api: { url: apiUrl, child: api },
    keys: createKeysService(pool, createKeysRepo(pool), logger),
    generateQueue,
    ingestQueue,
    serviceEnv,
    profileDir,
    log,
  };

  log('seeding: sources as completed ingestions leave them, folders, live articles');
  const { accept, acceptSources, throughput, warmupSources, throughputSources, modelCalls, ingest, sync } =
    await seedWorkspaces(ctx, want);
  const throughputRun = want('workerThroughput') || want('modelCalls');

  const results: Partial<Results> = {};
  if (want('bulkAccept')) {
    log(`bulkAccept: bulk route vs raw addBulk, ${sizes.bulkIds} ids, ${sizes.bulkSamples} samples each`);
    results.bulkAccept = await benchBulkAccept(ctx, accept, acceptSources);
  }
  if (want('auth')) {
    log(`auth: ${sizes.authRounds} round(s) x 3 routes x ${sizes.authSeconds} s`);
    results.auth = await benchAuth(ctx, accept);
  }

  let rssAfterWork: number | undefined;
  if (throughputRun) {
    log(`workerThroughput: ${sizes.throughputJobs} jobs, one worker at concurrency ${sizes.concurrency}`);
    const worker = await startWorker(
      ctx,
      'worker (throughput)',
      { WORKER_CONCURRENCY: String(sizes.concurrency) },
      { profile: true },
    );
    children.push(worker);
    // One round of jobs first: loading the tokenizer and JIT warm-up belong to a worker's start, not its rate.
    await benchWorkerThroughput(ctx, worker, throughput, warmupSources);
    const { result: workerThroughput, window } = await benchWorkerThroughput(
      ctx,
      worker,
      throughput,
      throughputSources,
    );
    results.workerThroughput = workerThroughput;
    if (want('modelCalls')) {
      log(`modelCalls: ${sizes.modelCallSources} fixture pages: ingest, generate twice, refresh`);
      const site = await startFixtureServer();
      sites.push(site);
      results.modelCalls = await benchModelCalls(ctx, worker, modelCalls, site);
    }
    rssAfterWork = processRssMb(worker.pid);
    await worker.stop();
    if (profileDir) workerThroughput.profile = summarizeWorkerProfile(profileDir, worker, window, log);
  }

  if (want('memory')) {
    log(`memory: ${sizes.memoryJobs} queued jobs, a worker whose model never answers`);
    const runtimes: Runtime[] = sizes.quick ? ['tsx'] : ['tsx', 'compiled'];
    if (runtimes.includes('compiled')) {
      log('building dist/ for the compiled worker (npm run build)');
      buildDist();
    }
    const memory = await benchMemory(ctx, accept, acceptSources, runtimes);
    results.memory = { ...memory, workerRssMbAfterThroughput: round(rssAfterWork ?? NaN, 1) };
  }
  if (want('ingest')) {
    log(`ingest: ${sizes.ingestPages} pages over ${sizes.ingestSites} fixture sites, default concurrency`);
    const { result, worker, window } = await benchIngest(ctx, ingest);
    if (profileDir) result.profile = summarizeWorkerProfile(profileDir, worker, window, log);
    results.ingest = result;
  }
  if (want('syncRun')) {
    log(
      `syncRun: ${sizes.syncPages} fixture pages generated once, ${sizes.syncChangedPages} changed, one sync run`,
    );
    results.syncRun = await benchSyncRun(ctx, sync);
  }
  if (want('candidatesAtScale')) {
    log(
      `candidatesAtScale: the candidate search at ${sizes.candidateSmall} and ${sizes.candidateLarge} live articles`,
    );
    results.candidatesAtScale = await benchCandidatesScale(ctx);
  }

  if (only) {
    mkdirSync(path.dirname(outFile), { recursive: true });
    writeFileSync(outFile, `${JSON.stringify(results, null, 2)}\n`);
    console.log(JSON.stringify(results, (key, value: unknown) => (key === 'profile' ? undefined : value), 2));
    log(`wrote ${path.relative(process.cwd(), outFile)}`);
    return;
  }
  await completeRun(results as Results, loadAtStart, machine);
}

async function completeRun(results: Results, loadAtStart: number, machine: MachineInfo): Promise<void> {
  const run = runInfo(results, {
    date: new Date().toISOString(),
    quick: sizes.quick,
    durationSec: round((performance.now() - startedAt) / 1000, 1),
    loadAverageAtStart: loadAtStart,
    machine,
    notes: [
      'Service processes run with LOG_LEVEL=warn (no per-request log lines).',
      'workerThroughput is measured after one warm-up round of `concurrency` jobs in the same worker.',
    ],
  });
  console.log('');
  console.log(renderTable(tableRows(results)));
  console.log('');
  console.log(
    `${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node}, PostgreSQL ${machine.postgres}, Redis ${machine.redis}; load average at start ${loadAtStart}`,
  );
  mkdirSync(path.dirname(outFile), { recursive: true });
  writeFileSync(outFile, `${JSON.stringify({ ...results, run }, null, 2)}\n`);
  log(`wrote ${path.relative(process.cwd(), outFile)}`);
  if (profileDir) log(`CPU profile of the throughput worker in ${path.relative(process.cwd(), profileDir)}`);
}

async function cleanUp(): Promise<void> {
  for (const child of [...children].reverse()) await child.stop().catch(() => undefined);
  for (const site of sites) await site.close().catch(() => undefined);
  for (const queue of queues) await queue.close().catch(() => undefined);
  if (redis && !args.keep) {
    const removed = await deletePrefixKeys(redis, prefix).catch(() => 0);
    log(`deleted ${removed} Redis keys under ${prefix}:`);
  }
  redis?.disconnect();
  await pool?.end().catch(() => undefined);
  if (!args.keep) await dropDatabase(databaseUrl).catch(() => undefined);
}

try {
  await main();
} catch (error) {
  console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
} finally {
  await cleanUp();
}

// What every benchmark gets: the sizes, the benchmark's database and Redis prefix, the fake model, the
// running `api` process, and helpers to start workers, make workspaces and wait for jobs.
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import type { KeysService } from '../src/keys/keys-service.js';
import type { BenchSizes } from './bench-config.js';
import { callJson } from './bench-http.js';
import { waitFor } from './bench-infra.js';
import {
  cpuProfileFlags,
  startService,
  type Child,
  type FakeModel,
  type Runtime,
} from './bench-processes.js';

export interface BenchContext {
  sizes: BenchSizes;
  pool: pg.Pool;
  /** The benchmark's own connection (baselines, Redis measurements, queue inspection). */
  redis: Redis;
  prefix: string;
  /** To find the PostgreSQL backends and the redis-server whose CPU a benchmark accounts for. */
  databaseName: string;
  databaseUrl: string;
  redisPort: string;
  fake: FakeModel;
  api: { url: string; child: Child };
  keys: KeysService;
  /** The service's generate queue, seen from the benchmark (same name and prefix). */
  generateQueue: Queue;
  ingestQueue: Queue;
  /** Environment shared by every Distill process of the run. */
  serviceEnv: Record<string, string>;
  /** When set, workers measured for throughput run with --cpu-prof and write their profile here. */
  profileDir: string | undefined;
  log(message: string): void;
}

export interface Workspace {
  id: string;
  name: string;
  headers: { authorization: string };
}

export async function createWorkspace(ctx: BenchContext, name: string): Promise<Workspace> {
  const created = await ctx.keys.createKey(name, ['read', 'write']);
  return { id: created.workspaceId, name, headers: { authorization: `Bearer ${created.key}` } };
}

/** A `distill worker` process; resolves once its generate and ingest workers are connected to Redis. */
export async function startWorker(
  ctx: BenchContext,
  name: string,
  env: Record<string, string>,
  options: { profile?: boolean; runtime?: Runtime } = {},
): Promise<Child> {
  const nodeFlags = options.profile && ctx.profileDir ? cpuProfileFlags(ctx.profileDir, name) : [];
  const child = startService(name, {
    role: 'worker',
    env: { ...ctx.serviceEnv, ...env },
    nodeFlags,
    runtime: options.runtime,
  });
  const before = {
    generate: await ctx.generateQueue.getWorkersCount(),
    ingest: await ctx.ingestQueue.getWorkersCount(),
  };
  await waitFor(
    `${name} to connect its workers`,
    async () => {
      if (child.exitCode !== undefined)
        throw new Error(`${name} exited (${child.exitCode}): ${child.output()}`);
      const generate = await ctx.generateQueue.getWorkersCount();
      const ingest = await ctx.ingestQueue.getWorkersCount();
      return generate > before.generate && ingest > before.ingest ? true : undefined;
    },
    60_000,
    100,
  );
  return child;
}

export interface JobTally {
  finished: number;
  completed: number;
  failed: number;
}

/** Waits until every job (knowledge_jobs or ingest_jobs rows, by ID) is COMPLETED or FAILED. */
export async function waitForJobs(
  ctx: BenchContext,
  table: 'knowledge_jobs' | 'ingest_jobs',
  ids: string[],
  timeoutMs: number,
  watch: Child[] = [],
  intervalMs = 100,
): Promise<JobTally> {
  return waitFor(
    `${ids.length} ${table} rows to finish`,
    async () => {
      for (const child of watch)
        if (child.exitCode !== undefined)
          throw new Error(`${child.name} exited (${child.exitCode}): ${child.output()}`);
      const { rows } = await ctx.pool.query<JobTally>(
        `SELECT count(*) FILTER (WHERE status IN ('COMPLETED', 'FAILED'))::int AS finished,
                count(*) FILTER (WHERE status = 'COMPLETED')::int AS completed,
                count(*) FILTER (WHERE status = 'FAILED')::int AS failed
           FROM ${table} WHERE id = ANY($1::uuid[])`,
        [ids],
      );
      const tally = rows[0]!;
      return tally.finished >= ids.length ? tally : undefined;
    },
    timeoutMs,
    intervalMs,
  );
}

/** The ingest job ids currently linked to these sources (the latest ingestion or refresh of each). */
export async function linkedIngestJobs(ctx: BenchContext, sourceIds: string[]): Promise<string[]> {
  const { rows } = await ctx.pool.query<{ id: string }>(
    'SELECT linked_job_id AS id FROM sources WHERE id = ANY($1::uuid[]) AND linked_job_id IS NOT NULL',
    [sourceIds],
  );
  if (rows.length !== sourceIds.length)
    throw new Error(`only ${rows.length} of ${sourceIds.length} sources have an ingestion job`);
  return rows.map((row) => row.id);
}

/** Adds the URLs as web sources through the route and waits for their ingestion; fails if any failed. */
export async function ingestUrls(
  ctx: BenchContext,
  workspace: Workspace,
  urls: string[],
  worker: Child,
  timeoutMs: number,
): Promise<string[]> {
  const ingested = await callJson<{ addedDocumentIds: string[] }>(`${ctx.api.url}/v2/documents/public`, {
    method: 'POST',
    headers: workspace.headers,
    body: { source: 'web', documentIdsToAdd: urls },
  });
  const sourceIds = ingested.addedDocumentIds;
  const jobIds = await linkedIngestJobs(ctx, sourceIds);
  const tally = await waitForJobs(ctx, 'ingest_jobs', jobIds, timeoutMs, [worker]);
  if (tally.failed > 0) throw new Error(`${tally.failed} of ${urls.length} pages failed to ingest`);
  return sourceIds;
}

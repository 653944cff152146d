// The job framework (src/lib/jobs): a queue defined on it — here a test-only `probe` queue over a tiny
// table this file creates — gets the reconciler, retries, permanent failures, rate limits, the "no row"
// drop and metrics with no code of its own beyond its definition.
import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { z } from 'zod';
import { createPool, type Pool } from '../src/lib/db.js';
import { defineJob, enqueueJobs, type JobAttempt } from '../src/lib/jobs/define-job.js';
import { JobError } from '../src/lib/jobs/job-error.js';
import { startJobWorkers, type JobWorkers } from '../src/lib/jobs/start-jobs.js';
import { createLogger } from '../src/lib/logger.js';
import { createMetrics, type Metrics } from '../src/lib/metrics.js';
import { closeQueue, createQueue } from '../src/lib/queues.js';
import { closeRedis, createProducerConnection, type Redis } from '../src/lib/redis.js';
import { createIsolatedDatabase } from './helpers/isolated-database.js';

const logger = createLogger('silent');
const QUEUE = `probe-${randomUUID().slice(0, 8)}`;

type Behaviour = 'ok' | 'flaky' | 'permanent' | 'always-failing' | 'rate-limited-once';

/** What the probe service saw: attempts per row, so a test can tell a retry from a fresh run. */
const seen = new Map<string, number>();

const probeJob = defineJob({
  name: QUEUE,
  table: 'probe_jobs',
  payloadSchema: z.object({ workspaceId: z.uuid(), probeJobId: z.uuid() }),
  rowId: (payload) => payload.probeJobId,
  fromRow: (row) => ({ workspaceId: row.workspaceId, probeJobId: row.id }),
  startColumns: 'id, attempts, behaviour',
  async run(payload, attempt: JobAttempt<{ id: string; attempts: number; behaviour: Behaviour }>) {
    seen.set(payload.probeJobId, (seen.get(payload.probeJobId) ?? 0) + 1);
    const { behaviour } = attempt.row;
    if (behaviour === 'permanent') throw JobError.permanent('the probe cannot succeed');
    if (behaviour === 'always-failing') throw new Error('probe backend down');
    if (behaviour === 'flaky' && attempt.number < 3) throw JobError.transient('probe timed out');
    if (behaviour === 'rate-limited-once' && seen.get(payload.probeJobId) === 1)
      throw new JobError('rate-limited', 'the probe backend is rate-limited', { retryAfterMs: 300 });
    await attempt.complete();
  },
  async onFailed(payload, message, tx) {
    await tx.query('UPDATE probe_jobs SET note = $2 WHERE id = $1', [
      payload.probeJobId,
      `onFailed: ${message}`,
    ]);
  },
});

let database: Awaited<ReturnType<typeof createIsolatedDatabase>>;
let pool: Pool;
let redis: Redis;
let queue: Queue;
let metrics: Metrics;
let started: JobWorkers;
const workspaceId = randomUUID();

beforeAll(async () => {
  database = await createIsolatedDatabase();
  pool = createPool(database.url, 10, logger);
  await pool.query(`CREATE TABLE probe_jobs (
    id uuid PRIMARY KEY, workspace_id uuid NOT NULL, behaviour text NOT NULL, note text,
    status text NOT NULL DEFAULT 'PENDING', error text, attempts integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(), started_at timestamptz, completed_at timestamptz,
    updated_at timestamptz NOT NULL DEFAULT now())`);
  redis = createProducerConnection(inject('redisUrl'), logger);
  const prefix = `test-${randomUUID().slice(0, 8)}`;
  queue = createQueue(QUEUE, redis, prefix, logger, { attempts: 3, backoff: { type: 'fixed', delay: 50 } });
  metrics = createMetrics({ queues: [queue], logger });
  started = startJobWorkers({
    jobs: [probeJob],
    context: {},
    pool,
    logger,
    metrics,
    queues: { [QUEUE]: queue },
    redisUrl: inject('redisUrl'),
    prefix,
    concurrency: 4,
    lockMs: 5_000,
    reconcile: { everyMs: 200, pendingAfterMs: 0 },
  });
});

afterAll(async () => {
  await started?.reconciler.stop();
  await Promise.all(started?.workers.map((worker) => worker.close()) ?? []);
  await queue?.obliterate({ force: true }).catch(() => undefined);
  if (queue) await closeQueue(queue, logger);
  if (redis) await closeRedis(redis);
  await pool?.end();
  await database?.drop();
});

async function insertProbe(behaviour: Behaviour): Promise<string> {
  const id = randomUUID();
  await pool.query('INSERT INTO probe_jobs (id, workspace_id, behaviour) VALUES ($1, $2, $3)', [
    id,
    workspaceId,
    behaviour,
  ]);
  return id;
}

async function probe(behaviour: Behaviour): Promise<string> {
  const id = await insertProbe(behaviour);
  expect(await enqueueJobs(probeJob, queue, [{ workspaceId, probeJobId: id }], logger)).toBe(true);
  return id;
}

async function finished(id: string) {
  type Row = { status: string; error: string | null; attempts: number; note: string | null };
  let row: Row | undefined;
  await expect
    .poll(
      async () => {
        ({
          rows: [row],
        } = await pool.query<Row>('SELECT status, error, attempts, note FROM probe_jobs WHERE id = $1', [
          id,
        ]));
        return row?.status;
      },
      { timeout: 15_000 },
    )
    .toMatch(/COMPLETED|FAILED/);
  return row!;
}

async function counter(outcome: string): Promise<number> {
  const metric = await metrics.jobs.get();
  return (
    metric.values.find((value) => value.labels.queue === QUEUE && value.labels.outcome === outcome)?.value ??
    0
  );
}

describe('a queue defined on the job framework', () => {
  it('completes a job and counts it', async () => {
    const id = await probe('ok');
    expect(await finished(id)).toMatchObject({ status: 'COMPLETED', error: null, attempts: 1 });
    expect(await counter('completed')).toBeGreaterThanOrEqual(1);
  });

  it('retries a transient failure, then completes', async () => {
    const id = await probe('flaky');
    expect(await finished(id)).toMatchObject({ status: 'COMPLETED', attempts: 3 });
    expect(seen.get(id)).toBe(3);
    expect(await counter('retried')).toBeGreaterThanOrEqual(2);
  });

  it('fails a permanent error at once, with onFailed in the same transaction', async () => {
    const id = await probe('permanent');
    expect(await finished(id)).toMatchObject({
      status: 'FAILED',
      attempts: 1,
      error: 'the probe cannot succeed',
      note: 'onFailed: the probe cannot succeed',
    });
    expect(seen.get(id)).toBe(1);
    expect(await counter('failed')).toBeGreaterThanOrEqual(1);
  });

  it('gives up on an unexpected error after the last attempt', async () => {
    const id = await probe('always-failing');
    const row = await finished(id);
    expect(row).toMatchObject({ status: 'FAILED', attempts: 3 });
    expect(row.error).toBe('gave up after 3 attempts: probe backend down');
    expect(seen.get(id)).toBe(3);
  });

  it('gives back a rate-limited attempt and runs the job after the pause', async () => {
    const id = await probe('rate-limited-once');
    expect(await finished(id)).toMatchObject({ status: 'COMPLETED', attempts: 1 });
    expect(seen.get(id)).toBe(2);
    expect(await counter('rate_limited')).toBeGreaterThanOrEqual(1);
  });

  it('the reconciler runs a committed row that never reached Redis', async () => {
    const id = await insertProbe('ok');
    expect(await finished(id)).toMatchObject({ status: 'COMPLETED', attempts: 1 });
    const readds = await metrics.reconcilerReadds.get();
    expect(readds.values.find((value) => value.labels.queue === QUEUE)?.value).toBeGreaterThanOrEqual(1);
  });

  it('drops a job whose row is not in this database, saying why', async () => {
    const id = randomUUID();
    await enqueueJobs(probeJob, queue, [{ workspaceId, probeJobId: id }], logger);
    await expect.poll(() => queue.getJobState(id), { timeout: 15_000 }).toBe('failed');
    const job = await queue.getJob(id);
    expect(job?.failedReason).toMatch(/no row .* in probe_jobs: .*another installation/);
    expect(job?.attemptsMade).toBe(1);
  });

  it('drops an invalid payload as permanent, naming the field', async () => {
    await queue.add(QUEUE, { workspaceId, probeJobId: 'not-a-uuid' }, { jobId: 'bad-payload' });
    await expect.poll(() => queue.getJobState('bad-payload'), { timeout: 15_000 }).toBe('failed');
    expect((await queue.getJob('bad-payload'))?.failedReason).toMatch(/invalid .* payload.*probeJobId/s);
  });
});

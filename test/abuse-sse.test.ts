// Job event streams hold a socket, a timer and listeners each: an API key may keep only
// SSE_MAX_STREAMS_PER_KEY open, the process SSE_MAX_STREAMS, and a stream ends after SSE_MAX_STREAM_MS so
// the client reconnects — resuming with Last-Event-ID — while /healthz keeps answering.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestContext, TestKey } from './helpers/app.js';
import { bulkGenerate, insertSource } from './helpers/generation.js';
import { HEALTHZ_MAX_GAP_MS, startAbuseApp, whilePolling } from './helpers/healthz-poller.js';

let ctx: TestContext;
let baseUrl: string;
beforeAll(async () => {
  // No workers: the jobs stay PENDING, so their streams stay open.
  ({ ctx, baseUrl } = await startAbuseApp({
    SSE_MAX_STREAMS_PER_KEY: '2',
    SSE_MAX_STREAMS: '3',
    SSE_MAX_STREAM_MS: '1500',
  }));
});
afterAll(() => ctx.close());

async function pendingJob(key: TestKey): Promise<string> {
  const source = await insertSource(ctx, key, {
    title: 'Gift cards',
    paragraphs: ['Gift cards never expire.'],
  });
  const [jobId] = await bulkGenerate(ctx, key, { documentIds: [source] });
  return jobId!;
}

interface OpenStream {
  status: number;
  body: string;
  close(): void;
}

async function open(key: TestKey, jobId: string, headers: Record<string, string> = {}): Promise<OpenStream> {
  const controller = new AbortController();
  const response = await fetch(`${baseUrl}/v2/knowledge/public/jobs/events?jobIds=${jobId}`, {
    headers: { ...key.header, ...headers },
    signal: controller.signal,
  });
  const body = response.status === 200 ? '' : await response.text();
  return { status: response.status, body, close: () => controller.abort() };
}

describe('job event streams', () => {
  it('answers 429 naming the per-key, then the per-process limit, and frees a slot when a stream closes', async () => {
    const a = await ctx.createKey();
    const b = await ctx.createKey();
    const jobA = await pendingJob(a);
    const jobB = await pendingJob(b);
    const { result: streams, healthz } = await whilePolling('abuse-sse caps', baseUrl, async () => {
      const mine = [await open(a, jobA), await open(a, jobA)];
      const thirdOfA = await open(a, jobA);
      const firstOfB = await open(b, jobB);
      const secondOfB = await open(b, jobB);
      return { mine, thirdOfA, firstOfB, secondOfB };
    });
    expect(streams.mine.map((stream) => stream.status)).toEqual([200, 200]);
    expect(streams.thirdOfA.status).toBe(429);
    expect(JSON.parse(streams.thirdOfA.body)).toMatchObject({
      code: 'RATE_LIMITED',
      message:
        'cannot open a job event stream: this API key already has 2 open event streams (job and batch streams count together), the most SSE_MAX_STREAMS_PER_KEY allows (2); close one, or watch more jobs per stream',
    });
    expect(streams.firstOfB.status).toBe(200);
    expect(streams.secondOfB.status).toBe(429);
    expect(JSON.parse(streams.secondOfB.body).message).toBe(
      'cannot open a job event stream: this server already has 3 open event streams (job and batch streams count together), the most SSE_MAX_STREAMS allows (3); try again later',
    );
    expect(healthz.maxGapMs).toBeLessThan(HEALTHZ_MAX_GAP_MS);

    streams.mine[0]!.close();
    await expect
      .poll(async () => {
        const retry = await open(a, jobA);
        retry.close();
        return retry.status;
      })
      .toBe(200);
    for (const stream of [...streams.mine, streams.firstOfB]) stream.close();
  });

  it('counts batch event streams against the same per-key budget as job event streams', async () => {
    const key = await ctx.createKey();
    const source = await insertSource(ctx, key, { title: 'Refunds', paragraphs: ['Refunds take 5 days.'] });
    const bulk = await ctx
      .http()
      .post('/v2/knowledge/public/bulk')
      .set(key.header)
      .send({ origin: 'sources', documentIds: [source] });
    expect(bulk.status).toBe(200);
    const jobId = (bulk.body as { jobs: { backgroundJobId: string }[] }).jobs[0]!.backgroundJobId;
    const openBatch = async () => {
      const controller = new AbortController();
      const response = await fetch(`${baseUrl}/v2/knowledge/public/batches/${bulk.body.batchId}/events`, {
        headers: key.header,
        signal: controller.signal,
      });
      const body = response.status === 200 ? '' : await response.text();
      return { status: response.status, body, close: () => controller.abort() };
    };
    const jobs = [await open(key, jobId), await open(key, jobId)];
    const refused = await openBatch();
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.body)).toMatchObject({
      code: 'RATE_LIMITED',
      message:
        'cannot open a batch event stream: this API key already has 2 open event streams (job and batch streams count together), the most SSE_MAX_STREAMS_PER_KEY allows (2); close one',
    });
    jobs[0]!.close();
    await expect
      .poll(async () => {
        const batch = await openBatch();
        batch.close();
        return batch.status;
      })
      .toBe(200);
    jobs[1]!.close();
  });

  it('ends a stream after its lifetime without "done", and a reconnect with Last-Event-ID resumes', async () => {
    const key = await ctx.createKey();
    const jobId = await pendingJob(key);
    const first = await fetch(`${baseUrl}/v2/knowledge/public/jobs/events?jobIds=${jobId}`, {
      headers: key.header,
    });
    const firstBody = await first.text();
    expect(firstBody).toContain(`id: ${jobId}:PENDING`);
    expect(firstBody).not.toContain('event: done');

    const resumed = await fetch(`${baseUrl}/v2/knowledge/public/jobs/events?jobIds=${jobId}`, {
      headers: { ...key.header, 'last-event-id': `${jobId}:PENDING` },
    });
    expect(resumed.status).toBe(200);
    // Nothing changed since the event the client saw: nothing is repeated.
    expect(await resumed.text()).not.toContain('event: job');
  });
});

// Batches (docs/api.md "Batches"): the bulk call's batchId, reading, listing, the jobs of a batch, retry of
// its failed jobs and its event stream, with the offline writer and real workers.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Batch } from '../src/generation/batches-schemas.js';
import { startTestApp, type TestContext, type TestKey } from './helpers/app.js';
import { bulkBatch, insertSource, jobStatuses, waitForJobs } from './helpers/generation.js';
import { knowledge } from './helpers/knowledge.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await startTestApp({ LLM_PROVIDER: 'offline' }, { workers: true });
});
afterAll(() => ctx.close());

const bulk = (key: TestKey, body: Record<string, unknown>) => bulkBatch(ctx, key, body);

async function getBatch(key: TestKey, id: string): Promise<Batch> {
  const response = await ctx.http().get(`/v2/knowledge/public/batches/${id}`).set(key.header);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body as Batch;
}

/** The test app on a real port, for a client that reads an event stream as it arrives. */
async function baseUrl(): Promise<string> {
  const server = ctx.app.server;
  if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const waitForBatch = async (key: TestKey, id: string): Promise<Batch> => {
  let batch: Batch | undefined;
  await expect
    .poll(
      async () => {
        batch = await getBatch(key, id);
        return batch.completedAt !== null;
      },
      { timeout: 30_000, interval: 100 },
    )
    .toBe(true);
  return batch!;
};

/** A workspace with a folder, two sources with content and one never ingested (its job fails). */
async function workspace() {
  const key = await ctx.createKey();
  await knowledge(ctx, key).folder('Help');
  const good = [
    await insertSource(ctx, key, {
      title: 'Delivery times',
      paragraphs: ['# Delivery times', 'Standard delivery takes 3 to 5 business days.'],
    }),
    await insertSource(ctx, key, {
      title: 'Gift cards',
      paragraphs: ['# Gift cards', 'Gift cards never expire and can be used on any order.'],
    }),
  ];
  const { rows } = await ctx.deps.pool.query<{ id: string }>(
    `INSERT INTO sources (workspace_id, source_type, external_id, original_url, title)
     VALUES ($1, 'web', $2, $2, 'Not ingested yet') RETURNING id`,
    [key.workspaceId, `https://docs.example.com/${randomUUID()}`],
  );
  return { key, good, empty: rows[0]!.id };
}

describe('batches', () => {
  it('makes every bulk call a batch and counts its jobs by status and operation once they finish', async () => {
    const { key, good, empty } = await workspace();
    const { jobs, batchId } = await bulk(key, {
      documentIds: [...good, empty],
      restrictedOps: ['ADD_ARTICLE_TO_FOLDER', 'DO_NOTHING'],
      instructions: 'Be brief.',
    });
    const statuses = await jobStatuses(
      ctx,
      key,
      jobs.map((job) => job.backgroundJobId),
    );
    expect(statuses.every((job) => job.batchId === batchId)).toBe(true);

    const batch = await waitForBatch(key, batchId);
    const finished = await waitForJobs(
      ctx,
      key,
      jobs.map((job) => job.backgroundJobId),
    );
    expect(batch).toMatchObject({
      id: batchId,
      status: 'COMPLETED',
      params: {
        restrictedOps: ['ADD_ARTICLE_TO_FOLDER', 'DO_NOTHING'],
        isDraft: true,
        botId: null,
        instructions: 'Be brief.',
      },
      counts: { total: 3, pending: 0, inProgress: 0, completed: 2, failed: 1, reused: 0 },
      drafts: 2,
    });
    expect(batch.operations.ADD_ARTICLE_TO_FOLDER + batch.operations.DO_NOTHING).toBe(2);
    expect(batch.operations.UPDATE_ARTICLE).toBe(0);
    const lastCompletion = finished
      .map((job) => job.completedAt!)
      .sort()
      .at(-1);
    expect(batch.completedAt).toBe(lastCompletion);
    const sum = (field: 'promptTokens' | 'completionTokens') =>
      finished.reduce((total, job) => total + job.usage[field], 0);
    expect(batch.usage.promptTokens).toBe(sum('promptTokens'));
    expect(batch.usage.completionTokens).toBe(sum('completionTokens'));
  });

  it('is PENDING before any job starts and FAILED when every job failed', async () => {
    const { key, empty } = await workspace();
    const queue = ctx.deps.queues.generate;
    await queue.pause();
    let batchId: string;
    try {
      ({ batchId } = await bulk(key, { documentIds: [empty] }));
      const pending = await getBatch(key, batchId);
      expect(pending).toMatchObject({
        status: 'PENDING',
        completedAt: null,
        counts: { total: 1, pending: 1 },
      });
    } finally {
      await queue.resume();
    }
    const failed = await waitForBatch(key, batchId);
    expect(failed).toMatchObject({ status: 'FAILED', counts: { total: 1, failed: 1 }, drafts: 0 });
  });

  it('lists the failures with their errors, and retries them into the same batch', async () => {
    const { key, good, empty } = await workspace();
    const { batchId } = await bulk(key, { documentIds: [good[0], empty] });
    await waitForBatch(key, batchId);

    const failures = await ctx
      .http()
      .get(`/v2/knowledge/public/batches/${batchId}/jobs?status=FAILED`)
      .set(key.header);
    expect(failures.status).toBe(200);
    expect(failures.body.hasMore).toBe(false);
    expect(failures.body.jobs).toHaveLength(1);
    expect(failures.body.jobs[0]).toMatchObject({ documentId: empty, jobStatus: 'FAILED', batchId });
    expect(failures.body.jobs[0].error).toMatch(/ingest it first/);

    // The page gets content; retrying re-runs only the failed job.
    await ctx.deps.pool.query(
      `UPDATE sources SET paragraphs = $2, content_hash = 'h-retry', success = true WHERE id = $1`,
      [empty, ['# Returns', 'Items can be returned within 14 days.']],
    );
    const retried = await ctx.http().post(`/v2/knowledge/public/batches/${batchId}/retry`).set(key.header);
    expect(retried.status, JSON.stringify(retried.body)).toBe(200);
    expect(retried.body.id).toBe(batchId);
    expect(retried.body.counts.failed).toBe(0);
    expect(retried.body.completedAt).toBeNull();
    const done = await waitForBatch(key, batchId);
    expect(done).toMatchObject({ status: 'COMPLETED', counts: { total: 2, completed: 2, failed: 0 } });

    const again = await ctx.http().post(`/v2/knowledge/public/batches/${batchId}/retry`).set(key.header);
    expect(again.status).toBe(409);
    expect(again.body.message).toBe(`batch ${batchId} has no failed jobs to retry`);
  });

  it('pages the jobs of a batch in input order', async () => {
    const { key, good, empty } = await workspace();
    const { jobs, batchId } = await bulk(key, { documentIds: [empty, good[1], good[0]] });
    const ids = jobs.map((job) => job.backgroundJobId);
    const first = await ctx
      .http()
      .get(`/v2/knowledge/public/batches/${batchId}/jobs?limit=2`)
      .set(key.header);
    expect(first.body.jobs.map((job: { id: string }) => job.id)).toEqual(ids.slice(0, 2));
    expect(first.body.hasMore).toBe(true);
    const second = await ctx
      .http()
      .get(`/v2/knowledge/public/batches/${batchId}/jobs?limit=2&cursor=${ids[1]}`)
      .set(key.header);
    expect(second.body.jobs.map((job: { id: string }) => job.id)).toEqual(ids.slice(2));
    expect(second.body.hasMore).toBe(false);
    const badCursor = await ctx
      .http()
      .get(`/v2/knowledge/public/batches/${batchId}/jobs?cursor=${randomUUID()}`)
      .set(key.header);
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.message).toBe('cursor is not a job of this batch');
    const badStatus = await ctx
      .http()
      .get(`/v2/knowledge/public/batches/${batchId}/jobs?status=DONE`)
      .set(key.header);
    expect(badStatus.status).toBe(400);
    expect(badStatus.body.message).toMatch(/^status /);
  });

  it('lists batches newest first with cursor paging', async () => {
    const { key, good } = await workspace();
    const made: string[] = [];
    for (let i = 0; i < 3; i++) made.push((await bulk(key, { documentIds: [good[0]] })).batchId);
    const first = await ctx.http().get('/v2/knowledge/public/batches?limit=2').set(key.header);
    expect(first.status).toBe(200);
    expect(first.body.batches.map((batch: Batch) => batch.id)).toEqual([made[2], made[1]]);
    expect(first.body.hasMore).toBe(true);
    const second = await ctx
      .http()
      .get(`/v2/knowledge/public/batches?limit=2&cursor=${made[1]}`)
      .set(key.header);
    expect(second.body.batches.map((batch: Batch) => batch.id)).toEqual([made[0]]);
    expect(second.body.hasMore).toBe(false);

    const bad = await ctx.http().get(`/v2/knowledge/public/batches?cursor=${randomUUID()}`).set(key.header);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe('cursor is not a batch of this workspace');
    const badLimit = await ctx.http().get('/v2/knowledge/public/batches?limit=0').set(key.header);
    expect(badLimit.status).toBe(400);
    expect(badLimit.body.message).toMatch(/^limit /);
  });

  it('streams the batch on every change until it is finished', async () => {
    const { key, good, empty } = await workspace();
    const queue = ctx.deps.queues.generate;
    await queue.pause();
    let text = '';
    let response: Response;
    try {
      const { batchId } = await bulk(key, { documentIds: [good[0], empty] });
      response = await fetch(`${await baseUrl()}/v2/knowledge/public/batches/${batchId}/events`, {
        headers: key.header,
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      // Jobs run only once the stream has sent the batch as it was before.
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      while (!text.includes('\n\n')) text += decoder.decode((await reader.read()).value);
      await queue.resume();
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
        text += decoder.decode(chunk.value);
      const events = text
        .split('\n\n')
        .filter((block) => block.startsWith('event:'))
        .map((block) => ({
          event: /^event: (.*)$/m.exec(block)![1],
          data: JSON.parse(/^data: (.*)$/m.exec(block)![1]!) as Partial<Batch>,
        }));
      expect(events[0]!.data.status).toBe('PENDING');
      expect(events.at(-1)!.event).toBe('done');
      const last = events.at(-2)!;
      expect(last.event).toBe('batch');
      expect(last.data).toMatchObject({
        id: batchId,
        status: 'COMPLETED',
        counts: { completed: 1, failed: 1 },
      });
      // Every event says something new.
      const bodies = events.map((event) => JSON.stringify(event.data));
      expect(new Set(bodies).size).toBe(bodies.length);
    } finally {
      await queue.resume();
    }
  });

  it('404 for an unknown batch, 400 for a malformed id, on every batch route', async () => {
    const { key } = await workspace();
    const unknown = randomUUID();
    for (const path of ['', '/jobs', '/events']) {
      const response = await ctx.http().get(`/v2/knowledge/public/batches/${unknown}${path}`).set(key.header);
      expect(response.status, path).toBe(404);
      expect(response.body.message).toBe(`batch ${unknown} not found`);
      const malformed = await ctx.http().get(`/v2/knowledge/public/batches/nope${path}`).set(key.header);
      expect(malformed.status, path).toBe(400);
      expect(malformed.body.message).toMatch(/^id /);
    }
    const retry = await ctx.http().post(`/v2/knowledge/public/batches/${unknown}/retry`).set(key.header);
    expect(retry.status).toBe(404);
  });

  it('reads need the read scope, retry needs write', async () => {
    const { key, empty } = await workspace();
    const { batchId } = await bulk(key, { documentIds: [empty] });
    await waitForBatch(key, batchId);
    const readOnly = await ctx.createKey({ workspaceName: key.workspaceName, scopes: ['read'] });
    const writeOnly = await ctx.createKey({ workspaceName: key.workspaceName, scopes: ['write'] });
    for (const path of ['', `/${batchId}`, `/${batchId}/jobs`, `/${batchId}/events`]) {
      const denied = await ctx.http().get(`/v2/knowledge/public/batches${path}`).set(writeOnly.header);
      expect(denied.status, path).toBe(403);
    }
    expect(
      (await ctx.http().get(`/v2/knowledge/public/batches/${batchId}`).set(readOnly.header)).status,
    ).toBe(200);
    const retry = await ctx.http().post(`/v2/knowledge/public/batches/${batchId}/retry`).set(readOnly.header);
    expect(retry.status).toBe(403);
    expect(
      (await ctx.http().get(`/v2/knowledge/public/batches/${batchId}`).set(readOnly.header)).body.counts
        .failed,
    ).toBe(1);
    const unauthenticated = await ctx.http().get(`/v2/knowledge/public/batches/${batchId}`);
    expect(unauthenticated.status).toBe(401);
  });
});

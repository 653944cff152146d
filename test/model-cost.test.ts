// Model cost (docs/api.md "Quotas"): the tree scaffold's model call goes through the generate queue's model
// limiter, and per-workspace quotas on queued jobs and daily model tokens answer 429 naming the quota.
// Workers are not started: jobs stay PENDING, which is what the queued-jobs quota counts.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobsRepo } from '../src/generation/jobs-repo.js';
import { startTestApp, type TestContext, type TestKey } from './helpers/app.js';
import { insertSource } from './helpers/generation.js';

const TREE = '/v2/knowledge/public/tree/initialize';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await startTestApp({
    LLM_PROVIDER: 'offline',
    LLM_MAX_RPM: '2',
    WORKSPACE_MAX_QUEUED_JOBS: '3',
    WORKSPACE_MAX_TOKENS_PER_DAY: '1000',
  });
});
afterAll(() => ctx.close());

const tree = (key: TestKey) =>
  ctx.http().post(TREE).set(key.header).send({ initPrompt: 'A help center for a bike shop.' });

async function sources(key: TestKey, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++)
    ids.push(await insertSource(ctx, key, { title: `Page ${i}`, paragraphs: [`# Page ${i}`, 'Text.'] }));
  return ids;
}

const bulk = (key: TestKey, documentIds: string[]) =>
  ctx.http().post('/v2/knowledge/public/bulk').set(key.header).send({ origin: 'sources', documentIds });

async function jobCount(workspaceId: string): Promise<number> {
  const { rows } = await ctx.deps.pool.query<{ count: number }>(
    'SELECT count(*)::int AS count FROM knowledge_jobs WHERE workspace_id = $1',
    [workspaceId],
  );
  return rows[0]!.count;
}

async function spend(workspaceId: string, tokens: number): Promise<void> {
  await ctx.deps.quotas.recordTokens(workspaceId, {
    promptTokens: tokens,
    completionTokens: 0,
    cachedTokens: 0,
  });
}

describe('tree/initialize and the model limiter', () => {
  it('counts against LLM_MAX_RPM with the generate queue, and answers 429 with Retry-After once it is full', async () => {
    const queue = ctx.deps.queues.generate;
    await queue.removeRateLimitKey();
    const key = await ctx.createKey();
    expect((await tree(key)).status).toBe(200);
    expect((await tree(key)).status).toBe(200);
    // BullMQ sees its own limiter full: the generate workers would wait too.
    expect(await queue.getRateLimitTtl(2)).toBeGreaterThan(0);
    const limited = await tree(key);
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ code: 'RATE_LIMITED' });
    expect(limited.body.message).toMatch(/^the model is at its call limit \(LLM_MAX_RPM/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    await queue.removeRateLimitKey();
    expect((await tree(key)).status).toBe(200);
    await queue.removeRateLimitKey();
  });

  it('holds while the model asked every worker to pause', async () => {
    const queue = ctx.deps.queues.generate;
    const key = await ctx.createKey();
    await queue.rateLimit(120_000);
    try {
      const paused = await tree(key);
      expect(paused.status).toBe(429);
      expect(Number(paused.headers['retry-after'])).toBeGreaterThan(100);
    } finally {
      await queue.removeRateLimitKey();
    }
  });
});

describe('WORKSPACE_MAX_QUEUED_JOBS', () => {
  it('refuses a bulk that would put the workspace past the limit, queueing none of it', async () => {
    const key = await ctx.createKey();
    const ids = await sources(key, 4);
    expect((await bulk(key, ids.slice(0, 2))).status).toBe(200);
    const refused = await bulk(key, ids.slice(2, 4));
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 'RATE_LIMITED' });
    expect(refused.body.message).toBe(
      'workspace quota WORKSPACE_MAX_QUEUED_JOBS exceeded: 2 jobs are pending or running and 2 more were asked for, the limit is 3; wait for some to finish',
    );
    expect(await jobCount(key.workspaceId)).toBe(2);
    const { rows } = await ctx.deps.pool.query('SELECT 1 FROM knowledge_batches WHERE workspace_id = $1', [
      key.workspaceId,
    ]);
    expect(rows).toHaveLength(1);
    // One more still fits; then the single-generate route is refused too.
    expect((await bulk(key, [ids[2]!])).status).toBe(200);
    const single = await ctx
      .http()
      .post('/v2/knowledge/public')
      .set(key.header)
      .send({ origin: 'generated', candidateKnowledge: 'Text.' });
    expect(single.status).toBe(429);
    expect(single.body.message).toMatch(/^workspace quota WORKSPACE_MAX_QUEUED_JOBS exceeded/);
  });

  it('is per workspace: another workspace queues as usual', async () => {
    const busy = await ctx.createKey();
    expect((await bulk(busy, await sources(busy, 3))).status).toBe(200);
    const other = await ctx.createKey();
    expect((await bulk(other, await sources(other, 3))).status).toBe(200);
  });

  it('admits finished jobs again: only pending and running ones count', async () => {
    const key = await ctx.createKey();
    const ids = await sources(key, 4);
    expect((await bulk(key, ids.slice(0, 3))).status).toBe(200);
    await ctx.deps.pool.query(
      "UPDATE knowledge_jobs SET status = 'COMPLETED', completed_at = now() WHERE workspace_id = $1",
      [key.workspaceId],
    );
    expect((await bulk(key, ids.slice(0, 3))).status).toBe(200);
  });
});

describe('WORKSPACE_MAX_TOKENS_PER_DAY', () => {
  it("adds every model call's tokens to the workspace's day", async () => {
    const key = await ctx.createKey();
    const jobId = randomUUID();
    const jobs = createJobsRepo(ctx.deps.pool);
    await jobs.insertMany(
      key.workspaceId,
      [{ id: jobId, sourceId: null, origin: 'generated', candidateKnowledge: 'Text.' }],
      { allowedOps: ['DO_NOTHING'], instructions: '', botId: null, isDraft: true, force: false },
    );
    await jobs.addUsage(jobId, { promptTokens: 300, completionTokens: 50, cachedTokens: 100 });
    await jobs.addUsage(jobId, { promptTokens: 200, completionTokens: 25, cachedTokens: 0 });
    const { rows } = await ctx.deps.pool.query<{ tokens: string }>(
      `SELECT sum(tokens) AS tokens FROM workspace_model_usage WHERE workspace_id = $1`,
      [key.workspaceId],
    );
    expect(rows.map((row) => Number(row.tokens))).toEqual([575]);
  });

  it('refuses new generation and the tree scaffold once the day is spent, naming the quota', async () => {
    const key = await ctx.createKey();
    const [id] = await sources(key, 1);
    await spend(key.workspaceId, 999);
    expect((await bulk(key, [id!])).status).toBe(200);
    await spend(key.workspaceId, 1);
    const refused = await bulk(key, [id!]);
    expect(refused.status).toBe(429);
    expect(refused.body.message).toBe(
      'workspace quota WORKSPACE_MAX_TOKENS_PER_DAY exceeded: 1000 model tokens spent today (UTC), the limit is 1000; try again tomorrow',
    );
    await ctx.deps.queues.generate.removeRateLimitKey();
    const scaffold = await tree(key);
    expect(scaffold.status).toBe(429);
    expect(scaffold.body.message).toMatch(/^workspace quota WORKSPACE_MAX_TOKENS_PER_DAY exceeded/);

    const other = await ctx.createKey();
    expect((await bulk(other, await sources(other, 1))).status).toBe(200);
  });

  it('counts only today: yesterday’s spending is not held against the workspace', async () => {
    const key = await ctx.createKey();
    await ctx.deps.pool.query(
      `INSERT INTO workspace_model_usage (workspace_id, day, tokens)
       VALUES ($1, (now() AT TIME ZONE 'UTC')::date - 1, 5000)`,
      [key.workspaceId],
    );
    expect((await bulk(key, await sources(key, 1))).status).toBe(200);
  });
});

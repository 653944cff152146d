// Model faults (the parts not in generation-pipeline.test.ts) and deletions while a job runs: a hung
// model call times out and the job is retried; a source or target article deleted mid-job ends the job
// FAILED with a clear reason, never a retry loop.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TestContext } from './helpers/app.js';
import { reply, type FakeOpenAI } from './helpers/fake-openai.js';
import { bulkGenerate, insertSource, jobStatuses, waitForJobs } from './helpers/generation.js';
import { knowledge } from './helpers/knowledge.js';
import { startModelTestApp, type ModelTestApp } from './helpers/model-app.js';

let fake: FakeOpenAI;
let ctx: TestContext;
let modelApp: ModelTestApp;
beforeAll(async () => {
  modelApp = await startModelTestApp({ env: { LLM_TIMEOUT_MS: '1000' } });
  ({ fake, ctx } = modelApp);
});
afterAll(() => modelApp.close());
beforeEach(() => fake.reset());

describe('model and deletion faults', () => {
  it('a model call that hangs times out; the job is retried and completes', { timeout: 60_000 }, async () => {
    const key = await ctx.createKey();
    await knowledge(ctx, key).folder('Help');
    const source = await insertSource(ctx, key, {
      title: 'Gift cards',
      paragraphs: ['Gift cards never expire.'],
    });
    // The SDK retries a timeout twice within the call; the third hang makes the attempt fail.
    fake.enqueue(reply.hang(), reply.hang(), reply.hang());
    const [job] = await waitForJobs(
      ctx,
      key,
      await bulkGenerate(ctx, key, { documentIds: [source] }),
      50_000,
    );
    expect(job).toMatchObject({ jobStatus: 'COMPLETED', attempts: 2 });
    expect(fake.calls).toBe(4);
  });

  it('the source deleted while its job waits on the model: FAILED with the reason, no article', async () => {
    const key = await ctx.createKey();
    await knowledge(ctx, key).folder('Help');
    const source = await insertSource(ctx, key, {
      title: 'Gift cards',
      paragraphs: ['Gift cards never expire.'],
    });
    fake.enqueue(reply.delayed(800, reply.auto()));
    const [jobId] = await bulkGenerate(ctx, key, { documentIds: [source] });
    await expect.poll(async () => (await jobStatuses(ctx, key, [jobId!]))[0]!.jobStatus).toBe('IN_PROGRESS');
    const deleted = await ctx
      .http()
      .delete('/v2/documents/public')
      .set(key.header)
      .send({ documentIds: [source] });
    expect(deleted.status).toBe(200);
    const [job] = await waitForJobs(ctx, key, [jobId!]);
    expect(job).toMatchObject({ jobStatus: 'FAILED', hcArticleId: null });
    expect(job!.error).toMatch(/deleted/);
    const { rows } = await ctx.deps.pool.query('SELECT 1 FROM articles WHERE background_job_id = $1', [
      jobId,
    ]);
    expect(rows).toHaveLength(0);
  });

  it('the target article deleted while its job waits on the model: FAILED with the reason', async () => {
    const key = await ctx.createKey();
    const kb = knowledge(ctx, key);
    const folder = await kb.folder('Help');
    const article = await kb.article(folder.id, {
      title: 'Gift cards',
      mainKnowledge: 'Gift cards expire after a year.',
    });
    const source = await insertSource(ctx, key, {
      title: 'Gift cards',
      paragraphs: ['Gift cards never expire.'],
      linkedKnowledgeId: article.id,
    });
    fake.enqueue(reply.delayed(800, reply.auto()));
    const [jobId] = await bulkGenerate(ctx, key, {
      documentIds: [source],
      restrictedOps: ['UPDATE_ARTICLE'],
    });
    await expect.poll(async () => (await jobStatuses(ctx, key, [jobId!]))[0]!.jobStatus).toBe('IN_PROGRESS');
    expect((await ctx.http().delete(`/v2/hc-articles/${article.id}/public`).set(key.header)).status).toBe(
      200,
    );
    const [job] = await waitForJobs(ctx, key, [jobId!]);
    expect(job).toMatchObject({ jobStatus: 'FAILED', attempts: 1 });
    expect(job!.error).toMatch(/could not apply the decision/);
  });
});

// The skip rule (docs/api.md "skipped"): a linked source whose content is what its live article was saved
// from needs no decision — no model call, no draft — unless `force`; with the openai writer against the
// fake model server, which counts the calls. The rerun over a changed knowledge base is in
// helpers/rerun-scenario.ts (the offline writer runs it in generation-skip-offline.test.ts).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Batch } from '../src/generation/batches-schemas.js';
import { asText, type TestContext, type TestKey } from './helpers/app.js';
import type { FakeOpenAI } from './helpers/fake-openai.js';
import type { Fixture } from './helpers/fixture-server.js';
import { bulkBatch, hashOf, insertSource, waitForJobs, type WireJob } from './helpers/generation.js';
import { knowledge, type WireArticle } from './helpers/knowledge.js';
import { countDrafts, expectRerun, rerunScenario } from './helpers/rerun-scenario.js';
import { startModelTestApp, type ModelSiteTestApp } from './helpers/model-app.js';

let fake: FakeOpenAI;
let site: Fixture;
let ctx: TestContext;
let modelApp: ModelSiteTestApp;
beforeAll(async () => {
  modelApp = await startModelTestApp({ env: { WORKER_CONCURRENCY: '4' }, site: true });
  ({ fake, site, ctx } = modelApp);
});
afterAll(() => modelApp.close());
beforeEach(() => fake.reset());

const PARAGRAPHS = ['# Refunds', 'You can request a refund within 30 days of purchase.'];

/** A live 'Refunds' article and a source linked to it, saved from `savedHash`. */
async function linkedSource(
  key: TestKey,
  options: { savedHash?: string | null; draft?: boolean } = {},
): Promise<{ sourceId: string; article: WireArticle }> {
  const kb = knowledge(ctx, key);
  const folder = await kb.folder('Billing');
  let article = await kb.article(folder.id, { title: 'Refunds', mainKnowledge: PARAGRAPHS[1] });
  if (options.draft) article = await kb.fork(article.id);
  const sourceId = await insertSource(ctx, key, {
    title: 'Refunds',
    paragraphs: PARAGRAPHS,
    linkedKnowledgeId: article.id,
    savedHash: options.savedHash === undefined ? hashOf(PARAGRAPHS) : options.savedHash,
  });
  return { sourceId, article };
}

async function generate(
  key: TestKey,
  body: Record<string, unknown>,
): Promise<{ job: WireJob; batch: Batch }> {
  const { jobs, batchId } = await bulkBatch(ctx, key, body);
  const [job] = await waitForJobs(ctx, key, [jobs[0]!.backgroundJobId]);
  const batch = await ctx.http().get(`/v2/knowledge/public/batches/${batchId}`).set(key.header);
  return { job: job!, batch: batch.body as Batch };
}

describe('skip rule', () => {
  it('completes an unchanged linked source DO_NOTHING of its article, without a model call or a draft', async () => {
    const key = await ctx.createKey();
    const { sourceId, article } = await linkedSource(key);
    const { job, batch } = await generate(key, { documentIds: [sourceId] });
    expect(fake.calls).toBe(0);
    expect(job).toMatchObject({
      jobStatus: 'COMPLETED',
      operation: 'DO_NOTHING',
      hcArticleId: article.id,
      reason: "unchanged since 'Refunds' was saved from it",
      skipped: true,
      reused: false,
    });
    expect(await countDrafts(ctx, key)).toBe(0);
    const one = await ctx.http().get(`/v2/knowledge/public/jobs/${job.id}`).set(key.header);
    expect(one.body).toMatchObject({ skipped: true, hcArticleId: article.id });
    expect(batch.counts).toMatchObject({ completed: 1, skipped: 1, reused: 0, calledModel: 0 });
    expect(batch.usage.modelCalls).toBe(0);
    expect(batch.operations.DO_NOTHING).toBe(1);
  });

  it('force: true decides anyway', async () => {
    const key = await ctx.createKey();
    const { sourceId } = await linkedSource(key);
    const { job, batch } = await generate(key, { documentIds: [sourceId], force: true });
    expect(fake.calls).toBe(1);
    expect(job).toMatchObject({ jobStatus: 'COMPLETED', skipped: false });
    expect(batch.counts).toMatchObject({ skipped: 0, calledModel: 1 });
    expect(batch.usage.modelCalls).toBe(1);
  });

  it('decides when the content changed since the save, was never saved, or backs only a draft', async () => {
    for (const options of [{ savedHash: hashOf(['older text']) }, { savedHash: null }, { draft: true }]) {
      const key = await ctx.createKey();
      const { sourceId } = await linkedSource(key, options);
      const before = fake.calls;
      const { job } = await generate(key, { documentIds: [sourceId] });
      expect(fake.calls - before, JSON.stringify(options)).toBe(1);
      expect(job).toMatchObject({ jobStatus: 'COMPLETED', skipped: false });
    }
  });

  it('decides once the linked article was deleted', async () => {
    const key = await ctx.createKey();
    const { sourceId, article } = await linkedSource(key);
    const deleted = await ctx.http().delete(`/v2/hc-articles/${article.id}/public`).set(key.header);
    expect(deleted.status, JSON.stringify(deleted.body)).toBeLessThan(300);
    const { job } = await generate(key, { documentIds: [sourceId] });
    expect(fake.calls).toBe(1);
    expect(job.skipped).toBe(false);
  });

  it('streams the skipped flag on jobs/events', async () => {
    const key = await ctx.createKey();
    const { sourceId } = await linkedSource(key);
    const queue = ctx.deps.queues.generate;
    await queue.pause();
    const { jobs } = await bulkBatch(ctx, key, { documentIds: [sourceId] });
    const streamed = ctx
      .http()
      .get(`/v2/knowledge/public/jobs/events?jobIds=${jobs[0]!.backgroundJobId}`)
      .set(key.header)
      .buffer(true)
      .parse(asText)
      .then((response) => response);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await queue.resume();
    const response = await streamed;
    const completed = (response.body as string)
      .split('\n\n')
      .map((block) => /^data: (.*)$/m.exec(block)?.[1])
      .filter((data): data is string => Boolean(data))
      .map((data) => JSON.parse(data) as Partial<WireJob>)
      .find((job) => job.jobStatus === 'COMPLETED');
    expect(completed).toMatchObject({ skipped: true, operation: 'DO_NOTHING' });
  });

  it('never reuses a rejected decision', async () => {
    const key = await ctx.createKey();
    await knowledge(ctx, key).folder('Help');
    const sourceId = await insertSource(ctx, key, {
      title: 'Gift cards',
      paragraphs: ['Gift cards never expire.'],
    });
    const { job: first } = await generate(key, { documentIds: [sourceId] });
    expect(first).toMatchObject({ operation: 'ADD_ARTICLE_TO_FOLDER', skipped: false });
    const reused = await generate(key, { documentIds: [sourceId] });
    expect(reused.job).toMatchObject({ reused: true, hcArticleId: first.hcArticleId });
    expect(fake.calls).toBe(1);
    const rejected = await ctx
      .http()
      .post(`/v2/hc-articles/${first.hcArticleId}/reject/public`)
      .set(key.header);
    expect(rejected.status).toBe(200);
    const { job: again, batch } = await generate(key, { documentIds: [sourceId] });
    expect(fake.calls).toBe(2);
    expect(again).toMatchObject({ reused: false, skipped: false, jobStatus: 'COMPLETED' });
    expect(batch.counts).toMatchObject({ reused: 0, calledModel: 1 });
  });
});

describe('rerun over unchanged linked sources after the knowledge base changed', () => {
  it('makes zero model calls without force, and one per source with force (openai writer)', async () => {
    const key = await ctx.createKey();
    const result = await rerunScenario(ctx, key, site, () => fake.calls);
    expectRerun(result);
    // The batch figures count what the fake model server saw.
    for (const run of [result.first, result.control, result.rerun, result.forced])
      expect(run.batch.usage.modelCalls).toBe(run.calls);
  });
});

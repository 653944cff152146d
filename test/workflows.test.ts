// The two workflows of the seed page and the README, end to end through the HTTP edge, with real
// ingestion from the fixture web site and the openai writer against the fake model server:
// first import (crawl → ingest → tree → bulk → review → publish) and the refresh workflow
// (refresh → changed=true → bulk UPDATE_ARTICLE → article updated in place, changed cleared).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { asText, type TestContext } from './helpers/app.js';
import { reply, type FakeOpenAI } from './helpers/fake-openai.js';
import { htmlPage, type Fixture } from './helpers/fixture-server.js';
import { bulkGenerate, waitForJobs } from './helpers/generation.js';
import { knowledge } from './helpers/knowledge.js';
import { getSource, ingest, waitForIngest, type WireSource } from './helpers/sources.js';
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

const refundPolicy = (days: number) =>
  htmlPage(
    'Refund policy',
    `<p>You can request a refund within ${days} days of purchase. Refunds go back to the original payment method.</p>
     <h2>How do I ask for a refund?</h2><p>Open Billing in the dashboard and choose Request refund.</p>`,
  );

async function ingestAll(key: Parameters<typeof ingest>[1], urls: string[]): Promise<WireSource[]> {
  const { addedDocumentIds } = await ingest(ctx, key, urls);
  return Promise.all(addedDocumentIds.map((id) => waitForIngest(ctx, key, id)));
}

describe('workflows', () => {
  it('first import: crawl, ingest, scaffold the tree, bulk generate drafts, review and publish', async () => {
    const key = await ctx.createKey();
    const kb = knowledge(ctx, key);
    site.setPage('/help/refunds', { body: refundPolicy(30), validators: true });
    site.setPage('/help/shipping', {
      body: htmlPage(
        'Shipping times',
        '<p>Orders ship within two business days and arrive in three to five days.</p>',
      ),
      validators: true,
    });
    site.setPage('/help', {
      body: htmlPage('Help', '<p>Start here.</p>', ['/help/refunds', '/help/shipping']),
      validators: true,
    });

    const crawl = await ctx
      .http()
      .post('/v2/documents/public/deep-crawl/links')
      .set(key.header)
      .send({ links: [site.url('/help')], limit: 20 });
    expect(crawl.status).toBe(200);
    const urls = (crawl.body.data as string[]).filter((url) => url.includes('/help/'));
    expect(urls).toEqual(expect.arrayContaining([site.url('/help/refunds'), site.url('/help/shipping')]));

    const sources = await ingestAll(key, [site.url('/help/refunds'), site.url('/help/shipping')]);
    expect(sources.map((source) => [source.linkedJobStatus, source.success])).toEqual([
      ['COMPLETED', true],
      ['COMPLETED', true],
    ]);

    const template = await ctx
      .http()
      .post('/v2/knowledge/public/tree/initialize')
      .set(key.header)
      .send({ initPrompt: 'A help center for an online store: billing and shipping.' })
      .buffer(true)
      .parse(asText);
    expect(template.status).toBe(200);
    const persisted = await ctx
      .http()
      .post('/v2/knowledge/public/tree/persist')
      .set(key.header)
      .attach('file', Buffer.from(template.body as string), 'tree.csv');
    expect(persisted.status, JSON.stringify(persisted.body)).toBe(200);

    // The fake model answers from the request: a new article in the first folder for each page.
    const callsBefore = fake.calls;
    const jobs = await waitForJobs(
      ctx,
      key,
      await bulkGenerate(ctx, key, { documentIds: sources.map((source) => source.id) }),
    );
    expect(jobs.map((job) => [job.jobStatus, job.operation])).toEqual([
      ['COMPLETED', 'ADD_ARTICLE_TO_FOLDER'],
      ['COMPLETED', 'ADD_ARTICLE_TO_FOLDER'],
    ]);
    expect(fake.calls - callsBefore).toBe(2);

    const drafts = await ctx.http().get('/v2/hc-articles/public?type=draft').set(key.header);
    const generated = (drafts.body.articles as { id: string; sourceDocumentId: string | null }[]).filter(
      (draft) => draft.sourceDocumentId,
    );
    expect(generated.map((draft) => draft.id).sort()).toEqual(jobs.map((job) => job.hcArticleId).sort());

    for (const job of jobs) expect((await kb.publish(job.hcArticleId!)).status).toBe(200);
    const linked = await Promise.all(sources.map((source) => getSource(ctx, key, source.id)));
    for (const source of linked) {
      expect(source.linkedKnowledgeId).not.toBeNull();
      expect(source.changed).toBe(false);
    }
    const live = await ctx.http().get('/v2/hc-articles/public?type=live').set(key.header);
    expect((live.body.articles as { id: string }[]).map((article) => article.id).sort()).toEqual(
      linked.map((source) => source.linkedKnowledgeId).sort(),
    );
  });

  it('refresh: a changed page is flagged, and a bulk UPDATE_ARTICLE rewrites the linked article in place', async () => {
    const key = await ctx.createKey();
    const kb = knowledge(ctx, key);
    site.setPage('/kb/refund-policy', { body: refundPolicy(30), validators: true });
    const [source] = await ingestAll(key, [site.url('/kb/refund-policy')]);

    // First import, saved live at once.
    const [created] = await waitForJobs(
      ctx,
      key,
      await bulkGenerate(ctx, key, { documentIds: [source!.id], isDraft: false }),
    );
    expect(created).toMatchObject({ jobStatus: 'COMPLETED', operation: 'ADD_ARTICLE_TO_FOLDER' });
    const articleId = created!.hcArticleId!;
    expect(await getSource(ctx, key, source!.id)).toMatchObject({
      linkedKnowledgeId: articleId,
      changed: false,
    });

    // 1. Refresh with nothing changed: a 304, still unchanged.
    const refreshOf = async () => {
      const before = (await getSource(ctx, key, source!.id)).linkedJobId;
      const response = await ctx
        .http()
        .post('/v2/documents/public/refresh')
        .set(key.header)
        .send({ documentIds: [source!.id] });
      expect(response.status).toBe(200);
      expect(response.body).toEqual([source!.id]);
      expect((await getSource(ctx, key, source!.id)).linkedJobId).not.toBe(before);
      return waitForIngest(ctx, key, source!.id);
    };
    expect((await refreshOf()).changed).toBe(false);

    // 2. The page changes upstream; refresh until COMPLETED; the source is flagged changed.
    site.setPage('/kb/refund-policy', { body: refundPolicy(14), validators: true });
    const refreshed = await refreshOf();
    expect(refreshed).toMatchObject({ linkedJobStatus: 'COMPLETED', changed: true });
    expect(refreshed.paragraphs.join(' ')).toContain('14 days');
    expect(refreshed.oldParagraphs.join(' ')).toContain('30 days');

    // 3. List the changed web sources that back knowledge.
    const changed = await ctx.http().get('/v2/documents/public?changed=true&source=web').set(key.header);
    expect((changed.body.documents as WireSource[]).map((doc) => doc.id)).toEqual([source!.id]);

    // 4. Bulk generate for them, only allowed to update, drafts for review first.
    fake.enqueue(
      reply.json({
        operation: 'UPDATE_ARTICLE',
        targetArticleId: 'C1',
        parentFolderId: null,
        article: {
          title: 'Refund policy',
          mainKnowledge: 'You can request a refund within 14 days of purchase.',
          agentInstruction: 'Answer refund questions from this article.',
          questions: ['How long do I have to ask for a refund?'],
          keywords: ['refund', 'policy'],
          escalation: false,
        },
        reason: 'The refund window changed from 30 to 14 days.',
      }),
    );
    const [update] = await waitForJobs(
      ctx,
      key,
      await bulkGenerate(ctx, key, { documentIds: [source!.id], restrictedOps: ['UPDATE_ARTICLE'] }),
    );
    expect(update).toMatchObject({ jobStatus: 'COMPLETED', operation: 'UPDATE_ARTICLE', isDraft: true });
    expect(fake.requests.at(-1)!.body.response_format.json_schema.schema.properties.operation.enum).toEqual([
      'UPDATE_ARTICLE',
    ]);
    const draft = (await kb.get(update!.hcArticleId!))!;
    expect(draft).toMatchObject({
      originalArticleId: articleId,
      operation: 'UPDATE_ARTICLE',
      linkedReason: 'The refund window changed from 30 to 14 days.',
    });
    // Until the draft is published, live knowledge and the flag stay as they were.
    expect((await kb.get(articleId))!.version).toBe(1);
    expect((await getSource(ctx, key, source!.id)).changed).toBe(true);

    // 5. Publish: the article is updated in place and the source-backed save clears `changed`.
    const published = await kb.publish(draft.id);
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({
      id: articleId,
      version: 2,
      mainKnowledge: 'You can request a refund within 14 days of purchase.',
    });
    expect(await getSource(ctx, key, source!.id)).toMatchObject({
      changed: false,
      linkedKnowledgeId: articleId,
      linkedOperation: 'UPDATE_ARTICLE',
    });
    const stillChanged = await ctx.http().get('/v2/documents/public?changed=true&source=web').set(key.header);
    expect(stillChanged.body.documents).toEqual([]);
  });

  it('refresh, saved live at once: isDraft false updates the article in place and clears `changed`', async () => {
    const key = await ctx.createKey();
    const kb = knowledge(ctx, key);
    site.setPage('/live/refund-policy', { body: refundPolicy(30), validators: true });
    const [source] = await ingestAll(key, [site.url('/live/refund-policy')]);
    const [created] = await waitForJobs(
      ctx,
      key,
      await bulkGenerate(ctx, key, { documentIds: [source!.id], isDraft: false }),
    );
    site.setPage('/live/refund-policy', { body: refundPolicy(7), validators: true });
    await ctx
      .http()
      .post('/v2/documents/public/refresh')
      .set(key.header)
      .send({ documentIds: [source!.id] })
      .expect(200);
    await expect
      .poll(async () => (await getSource(ctx, key, source!.id)).changed, { timeout: 20_000 })
      .toBe(true);

    const [update] = await waitForJobs(
      ctx,
      key,
      await bulkGenerate(ctx, key, {
        documentIds: [source!.id],
        restrictedOps: ['UPDATE_ARTICLE'],
        isDraft: false,
      }),
    );
    expect(update).toMatchObject({
      jobStatus: 'COMPLETED',
      operation: 'UPDATE_ARTICLE',
      hcArticleId: created!.hcArticleId,
    });
    const article = (await kb.get(created!.hcArticleId!))!;
    expect(article.version).toBe(2);
    expect(article.mainKnowledge).toContain('7 days');
    expect(await getSource(ctx, key, source!.id)).toMatchObject({ changed: false });
  });
});

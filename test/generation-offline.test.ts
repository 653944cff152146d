// The offline writer (the default with no model configured) through the real pipeline: it must pick
// sensible operations, since a first `npm start` runs on it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestContext } from './helpers/app.js';
import {
  bulkGenerate,
  getSource,
  insertRefundSources,
  insertSource,
  REFUND_ARTICLE_BODY,
  waitForJobs,
} from './helpers/generation.js';
import { knowledge } from './helpers/knowledge.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await startTestApp({ LLM_PROVIDER: 'offline' }, { workers: true });
});
afterAll(() => ctx.close());

describe('offline writer in the pipeline', () => {
  it('adds a new topic, does nothing for a page an article already says, and updates the linked article of a revised page', async () => {
    const key = await ctx.createKey();
    const kb = knowledge(ctx, key);
    const billing = await kb.folder('Billing');
    const shipping = await kb.folder('Shipping');
    const refund = await kb.article(billing.id, REFUND_ARTICLE_BODY);

    const newTopic = await insertSource(ctx, key, {
      title: 'Delivery times',
      paragraphs: [
        '# Delivery times',
        'Standard shipping delivery takes 3 to 5 business days.',
        '## Express shipping',
        'Express delivery arrives next day.',
      ],
    });
    const { sameContent, revised } = await insertRefundSources(ctx, key, refund.id);

    const jobs = await waitForJobs(
      ctx,
      key,
      await bulkGenerate(ctx, key, { documentIds: [newTopic, sameContent, revised] }),
    );
    expect(jobs.map((job) => [job.jobStatus, job.operation])).toEqual([
      ['COMPLETED', 'ADD_ARTICLE_TO_FOLDER'],
      ['COMPLETED', 'DO_NOTHING'],
      ['COMPLETED', 'UPDATE_ARTICLE'],
    ]);
    expect(jobs.every((job) => job.usage.promptTokens === 0)).toBe(true);

    const added = (await kb.get(jobs[0]!.hcArticleId!))!;
    expect(added).toMatchObject({ isDraft: true, parentFolderId: shipping.id, title: 'Delivery times' });
    expect(added.questions.length).toBeGreaterThan(0);
    expect(added.keywords.length).toBeGreaterThan(0);
    const update = (await kb.get(jobs[2]!.hcArticleId!))!;
    expect(update).toMatchObject({ originalArticleId: refund.id });
    expect(update.mainKnowledge).toContain('14 days');

    // Publishing the update performs the source-backed save: the revised source is no longer "changed".
    expect((await kb.publish(update.id)).status).toBe(200);
    expect(await getSource(ctx, revised)).toMatchObject({ changed: false, linkedKnowledgeId: refund.id });
    expect((await kb.get(refund.id))!).toMatchObject({ version: 2 });
  });

  it("chooses a new article's folder by what each folder holds and by the page's breadcrumb", async () => {
    const key = await ctx.createKey();
    const kb = knowledge(ctx, key);
    // Folder titles that say little: only what they hold, or the page's trail, tells them apart.
    const apps = await kb.folder('Apps');
    const money = await kb.folder('Money');
    await kb.article(apps.id, {
      title: 'Connect Slack',
      mainKnowledge:
        'Send notifications to a Slack channel: open Integrations and click Connect next to Slack.',
      questions: ['How do I connect Slack?'],
      keywords: ['slack', 'integration', 'notifications', 'channel'],
    });
    const teams = await insertSource(ctx, key, {
      title: 'Connect Microsoft Teams',
      paragraphs: [
        '# Connect Microsoft Teams',
        'Send notifications to a Microsoft Teams channel: open Integrations and click Connect next to Microsoft Teams.',
      ],
    });
    const invoices = await insertSource(ctx, key, {
      title: 'Where to find receipts',
      url: 'https://help.example.com/hc/articles/receipts',
      paragraphs: [
        '# Where to find receipts',
        'Every card payment sends a receipt to the billing email address.',
      ],
    });
    await ctx.deps.pool.query(`UPDATE sources SET breadcrumb = '{Help Center,Money}' WHERE id = $1`, [
      invoices,
    ]);

    const jobs = await waitForJobs(
      ctx,
      key,
      await bulkGenerate(ctx, key, { documentIds: [teams, invoices] }),
    );
    expect(jobs.map((job) => [job.jobStatus, job.operation])).toEqual([
      ['COMPLETED', 'ADD_ARTICLE_TO_FOLDER'],
      ['COMPLETED', 'ADD_ARTICLE_TO_FOLDER'],
    ]);
    expect((await kb.get(jobs[0]!.hcArticleId!))!).toMatchObject({ parentFolderId: apps.id });
    expect((await kb.get(jobs[1]!.hcArticleId!))!).toMatchObject({ parentFolderId: money.id });
    expect(jobs[1]!.reason).toMatch(/breadcrumb or address names it/);
  });
});

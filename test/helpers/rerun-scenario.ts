// The rerun of the skip rule, for any writer: ingest pages from the fixture site, bulk generate, publish
// every draft, change the knowledge base so every decision key changes, then bulk again — without force
// (nothing is decided again) and with force (everything is). Each run's model calls are returned for the
// caller to check: `calls()` is how the caller counts them (the fake model server, or the batch figures).
import { expect } from 'vitest';
import type { Batch } from '../../src/generation/batches-schemas.js';
import type { TestContext, TestKey } from './app.js';
import type { Fixture } from './fixture-server.js';
import { htmlPage } from './fixture-server.js';
import { bulkBatch, waitForJobs, type WireJob } from './generation.js';
import { knowledge } from './knowledge.js';
import { ingest, waitForIngest } from './sources.js';

export const PAGES = [
  ['Refunds', 'You can request a refund within 30 days of purchase from the Billing page.'],
  ['Shipping times', 'Orders ship within two business days and arrive in three to five days.'],
  ['Resetting your password', 'Choose Forgot password on the sign-in page and follow the emailed link.'],
  ['Exporting invoices', 'Invoices can be downloaded as PDF or CSV from Settings, then Invoices.'],
] as const;

export interface RunResult {
  jobs: WireJob[];
  batch: Batch;
  calls: number;
}

export interface RerunResult {
  first: RunResult;
  /** A bulk over the one page whose draft stayed unpublished: shows that every decision key changed. */
  control: RunResult;
  rerun: RunResult;
  forced: RunResult;
  /** Draft articles before and after the rerun without force. */
  drafts: { beforeRerun: number; afterRerun: number };
  articleIds: string[];
}

/** Draft articles of the workspace (published and rejected ones included). */
export async function countDrafts(ctx: TestContext, key: TestKey): Promise<number> {
  const { rows } = await ctx.deps.pool.query<{ count: number }>(
    'SELECT count(*)::int AS count FROM articles WHERE workspace_id = $1 AND is_draft',
    [key.workspaceId],
  );
  return rows[0]!.count;
}

export async function rerunScenario(
  ctx: TestContext,
  key: TestKey,
  site: Fixture,
  calls: () => number,
): Promise<RerunResult> {
  const kb = knowledge(ctx, key);
  const prefix = `/rerun-${key.workspaceId.slice(0, 8)}`;
  const control = ['Gift wrapping', 'Gift wrapping costs 3 dollars per item and is chosen at checkout.'];
  const urls = [...PAGES, control].map(([title, text]) => {
    const path = `${prefix}/${title.toLowerCase().replace(/\s+/g, '-')}`;
    site.setPage(path, { body: htmlPage(title, `<p>${text}</p>`) });
    return site.url(path);
  });
  const { addedDocumentIds } = await ingest(ctx, key, urls);
  const sources = await Promise.all(addedDocumentIds.map((id) => waitForIngest(ctx, key, id)));
  expect(sources.map((source) => source.success)).toEqual(urls.map(() => true));
  const linkedIds = sources.slice(0, PAGES.length).map((source) => source.id);
  const controlId = sources.at(-1)!.id;
  await kb.folder('Help');

  const run = async (documentIds: string[], force = false): Promise<RunResult> => {
    const before = calls();
    const { jobs, batchId } = await bulkBatch(ctx, key, { documentIds, force });
    const finished = await waitForJobs(
      ctx,
      key,
      jobs.map((job) => job.backgroundJobId),
    );
    const batch = await ctx.http().get(`/v2/knowledge/public/batches/${batchId}`).set(key.header);
    expect(batch.status).toBe(200);
    return { jobs: finished, batch: batch.body as Batch, calls: calls() - before };
  };

  const first = await run([...linkedIds, controlId]);
  for (const job of first.jobs.slice(0, PAGES.length)) {
    expect(job).toMatchObject({ jobStatus: 'COMPLETED', operation: 'ADD_ARTICLE_TO_FOLDER' });
    expect((await kb.publish(job.hcArticleId!)).status).toBe(200);
  }
  const live = await Promise.all(
    linkedIds.map(async (id) => {
      const response = await ctx.http().get(`/v2/documents/public/${id}`).set(key.header);
      return response.body as { linkedKnowledgeId: string | null; changed: boolean };
    }),
  );
  const articleIds = live.map((source) => source.linkedKnowledgeId!);
  expect(articleIds.every(Boolean)).toBe(true);

  // The knowledge base changes: a new folder (every decision key lists the folders), a new article, and
  // an edit of one of the generated articles.
  const giftCards = await kb.folder('Gift cards');
  await kb.article(giftCards.id, {
    title: 'Buying gift cards',
    mainKnowledge: 'Gift cards are sold in amounts from 10 to 500 dollars and never expire.',
    keywords: ['gift', 'cards'],
  });
  const edited = (await kb.get(articleIds[0]!))!;
  await kb.update(edited.id, {
    title: edited.title,
    mainKnowledge: `${edited.mainKnowledge} Refunds for gift cards are not possible.`,
    agentInstruction: edited.agentInstruction,
    questions: edited.questions,
    keywords: [...edited.keywords, 'edited'],
    escalation: edited.escalation,
  });

  const controlRun = await run([controlId]);
  const beforeRerun = await countDrafts(ctx, key);
  const rerun = await run(linkedIds);
  const afterRerun = await countDrafts(ctx, key);
  const forced = await run(linkedIds, true);
  return {
    first,
    control: controlRun,
    rerun,
    forced,
    drafts: { beforeRerun, afterRerun },
    articleIds,
  };
}

/** The checks both writers' rerun tests share. */
export function expectRerun(result: RerunResult): void {
  const n = PAGES.length;
  expect(result.first.calls).toBe(n + 1);
  // The control page's earlier decision is not reused: the knowledge base change altered its key.
  expect(result.control.calls).toBe(1);
  expect(result.control.jobs[0]).toMatchObject({ reused: false, skipped: false });

  expect(result.rerun.calls).toBe(0);
  expect(
    result.rerun.jobs.map((job) => [job.jobStatus, job.operation, job.skipped, job.reused, job.hcArticleId]),
  ).toEqual(result.articleIds.map((id) => ['COMPLETED', 'DO_NOTHING', true, false, id]));
  expect(result.drafts.afterRerun).toBe(result.drafts.beforeRerun);
  expect(result.rerun.batch.counts).toMatchObject({ total: n, completed: n, skipped: n, calledModel: 0 });
  expect(result.rerun.batch.usage.modelCalls).toBe(0);
  expect(result.rerun.batch.drafts).toBe(0);

  expect(result.forced.calls).toBe(n);
  expect(result.forced.jobs.every((job) => job.jobStatus === 'COMPLETED' && !job.skipped)).toBe(true);
  expect(result.forced.batch.counts).toMatchObject({ skipped: 0, calledModel: n });
  expect(result.forced.batch.usage.modelCalls).toBe(n);
}

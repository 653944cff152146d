// Reviewing generated drafts (docs/api.md "Reject a draft", "Review queue"): reject, and the queue of drafts
// awaiting review with its filters and counts, on drafts the offline writer makes through real workers.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReviewItem } from '../src/knowledge/articles-schemas.js';
import { startTestApp, type TestContext, type TestKey } from './helpers/app.js';
import {
  bulkBatch,
  getSource,
  insertRefundSources,
  insertSource,
  REFUND_ARTICLE_BODY,
  waitForJobs,
  type WireJob,
} from './helpers/generation.js';
import { contentOfArticle, knowledge, type WireArticle } from './helpers/knowledge.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await startTestApp({ LLM_PROVIDER: 'offline' }, { workers: true });
});
afterAll(() => ctx.close());

async function bulk(key: TestKey, documentIds: string[]): Promise<{ jobs: WireJob[]; batchId: string }> {
  const { jobs, batchId } = await bulkBatch(ctx, key, { documentIds });
  return {
    jobs: await waitForJobs(
      ctx,
      key,
      jobs.map((job) => job.backgroundJobId),
    ),
    batchId,
  };
}

/**
 * A workspace with a live refund article (in Billing › Refunds) and three sources the offline writer
 * answers with an add (to Shipping), a no-op, and an update of the refund article.
 */
async function workspace() {
  const key = await ctx.createKey();
  const kb = knowledge(ctx, key);
  const billing = await kb.folder('Billing');
  const refunds = await kb.folder('Refunds', billing.id);
  const shipping = await kb.folder('Shipping');
  const refund = await kb.article(refunds.id, REFUND_ARTICLE_BODY);
  const newTopic = await insertSource(ctx, key, {
    title: 'Delivery times',
    paragraphs: ['# Delivery times', 'Standard shipping delivery takes 3 to 5 business days.'],
  });
  const { sameContent, revised } = await insertRefundSources(ctx, key, refund.id);
  return { key, kb, billing, refunds, shipping, refund, sources: { newTopic, sameContent, revised } };
}

const reject = (key: TestKey, id: string, body?: object) => {
  const request = ctx.http().post(`/v2/hc-articles/${id}/reject/public`).set(key.header);
  return body ? request.send(body) : request;
};

async function queue(key: TestKey, query = '') {
  const response = await ctx.http().get(`/v2/hc-articles/review/public${query}`).set(key.header);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body as {
    drafts: ReviewItem[];
    hasMore: boolean;
    counts: Record<'total' | 'ADD_ARTICLE_TO_FOLDER' | 'UPDATE_ARTICLE' | 'DO_NOTHING', number>;
  };
}

async function draftList(key: TestKey): Promise<string[]> {
  const response = await ctx.http().get('/v2/hc-articles/public?type=draft&limit=200').set(key.header);
  return (response.body.articles as WireArticle[]).map((article) => article.id);
}

describe('POST /v2/hc-articles/:id/reject/public', () => {
  it('takes the draft out of review, leaving live knowledge and the source as they were', async () => {
    const { key, kb, refund, sources } = await workspace();
    const { jobs } = await bulk(key, [sources.revised]);
    const draftId = jobs[0]!.hcArticleId!;
    expect(jobs[0]!.operation).toBe('UPDATE_ARTICLE');
    expect(await draftList(key)).toContain(draftId);

    const response = await reject(key, draftId, { reason: 'Wrong refund window' });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toMatchObject({
      id: draftId,
      isDraft: true,
      isDraftPublished: false,
      rejectReason: 'Wrong refund window',
    });
    expect(Date.parse(response.body.rejectedAt as string)).not.toBeNaN();

    expect(await draftList(key)).not.toContain(draftId);
    expect((await queue(key)).drafts.map((draft) => draft.id)).not.toContain(draftId);
    expect(await kb.get(refund.id)).toMatchObject({ version: 1, mainKnowledge: refund.mainKnowledge });
    expect(await getSource(ctx, sources.revised)).toMatchObject({
      changed: true,
      linkedKnowledgeId: refund.id,
    });
    // Still readable by id, with the rejection on it.
    expect(await kb.get(draftId)).toMatchObject({ rejectReason: 'Wrong refund window' });
  });

  it('makes the next identical run decide anew instead of reusing the rejected decision', async () => {
    const { key, sources } = await workspace();
    const first = (await bulk(key, [sources.newTopic])).jobs[0]!;
    const reused = (await bulk(key, [sources.newTopic])).jobs[0]!;
    // Before the reject an identical run reuses the decision and points at the draft waiting for review.
    expect(reused).toMatchObject({ reused: true, hcArticleId: first.hcArticleId });

    expect((await reject(key, first.hcArticleId!)).status).toBe(200);
    const after = (await bulk(key, [sources.newTopic])).jobs[0]!;
    expect(after).toMatchObject({
      jobStatus: 'COMPLETED',
      reused: false,
      operation: 'ADD_ARTICLE_TO_FOLDER',
    });
    expect(after.hcArticleId).not.toBe(first.hcArticleId);
    expect((await queue(key)).drafts.map((draft) => draft.id)).toEqual([after.hcArticleId]);
  });

  it('answers 400 for a live article, 409 for a published or rejected draft, 404 for an unknown id', async () => {
    const { key, kb, refund, refunds } = await workspace();
    const live = await reject(key, refund.id);
    expect(live.status).toBe(400);
    expect(live.body.message).toBe(`article ${refund.id} is live, not a draft; only drafts can be rejected`);

    const published = await kb.article(refunds.id, { isDraft: true, title: 'Exchange policy' });
    expect((await kb.publish(published.id)).status).toBe(200);
    const late = await reject(key, published.id);
    expect(late.status).toBe(409);
    expect(late.body.message).toBe(
      `draft ${published.id} was already published; it can no longer be rejected`,
    );

    const draft = await kb.fork(refund.id);
    expect((await reject(key, draft.id, { reason: 'No' })).status).toBe(200);
    const twice = await reject(key, draft.id);
    expect(twice.status).toBe(409);
    expect(twice.body.message).toMatch(new RegExp(`^draft ${draft.id} was rejected \\(No\\)`));
    // Rejected means out of review for good: neither published nor edited.
    expect((await kb.publish(draft.id)).status).toBe(409);
    const edit = await ctx
      .http()
      .put(`/v2/hc-articles/${draft.id}/public`)
      .set(key.header)
      .send({ ...contentOfArticle(refund), title: 'Edited' });
    expect(edit.status).toBe(409);
    expect((await kb.get(refund.id))!.version).toBe(1);

    const unknown = randomUUID();
    const missing = await reject(key, unknown);
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe(`draft ${unknown} not found`);
    expect((await reject(key, 'nope')).status).toBe(400);
    const long = await reject(key, draft.id, { reason: 'x'.repeat(2001) });
    expect(long.status).toBe(400);
    expect(long.body.message).toMatch(/^reason /);
  });

  it('needs the write scope', async () => {
    const { key, kb, refund } = await workspace();
    const draft = await kb.fork(refund.id);
    const readOnly = await ctx.createKey({ workspaceName: key.workspaceName, scopes: ['read'] });
    expect((await reject(readOnly, draft.id)).status).toBe(403);
    expect((await ctx.http().post(`/v2/hc-articles/${draft.id}/reject/public`)).status).toBe(401);
    expect(await draftList(key)).toContain(draft.id);
  });
});

describe('GET /v2/hc-articles/review/public', () => {
  it('lists the drafts awaiting review, newest first, with what a queue row shows', async () => {
    const { key, kb, refund, refunds, shipping, billing, sources } = await workspace();
    const { jobs, batchId } = await bulk(key, [sources.newTopic, sources.sameContent, sources.revised]);
    expect(jobs.map((job) => job.operation)).toEqual([
      'ADD_ARTICLE_TO_FOLDER',
      'DO_NOTHING',
      'UPDATE_ARTICLE',
    ]);
    const [added, noOp, update] = jobs.map((job) => job.hcArticleId!) as [string, string, string];
    // Out of the queue: a published draft, a rejected one, and live articles.
    const handDraft = await kb.fork(refund.id, { title: 'Hand edit' });
    const published = await kb.article(refunds.id, { isDraft: true, title: 'Published one' });
    await kb.publish(published.id);
    const rejected = await kb.fork(refund.id);
    await reject(key, rejected.id);

    const answer = await queue(key);
    expect(answer.hasMore).toBe(false);
    expect(answer.counts).toEqual({ total: 4, ADD_ARTICLE_TO_FOLDER: 1, UPDATE_ARTICLE: 1, DO_NOTHING: 1 });
    const rows = answer.drafts;
    // The hand fork was made last; the three generated drafts before it.
    expect(rows[0]!.id).toBe(handDraft.id);
    expect(
      rows
        .slice(1)
        .map((row) => row.id)
        .sort(),
    ).toEqual([added, noOp, update].sort());
    const createdAt = rows.map((row) => row.createdAt);
    expect(createdAt).toEqual([...createdAt].sort().reverse());

    const byId = new Map(rows.map((row) => [row.id, row]));
    expect(byId.get(added)).toMatchObject({
      operation: 'ADD_ARTICLE_TO_FOLDER',
      title: 'Delivery times',
      parentFolderId: shipping.id,
      folderPath: ['Shipping'],
      originalArticleId: null,
      stale: false,
      sourceId: sources.newTopic,
      sourceTitle: 'Delivery times',
      batchId,
      backgroundJobId: jobs[0]!.id,
    });
    expect(byId.get(update)).toMatchObject({
      operation: 'UPDATE_ARTICLE',
      folderPath: [billing.title, refunds.title],
      originalArticleId: refund.id,
      sourceId: sources.revised,
      batchId,
    });
    expect(byId.get(update)!.linkedReason).toEqual(expect.any(String));
    expect(byId.get(handDraft.id)).toMatchObject({ operation: null, batchId: null, sourceId: null });

    // The live article moves on: its forks are now stale.
    await kb.update(refund.id, { ...contentOfArticle(refund), mainKnowledge: 'Refunds within 60 days.' });
    const after = new Map((await queue(key)).drafts.map((row) => [row.id, row]));
    expect(after.get(update)!.stale).toBe(true);
    expect(after.get(handDraft.id)!.stale).toBe(true);
    expect(after.get(added)!.stale).toBe(false);
  });

  it('filters by operation, folder, batch, source and text; counts ignore only the operation filter', async () => {
    const { key, kb, refund, shipping, sources } = await workspace();
    const { jobs, batchId } = await bulk(key, [sources.newTopic, sources.sameContent, sources.revised]);
    const [added, noOp, update] = jobs.map((job) => job.hcArticleId!) as [string, string, string];
    const hand = await kb.fork(refund.id, {
      title: 'Delivery note',
      mainKnowledge: 'Nothing about couriers.',
    });
    const ids = async (query: string) => (await queue(key, query)).drafts.map((row) => row.id).sort();

    expect(await ids('?operation=UPDATE_ARTICLE')).toEqual([update]);
    const filtered = await queue(key, '?operation=UPDATE_ARTICLE');
    expect(filtered.counts).toEqual({ total: 4, ADD_ARTICLE_TO_FOLDER: 1, UPDATE_ARTICLE: 1, DO_NOTHING: 1 });
    expect(await ids(`?parentFolderId=${shipping.id}`)).toEqual([added]);
    expect(await ids(`?batchId=${batchId}`)).toEqual([added, noOp, update].sort());
    expect(await ids(`?documentId=${sources.revised}`)).toEqual([update]);
    expect(await ids('?q=DELIVERY')).toEqual([added, hand.id].sort());
    expect(await ids('?q=couriers')).toEqual([hand.id]);
    const combined = await queue(key, `?batchId=${batchId}&q=delivery`);
    expect(combined.drafts.map((row) => row.id)).toEqual([added]);
    expect(combined.counts).toEqual({ total: 1, ADD_ARTICLE_TO_FOLDER: 1, UPDATE_ARTICLE: 0, DO_NOTHING: 0 });
    // Wildcards are plain text.
    expect(await ids('?q=%25')).toEqual([]);
    expect(await ids('?q=Deliver_')).toEqual([]);
  });

  it('pages with a cursor and refuses bad filters naming them', async () => {
    const { key, kb, refund } = await workspace();
    const forks: string[] = [];
    for (let i = 0; i < 5; i++) forks.push((await kb.fork(refund.id, { title: `Draft ${i}` })).id);
    const first = await queue(key, '?limit=2');
    expect(first.drafts.map((row) => row.id)).toEqual([forks[4], forks[3]]);
    expect(first.hasMore).toBe(true);
    expect(first.counts.total).toBe(5);
    const second = await queue(key, `?limit=2&cursor=${forks[3]}`);
    expect(second.drafts.map((row) => row.id)).toEqual([forks[2], forks[1]]);
    const last = await queue(key, `?limit=2&cursor=${forks[1]}`);
    expect(last.drafts.map((row) => row.id)).toEqual([forks[0]]);
    expect(last.hasMore).toBe(false);

    for (const [query, message] of [
      [`?cursor=${refund.id}`, 'cursor is not a draft of this workspace'],
      [`?cursor=${randomUUID()}`, 'cursor is not a draft of this workspace'],
      ['?operation=DELETE', /^operation /],
      ['?batchId=nope', /^batchId /],
      ['?limit=201', /^limit /],
      [`?q=${'x'.repeat(201)}`, /^q /],
    ] as const) {
      const response = await ctx.http().get(`/v2/hc-articles/review/public${query}`).set(key.header);
      expect(response.status, query).toBe(400);
      if (typeof message === 'string') expect(response.body.message).toBe(message);
      else expect(response.body.message).toMatch(message);
    }
  });

  it('needs the read scope and shows only this workspace', async () => {
    const { key, kb, refund } = await workspace();
    await kb.fork(refund.id);
    const writeOnly = await ctx.createKey({ workspaceName: key.workspaceName, scopes: ['write'] });
    expect((await ctx.http().get('/v2/hc-articles/review/public').set(writeOnly.header)).status).toBe(403);
    const other = await ctx.createKey();
    expect(await queue(other)).toEqual({
      drafts: [],
      hasMore: false,
      counts: { total: 0, ADD_ARTICLE_TO_FOLDER: 0, UPDATE_ARTICLE: 0, DO_NOTHING: 0 },
    });
  });
});

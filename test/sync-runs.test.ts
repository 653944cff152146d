// Sync runs end to end (docs/api.md "Sync runs"): one call refreshes the sources against the fixture
// site, waits, and generates only for what changed, as one batch; counts; validation and confinement.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestContext, TestKey } from './helpers/app.js';
import { htmlPage, type Fixture } from './helpers/fixture-server.js';
import { ingestOne, linkToNewArticle, startIngestTestApp, stopIngestTestApp } from './helpers/sources.js';
import type { SyncRun } from '../src/sync/sync-schemas.js';

let ctx: TestContext;
let site: Fixture;
beforeAll(async () => {
  ({ ctx, site } = await startIngestTestApp());
});
afterAll(() => stopIngestTestApp(ctx, site));

const page = (topic: string, version: number) =>
  htmlPage(
    topic,
    `<p>Everything about ${topic}, version ${version}: the steps, the limits and who to contact.</p>
     <p>More detail on ${topic} for version ${version}, so the page reads like a real article.</p>`,
  );

/** Pages under `prefix`, ingested; the first `linked` are linked to live articles. */
async function sitePages(key: TestKey, prefix: string, count: number, linked: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    site.setPage(`${prefix}/${i}`, { body: page(`topic ${i}`, 1) });
    const source = await ingestOne(ctx, key, site.url(`${prefix}/${i}`));
    if (i < linked) {
      await linkToNewArticle(ctx, key, source.id, `${prefix} ${i}`);
    }
    ids.push(source.id);
  }
  return ids;
}

async function startSync(key: TestKey, body: object = {}): Promise<string> {
  const response = await ctx.http().post('/v2/sync/public').set(key.header).send(body);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body.syncRunId as string;
}

async function waitForRun(key: TestKey, id: string): Promise<SyncRun> {
  let run: SyncRun | undefined;
  await expect
    .poll(
      async () => {
        const response = await ctx.http().get(`/v2/sync/public/runs/${id}`).set(key.header);
        run = response.body as SyncRun;
        return run.status;
      },
      { timeout: 60_000, interval: 100 },
    )
    .toMatch(/^(COMPLETED|FAILED)$/);
  return run!;
}

async function batchDocuments(key: TestKey, batchId: string): Promise<string[]> {
  const response = await ctx.http().get(`/v2/knowledge/public/batches/${batchId}/jobs`).set(key.header);
  expect(response.status).toBe(200);
  return (response.body.jobs as { documentId: string }[]).map((job) => job.documentId).sort();
}

describe('POST /v2/sync/public', () => {
  it('refreshes every web source and generates only for the linked ones that changed, as one batch', async () => {
    const key = await ctx.createKey();
    const ids = await sitePages(key, '/sync-a', 5, 4);
    // Two linked pages change, one unlinked page changes (restrictedOps default: no new articles).
    site.setPage('/sync-a/1', { body: page('topic 1', 2) });
    site.setPage('/sync-a/3', { body: page('topic 3', 2) });
    site.setPage('/sync-a/4', { body: page('topic 4', 2) });

    const run = await waitForRun(key, await startSync(key));
    expect(run).toMatchObject({
      status: 'COMPLETED',
      scheduleName: null,
      error: null,
      counts: { sources: 5, refreshed: 5, changed: 2, unchanged: 3, failed: 0, gone: 0, suspect: 0, jobs: 2 },
    });
    expect(run.completedAt).not.toBeNull();
    expect(await batchDocuments(key, run.batchId!)).toEqual([ids[1], ids[3]].sort());
    const batch = await ctx.http().get(`/v2/knowledge/public/batches/${run.batchId}`).set(key.header);
    expect(batch.body).toMatchObject({ status: 'COMPLETED', counts: { total: 2 } });
    expect(run.counts.drafts).toBe(batch.body.drafts);

    const list = await ctx.http().get('/v2/sync/public/runs').set(key.header);
    expect(list.body).toMatchObject({ runs: [{ id: run.id }], hasMore: false });
  });

  it('with ADD_ARTICLE_TO_FOLDER allowed, also generates for unlinked sources that never had knowledge', async () => {
    const key = await ctx.createKey();
    const ids = await sitePages(key, '/sync-b', 3, 1);
    const run = await waitForRun(
      key,
      await startSync(key, { documentIds: ids, restrictedOps: ['ADD_ARTICLE_TO_FOLDER', 'UPDATE_ARTICLE'] }),
    );
    expect(run.counts).toMatchObject({ sources: 3, changed: 0, jobs: 2 });
    expect(await batchDocuments(key, run.batchId!)).toEqual([ids[1], ids[2]].sort());
  });

  it('with nothing changed completes without a batch; a page turned login wall counts as suspect', async () => {
    const key = await ctx.createKey();
    await sitePages(key, '/sync-c', 2, 2);
    site.setPage('/sync-c/0', { body: htmlPage('Sign in', '<p>Sign in.</p>') });
    const run = await waitForRun(key, await startSync(key));
    expect(run).toMatchObject({
      status: 'COMPLETED',
      batchId: null,
      counts: { sources: 2, refreshed: 2, changed: 0, suspect: 1, unchanged: 1, jobs: 0, drafts: 0 },
    });
  });

  it('names the field at fault, and confines runs to their workspace', async () => {
    const key = await ctx.createKey();
    const unknown = '00000000-0000-4000-8000-000000000000';
    const bad = await ctx
      .http()
      .post('/v2/sync/public')
      .set(key.header)
      .send({ documentIds: [unknown] });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain(unknown);
    const ops = await ctx
      .http()
      .post('/v2/sync/public')
      .set(key.header)
      .send({ restrictedOps: ['DELETE'] });
    expect(ops.status).toBe(400);
    expect(JSON.stringify(ops.body)).toContain('restrictedOps');

    const other = await ctx.createKey();
    const id = await startSync(key);
    expect((await ctx.http().get(`/v2/sync/public/runs/${id}`).set(other.header)).status).toBe(404);
    expect((await ctx.http().get(`/v2/sync/public/runs/${unknown}`).set(key.header)).status).toBe(404);
    const cursor = await ctx.http().get(`/v2/sync/public/runs?cursor=${unknown}`).set(key.header);
    expect(cursor.status).toBe(400);
    const read = await ctx.createKey({ scopes: ['read'] });
    expect((await ctx.http().post('/v2/sync/public').set(read.header).send({})).status).toBe(403);
  });
});

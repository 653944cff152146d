// Webhook delivery end to end on real PostgreSQL and Redis with a local receiver: events from real state
// changes arrive signed (verified with the `standardwebhooks` library), retried after a 500 and after a
// timeout, are not lost when no worker runs at the time of the change, an endpoint that keeps failing is
// disabled (an event to the other endpoints) and a successful redelivery enables it again (an event to
// it and the others). Also measures a bulk of N jobs.
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Delivery } from '../src/webhooks/webhooks-schemas.js';
import { startWorkers, type Workers } from '../src/workers.js';
import { startTestApp, type TestContext, type TestKey } from './helpers/app.js';
import { bulkBatch, insertSource, waitForJobs } from './helpers/generation.js';
import { htmlPage, startFixtureServer, type Fixture } from './helpers/fixture-server.js';
import { knowledge } from './helpers/knowledge.js';
import { ingestOne, insertBareArticle, refresh } from './helpers/sources.js';
import { startWebhookReceiver, type WebhookReceiver } from './helpers/webhook-receiver.js';

let ctx: TestContext;
let workers: Workers | undefined;
let receiver: WebhookReceiver;
let site: Fixture;
const DAY = 24 * 3_600_000;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  site = await startFixtureServer();
  // No workers yet: the first test commits events while none runs. A 1 s receiver timeout for the retry test.
  ctx = await startTestApp({ WEBHOOK_TIMEOUT_MS: '1000' });
});
afterAll(async () => {
  await workers?.close();
  await ctx.close();
  await receiver.close();
  await site.close();
});

function startFileWorkers(): void {
  workers ??= startWorkers(ctx.deps, { reconcileEveryMs: DAY, webhookRelayEveryMs: 50 });
}

async function endpoint(
  key: TestKey,
  path: string,
  events: string[],
): Promise<{ id: string; secret: string }> {
  const created = await ctx
    .http()
    .post('/v2/webhooks/public')
    .set(key.header)
    .send({ url: receiver.url(path), events });
  expect(created.status, created.text).toBe(200);
  return created.body as { id: string; secret: string };
}

async function deliveries(key: TestKey, id: string) {
  const response = await ctx.http().get(`/v2/webhooks/public/${id}/deliveries?limit=200`).set(key.header);
  expect(response.status).toBe(200);
  return response.body.deliveries as Delivery[];
}

const settled = (list: { status: string }[]) =>
  list.every((d) => d.status === 'COMPLETED' || d.status === 'FAILED');

/** Publishes a fresh draft of a new article: one article.published event. */
async function publishSomething(key: TestKey): Promise<string> {
  const kb = knowledge(ctx, key);
  const article = await kb.article((await kb.folder('F')).id, { title: 'Refunds' });
  const draft = await kb.fork(article.id, { title: 'Refunds, revised' });
  const published = await ctx
    .http()
    .post(`/v2/hc-articles/${draft.id}/publish/public`)
    .set(key.header)
    .send({});
  expect(published.status, published.text).toBe(200);
  return article.id;
}

describe('webhook delivery', () => {
  it('delivers events committed while no worker ran once one starts (the outbox loses nothing)', async () => {
    const key = await ctx.createKey();
    const hook = await endpoint(key, '/outbox', ['article.published']);
    const articleId = await publishSomething(key);
    const before = await deliveries(key, hook.id);
    expect(before.map((d) => [d.eventType, d.status, d.attempts])).toEqual([
      ['article.published', 'PENDING', 0],
    ]);
    expect(receiver.received('/outbox')).toEqual([]);

    startFileWorkers();
    await expect.poll(() => receiver.received('/outbox').length, { timeout: 15_000 }).toBe(1);
    const [event] = receiver.events('/outbox');
    expect(event).toMatchObject({ type: 'article.published', data: { articleId } });
    await expect
      .poll(async () => (await deliveries(key, hook.id))[0]!.status, { timeout: 5_000 })
      .toBe('COMPLETED');
  });

  it('signs per Standard Webhooks: the standardwebhooks library verifies every delivery', async () => {
    startFileWorkers();
    const key = await ctx.createKey();
    const hook = await endpoint(key, '/signed', ['article.published']);
    await publishSomething(key);
    await expect.poll(() => receiver.received('/signed').length, { timeout: 15_000 }).toBe(1);
    const [request] = receiver.received('/signed');
    const headers = {
      'webhook-id': String(request!.headers['webhook-id']),
      'webhook-timestamp': String(request!.headers['webhook-timestamp']),
      'webhook-signature': String(request!.headers['webhook-signature']),
    };
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    const verified = new Webhook(hook.secret).verify(request!.body, headers) as {
      type: string;
      timestamp: string;
    };
    expect(verified.type).toBe('article.published');
    expect(verified.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const [delivery] = await deliveries(key, hook.id);
    expect(headers['webhook-id']).toBe(delivery!.eventId);
    // A wrong secret or a changed body fails verification.
    const other = new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`);
    expect(() => other.verify(request!.body, headers)).toThrow();
    expect(() => new Webhook(hook.secret).verify(`${request!.body} `, headers)).toThrow();
  });

  it('retries after a 500 and after a timeout, with the same webhook-id, and logs each attempt', async () => {
    startFileWorkers();
    const key = await ctx.createKey();
    const hook = await endpoint(key, '/flaky', ['article.published']);
    receiver.behave(({ path, index }) => {
      if (path !== '/flaky') return 200;
      if (index === 0) return 500;
      if (index === 1) return 'hang';
      return 204;
    });
    try {
      await publishSomething(key);
      await expect
        .poll(async () => (await deliveries(key, hook.id))[0]?.status, { timeout: 20_000 })
        .toBe('COMPLETED');
    } finally {
      receiver.behave(() => 200);
    }
    const [delivery] = await deliveries(key, hook.id);
    expect(delivery).toMatchObject({ attempts: 3, responseCode: 204, error: null, nextRetryAt: null });
    const ids = receiver.received('/flaky').map((request) => request.headers['webhook-id']);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(1);
  });

  it('fails a delivery once retries run out, disables an endpoint failing for 24 h (webhook.endpoint.disabled to the others), and a redelivery that succeeds enables it (webhook.endpoint.enabled, signed, to it too)', async () => {
    startFileWorkers();
    const key = await ctx.createKey();
    const hook = await endpoint(key, '/down', ['article.published']);
    const watcher = await endpoint(key, '/watch', ['webhook.endpoint.disabled', 'webhook.endpoint.enabled']);
    const watched = () => receiver.events('/watch');
    receiver.behave(({ path }) => (path === '/down' ? 503 : 200));
    let disabledAt: string;
    try {
      await publishSomething(key);
      await expect
        .poll(async () => (await deliveries(key, hook.id))[0]?.status, { timeout: 15_000 })
        .toBe('FAILED');
      const [failed] = await deliveries(key, hook.id);
      expect(failed).toMatchObject({ attempts: 3, responseCode: 503, nextRetryAt: null });
      expect(failed!.error).toContain('503');
      // Failing, not yet disabled: nobody is told.
      expect(watched()).toEqual([]);

      // The endpoint has failed for 24 h in a row: the next failure disables it.
      await ctx.deps.pool.query(
        `UPDATE webhook_endpoints SET failing_since = now() - interval '25 hours' WHERE id = $1`,
        [hook.id],
      );
      await publishSomething(key);
      await expect.poll(() => watched().length, { timeout: 15_000 }).toBe(1);
      const list = await ctx.http().get('/v2/webhooks/public').set(key.header);
      const disabled = (list.body.webhooks as { id: string; disabledAt: string | null }[]).find(
        (webhook) => webhook.id === hook.id,
      )!;
      expect(disabled.disabledAt).not.toBeNull();
      disabledAt = disabled.disabledAt!;
      expect(watched()[0]).toMatchObject({
        type: 'webhook.endpoint.disabled',
        data: { id: hook.id, url: receiver.url('/down'), events: ['article.published'], disabledAt },
      });
      await expect.poll(async () => settled(await deliveries(key, hook.id)), { timeout: 15_000 }).toBe(true);
      const afterDisable = await deliveries(key, hook.id);
      expect(afterDisable[0]!.error).toContain('disabled');
      // Disabled: a new event gets no delivery.
      await publishSomething(key);
      expect(await deliveries(key, hook.id)).toHaveLength(2);
    } finally {
      receiver.behave(() => 200);
    }

    const sentBefore = receiver.received('/down').length;
    const [latest] = await deliveries(key, hook.id);
    const again = await ctx
      .http()
      .post(`/v2/webhooks/public/${hook.id}/deliveries/${latest!.id}/redeliver`)
      .set(key.header);
    expect(again.status, again.text).toBe(200);
    // The redelivery, then the recovery event: sent to the endpoint although it subscribes only to
    // article.published, and to the watcher.
    await expect.poll(() => receiver.received('/down').length, { timeout: 15_000 }).toBe(sentBefore + 2);
    const recovery = receiver.received('/down').at(-1)!;
    const verified = new Webhook(hook.secret).verify(recovery.body, {
      'webhook-id': String(recovery.headers['webhook-id']),
      'webhook-timestamp': String(recovery.headers['webhook-timestamp']),
      'webhook-signature': String(recovery.headers['webhook-signature']),
    });
    expect(verified).toMatchObject({
      type: 'webhook.endpoint.enabled',
      data: { id: hook.id, disabledAt: null, wasDisabledAt: disabledAt },
    });
    await expect.poll(() => watched().length, { timeout: 15_000 }).toBe(2);
    expect(watched()[1]).toEqual(JSON.parse(recovery.body));
    // One event, delivered to both: the same webhook-id.
    expect(receiver.received('/watch')[1]!.headers['webhook-id']).toBe(recovery.headers['webhook-id']);
    await expect.poll(async () => settled(await deliveries(key, hook.id)), { timeout: 15_000 }).toBe(true);
    const log = await deliveries(key, hook.id);
    expect(log.map((d) => [d.eventType, d.status, d.manual])).toEqual([
      ['webhook.endpoint.enabled', 'COMPLETED', false],
      ['article.published', 'COMPLETED', true],
      ['article.published', 'FAILED', false],
      ['article.published', 'FAILED', false],
    ]);
    const list = await ctx.http().get('/v2/webhooks/public').set(key.header);
    const enabled = (list.body.webhooks as { id: string; disabledAt: string | null }[]).find(
      (webhook) => webhook.id === hook.id,
    )!;
    expect(enabled.disabledAt).toBeNull();
    // The watcher's own successes (it was never disabled) made no event: only the two it was sent.
    expect((await deliveries(key, watcher.id)).map((d) => d.eventType)).toEqual([
      'webhook.endpoint.enabled',
      'webhook.endpoint.disabled',
    ]);
  });

  it('emits job, draft and batch events for a bulk of N jobs, each delivered; measures the delay', async () => {
    startFileWorkers();
    const N = 40;
    const key = await ctx.createKey();
    await endpoint(key, '/bulk', ['job.completed', 'job.failed', 'draft.created', 'batch.completed']);
    const sources: string[] = [];
    for (let n = 0; n < N; n++)
      sources.push(
        await insertSource(ctx, key, {
          title: `Page ${n}`,
          paragraphs: [`# Page ${n}`, `How to configure option ${n} of the product, step by step.`],
        }),
      );
    const started = Date.now();
    const bulk = await bulkBatch(ctx, key, { documentIds: sources, isDraft: true });
    await waitForJobs(
      ctx,
      key,
      bulk.jobs.map((job) => job.backgroundJobId),
      60_000,
    );
    const expected = N /* job.* */ + N /* draft.created */ + 1; /* batch.completed */
    await expect.poll(() => receiver.received('/bulk').length, { timeout: 30_000 }).toBe(expected);

    const events = receiver.events('/bulk');
    const count = (type: string) => events.filter((event) => event.type === type).length;
    expect(count('job.completed') + count('job.failed')).toBe(N);
    expect(count('draft.created')).toBe(N);
    expect(count('batch.completed')).toBe(1);
    expect(events.find((event) => event.type === 'batch.completed')!.data).toMatchObject({
      batchId: bulk.batchId,
      counts: { total: N },
    });
    const { rows } = await ctx.deps.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM webhook_events WHERE workspace_id = $1',
      [key.workspaceId],
    );
    expect(rows[0]!.n).toBe(expected);

    const delays = receiver
      .received('/bulk')
      .map(
        (request) =>
          request.receivedAt - Date.parse((JSON.parse(request.body) as { timestamp: string }).timestamp),
      )
      .sort((a, b) => a - b);
    const p = (q: number) => delays[Math.min(delays.length - 1, Math.floor(q * delays.length))];
    console.log(
      `webhooks bulk: N=${N} jobs, events emitted=${rows[0]!.n}, delivered=${delays.length}, delay state change → delivery p50=${p(0.5)} ms p95=${p(0.95)} max=${p(1)} ms, bulk to last delivery ${Date.now() - started} ms`,
    );
  }, 120_000);

  it('emits source.changed, source.failed, source.gone and sync.completed from refreshes and a sync run', async () => {
    startFileWorkers();
    const key = await ctx.createKey();
    await endpoint(key, '/sources', ['source.changed', 'source.failed', 'source.gone', 'sync.completed']);
    const text = (extra: string) =>
      htmlPage(
        'Shipping',
        [
          'Orders ship within two business days from our warehouse in Lyon, and every parcel is tracked.',
          'Express shipping arrives the next business day in France, Belgium and the Netherlands.',
          `International orders take five to ten business days depending on customs. ${extra}`,
        ]
          .map((paragraph) => `<p>${paragraph}</p>`)
          .join('\n'),
      );
    site.setPage('/wh/page', { body: text('') });
    const source = await ingestOne(ctx, key, site.url('/wh/page'));
    const { id: articleId } = await insertBareArticle(ctx, key, { article: 'Shipping', folder: 'F' });
    await ctx.deps.pool.query(
      'UPDATE sources SET linked_knowledge_id = $2, saved_hash = content_hash WHERE id = $1',
      [source.id, articleId],
    );
    const types = () => receiver.events('/sources').map((event) => event.type);

    site.setPage('/wh/page', { body: text('Customs forms are filled in for you.') });
    await refresh(ctx, key, source.id);
    await expect.poll(types, { timeout: 10_000 }).toEqual(['source.changed']);
    expect(receiver.events('/sources')[0]!.data).toMatchObject({
      documentId: source.id,
      url: site.url('/wh/page'),
    });

    site.setPage('/wh/page', { body: 'Not here', status: 404 });
    await refresh(ctx, key, source.id);
    site.setPage('/wh/page', { body: 'Gone', status: 410 });
    await refresh(ctx, key, source.id);
    await expect
      .poll(() => [...types()].sort(), { timeout: 10_000 })
      .toEqual(['source.changed', 'source.failed', 'source.failed', 'source.gone'].sort());
    const gone = receiver.events('/sources').find((event) => event.type === 'source.gone')!;
    expect(gone.data).toMatchObject({ documentId: source.id, linkedKnowledgeId: articleId });

    const started = await ctx.http().post('/v2/sync/public').set(key.header).send({});
    expect(started.status, started.text).toBe(200);
    await expect
      .poll(() => types().filter((type) => type === 'sync.completed').length, { timeout: 30_000 })
      .toBe(1);
    const completed = receiver.events('/sources').find((event) => event.type === 'sync.completed')!;
    expect(completed.data).toMatchObject({ id: started.body.syncRunId, status: 'COMPLETED' });
  }, 60_000);
});

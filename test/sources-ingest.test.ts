// Ingestion through the HTTP edge with real workers: POST /v2/documents/public, then poll the source
// until its job is COMPLETED or FAILED (docs/api.md §3).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkers } from '../src/workers.js';
import { startTestApp, type TestContext } from './helpers/app.js';
import { ARTICLE_TEXT, type Fixture } from './helpers/fixture-server.js';
import {
  getSource,
  ingest,
  ingestOne,
  startIngestTestApp,
  stopIngestTestApp,
  waitForIngest,
} from './helpers/sources.js';

let ctx: TestContext;
let site: Fixture;
beforeAll(async () => {
  ({ ctx, site } = await startIngestTestApp());
});
afterAll(() => stopIngestTestApp(ctx, site));

describe('ingest', () => {
  it('ingests an HTML page: main text in paragraphs, no navigation, header or footer', async () => {
    const key = await ctx.createKey();
    const source = await ingestOne(ctx, key, site.url('/article'));
    expect(source).toMatchObject({
      linkedJobStatus: 'COMPLETED',
      success: true,
      error: '',
      title: 'Refund policy',
      mimeType: 'text/html',
      source: 'web',
      externalId: site.url('/article'),
      originalUrl: site.url('/article'),
    });
    expect(source.paragraphs).toEqual([
      '# Refund policy',
      ARTICLE_TEXT,
      '## How to ask for a refund',
      '1. Open Billing in the dashboard.\n2. Choose the invoice.\n3. Click Request refund.',
      '```\ncurl -X POST https://api.acme.test/refunds\n\n# prints the refund id\n```',
      '| Plan | Refund window |\n| --- | --- |\n| Pro | 30 days |',
    ]);
    const text = source.paragraphs.join('\n');
    for (const chrome of ['Getting started', 'Acme Help Center', 'Copyright', 'Privacy', 'analytics'])
      expect(text).not.toContain(chrome);
    expect(source.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('ingest: what the page says besides its text', () => {
  it('stores the breadcrumb trail as a folder hint and answers storageUrl null for a web page', async () => {
    const key = await ctx.createKey();
    site.setPage('/hc/sections/billing/refunds', {
      body: `<html><head><title>Refunds | Acme Help</title></head><body>
        <nav aria-label="Breadcrumb"><ol><li><a href="/hc">Help Center</a></li><li><a href="/hc/sections/billing">Billing</a></li><li>Refunds</li></ol></nav>
        <main><h1>Refunds</h1><p>${ARTICLE_TEXT}</p></main></body></html>`,
    });
    const source = await ingestOne(ctx, key, site.url('/hc/sections/billing/refunds'));
    expect(source).toMatchObject({ success: true, title: 'Refunds', storageUrl: null });
    expect(source.paragraphs.join('\n')).not.toContain('Help Center');
    const { rows } = await ctx.deps.pool.query<{ breadcrumb: string[] }>(
      'SELECT breadcrumb FROM sources WHERE id = $1',
      [source.id],
    );
    expect(rows[0]?.breadcrumb).toEqual(['Help Center', 'Billing']);
  });
});

describe('ingest: content types and wire format', () => {
  it('passes markdown and plain text through, split on blank lines', async () => {
    const key = await ctx.createKey();
    const markdown = await ingestOne(ctx, key, site.url('/guide.md'));
    expect(markdown).toMatchObject({ success: true, title: 'Setup guide', mimeType: 'text/markdown' });
    expect(markdown.paragraphs).toEqual([
      '# Setup guide',
      'Install the agent first.\nThen restart.',
      '```sh\nnpm install\n\nnpm start\n```',
      '- one\n- two',
    ]);
    const text = await ingestOne(ctx, key, site.url('/notes.txt'));
    expect(text).toMatchObject({ success: true, title: 'Release notes', mimeType: 'text/plain' });
    expect(text.paragraphs).toEqual(['Release notes', 'Version 2 adds refunds.', 'Version 3 adds invoices.']);
  });

  it('returns exactly the fields of the source object', async () => {
    const key = await ctx.createKey();
    const source = await ingestOne(ctx, key, site.url('/docs/a'));
    expect(Object.keys(source).sort()).toEqual(
      [
        'id',
        'source',
        'externalId',
        'originalUrl',
        'title',
        'mimeType',
        'type',
        'english',
        'baser',
        'paragraphs',
        'oldParagraphs',
        'success',
        'error',
        'createdAt',
        'updatedAt',
        'linkedJobId',
        'linkedJobStatus',
        'linkedKnowledgeId',
        'linkedOperation',
        'linkedReason',
        'changed',
        'contentHash',
        'storageUrl',
        'gone',
        'suspect',
      ].sort(),
    );
    expect(source).toMatchObject({
      type: 'page',
      english: true,
      baser: false,
      linkedKnowledgeId: null,
      linkedOperation: null,
      linkedReason: null,
      changed: false,
      oldParagraphs: [],
      storageUrl: null,
    });
    expect(source.updatedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('follows redirects and keeps the URL it was given', async () => {
    const key = await ctx.createKey();
    const source = await ingestOne(ctx, key, site.url('/redirect/3'));
    expect(source).toMatchObject({ success: true, originalUrl: site.url('/redirect/3') });
    expect(source.paragraphs[1]).toBe(ARTICLE_TEXT);
  });
});

describe('ingest: normalization and de-duplication', () => {
  it('creates one source per normalized URL and refreshes a known URL instead of duplicating it', async () => {
    const key = await ctx.createKey();
    const first = await ingest(ctx, key, [
      site.url('/docs/c?b=2&a=1#top'),
      site.url('/docs/c?a=1&b=2'),
      site.url('/docs/d').replace('http://', 'HTTP://'),
    ]);
    expect(first.addedDocumentIds).toHaveLength(2);
    expect(first.updatedDocumentIds).toEqual([]);
    const c = await waitForIngest(ctx, key, first.addedDocumentIds[0]!);
    expect(c.externalId).toBe(site.url('/docs/c?a=1&b=2'));
    expect(c.originalUrl).toBe(site.url('/docs/c?b=2&a=1#top'));

    const again = await ingest(ctx, key, [site.url('/docs/c?a=1&b=2#other')], [site.url('/docs/e')]);
    expect(again.updatedDocumentIds).toEqual([first.addedDocumentIds[0]]);
    expect(again.addedDocumentIds).toHaveLength(1);
    const refreshed = await waitForIngest(ctx, key, first.addedDocumentIds[0]!);
    expect(refreshed.linkedJobId).not.toBe(c.linkedJobId);
    expect(refreshed.success).toBe(true);
  });

  it('keeps the same URL in two workspaces apart', async () => {
    const a = await ctx.createKey();
    const b = await ctx.createKey();
    const inA = await ingest(ctx, a, [site.url('/docs/d')]);
    const inB = await ingest(ctx, b, [site.url('/docs/d')]);
    expect(inB.addedDocumentIds).toHaveLength(1);
    expect(inB.addedDocumentIds[0]).not.toBe(inA.addedDocumentIds[0]);
  });
});

describe('ingest: validation and scope', () => {
  it('answers 400 naming a URL that is not http or https', async () => {
    const key = await ctx.createKey();
    for (const [url, index] of [
      ['ftp://example.com/file', 0],
      ['not a url', 0],
      ['javascript:alert(1)', 0],
      ['http://user:pass@example.com/', 0],
    ] as const) {
      const response = await ctx
        .http()
        .post('/v2/documents/public')
        .set(key.header)
        .send({ documentIdsToAdd: [url] });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('VALIDATION');
      expect(response.body.message).toContain(`documentIdsToAdd[${index}]`);
      expect(response.body.message).toContain(JSON.stringify(url));
    }
    const second = await ctx
      .http()
      .post('/v2/documents/public')
      .set(key.header)
      .send({ documentIdsToRefresh: [site.url('/docs/a'), 'file:///etc/passwd'] });
    expect(second.status).toBe(400);
    expect(second.body.message).toMatch(/^documentIdsToRefresh\[1\] must be an http or https URL/);
  });

  it('answers 400 when both arrays are empty or missing, and for bad field types', async () => {
    const key = await ctx.createKey();
    for (const body of [{}, { documentIdsToAdd: [] }, { documentIdsToAdd: [], documentIdsToRefresh: [] }]) {
      const response = await ctx.http().post('/v2/documents/public').set(key.header).send(body);
      expect(response.status).toBe(400);
      expect(response.body.message).toBe(
        'documentIdsToAdd or documentIdsToRefresh must contain at least 1 item',
      );
    }
    const badType = await ctx
      .http()
      .post('/v2/documents/public')
      .set(key.header)
      .send({ documentIdsToAdd: 'https://example.com' });
    expect(badType.status).toBe(400);
    expect(badType.body.message).toBe('documentIdsToAdd must be an array');
    const badSource = await ctx
      .http()
      .post('/v2/documents/public')
      .set(key.header)
      .send({ source: 'files', documentIdsToAdd: ['x'] });
    expect(badSource.status).toBe(400);
    expect(badSource.body.message).toMatch(/^source must be one of web, /);
    const tooMany = await ctx
      .http()
      .post('/v2/documents/public')
      .set(key.header)
      .send({ documentIdsToAdd: Array.from({ length: 1001 }, (_, i) => `https://example.com/${i}`) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.message).toBe('documentIdsToAdd must contain at most 1000 items');
  });

  it('answers 400 for a provider that is not connected, saying so', async () => {
    const key = await ctx.createKey();
    const response = await ctx
      .http()
      .post('/v2/documents/public')
      .set(key.header)
      .send({ source: 'notion', documentIdsToAdd: ['5d9f67a8-d853-4af4-b7ce-23ebba1245e5'] });
    expect(response.status).toBe(400);
    expect(response.body.message).toContain('source notion is not connected in this workspace');
  });

  it('needs the write scope (403) and a key (401)', async () => {
    const reader = await ctx.createKey({ scopes: ['read'] });
    const forbidden = await ctx
      .http()
      .post('/v2/documents/public')
      .set(reader.header)
      .send({ documentIdsToAdd: [site.url('/docs/a')] });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.message).toBe("this API key lacks the 'write' scope");
    const anonymous = await ctx
      .http()
      .post('/v2/documents/public')
      .send({ documentIdsToAdd: [site.url('/')] });
    expect(anonymous.status).toBe(401);
  });
});

describe('ingest: failures', () => {
  it('fails at once on a 404, naming the status, with one attempt', async () => {
    const key = await ctx.createKey();
    const source = await ingestOne(ctx, key, site.url('/status/404'));
    expect(source).toMatchObject({ linkedJobStatus: 'FAILED', success: false, paragraphs: [] });
    expect(source.error).toContain('HTTP 404 Not Found');
    expect(source.error).toContain('check that the URL is correct');
    const { rows } = await ctx.deps.pool.query('SELECT attempts, error FROM ingest_jobs WHERE id = $1', [
      source.linkedJobId,
    ]);
    expect(rows[0]).toEqual({ attempts: 1, error: source.error });
  });

  it('fails at once when robots.txt disallows the page, naming the rule', async () => {
    const key = await ctx.createKey();
    const source = await ingestOne(ctx, key, site.url('/blocked-for-distill'));
    expect(source).toMatchObject({ linkedJobStatus: 'FAILED', success: false });
    expect(source.error).toContain('robots.txt');
    expect(source.error).toContain('disallows DistillBot from fetching /blocked-for-distill');
    expect(site.hits('/blocked-for-distill')).toBe(0);
  });

  it('retries a 500 and succeeds on the next attempt', async () => {
    const key = await ctx.createKey();
    const source = await ingestOne(ctx, key, site.url('/flaky/one'));
    expect(source).toMatchObject({ linkedJobStatus: 'COMPLETED', success: true, error: '' });
    expect(source.paragraphs[1]).toContain('Recovered content.');
    expect(site.hits('/flaky/one')).toBe(2);
    const { rows } = await ctx.deps.pool.query('SELECT attempts FROM ingest_jobs WHERE id = $1', [
      source.linkedJobId,
    ]);
    expect(rows[0].attempts).toBe(2);
  });

  it('gives up on a persistent 500 after the last attempt', async () => {
    const key = await ctx.createKey();
    const source = await ingestOne(ctx, key, site.url('/status/503'));
    expect(source).toMatchObject({ linkedJobStatus: 'FAILED', success: false });
    expect(source.error).toContain('HTTP 503 Service Unavailable');
    expect(source.error).toContain('gave up after 3 attempts');
    expect(site.hits('/status/503')).toBe(3);
  });

  it('fails at once for an unsupported content type and for a page without text', async () => {
    const key = await ctx.createKey();
    const image = await ingestOne(ctx, key, site.url('/image.png'));
    expect(image).toMatchObject({ linkedJobStatus: 'FAILED', success: false });
    expect(image.error).toContain('is image/png, which Distill cannot extract text from');
    const empty = await ingestOne(ctx, key, site.url('/empty'));
    expect(empty).toMatchObject({ linkedJobStatus: 'FAILED', success: false });
    expect(empty.error).toContain('No readable text was found');
  });

  it('keeps the previous content when a refresh fails', async () => {
    const key = await ctx.createKey();
    site.setPage('/mutable/keep', {
      body: '<html><body><article><p>First version of the page, long enough to read.</p></article></body></html>',
    });
    const first = await ingestOne(ctx, key, site.url('/mutable/keep'));
    expect(first.success).toBe(true);
    site.setPage('/mutable/keep', { body: 'gone', status: 410 });
    const { updatedDocumentIds } = await ingest(ctx, key, [site.url('/mutable/keep')]);
    const failed = await waitForIngest(ctx, key, updatedDocumentIds[0]!);
    expect(failed).toMatchObject({
      linkedJobStatus: 'FAILED',
      success: false,
      paragraphs: first.paragraphs,
      contentHash: first.contentHash,
    });
    expect(failed.error).toContain('HTTP 410 Gone');
  });
});

describe('ingest: politeness', () => {
  it('sends at most 2 requests at once to one host', async () => {
    const key = await ctx.createKey();
    const { addedDocumentIds } = await ingest(
      ctx,
      key,
      Array.from({ length: 8 }, (_, i) => site.url(`/polite/${i}`)),
    );
    for (const id of addedDocumentIds) expect((await waitForIngest(ctx, key, id)).success).toBe(true);
    expect(site.maxInFlight('/polite')).toBe(2);
  });
});

describe('ingest: get', () => {
  it('polls a source while its job is pending', async () => {
    const key = await ctx.createKey();
    const { addedDocumentIds } = await ingest(ctx, key, [site.url('/docs/b')]);
    const early = await getSource(ctx, key, addedDocumentIds[0]!);
    expect(['PENDING', 'IN_PROGRESS', 'COMPLETED']).toContain(early.linkedJobStatus);
    expect(early.linkedJobId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('ingest: reconciler', () => {
  it('accepts an ingest while Redis is down: the rows are committed and stay PENDING', async () => {
    // Nothing listens on port 1.
    const noRedis = await startTestApp({ REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const key = await noRedis.createKey();
      const { addedDocumentIds } = await ingest(noRedis, key, [site.url('/docs/a')]);
      const source = await getSource(noRedis, key, addedDocumentIds[0]!);
      expect(source.linkedJobStatus).toBe('PENDING');
    } finally {
      await noRedis.close();
    }
  });

  it('re-adds a job whose row is PENDING but never reached Redis, and it runs', async () => {
    const other = await startTestApp();
    const workers = startWorkers(other.deps, {
      reconcileEveryMs: 100,
      // Other test files share the database: only this test's row is old enough to be picked up.
      reconcileAfterMs: 10 * 60_000,
    });
    try {
      const key = await other.createKey();
      // What an ingest leaves behind when Redis is down: committed rows, no BullMQ job.
      const { rows } = await other.deps.pool.query<{ id: string }>(
        `INSERT INTO sources (workspace_id, source_type, external_id, original_url) VALUES ($1, 'web', $2, $2) RETURNING id`,
        [key.workspaceId, site.url('/docs/e')],
      );
      const sourceId = rows[0]!.id;
      await other.deps.pool.query(
        `WITH job AS (
           INSERT INTO ingest_jobs (workspace_id, source_id, created_at, updated_at)
           VALUES ($1, $2, now() - interval '1 hour', now() - interval '1 hour') RETURNING id
         )
         UPDATE sources SET linked_job_id = (SELECT id FROM job) WHERE id = $2`,
        [key.workspaceId, sourceId],
      );
      const source = await waitForIngest(other, key, sourceId);
      expect(source).toMatchObject({ linkedJobStatus: 'COMPLETED', success: true });
    } finally {
      await workers.close();
      await other.close();
    }
  });
});

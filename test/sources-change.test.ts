// The change rule of docs/api.md §3, end to end: refreshes of a page whose content a test changes, for a source
// that backs an article (linked) and one that does not; plus conditional GETs (304 keeps everything).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestContext, TestKey } from './helpers/app.js';
import type { Fixture } from './helpers/fixture-server.js';
import {
  ingestOne,
  insertBareArticle,
  refresh,
  startIngestTestApp,
  stopIngestTestApp,
  type WireSource,
} from './helpers/sources.js';

let ctx: TestContext;
let site: Fixture;
beforeAll(async () => {
  ({ ctx, site } = await startIngestTestApp());
});
afterAll(() => stopIngestTestApp(ctx, site));

const page = (text: string) =>
  `<!doctype html><html><head><title>Shipping</title></head><body><nav><a href="/">Home</a></nav>
<article><h2>Shipping times</h2><p>${text}</p></article><footer>Footer text</footer></body></html>`;

const V1 = 'Orders ship within two business days from our warehouse in Lyon.';
const V2 = 'Orders ship within one business day from our warehouses in Lyon and Porto.';
const V3 = 'Orders ship the same day when placed before noon, from Lyon or Porto.';

/** Links the source to a new live article and records the hash the article was "saved from". */
async function link(key: TestKey, source: WireSource): Promise<string> {
  const { id: articleId } = await insertBareArticle(ctx, key, { article: 'Shipping', folder: 'Shipping' });
  await ctx.deps.pool.query(
    'UPDATE sources SET linked_knowledge_id = $2, saved_hash = content_hash WHERE id = $1',
    [source.id, articleId],
  );
  return articleId;
}

async function listChanged(key: TestKey): Promise<string[]> {
  const response = await ctx.http().get('/v2/documents/public?changed=true').set(key.header);
  expect(response.status).toBe(200);
  return (response.body.documents as WireSource[]).map((source) => source.id);
}

describe('change rule', () => {
  it('unlinked: new content moves the old to oldParagraphs and leaves changed false', async () => {
    const key = await ctx.createKey();
    site.setPage('/ship/unlinked', { body: page(V1) });
    const first = await ingestOne(ctx, key, site.url('/ship/unlinked'));
    expect(first).toMatchObject({
      success: true,
      paragraphs: ['## Shipping times', V1],
      oldParagraphs: [],
      changed: false,
    });

    site.setPage('/ship/unlinked', { body: page(V2) });
    const second = await refresh(ctx, key, first.id);
    expect(second).toMatchObject({
      paragraphs: ['## Shipping times', V2],
      oldParagraphs: ['## Shipping times', V1],
      changed: false,
    });
    expect(second.contentHash).not.toBe(first.contentHash);

    // Same content again: nothing moves.
    const third = await refresh(ctx, key, first.id);
    expect(third).toMatchObject({
      paragraphs: second.paragraphs,
      oldParagraphs: second.oldParagraphs,
      changed: false,
      contentHash: second.contentHash,
    });
    expect(await listChanged(key)).toEqual([]);
  });

  it('linked: same content stays unchanged; different content sets changed and keeps the old text', async () => {
    const key = await ctx.createKey();
    site.setPage('/ship/linked', { body: page(V1) });
    const first = await ingestOne(ctx, key, site.url('/ship/linked'));
    const articleId = await link(key, first);

    const same = await refresh(ctx, key, first.id);
    expect(same).toMatchObject({
      changed: false,
      linkedKnowledgeId: articleId,
      paragraphs: first.paragraphs,
      oldParagraphs: [],
    });
    expect(await listChanged(key)).toEqual([]);

    site.setPage('/ship/linked', { body: page(V2) });
    const changed = await refresh(ctx, key, first.id);
    expect(changed).toMatchObject({
      changed: true,
      paragraphs: ['## Shipping times', V2],
      oldParagraphs: ['## Shipping times', V1],
    });
    expect(await listChanged(key)).toEqual([first.id]);

    // Changed again: still changed, and oldParagraphs is the content just before this change.
    site.setPage('/ship/linked', { body: page(V3) });
    const again = await refresh(ctx, key, first.id);
    expect(again).toMatchObject({
      changed: true,
      paragraphs: ['## Shipping times', V3],
      oldParagraphs: ['## Shipping times', V2],
    });

    // Back to what the article was saved from: no longer changed.
    site.setPage('/ship/linked', { body: page(V1) });
    const back = await refresh(ctx, key, first.id);
    expect(back).toMatchObject({ changed: false, paragraphs: first.paragraphs });
    expect(await listChanged(key)).toEqual([]);
  });

  it('304 Not Modified keeps content, flags and updatedAt, and counts as a successful refresh', async () => {
    const key = await ctx.createKey();
    site.setPage('/ship/etag', { body: page(V1), validators: true });
    const first = await ingestOne(ctx, key, site.url('/ship/etag'));
    await link(key, first);
    const before = await ctx.deps.pool.query<{ fetched_at: Date; etag: string }>(
      'SELECT fetched_at, etag FROM sources WHERE id = $1',
      [first.id],
    );
    expect(before.rows[0]!.etag).toMatch(/^".+"$/);

    const second = await refresh(ctx, key, first.id);
    expect(site.lastHeaders('/ship/etag')?.['if-none-match']).toBe(before.rows[0]!.etag);
    expect(second).toMatchObject({
      linkedJobStatus: 'COMPLETED',
      success: true,
      error: '',
      changed: false,
      paragraphs: first.paragraphs,
      oldParagraphs: [],
      contentHash: first.contentHash,
      updatedAt: first.updatedAt,
    });
    const after = await ctx.deps.pool.query<{ fetched_at: Date }>(
      'SELECT fetched_at FROM sources WHERE id = $1',
      [first.id],
    );
    expect(after.rows[0]!.fetched_at.getTime()).toBeGreaterThan(before.rows[0]!.fetched_at.getTime());
  });

  it('304 on a source already flagged changed keeps it flagged', async () => {
    const key = await ctx.createKey();
    site.setPage('/ship/etag-changed', { body: page(V1), validators: true });
    const first = await ingestOne(ctx, key, site.url('/ship/etag-changed'));
    await link(key, first);
    await ctx.deps.pool.query(
      "UPDATE sources SET saved_hash = 'an-older-hash', changed = true WHERE id = $1",
      [first.id],
    );
    const second = await refresh(ctx, key, first.id);
    expect(second).toMatchObject({ success: true, changed: true, paragraphs: first.paragraphs });
  });
});

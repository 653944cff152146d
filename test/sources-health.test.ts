// Source health end to end (docs/api.md "Source health"): a page gone on two consecutive refreshes, with
// one review item for its linked article; the breakage guard holding back a refresh that collapsed to a
// login wall, emptied, or landed on another host; and accept-refresh applying what was held back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestContext, TestKey } from './helpers/app.js';
import { htmlPage, type Fixture } from './helpers/fixture-server.js';
import {
  ingestOne,
  linkToNewArticle,
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

const LONG = [
  'Orders ship within two business days from our warehouse in Lyon, and every parcel is tracked.',
  'Express shipping arrives the next business day in France, Belgium and the Netherlands.',
  'International orders take five to ten business days depending on customs in the destination.',
  'You can change the delivery address until the parcel leaves the warehouse, from the Orders page.',
].map((text) => `<p>${text}</p>`);

const full = (extra = '') => ({ body: htmlPage('Shipping', LONG.join('\n') + extra) });
const loginWall = { body: htmlPage('Sign in', '<p>Please sign in to continue.</p>') };

const linkToArticle = (key: TestKey, source: WireSource) =>
  linkToNewArticle(ctx, key, source.id, `F ${source.id}`);

async function list(key: TestKey, query: string): Promise<string[]> {
  const response = await ctx.http().get(`/v2/documents/public?${query}`).set(key.header);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return (response.body.documents as WireSource[]).map((source) => source.id);
}

async function reviewItems(key: TestKey, articleId: string) {
  const response = await ctx.http().get('/v2/hc-articles/review/public').set(key.header);
  expect(response.status).toBe(200);
  return (response.body.drafts as { originalArticleId: string; linkedReason: string; id: string }[]).filter(
    (draft) => draft.originalArticleId === articleId,
  );
}

describe('gone pages', () => {
  it('is gone after two consecutive 404/410 answers, with one review item; coming back clears it', async () => {
    const key = await ctx.createKey();
    site.setPage('/health/gone', full());
    const source = await ingestOne(ctx, key, site.url('/health/gone'));
    const articleId = await linkToArticle(key, source);

    site.setPage('/health/gone', { body: 'Not here', status: 404 });
    const first = await refresh(ctx, key, source.id);
    expect(first).toMatchObject({ success: false, gone: false, paragraphs: source.paragraphs });
    expect(await reviewItems(key, articleId)).toEqual([]);

    site.setPage('/health/gone', { body: 'Gone', status: 410 });
    const second = await refresh(ctx, key, source.id);
    expect(second).toMatchObject({ success: false, gone: true, paragraphs: source.paragraphs });
    expect(await list(key, 'gone=true')).toEqual([source.id]);
    const [item, ...more] = await reviewItems(key, articleId);
    expect(more).toEqual([]);
    expect(item!.linkedReason).toBe('the page it was written from is gone');
    const draft = await ctx
      .http()
      .post('/v2/hc-articles/ids/public')
      .set(key.header)
      .send({ articleIds: [item!.id] });
    expect(draft.body[0]).toMatchObject({ isDraft: true, active: false });

    // A third 404 keeps it gone without a second review item; the live article is untouched.
    site.setPage('/health/gone', { body: 'Not here', status: 404 });
    expect(await refresh(ctx, key, source.id)).toMatchObject({ gone: true });
    expect(await reviewItems(key, articleId)).toHaveLength(1);
    const { rows } = await ctx.deps.pool.query('SELECT active FROM articles WHERE id = $1', [articleId]);
    expect(rows[0].active).toBe(true);

    site.setPage('/health/gone', full());
    expect(await refresh(ctx, key, source.id)).toMatchObject({ success: true, gone: false });
    expect(await list(key, 'gone=true')).toEqual([]);
  });

  it('a 404 between two good answers does not make the page gone', async () => {
    const key = await ctx.createKey();
    site.setPage('/health/flap', full());
    const source = await ingestOne(ctx, key, site.url('/health/flap'));
    site.setPage('/health/flap', { body: 'Not here', status: 404 });
    await refresh(ctx, key, source.id);
    site.setPage('/health/flap', full());
    await refresh(ctx, key, source.id);
    site.setPage('/health/flap', { body: 'Not here', status: 404 });
    expect(await refresh(ctx, key, source.id)).toMatchObject({ gone: false });
  });
});

describe('breakage guard', () => {
  it('a page that collapses to a login wall is suspect, not changed, and keeps its content', async () => {
    const key = await ctx.createKey();
    site.setPage('/health/wall', full());
    const source = await ingestOne(ctx, key, site.url('/health/wall'));
    await linkToArticle(key, source);

    site.setPage('/health/wall', loginWall);
    const held = await refresh(ctx, key, source.id);
    expect(held.changed).toBe(false);
    expect(held.suspect).toMatch(/^the extracted text shrank by \d+ %/);
    expect(held.paragraphs).toEqual(source.paragraphs);
    expect(held.contentHash).toBe(source.contentHash);
    expect(await list(key, 'suspect=true')).toEqual([source.id]);
    expect(await list(key, 'changed=true')).toEqual([]);

    // The next normal refresh clears it (and, the content having changed, flags the linked source).
    site.setPage('/health/wall', full('<p>Parcels to Switzerland now ship from Geneva.</p>'));
    const normal = await refresh(ctx, key, source.id);
    expect(normal).toMatchObject({ suspect: null, changed: true });
    expect(await list(key, 'suspect=true')).toEqual([]);
  });

  it('a redirect to another host and an emptied page are suspect too', async () => {
    const key = await ctx.createKey();
    site.setPage('/health/moved', full());
    const source = await ingestOne(ctx, key, site.url('/health/moved'));
    site.setPage('/health/moved', {
      body: '',
      status: 302,
      location: site.url('/health/elsewhere').replace('127.0.0.1', 'localhost'),
    });
    site.setPage('/health/elsewhere', full());
    expect((await refresh(ctx, key, source.id)).suspect).toBe(
      'the page redirected to another host (localhost)',
    );

    site.setPage('/health/moved', { body: '<!doctype html><html><body><main></main></body></html>' });
    const empty = await refresh(ctx, key, source.id);
    expect(empty.suspect).toBe('the extracted text is empty');
    expect(empty.paragraphs).toEqual(source.paragraphs);
  });

  it('accept-refresh applies the held content with the change rule; 409 when nothing is held', async () => {
    const key = await ctx.createKey();
    site.setPage('/health/accept', full());
    const source = await ingestOne(ctx, key, site.url('/health/accept'));
    await linkToArticle(key, source);
    const accept = () => ctx.http().post(`/v2/documents/public/${source.id}/accept-refresh`).set(key.header);

    const none = await accept();
    expect(none.status).toBe(409);
    expect(none.body.message).toContain(source.id);

    site.setPage('/health/accept', loginWall);
    await refresh(ctx, key, source.id);
    const accepted = await accept();
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body).toMatchObject({ suspect: null, changed: true, oldParagraphs: source.paragraphs });
    expect(accepted.body.paragraphs.join(' ')).toContain('Please sign in');

    const unknown = await ctx
      .http()
      .post('/v2/documents/public/00000000-0000-4000-8000-000000000000/accept-refresh')
      .set(key.header);
    expect(unknown.status).toBe(404);
  });
});

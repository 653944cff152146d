// Source size: a page may be 5 MiB, but a source keeps at most SOURCE_MAX_CHARS of text and
// PARAGRAPH_MAX_CHARS per paragraph, says what it cut, and the routes that do not answer with content
// (refresh, delete, ingest of a known URL, the list's cursor check) never read it.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PARAGRAPH_MAX_CHARS, SOURCE_MAX_CHARS } from '../src/sources/source-limits.js';
import { startTestApp, type TestContext } from './helpers/app.js';
import type { Fixture } from './helpers/fixture-server.js';
import { HEALTHZ_MAX_GAP_MS, listenForAbuse, whilePolling } from './helpers/healthz-poller.js';
import { ingestOne, startIngestTestApp, stopIngestTestApp } from './helpers/sources.js';

let ctx: TestContext;
let site: Fixture;
let baseUrl: string;
beforeAll(async () => {
  ({ ctx, site } = await startIngestTestApp());
  baseUrl = await listenForAbuse(ctx);
});
afterAll(() => stopIngestTestApp(ctx, site));

describe('source size', () => {
  it('keeps at most 1 MiB of text and 20,000 characters per paragraph, and says what it cut', async () => {
    const key = await ctx.createKey();
    // 30,000 + 80 × 19,000 = 1.55 million characters of plain text.
    const paragraphs = [
      'x'.repeat(30_000),
      ...Array.from({ length: 80 }, (_, i) => `${i} `.padEnd(19_000, 'y')),
    ];
    site.setPage('/huge.txt', { body: paragraphs.join('\n\n'), type: 'text/plain' });
    const { result: source, healthz } = await whilePolling('abuse-sources 1.55M chars', baseUrl, () =>
      ingestOne(ctx, key, site.url('/huge.txt')),
    );
    expect(source.success).toBe(true);
    expect(source.paragraphs[0]).toHaveLength(PARAGRAPH_MAX_CHARS);
    expect(Math.max(...source.paragraphs.map((p) => p.length))).toBeLessThanOrEqual(PARAGRAPH_MAX_CHARS);
    expect(source.paragraphs.join('').length).toBe(SOURCE_MAX_CHARS);
    const kept = source.paragraphs.length;
    expect(kept).toBeLessThan(paragraphs.length);
    expect(source.error).toBe(
      `The page's text was cut to fit a source's limits (20000 characters per paragraph, 1048576 in all): 2 paragraphs shortened and the last ${paragraphs.length - kept} paragraphs dropped. Split the page to keep all of it.`,
    );
    expect(healthz.maxGapMs).toBeLessThan(HEALTHZ_MAX_GAP_MS);
  });

  it('leaves error empty for a page within the limits', async () => {
    const key = await ctx.createKey();
    site.setPage('/small.txt', { body: 'Short page.\n\nSecond paragraph.', type: 'text/plain' });
    expect(await ingestOne(ctx, key, site.url('/small.txt'))).toMatchObject({ success: true, error: '' });
  });
});

describe('columns read per route', () => {
  let bare: TestContext;
  beforeAll(async () => {
    // No workers: refresh only queues, so every query seen comes from the route itself.
    bare = await startTestApp();
  });
  afterAll(() => bare.close());

  it('refresh, delete, re-adding a URL and a list cursor check never read paragraphs or oldParagraphs', async () => {
    const key = await bare.createKey();
    const big = Array.from({ length: 50 }, () => 'z'.repeat(PARAGRAPH_MAX_CHARS));
    const { rows } = await bare.deps.pool.query<{ id: string }>(
      `INSERT INTO sources (workspace_id, source_type, external_id, original_url, paragraphs, old_paragraphs)
       SELECT $1, 'web', 'https://example.com/' || n, 'https://example.com/' || n, $2, $2
         FROM generate_series(1, 3) AS n RETURNING id`,
      [key.workspaceId, big],
    );
    const ids = rows.map((row) => row.id);
    const http = () => bare.http();
    const reading = async (request: () => Promise<{ status: number }>) => {
      // Pool.query runs through Client.query: spying on the client sees every statement once.
      const queries = vi.spyOn(pg.Client.prototype, 'query');
      try {
        expect((await request()).status).toBe(200);
        const sql = queries.mock.calls.map(([text]) =>
          typeof text === 'string' ? text : String((text as { text?: string }).text),
        );
        expect(sql.length).toBeGreaterThan(0);
        return sql.filter((text) => /paragraphs/.test(text)).length;
      } finally {
        queries.mockRestore();
      }
    };
    expect(
      await reading(() =>
        http().post('/v2/documents/public/refresh').set(key.header).send({ documentIds: ids }),
      ),
    ).toBe(0);
    expect(
      await reading(() =>
        http()
          .post('/v2/documents/public')
          .set(key.header)
          .send({ source: 'web', documentIdsToAdd: ['https://example.com/1'] }),
      ),
    ).toBe(0);
    // The list answers with content (API: the Source object), so only its own page query reads it.
    expect(
      await reading(() => http().get(`/v2/documents/public?limit=1&cursor=${ids[0]}`).set(key.header)),
    ).toBe(1);
    expect(
      await reading(() => http().delete('/v2/documents/public').set(key.header).send({ documentIds: ids })),
    ).toBe(0);
  });
});

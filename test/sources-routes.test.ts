// List, get, refresh, delete and deep crawl (docs/api.md §3): happy paths, errors, scopes and workspaces.
// List tests insert rows directly, so their order (updatedAt, externalId, id) is fully controlled.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestContext, TestKey } from './helpers/app.js';
import type { Fixture } from './helpers/fixture-server.js';
import {
  ingestOne,
  insertBareArticle,
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

interface Row {
  sourceType?: string;
  externalId: string;
  title?: string;
  originalUrl?: string;
  english?: boolean;
  updatedAt?: string;
  linkedKnowledgeId?: string | null;
  linkedOperation?: string | null;
  changed?: boolean;
}

async function insertSources(key: TestKey, rows: Row[]): Promise<string[]> {
  const ids: string[] = [];
  for (const row of rows) {
    const { rows: inserted } = await ctx.deps.pool.query<{ id: string }>(
      `INSERT INTO sources (workspace_id, source_type, external_id, original_url, title, english, updated_at,
         linked_knowledge_id, linked_operation, changed)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
      [
        key.workspaceId,
        row.sourceType ?? 'web',
        row.externalId,
        row.originalUrl ?? row.externalId,
        row.title ?? '',
        row.english ?? true,
        row.updatedAt ?? '2026-05-01T00:00:00.000Z',
        row.linkedKnowledgeId ?? null,
        row.linkedOperation ?? null,
        row.changed ?? false,
      ],
    );
    ids.push(inserted[0]!.id);
  }
  return ids;
}

const createArticle = (key: TestKey, title: string) =>
  insertBareArticle(ctx, key, { article: title, folder: 'F' });

const list = (key: TestKey, query = '') => ctx.http().get(`/v2/documents/public${query}`).set(key.header);

describe('OpenAPI', () => {
  it('documents every source route', async () => {
    const response = await ctx.http().get('/docs/json');
    expect(response.status).toBe(200);
    const paths = response.body.paths as Record<string, Record<string, unknown>>;
    expect(Object.keys(paths['/v2/documents/public'] ?? {}).sort()).toEqual(['delete', 'get', 'post']);
    for (const path of ['/v2/documents/public/refresh', '/v2/documents/public/deep-crawl/links'])
      expect(Object.keys(paths[path] ?? {})).toEqual(['post']);
    expect(Object.keys(paths['/v2/documents/public/{id}'] ?? {})).toEqual(['get']);
  });
});

describe('list', () => {
  it('orders by updatedAt desc, then externalId desc, then id, and pages through every record once in both directions', async () => {
    const key = await ctx.createKey();
    const rows: Row[] = [];
    for (let i = 0; i < 23; i++) {
      // Three timestamps only, so the externalId and id tie-breaks matter.
      rows.push({
        externalId: `https://example.com/page-${String(i).padStart(2, '0')}`,
        updatedAt: `2026-05-0${(i % 3) + 1}T00:00:00.000Z`,
      });
    }
    // Same externalId and updatedAt under two source types: only the id tells them apart.
    rows.push({ sourceType: 'notion', externalId: 'shared', updatedAt: '2026-05-02T00:00:00.000Z' });
    rows.push({ sourceType: 'zendesk', externalId: 'shared', updatedAt: '2026-05-02T00:00:00.000Z' });
    await insertSources(key, rows);

    const all = await list(key, '?limit=200');
    expect(all.status).toBe(200);
    expect(all.body.hasMore).toBe(false);
    const everything = all.body.documents as WireSource[];
    expect(everything).toHaveLength(25);
    for (let i = 1; i < everything.length; i++) {
      const [a, b] = [everything[i - 1]!, everything[i]!];
      const pair = `${a.externalId} (${a.updatedAt}) before ${b.externalId} (${b.updatedAt})`;
      expect(a.updatedAt >= b.updatedAt, pair).toBe(true);
      if (a.updatedAt === b.updatedAt) expect(a.externalId >= b.externalId, pair).toBe(true);
      if (a.updatedAt === b.updatedAt && a.externalId === b.externalId) expect(a.id > b.id, pair).toBe(true);
    }
    const expected = everything.map((source) => source.id);

    // Forward (next = older) with the last id of each page.
    const forward: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const response = await list(key, `?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      expect(response.status).toBe(200);
      const ids = (response.body.documents as WireSource[]).map((source) => source.id);
      forward.push(...ids);
      if (!response.body.hasMore) break;
      cursor = ids.at(-1);
    }
    expect(forward).toEqual(expected);

    // Backward (previous = newer) from the oldest record, with the first id of each page.
    const backward: string[][] = [];
    cursor = expected.at(-1);
    for (let pages = 0; pages < 10; pages++) {
      const response = await list(key, `?limit=7&direction=previous&cursor=${cursor}`);
      expect(response.status).toBe(200);
      const ids = (response.body.documents as WireSource[]).map((source) => source.id);
      backward.unshift(ids);
      if (!response.body.hasMore) break;
      cursor = ids[0];
    }
    expect([...backward.flat(), expected.at(-1)]).toEqual(expected);
    // Each backward page is itself in list order.
    expect(backward.at(-1)).toEqual(expected.slice(-8, -1));
  });

  it('applies every filter', async () => {
    const key = await ctx.createKey();
    const article = await createArticle(key, 'Linked');
    const [refunds, shipping, notion, changed] = await insertSources(key, [
      { externalId: 'https://help.acme.test/refunds', title: 'Refund 100% Policy', english: true },
      { externalId: 'https://help.acme.test/shipping', title: 'Shipping', english: false },
      { sourceType: 'notion', externalId: 'n-1', originalUrl: 'https://notion.so/x', title: 'Notion page' },
      {
        externalId: 'https://help.acme.test/changed',
        title: 'Changed',
        linkedKnowledgeId: article.id,
        linkedOperation: 'UPDATE_ARTICLE',
        changed: true,
      },
    ]);
    // Flagged but not linked: the changed filter ignores it.
    await insertSources(key, [{ externalId: 'https://help.acme.test/orphan', changed: true }]);
    const ids = async (query: string) => {
      const response = await list(key, query);
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      return (response.body.documents as WireSource[]).map((source) => source.id).sort();
    };
    expect(await ids('?source=notion')).toEqual([notion]);
    expect(await ids('?english=false')).toEqual([shipping]);
    expect(await ids(`?id=${refunds}`)).toEqual([refunds]);
    expect(await ids('?title=REFUND')).toEqual([refunds]);
    expect(await ids('?title=100%25')).toEqual([refunds]);
    expect(await ids('?title=_')).toEqual([]);
    expect(await ids('?url=ACME.test/ship')).toEqual([shipping]);
    expect(await ids(`?linkedKnowledgeId=${article.id}`)).toEqual([changed]);
    expect(await ids('?linkedOperation=UPDATE_ARTICLE')).toEqual([changed]);
    expect(await ids('?changed=true')).toEqual([changed]);
    expect((await ids('?changed=false')).length).toBe(4);
    expect(await ids('?changed=true&source=web&english=true')).toEqual([changed]);
  });

  it('filters by the latest ingestion’s outcome (ext: success)', async () => {
    const key = await ctx.createKey();
    const [ok, failed] = await insertSources(key, [
      { externalId: 'https://help.acme.test/ok' },
      { externalId: 'https://help.acme.test/broken' },
    ]);
    await ctx.deps.pool.query(`UPDATE sources SET success = true WHERE id = $1`, [ok]);
    await ctx.deps.pool.query(`UPDATE sources SET error = 'HTTP 500' WHERE id = $1`, [failed]);
    const listed = async (query: string) =>
      ((await list(key, query).expect(200)).body.documents as WireSource[]).map((source) => source.id);
    expect(await listed('?success=false')).toEqual([failed]);
    expect(await listed('?success=true')).toEqual([ok]);
    expect((await listed('')).sort()).toEqual([ok, failed].sort());
  });

  it('answers 400 for bad values, naming the parameter', async () => {
    const key = await ctx.createKey();
    for (const [query, field] of [
      ['?limit=0', 'limit'],
      ['?limit=201', 'limit'],
      ['?limit=ten', 'limit'],
      ['?direction=up', 'direction'],
      ['?source=ftp', 'source'],
      ['?changed=yes', 'changed'],
      ['?english=1', 'english'],
      ['?success=no', 'success'],
      ['?cursor=abc', 'cursor'],
      [`?cursor=${randomUUID()}`, 'cursor'],
      ['?id=42', 'id'],
      ['?linkedKnowledgeId=x', 'linkedKnowledgeId'],
      ['?linkedOperation=DELETE', 'linkedOperation'],
    ] as const) {
      const response = await list(key, query);
      expect(response.status, query).toBe(400);
      expect(response.body.message, query).toMatch(new RegExp(`^${field} `));
    }
  });

  it('defaults to 50 records and never shows another workspace’s sources', async () => {
    const key = await ctx.createKey();
    const other = await ctx.createKey();
    await insertSources(
      key,
      Array.from({ length: 52 }, (_, i) => ({ externalId: `https://a.test/${i}` })),
    );
    await insertSources(other, [{ externalId: 'https://b.test/' }]);
    const response = await list(key);
    expect(response.body.documents).toHaveLength(50);
    expect(response.body.hasMore).toBe(true);
    const theirs = await list(other);
    expect((theirs.body.documents as WireSource[]).map((source) => source.externalId)).toEqual([
      'https://b.test/',
    ]);
  });

  it('needs the read scope', async () => {
    const writer = await ctx.createKey({ scopes: ['write'] });
    expect((await list(writer)).status).toBe(403);
    expect((await ctx.http().get('/v2/documents/public')).status).toBe(401);
  });
});

describe('get', () => {
  it('answers 400 for a malformed id, 404 for an unknown one, 403 for another workspace’s', async () => {
    const key = await ctx.createKey();
    const other = await ctx.createKey();
    const [theirs] = await insertSources(other, [{ externalId: 'https://b.test/x' }]);
    const bad = await ctx.http().get('/v2/documents/public/not-a-uuid').set(key.header);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe('id must be a UUID');
    const unknown = randomUUID();
    const missing = await ctx.http().get(`/v2/documents/public/${unknown}`).set(key.header);
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe(`document ${unknown} not found`);
    const foreign = await ctx.http().get(`/v2/documents/public/${theirs}`).set(key.header);
    expect(foreign.status).toBe(403);
    expect(foreign.body.code).toBe('FORBIDDEN');
  });

  it('needs the read scope', async () => {
    const key = await ctx.createKey();
    const writer = await ctx.createKey({ scopes: ['write'], workspaceName: key.workspaceName });
    const [id] = await insertSources(key, [{ externalId: 'https://a.test/x' }]);
    expect((await ctx.http().get(`/v2/documents/public/${id}`).set(writer.header)).status).toBe(403);
    expect((await ctx.http().get(`/v2/documents/public/${id}`).set(key.header)).status).toBe(200);
  });
});

describe('refresh', () => {
  const post = (key: TestKey, body: unknown) =>
    ctx
      .http()
      .post('/v2/documents/public/refresh')
      .set(key.header)
      .send(body as object);

  it('queues a new job per source and answers with the accepted ids', async () => {
    const key = await ctx.createKey();
    const source = await ingestOne(ctx, key, site.url('/docs/a'));
    const response = await post(key, { documentIds: [source.id, source.id] });
    expect(response.status).toBe(200);
    expect(response.body).toEqual([source.id]);
    const after = await ctx.http().get(`/v2/documents/public/${source.id}`).set(key.header);
    expect(after.body.linkedJobId).not.toBe(source.linkedJobId);
  });

  it('answers 400 for an empty list, unknown ids (named) and files sources (named)', async () => {
    const key = await ctx.createKey();
    const empty = await post(key, { documentIds: [] });
    expect(empty.status).toBe(400);
    expect(empty.body.message).toBe('documentIds must contain at least 1 item');
    const [known, file] = await insertSources(key, [
      { externalId: 'https://a.test/known' },
      { sourceType: 'files', externalId: 'upload.pdf' },
    ]);
    const unknown = randomUUID();
    const missing = await post(key, { documentIds: [known, unknown] });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toBe(`documentIds contains unknown document: ${unknown}`);
    const files = await post(key, { documentIds: [known, file] });
    expect(files.status).toBe(400);
    expect(files.body.message).toContain(`cannot be refreshed (delete and upload them again): ${file}`);
    const malformed = await post(key, { documentIds: ['nope'] });
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toBe('documentIds[0] must be a UUID');
  });

  it('answers 403 for another workspace’s ids and needs the write scope', async () => {
    const key = await ctx.createKey();
    const other = await ctx.createKey();
    const [theirs] = await insertSources(other, [{ externalId: 'https://b.test/' }]);
    const foreign = await post(key, { documentIds: [theirs] });
    expect(foreign.status).toBe(403);
    expect(foreign.body.message).toBe(`documentIds contains document of another workspace: ${theirs}`);
    const reader = await ctx.createKey({ scopes: ['read'], workspaceName: other.workspaceName });
    expect((await post(reader, { documentIds: [theirs] })).status).toBe(403);
  });
});

describe('delete', () => {
  const del = (key: TestKey, body: unknown) =>
    ctx
      .http()
      .delete('/v2/documents/public')
      .set(key.header)
      .send(body as object);

  it('deletes sources and reports them; the linked article stays unless deleteArticles', async () => {
    const key = await ctx.createKey();
    const article = await createArticle(key, 'Refunds article');
    const [a, b] = await insertSources(key, [
      { externalId: 'https://a.test/1', title: 'One', linkedKnowledgeId: article.id },
      { externalId: 'https://a.test/2', title: 'Two' },
    ]);
    const response = await del(key, { documentIds: [b, a] });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      deletedDocuments: [
        { id: b, title: 'Two', originalUrl: 'https://a.test/2' },
        { id: a, title: 'One', originalUrl: 'https://a.test/1' },
      ],
      deletedArticles: [],
    });
    expect((await ctx.http().get(`/v2/documents/public/${a}`).set(key.header)).status).toBe(404);
    const { rowCount } = await ctx.deps.pool.query('SELECT 1 FROM articles WHERE id = $1', [article.id]);
    expect(rowCount).toBe(1);
  });

  it('with deleteArticles, deletes each linked article in the same transaction and reports it', async () => {
    const key = await ctx.createKey();
    const article = await createArticle(key, 'Refunds article');
    const [a, b] = await insertSources(key, [
      { externalId: 'https://a.test/1', linkedKnowledgeId: article.id },
      { externalId: 'https://a.test/2', linkedKnowledgeId: article.id },
    ]);
    const response = await del(key, { documentIds: [a, b], deleteArticles: true });
    expect(response.status).toBe(200);
    expect(response.body.deletedDocuments).toHaveLength(2);
    expect(response.body.deletedArticles).toEqual([
      { id: article.id, title: 'Refunds article', parentFolderId: article.folderId },
    ]);
    const { rowCount } = await ctx.deps.pool.query('SELECT 1 FROM articles WHERE id = $1', [article.id]);
    expect(rowCount).toBe(0);
  });

  it('with deleteArticles, moves the tree snapshot updatedAt past the deleted live article', async () => {
    const key = await ctx.createKey();
    const article = await createArticle(key, 'Refunds article');
    const [source] = await insertSources(key, [
      { externalId: 'https://a.test/1', linkedKnowledgeId: article.id },
    ]);
    const treeUpdatedAt = async () =>
      (await ctx.http().get('/v2/hc-folders/public').set(key.header)).body.updatedAt as string;
    const before = await treeUpdatedAt();
    const response = await del(key, { documentIds: [source], deleteArticles: true });
    expect(response.body.deletedArticles).toHaveLength(1);
    expect(Date.parse(await treeUpdatedAt())).toBeGreaterThan(Date.parse(before));
  });

  it('deletes an ingested source with its jobs', async () => {
    const key = await ctx.createKey();
    const source = await ingestOne(ctx, key, site.url('/docs/b'));
    const response = await del(key, { documentIds: [source.id] });
    expect(response.status).toBe(200);
    const { rowCount } = await ctx.deps.pool.query('SELECT 1 FROM ingest_jobs WHERE source_id = $1', [
      source.id,
    ]);
    expect(rowCount).toBe(0);
  });

  it('answers 400 for unknown ids and empty lists, 403 for another workspace’s, and deletes nothing then', async () => {
    const key = await ctx.createKey();
    const other = await ctx.createKey();
    const [mine] = await insertSources(key, [{ externalId: 'https://a.test/mine' }]);
    const [theirs] = await insertSources(other, [{ externalId: 'https://b.test/theirs' }]);
    const unknown = randomUUID();
    const missing = await del(key, { documentIds: [mine, unknown] });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toContain(unknown);
    expect((await del(key, { documentIds: [] })).status).toBe(400);
    expect((await del(key, { documentIds: [mine], deleteArticles: 'yes' })).status).toBe(400);
    const foreign = await del(key, { documentIds: [mine, theirs] });
    expect(foreign.status).toBe(403);
    expect((await ctx.http().get(`/v2/documents/public/${mine}`).set(key.header)).status).toBe(200);
    expect((await ctx.http().get(`/v2/documents/public/${theirs}`).set(other.header)).status).toBe(200);
    const reader = await ctx.createKey({ scopes: ['read'], workspaceName: key.workspaceName });
    expect((await del(reader, { documentIds: [mine] })).status).toBe(403);
  });
});

describe('deep crawl', () => {
  const crawl = (key: TestKey, body: unknown) =>
    ctx
      .http()
      .post('/v2/documents/public/deep-crawl/links')
      .set(key.header)
      .send(body as object);

  it('returns same-site links and sitemap entries, robots honoured, absolute, normalized and unique', async () => {
    const key = await ctx.createKey();
    const response = await crawl(key, { links: [site.url('/docs/a#intro')] });
    expect(response.status).toBe(200);
    expect(response.body.message).toMatch(/^Successfully crawled parent URLs/);
    const data = response.body.data as string[];
    for (const path of [
      '/docs/a',
      '/docs/b',
      '/docs/c?a=1&b=2',
      '/docs/d',
      '/docs/e',
      '/docs/only-in-sitemap',
      '/docs/from-index',
      '/',
      '/privacy',
    ])
      expect(data, path).toContain(site.url(path));
    expect(new Set(data).size).toBe(data.length);
    for (const url of data) {
      expect(url.startsWith(`${site.origin}/`), url).toBe(true);
      expect(url).not.toContain('#');
      expect(url).not.toMatch(/\/private\/|\.png$/);
    }
    // Nothing is created.
    expect((await ctx.http().get('/v2/documents/public').set(key.header)).body.documents).toEqual([]);
  });

  it('stops at the limit and at the depth bound', async () => {
    const key = await ctx.createKey();
    const limited = await crawl(key, { links: [site.url('/docs/a')], limit: 3 });
    expect(limited.status).toBe(200);
    expect(limited.body.data).toHaveLength(3);
    expect(limited.body.data[0]).toBe(site.url('/docs/a'));
    // a → c (1) → e (2) → f (3): f is found at depth 3 but, being at the bound, never fetched.
    const deep = await crawl(key, { links: [site.url('/docs/a')] });
    expect(deep.body.data).toContain(site.url('/docs/f'));
  });

  it('answers 400 for bad links and limits, and needs the write scope', async () => {
    const key = await ctx.createKey();
    const notWeb = await crawl(key, { links: [site.url('/'), 'ftp://example.com/'] });
    expect(notWeb.status).toBe(400);
    expect(notWeb.body.message).toMatch(/^links\[1\] must be an http or https URL/);
    expect((await crawl(key, { links: [] })).body.message).toBe('links must contain at least 1 item');
    expect((await crawl(key, {})).body.message).toBe('links is required');
    expect((await crawl(key, { links: [site.url('/')], limit: 1001 })).body.message).toBe(
      'limit must be at most 1000',
    );
    expect((await crawl(key, { links: [site.url('/')], limit: 0 })).status).toBe(400);
    const reader = await ctx.createKey({ scopes: ['read'] });
    expect((await crawl(reader, { links: [site.url('/')] })).status).toBe(403);
  });

  it('reports a seed that cannot be fetched in the message, and still answers', async () => {
    const key = await ctx.createKey();
    const response = await crawl(key, { links: [site.url('/status/404')] });
    expect(response.status).toBe(200);
    expect(response.body.message).toContain('HTTP 404');
  });
});

describe('provider resources (GET/POST /v2/documents/public/resources/:provider)', () => {
  const resource = {
    externalId: '123456',
    title: 'Billing FAQ',
    originalUrl: 'https://www.notion.so/x',
    mimeType: 'text/markdown',
    object: 'page',
  };

  it('answers 400 as Fini does for a provider that is not connected (none can be, yet)', async () => {
    const key = await ctx.createKey();
    const listed = await ctx.http().get('/v2/documents/public/resources/notion').set(key.header);
    expect(listed.status).toBe(400);
    expect(listed.body).toMatchObject({
      code: 'VALIDATION',
      details: [{ field: 'provider', message: 'notion is not connected' }],
    });
    expect(listed.body.message).toMatch(/^provider notion is not connected in this workspace/);
    const registered = await ctx
      .http()
      .post('/v2/documents/public/resources/zendesk')
      .set(key.header)
      .send({ resources: [resource] });
    expect(registered.status).toBe(400);
    expect(registered.body.message).toMatch(/^provider zendesk is not connected/);
  });

  it('validates the provider and the resources, and checks scopes', async () => {
    const key = await ctx.createKey();
    const unknown = await ctx.http().get('/v2/documents/public/resources/dropbox').set(key.header);
    expect(unknown.body).toMatchObject({
      statusCode: 400,
      message: 'provider must be one of notion, zendesk, confluence',
    });
    const missing = await ctx
      .http()
      .post('/v2/documents/public/resources/notion')
      .set(key.header)
      .send({ resources: [{ ...resource, mimeType: undefined }] });
    expect(missing.body).toMatchObject({ statusCode: 400, message: 'resources[0].mimeType is required' });
    expect((await ctx.http().get('/v2/documents/public/resources/notion')).status).toBe(401);
    const writer = await ctx.createKey({ scopes: ['write'] });
    expect((await ctx.http().get('/v2/documents/public/resources/notion').set(writer.header)).status).toBe(
      403,
    );
    const reader = await ctx.createKey({ scopes: ['read'] });
    const post = await ctx
      .http()
      .post('/v2/documents/public/resources/notion')
      .set(reader.header)
      .send({ resources: [resource] });
    expect(post.status).toBe(403);
  });
});

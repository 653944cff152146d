// Articles (API.md §5): create, update, delete, move, list and by-IDs, with errors, scopes and isolation.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestContext, type TestKey } from './helpers/app.js';
import { articleBody, knowledge, type WireArticle } from './helpers/knowledge.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await startTestApp();
});
afterAll(() => ctx.close());

/** POST /v2/hc-articles/public as is, for the cases that check the answer (knowledge().article expects 200). */
const postArticle = (key: TestKey, body: object) =>
  ctx.http().post('/v2/hc-articles/public').set(key.header).send(body);

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('create article', () => {
  it('creates a live article with exactly the documented fields', async () => {
    const key = await ctx.createKey();
    const folder = await knowledge(ctx, key).folder('Billing');
    const response = await postArticle(
      key,
      articleBody(folder.id, { origin: 'api', active: false, originalArticleId: randomUUID() }),
    );
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/) as string,
      ...articleBody(folder.id),
      active: true,
      public: true,
      origin: 'api',
      isDraft: false,
      originalArticleId: null,
      originalArticleVersion: null,
      isDraftPublished: false,
      version: 1,
      createdAt: expect.stringMatching(ISO) as string,
      updatedAt: expect.stringMatching(ISO) as string,
      sourceDocumentId: null,
      operation: null,
      linkedReason: null,
      backgroundJobId: null,
      rejectedAt: null,
      rejectReason: null,
    });
  });

  it('creates a draft when isDraft is true', async () => {
    const key = await ctx.createKey();
    const kb = knowledge(ctx, key);
    const draft = await kb.article((await kb.folder('Billing')).id, { isDraft: true });
    expect(draft).toMatchObject({ isDraft: true, isDraftPublished: false, origin: null });
  });

  it.each(['questions', 'keywords'])('refuses an empty %s with 400 naming it', async (field) => {
    const key = await ctx.createKey();
    const folder = await knowledge(ctx, key).folder('Billing');
    const response = await postArticle(key, articleBody(folder.id, { [field]: [] }));
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      code: 'VALIDATION',
      message: `${field} must contain at least 1 item`,
    });
  });

  it('names a missing required field', async () => {
    const key = await ctx.createKey();
    const folder = await knowledge(ctx, key).folder('Billing');
    const { escalation: _escalation, ...body } = articleBody(folder.id);
    const response = await postArticle(key, body);
    expect(response.status).toBe(400);
    expect(response.body.message).toBe('escalation is required');
  });

  it('answers 404 for an unknown folder and for a folder of another workspace', async () => {
    const key = await ctx.createKey();
    const other = await ctx.createKey();
    const foreign = await knowledge(ctx, other).folder('Theirs');
    for (const folderId of [randomUUID(), foreign.id]) {
      const response = await postArticle(key, articleBody(folderId));
      expect(response.status).toBe(404);
      expect(response.body.message).toBe(`parent folder ${folderId} not found`);
    }
    const { rows } = await ctx.deps.pool.query('SELECT 1 FROM articles WHERE workspace_id = $1', [
      key.workspaceId,
    ]);
    expect(rows).toEqual([]);
  });
});

describe('update article', () => {
  it('replaces the content, bumps the version and keeps the previous one', async () => {
    const key = await ctx.createKey();
    const kb = knowledge(ctx, key);
    const article = await kb.article((await kb.folder('Billing')).id);
    const updated = await kb.update(article.id, {
      ...articleBody(article.parentFolderId!, { title: 'Cancel a plan', questions: ['How to cancel?'] }),
      public: false,
    });
    expect(updated).toMatchObject({
      id: article.id,
      title: 'Cancel a plan',
      questions: ['How to cancel?'],
      version: 2,
      public: false,
      active: true,
    });
    const { rows } = await ctx.deps.pool.query<{ version: number; title: string }>(
      'SELECT version, title FROM article_versions WHERE article_id = $1',
      [article.id],
    );
    expect(rows).toEqual([{ version: 1, title: 'Canceling your subscription' }]);
  });

  it('needs every content field: it is a full replacement', async () => {
    const key = await ctx.createKey();
    const kb = knowledge(ctx, key);
    const article = await kb.article((await kb.folder('Billing')).id);
    const response = await ctx
      .http()
      .put(`/v2/hc-articles/${article.id}/public`)
      .set(key.header)
      .send({ title: 'Only a title' });
    expect(response.status).toBe(400);
    expect(response.body.message).toBe('mainKnowledge is required');
  });

  it('answers 404 for an unknown article and for an article of another workspace, changing nothing', async () => {
    const key = await ctx.createKey();
    const other = await ctx.createKey();
    const okb = knowledge(ctx, other);
    const theirs = await okb.article((await okb.folder('Theirs')).id);
    for (const id of [randomUUID(), theirs.id]) {
      const response = await ctx
        .http()
        .put(`/v2/hc-articles/${id}/public`)
        .set(key.header)
        .send(articleBody(theirs.parentFolderId!, { title: 'Hijacked' }));
      expect(response.status).toBe(404);
      expect(response.body.message).toBe(`article ${id} not found`);
    }
    expect((await okb.get(theirs.id))?.title).toBe('Canceling your subscription');
  });

  it('answers 400 for a malformed id', async () => {
    const key = await ctx.createKey();
    const response = await ctx.http().put('/v2/hc-articles/not-a-uuid/public').set(key.header).send({});
    expect(response.status).toBe(400);
    expect(response.body.message).toBe('id must be a UUID');
  });
});

describe('delete article', () => {
  it('deletes an article and answers with it; a second delete is 404', async () => {
    const key = await ctx.createKey();
    const kb = knowledge(ctx, key);
    const article = await kb.article((await kb.folder('Billing')).id);
    const response = await ctx.http().delete(`/v2/hc-articles/${article.id}/public`).set(key.header);
    expect(response.status).toBe(200);
    expect(response.body).toEqual(article);
    expect(await kb.get(article.id)).toBeUndefined();
    const again = await ctx.http().delete(`/v2/hc-articles/${article.id}/public`).set(key.header);
    expect(again.status).toBe(404);
  });

  it('does not delete an article of another workspace', async () => {
    const key = await ctx.createKey();
    const other = await ctx.createKey();
    const okb = knowledge(ctx, other);
    const theirs = await okb.article((await okb.folder('Theirs')).id);
    const response = await ctx.http().delete(`/v2/hc-articles/${theirs.id}/public`).set(key.header);
    expect(response.status).toBe(404);
    expect(await okb.get(theirs.id)).toBeDefined();
  });
});

describe('move article', () => {
  it('moves an article to another folder without a new version', async () => {
    const key = await ctx.createKey();
    const kb = knowledge(ctx, key);
    const billing = await kb.folder('Billing');
    const account = await kb.folder('Account');
    const article = await kb.article(billing.id);
    const response = await ctx
      .http()
      .put(`/v2/hc-articles/${article.id}/move/public`)
      .set(key.header)
      .send({ parentFolderId: account.id });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: article.id, parentFolderId: account.id, version: 1 });
  });

  it('answers 404 for an unknown article, an unknown folder, or either from another workspace', async () => {
    const key = await ctx.createKey();
    const other = await ctx.createKey();
    const kb = knowledge(ctx, key);
    const okb = knowledge(ctx, other);
    const mine = await kb.article((await kb.folder('Mine')).id);
    const theirFolder = await okb.folder('Theirs');
    const theirs = await okb.article(theirFolder.id);
    const cases: [string, string, string][] = [
      [randomUUID(), mine.parentFolderId!, 'article'],
      [theirs.id, mine.parentFolderId!, 'article'],
      [mine.id, randomUUID(), 'parent folder'],
      [mine.id, theirFolder.id, 'parent folder'],
    ];
    for (const [articleId, folderId, what] of cases) {
      const response = await ctx
        .http()
        .put(`/v2/hc-articles/${articleId}/move/public`)
        .set(key.header)
        .send({ parentFolderId: folderId });
      expect(response.status).toBe(404);
      expect(response.body.message).toBe(`${what} ${what === 'article' ? articleId : folderId} not found`);
    }
    expect((await kb.get(mine.id))?.parentFolderId).toBe(mine.parentFolderId);
    expect((await okb.get(theirs.id))?.parentFolderId).toBe(theirFolder.id);
  });

  it('requires parentFolderId', async () => {
    const key = await ctx.createKey();
    const kb = knowledge(ctx, key);
    const article = await kb.article((await kb.folder('Billing')).id);
    const response = await ctx
      .http()
      .put(`/v2/hc-articles/${article.id}/move/public`)
      .set(key.header)
      .send({});
    expect(response.status).toBe(400);
    expect(response.body.message).toBe('parentFolderId is required');
  });
});

describe('list articles', () => {
  async function seed() {
    const key = await ctx.createKey();
    const kb = knowledge(ctx, key);
    const billing = await kb.folder('Billing');
    const account = await kb.folder('Account');
    const made: WireArticle[] = [];
    for (let i = 0; i < 5; i++)
      made.push(
        await kb.article(i % 2 ? account.id : billing.id, { title: `Article ${i}`, isDraft: i >= 3 }),
      );
    return { key, billing, account, made };
  }

  const list = async (header: { authorization: string }, query: string) => {
    const response = await ctx.http().get(`/v2/hc-articles/public${query}`).set(header);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body as { articles: WireArticle[]; hasMore: boolean };
  };
  const titles = (page: { articles: WireArticle[] }) => page.articles.map((article) => article.title);

  it('lists live and draft articles newest first, filtered by type and folder', async () => {
    const { key, account } = await seed();
    expect(titles(await list(key.header, ''))).toEqual([4, 3, 2, 1, 0].map((i) => `Article ${i}`));
    expect(titles(await list(key.header, '?type=live'))).toEqual(['Article 2', 'Article 1', 'Article 0']);
    expect(titles(await list(key.header, '?type=draft'))).toEqual(['Article 4', 'Article 3']);
    expect(titles(await list(key.header, `?type=live&parentFolderId=${account.id}`))).toEqual(['Article 1']);
  });

  it('pages with the last id as cursor and says whether more follow', async () => {
    const { key } = await seed();
    const first = await list(key.header, '?limit=2');
    expect(titles(first)).toEqual(['Article 4', 'Article 3']);
    expect(first.hasMore).toBe(true);
    const second = await list(key.header, `?limit=2&cursor=${first.articles[1]!.id}`);
    expect(titles(second)).toEqual(['Article 2', 'Article 1']);
    expect(second.hasMore).toBe(true);
    const last = await list(key.header, `?limit=2&cursor=${second.articles[1]!.id}`);
    expect(titles(last)).toEqual(['Article 0']);
    expect(last.hasMore).toBe(false);
  });

  it('refuses bad query values with 400 naming them', async () => {
    const { key } = await seed();
    const other = await seed();
    const cases: [string, string][] = [
      ['?type=published', 'type must be one of live, draft'],
      ['?limit=0', 'limit must be at least 1'],
      ['?limit=201', 'limit must be at most 200'],
      ['?cursor=nope', 'cursor must be a UUID'],
      [`?cursor=${randomUUID()}`, 'cursor is not an article of this workspace'],
      [`?cursor=${other.made[0]!.id}`, 'cursor is not an article of this workspace'],
    ];
    for (const [query, message] of cases) {
      const response = await ctx.http().get(`/v2/hc-articles/public${query}`).set(key.header);
      expect(response.status, query).toBe(400);
      expect(response.body.message, query).toBe(message);
    }
  });

  it('never lists another workspace’s articles', async () => {
    await seed();
    const empty = await ctx.createKey();
    expect(await list(empty.header, '')).toEqual({ articles: [], hasMore: false });
  });
});

describe('articles by IDs', () => {
  it('returns the articles found, in request order, silently omitting unknown and foreign IDs', async () => {
    const key = await ctx.createKey();
    const other = await ctx.createKey();
    const kb = knowledge(ctx, key);
    const folder = await kb.folder('Billing');
    const a = await kb.article(folder.id, { title: 'A' });
    const b = await kb.article(folder.id, { title: 'B', isDraft: true });
    const okb = knowledge(ctx, other);
    const theirs = await okb.article((await okb.folder('Theirs')).id);
    const response = await ctx
      .http()
      .post('/v2/hc-articles/ids/public')
      .set(key.header)
      .send({ articleIds: [b.id, randomUUID(), theirs.id, a.id, b.id] });
    expect(response.status).toBe(200);
    expect(response.body).toEqual([b, a]);
  });

  it('answers 400 for a missing or empty articleIds', async () => {
    const key = await ctx.createKey();
    for (const [body, message] of [
      [{}, 'articleIds is required'],
      [{ articleIds: [] }, 'articleIds must contain at least 1 item'],
      [{ articleIds: ['x'] }, 'articleIds[0] must be a UUID'],
    ] as const) {
      const response = await ctx.http().post('/v2/hc-articles/ids/public').set(key.header).send(body);
      expect(response.status).toBe(400);
      expect(response.body.message).toBe(message);
    }
  });
});

describe('article route scopes', () => {
  const id = randomUUID();
  const writeRoutes: [string, string][] = [
    ['post', '/v2/hc-articles/public'],
    ['put', `/v2/hc-articles/${id}/public`],
    ['delete', `/v2/hc-articles/${id}/public`],
    ['post', `/v2/hc-articles/${id}/draft/public`],
    ['post', `/v2/hc-articles/${id}/publish/public`],
    ['put', `/v2/hc-articles/${id}/move/public`],
    ['post', `/v2/hc-articles/${id}/rollback/public`],
    ['put', `/v2/hc-folders/${id}/public`],
    ['put', `/v2/hc-folders/${id}/move/public`],
    ['delete', `/v2/hc-folders/${id}/public`],
    ['post', '/v2/hc-bot-folder-junctions/public'],
    ['post', '/v2/knowledge/public/tree/persist'],
  ];
  const readRoutes: [string, string][] = [
    ['get', '/v2/hc-articles/public'],
    ['post', '/v2/hc-articles/ids/public'],
    ['get', `/v2/hc-articles/${id}/versions/public`],
    ['get', `/v2/hc-articles/${id}/diff/public`],
  ];

  const call = (method: string, path: string, header: Record<string, string>) => {
    const agent = ctx.http();
    const request =
      method === 'get'
        ? agent.get(path)
        : method === 'put'
          ? agent.put(path)
          : method === 'delete'
            ? agent.delete(path)
            : agent.post(path);
    return request.set(header);
  };

  it('refuses a read-only key on every write route with 403', async () => {
    const reader = await ctx.createKey({ scopes: ['read'] });
    for (const [method, path] of writeRoutes) {
      const response = await call(method, path, reader.header);
      expect(response.status, `${method} ${path}`).toBe(403);
    }
  });

  it('refuses a write-only key on every read route with 403', async () => {
    const writer = await ctx.createKey({ scopes: ['write'] });
    for (const [method, path] of readRoutes) {
      const response = await call(method, path, writer.header);
      expect(response.status, `${method} ${path}`).toBe(403);
    }
  });

  it('answers 401 without a key on every route', async () => {
    for (const [method, path] of [...writeRoutes, ...readRoutes]) {
      const response = await call(method, path, {});
      expect(response.status, `${method} ${path}`).toBe(401);
    }
  });
});

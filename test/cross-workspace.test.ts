// Cross-workspace probes. With workspace B's key, every route that takes an ID (sources,
// knowledge jobs, batches, articles, drafts and their review, folders, junctions, job events, webhooks and
// their deliveries) is tried on
// workspace A's IDs: nothing of A is read (no A ID or title in any answer but the refusal naming the ID
// asked for) and nothing is changed
// (A's rows are identical afterwards). Source routes answer 403 (docs/api.md §3), the others 404.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestContext, type TestKey } from './helpers/app.js';
import { insertSource } from './helpers/generation.js';
import { articleBody, articleContent, knowledge } from './helpers/knowledge.js';
import { emitEvent } from '../src/webhooks/events.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await startTestApp();
});
afterAll(() => ctx.close());

interface WorkspaceA {
  key: TestKey;
  folder: string;
  subfolder: string;
  article: string;
  draft: string;
  source: string;
  sourceUrl: string;
  job: string;
  batch: string;
  bot: string;
  webhook: string;
  delivery: string;
  secrets: string[];
}

/** A webhook endpoint of the key's workspace, and (with `withDelivery`) one delivery in its log. */
async function webhookOf(key: TestKey, description: string, withDelivery: boolean) {
  const created = await ctx
    .http()
    .post('/v2/webhooks/public')
    .set(key.header)
    .send({ url: 'http://127.0.0.1:9/hook', events: ['job.completed'], description })
    .expect(200);
  if (withDelivery) await emitEvent(ctx.deps.pool, key.workspaceId, 'job.completed', { jobId: 'x' });
  const { rows } = await ctx.deps.pool.query<{ id: string }>(
    'SELECT id FROM webhook_deliveries WHERE endpoint_id = $1',
    [created.body.id],
  );
  return { webhook: created.body.id as string, delivery: rows[0]?.id ?? '' };
}

async function workspaceA(): Promise<WorkspaceA> {
  const key = await ctx.createKey();
  const kb = knowledge(ctx, key);
  const folder = await kb.folder('A-Billing-Secret');
  const subfolder = await kb.folder('A-Refunds-Secret', folder.id);
  const article = await kb.article(folder.id, { title: 'A-Article-Secret' });
  await kb.update(article.id, {
    ...articleContent({ title: 'A-Article-Secret' }),
    mainKnowledge: 'v2',
  });
  const draft = await kb.fork(article.id, { title: 'A-Draft-Secret' });
  const sourceUrl = `https://a.example.com/${key.workspaceId}`;
  const source = await insertSource(ctx, key, {
    title: 'A-Source-Secret',
    paragraphs: ['# A', 'Secret.'],
    url: sourceUrl,
    linkedKnowledgeId: article.id,
  });
  const bulk = await ctx
    .http()
    .post('/v2/knowledge/public/bulk')
    .set(key.header)
    .send({ documentIds: [source], origin: 'sources' });
  expect(bulk.status).toBe(200);
  const bot = crypto.randomUUID();
  await ctx
    .http()
    .post('/v2/hc-bot-folder-junctions/public')
    .set(key.header)
    .send({ junctions: [{ folderId: folder.id, botId: bot, action: 'ADD' }] })
    .expect(200);
  const hook = await webhookOf(key, 'A-Webhook-Secret', true);
  return {
    key,
    ...hook,
    folder: folder.id,
    subfolder: subfolder.id,
    article: article.id,
    draft: draft.id,
    source,
    sourceUrl,
    job: (bulk.body.jobs as { backgroundJobId: string }[])[0]!.backgroundJobId,
    batch: bulk.body.batchId as string,
    bot,
    secrets: [
      'A-Billing-Secret',
      'A-Refunds-Secret',
      'A-Article-Secret',
      'A-Draft-Secret',
      'A-Source-Secret',
      'A-Webhook-Secret',
    ],
  };
}

/** Every row workspace A owns, in a stable order. */
async function snapshot(workspaceId: string): Promise<Record<string, unknown[]>> {
  const tables: Record<string, string> = {
    folders: 'id',
    bots: 'id',
    bot_folders: 'bot_id, folder_id',
    articles: 'id',
    article_versions: 'article_id, version',
    sources: 'id',
    ingest_jobs: 'id',
    knowledge_jobs: 'id',
    knowledge_batches: 'id',
    webhook_endpoints: 'id',
    webhook_events: 'id',
    webhook_deliveries: 'id',
  };
  const out: Record<string, unknown[]> = {};
  for (const [table, order] of Object.entries(tables)) {
    const { rows } = await ctx.deps.pool.query(
      `SELECT * FROM ${table} WHERE workspace_id = $1 ORDER BY ${order}`,
      [workspaceId],
    );
    out[table] = rows;
  }
  return out;
}

interface Probe {
  name: string;
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  body?: object;
  status: number;
}

function probesOn(a: WorkspaceA, b: { folder: string; article: string; webhook: string }): Probe[] {
  const content = articleBody(a.folder);
  return [
    // Sources: 403 for an ID of another workspace (docs/api.md §1, §3).
    { name: 'get source', method: 'get', path: `/v2/documents/public/${a.source}`, status: 403 },
    {
      name: 'refresh source',
      method: 'post',
      path: '/v2/documents/public/refresh',
      body: { documentIds: [a.source] },
      status: 403,
    },
    {
      name: 'delete source',
      method: 'delete',
      path: '/v2/documents/public',
      body: { documentIds: [a.source], deleteArticles: true },
      status: 403,
    },
    {
      name: 'bulk generate from source',
      method: 'post',
      path: '/v2/knowledge/public/bulk',
      body: { documentIds: [a.source], origin: 'sources' },
      status: 403,
    },
    {
      name: 'bulk alias',
      method: 'post',
      path: '/knowledge/bulk-generate',
      body: { documentIds: [a.source], origin: 'sources' },
      status: 403,
    },
    {
      name: 'generate from source',
      method: 'post',
      path: '/v2/knowledge/public',
      body: { origin: 'sources', documentId: a.source, candidateKnowledge: 'x' },
      status: 403,
    },
    // Knowledge jobs.
    {
      name: 'job status',
      method: 'post',
      path: '/v2/knowledge/public/jobs/status',
      body: { jobIds: [a.job] },
      status: 404,
    },
    { name: 'one job', method: 'get', path: `/v2/knowledge/public/jobs/${a.job}`, status: 404 },
    {
      name: 'job events',
      method: 'get',
      path: `/v2/knowledge/public/jobs/events?jobIds=${a.job}`,
      status: 404,
    },
    // Batches.
    { name: 'one batch', method: 'get', path: `/v2/knowledge/public/batches/${a.batch}`, status: 404 },
    { name: 'batch jobs', method: 'get', path: `/v2/knowledge/public/batches/${a.batch}/jobs`, status: 404 },
    {
      name: 'batch events',
      method: 'get',
      path: `/v2/knowledge/public/batches/${a.batch}/events`,
      status: 404,
    },
    {
      name: 'retry batch',
      method: 'post',
      path: `/v2/knowledge/public/batches/${a.batch}/retry`,
      status: 404,
    },
    // Articles and drafts.
    {
      name: 'reject draft',
      method: 'post',
      path: `/v2/hc-articles/${a.draft}/reject/public`,
      body: { reason: 'x' },
      status: 404,
    },
    {
      name: 'update article',
      method: 'put',
      path: `/v2/hc-articles/${a.article}/public`,
      body: articleContent(),
      status: 404,
    },
    { name: 'delete article', method: 'delete', path: `/v2/hc-articles/${a.article}/public`, status: 404 },
    { name: 'delete draft', method: 'delete', path: `/v2/hc-articles/${a.draft}/public`, status: 404 },
    { name: 'fork article', method: 'post', path: `/v2/hc-articles/${a.article}/draft/public`, status: 404 },
    {
      name: 'publish draft',
      method: 'post',
      path: `/v2/hc-articles/${a.draft}/publish/public`,
      body: { force: true },
      status: 404,
    },
    {
      name: 'move article',
      method: 'put',
      path: `/v2/hc-articles/${a.article}/move/public`,
      body: { parentFolderId: b.folder },
      status: 404,
    },
    {
      name: 'move own article into A folder',
      method: 'put',
      path: `/v2/hc-articles/${b.article}/move/public`,
      body: { parentFolderId: a.folder },
      status: 404,
    },
    { name: 'versions', method: 'get', path: `/v2/hc-articles/${a.article}/versions/public`, status: 404 },
    {
      name: 'rollback',
      method: 'post',
      path: `/v2/hc-articles/${a.article}/rollback/public`,
      body: { version: 1 },
      status: 404,
    },
    { name: 'diff', method: 'get', path: `/v2/hc-articles/${a.draft}/diff/public`, status: 404 },
    {
      name: 'create article in A folder',
      method: 'post',
      path: '/v2/hc-articles/public',
      body: content,
      status: 404,
    },
    // Folders and junctions.
    {
      name: 'update folder',
      method: 'put',
      path: `/v2/hc-folders/${a.folder}/public`,
      body: { title: 'x', description: '', active: false },
      status: 404,
    },
    {
      name: 'move folder',
      method: 'put',
      path: `/v2/hc-folders/${a.subfolder}/move/public`,
      body: { parentFolderId: null },
      status: 404,
    },
    {
      name: 'move own folder under A folder',
      method: 'put',
      path: `/v2/hc-folders/${b.folder}/move/public`,
      body: { parentFolderId: a.folder },
      status: 404,
    },
    { name: 'delete folder', method: 'delete', path: `/v2/hc-folders/${a.subfolder}/public`, status: 404 },
    {
      name: 'create folder in A folder',
      method: 'post',
      path: '/v2/hc-folders/public',
      body: { title: 'x', description: '', parentFolderId: a.folder },
      status: 404,
    },
    {
      name: 'assign A folder',
      method: 'post',
      path: '/v2/hc-bot-folder-junctions/public',
      body: { junctions: [{ folderId: a.folder, botId: a.bot, action: 'ADD' }] },
      status: 404,
    },
    {
      name: 'unassign A folder',
      method: 'post',
      path: '/v2/hc-bot-folder-junctions/public',
      body: { junctions: [{ folderId: a.folder, botId: a.bot, action: 'DELETE' }] },
      status: 404,
    },
    // Reads that take IDs as filters: answered for B's own workspace, with nothing of A.
    {
      name: 'articles by IDs',
      method: 'post',
      path: '/v2/hc-articles/ids/public',
      body: { articleIds: [a.article, a.draft] },
      status: 200,
    },
    {
      name: 'articles in A folder',
      method: 'get',
      path: `/v2/hc-articles/public?parentFolderId=${a.folder}`,
      status: 200,
    },
    { name: 'tree of A bot', method: 'get', path: `/v2/hc-folders/public?botId=${a.bot}`, status: 200 },
    {
      name: 'sources filtered by A ids',
      method: 'get',
      path: `/v2/documents/public?id=${a.source}&linkedKnowledgeId=${a.article}`,
      status: 200,
    },
    {
      name: 'sources by A url',
      method: 'get',
      path: `/v2/documents/public?url=${encodeURIComponent(a.sourceUrl)}`,
      status: 200,
    },
    {
      name: 'review queue filtered by A ids',
      method: 'get',
      path: `/v2/hc-articles/review/public?batchId=${a.batch}&documentId=${a.source}&parentFolderId=${a.folder}`,
      status: 200,
    },
    { name: 'batches', method: 'get', path: '/v2/knowledge/public/batches', status: 200 },
    // A cursor of another workspace is refused like an unknown one.
    {
      name: 'review queue after A cursor',
      method: 'get',
      path: `/v2/hc-articles/review/public?cursor=${a.draft}`,
      status: 400,
    },
    {
      name: 'batches after A cursor',
      method: 'get',
      path: `/v2/knowledge/public/batches?cursor=${a.batch}`,
      status: 400,
    },
    {
      name: 'sources after A cursor',
      method: 'get',
      path: `/v2/documents/public?cursor=${a.source}`,
      status: 400,
    },
    {
      name: 'articles after A cursor',
      method: 'get',
      path: `/v2/hc-articles/public?cursor=${a.article}`,
      status: 400,
    },
    // Webhooks and their deliveries.
    { name: 'delete webhook', method: 'delete', path: `/v2/webhooks/public/${a.webhook}`, status: 404 },
    {
      name: 'webhook deliveries',
      method: 'get',
      path: `/v2/webhooks/public/${a.webhook}/deliveries`,
      status: 404,
    },
    {
      name: 'redeliver',
      method: 'post',
      path: `/v2/webhooks/public/${a.webhook}/deliveries/${a.delivery}/redeliver`,
      status: 404,
    },
    {
      name: 'redeliver A delivery through own webhook',
      method: 'post',
      path: `/v2/webhooks/public/${b.webhook}/deliveries/${a.delivery}/redeliver`,
      status: 404,
    },
    { name: 'webhooks', method: 'get', path: '/v2/webhooks/public', status: 200 },
    {
      name: 'webhooks after A cursor',
      method: 'get',
      path: `/v2/webhooks/public?cursor=${a.webhook}`,
      status: 400,
    },
    {
      name: 'own deliveries after A cursor',
      method: 'get',
      path: `/v2/webhooks/public/${b.webhook}/deliveries?cursor=${a.delivery}`,
      status: 400,
    },
    // Ingesting A's URL from B makes B's own source; A's stays as it is.
    {
      name: 'ingest A url',
      method: 'post',
      path: '/v2/documents/public',
      body: { source: 'web', documentIdsToAdd: [a.sourceUrl], documentIdsToRefresh: [a.sourceUrl] },
      status: 200,
    },
  ];
}

describe('cross-workspace probes', () => {
  it('reads and changes nothing of workspace A with workspace B’s key', async () => {
    const a = await workspaceA();
    const bKey = await ctx.createKey();
    const bKb = knowledge(ctx, bKey);
    const bFolder = await bKb.folder('B folder');
    const bArticle = await bKb.article(bFolder.id, { title: 'B article' });
    const bHook = await webhookOf(bKey, 'B hook', false);
    const before = await snapshot(a.key.workspaceId);
    const aIds = [a.folder, a.subfolder, a.article, a.draft, a.source, a.job, a.batch, a.webhook, a.delivery];

    const probes = probesOn(a, { folder: bFolder.id, article: bArticle.id, webhook: bHook.webhook });
    for (const probe of probes) {
      const request = ctx.http()[probe.method](probe.path).set(bKey.header);
      const response = await (probe.body ? request.send(probe.body) : request);
      const where = `${probe.name}: ${probe.method.toUpperCase()} ${probe.path} → ${response.status} ${response.text.slice(0, 300)}`;
      expect(response.status, where).toBe(probe.status);
      if (response.status >= 400) {
        expect(response.body, where).toMatchObject({ statusCode: probe.status });
      }
      // Nothing of A in the answer: no title, and no ID other than those the probe itself sent.
      for (const secret of a.secrets) expect(response.text, where).not.toContain(secret);
      const sent = `${probe.path} ${JSON.stringify(probe.body ?? {})}`;
      for (const id of aIds.filter((id) => !sent.includes(id)))
        expect(response.text, where).not.toContain(id);
    }

    expect(await snapshot(a.key.workspaceId)).toEqual(before);
    // A still sees all of it.
    const own = await ctx.http().get(`/v2/documents/public/${a.source}`).set(a.key.header);
    expect(own.status).toBe(200);
    expect(own.body.title).toBe('A-Source-Secret');
  });

  it('keeps the same answers for an ID that exists nowhere, so a probe learns nothing more', async () => {
    const bKey = await ctx.createKey();
    const nowhere = crypto.randomUUID();
    const article = await ctx.http().delete(`/v2/hc-articles/${nowhere}/public`).set(bKey.header);
    expect(article.status).toBe(404);
    const job = await ctx.http().get(`/v2/knowledge/public/jobs/${nowhere}`).set(bKey.header);
    expect(job.status).toBe(404);
  });
});

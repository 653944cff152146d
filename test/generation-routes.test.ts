// The generation routes' contract (docs/api.md §4): validation, ownership, scopes, response shapes.
// Workers are not started here, so jobs stay PENDING.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asText, startTestApp, type TestContext, type TestKey } from './helpers/app.js';
import { insertSource, jobStatuses } from './helpers/generation.js';

let ctx: TestContext;
let key: TestKey;
let sources: string[];
beforeAll(async () => {
  ctx = await startTestApp();
  key = await ctx.createKey();
  sources = [];
  for (const title of ['Refunds', 'Shipping', 'Passwords']) {
    sources.push(
      await insertSource(ctx, key, {
        title,
        paragraphs: [`# ${title}`, `All about ${title.toLowerCase()}.`],
      }),
    );
  }
});
afterAll(() => ctx.close());

const bulk = (body: unknown, k: TestKey = key, path = '/v2/knowledge/public/bulk') =>
  ctx
    .http()
    .post(path)
    .set(k.header)
    .send(body as object);

describe('POST /v2/knowledge/public/bulk', () => {
  it('queues one job per distinct source, in input order, as PENDING drafts by default', async () => {
    const response = await bulk({
      documentIds: [sources[2], sources[0], sources[2], sources[1]],
      origin: 'sources',
    });
    expect(response.status).toBe(200);
    const jobs = response.body.jobs as { documentId: string; backgroundJobId: string }[];
    expect(jobs.map((job) => job.documentId)).toEqual([sources[2], sources[0], sources[1]]);
    expect(new Set(jobs.map((job) => job.backgroundJobId)).size).toBe(3);
    const statuses = await jobStatuses(
      ctx,
      key,
      jobs.map((job) => job.backgroundJobId),
    );
    expect(statuses.map((job) => [job.jobStatus, job.documentId, job.isDraft, job.hcArticleId])).toEqual([
      ['PENDING', sources[2], true, null],
      ['PENDING', sources[0], true, null],
      ['PENDING', sources[1], true, null],
    ]);
    const queued = await Promise.all(jobs.map((job) => ctx.deps.queues.generate.getJob(job.backgroundJobId)));
    expect(queued.map((job) => job?.data)).toEqual(
      jobs.map((job) => ({ jobId: job.backgroundJobId, workspaceId: key.workspaceId })),
    );
  });

  it('answers the same on the /knowledge/bulk-generate alias', async () => {
    const response = await bulk(
      { documentIds: [sources[0]], origin: 'sources' },
      key,
      '/knowledge/bulk-generate',
    );
    expect(response.status).toBe(200);
    expect(response.body.jobs).toHaveLength(1);
  });

  it.each([
    [{}, 'documentIds is required'],
    [{ origin: 'sources' }, 'documentIds is required'],
    [{ documentIds: [], origin: 'sources' }, 'documentIds must contain at least 1 item'],
    [{ documentIds: ['nope'], origin: 'sources' }, 'documentIds[0] must be a UUID'],
    [
      { documentIds: Array.from({ length: 1001 }, () => randomUUID()), origin: 'sources' },
      'documentIds must contain at most 1000 items',
    ],
    [{ documentIds: [randomUUID()] }, 'origin must be "sources" on the bulk route'],
    [{ documentIds: [randomUUID()], origin: 'generated' }, 'origin must be "sources" on the bulk route'],
    [
      { documentIds: [randomUUID()], origin: 'sources', restrictedOps: ['DELETE_EVERYTHING'] },
      'restrictedOps[0] must be one of ADD_ARTICLE_TO_FOLDER, UPDATE_ARTICLE, DO_NOTHING',
    ],
    [
      { documentIds: [randomUUID()], origin: 'sources', instructions: 'x'.repeat(4001) },
      'instructions must be at most 4000 characters',
    ],
    [{ documentIds: [randomUUID()], origin: 'sources', botId: 'agent-7' }, 'botId must be a UUID'],
    [{ documentIds: [randomUUID()], origin: 'sources', isDraft: 'yes' }, 'isDraft must be a boolean'],
  ])('400 for %j: %s', async (body, message) => {
    const response = await bulk(body);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ statusCode: 400, code: 'VALIDATION', message });
  });

  it('400 naming the source IDs unknown in the workspace, queueing nothing', async () => {
    const unknown = randomUUID();
    const before = await ctx.deps.pool.query(
      'SELECT count(*)::int AS n FROM knowledge_jobs WHERE workspace_id = $1',
      [key.workspaceId],
    );
    const response = await bulk({ documentIds: [sources[0], unknown], origin: 'sources' });
    expect(response.status).toBe(400);
    expect(response.body.message).toBe(`documentIds contains unknown document: ${unknown}`);
    const after = await ctx.deps.pool.query(
      'SELECT count(*)::int AS n FROM knowledge_jobs WHERE workspace_id = $1',
      [key.workspaceId],
    );
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it('403 for a source of another workspace, naming it', async () => {
    const other = await ctx.createKey();
    const foreign = await insertSource(ctx, other, { title: 'Theirs', paragraphs: ['Not yours.'] });
    const response = await bulk({ documentIds: [sources[0], foreign], origin: 'sources' });
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({
      code: 'FORBIDDEN',
      message: `documentIds contains document of another workspace: ${foreign}`,
    });
  });

  it('401 without a key and 403 for a read-only key', async () => {
    expect(
      (
        await ctx
          .http()
          .post('/v2/knowledge/public/bulk')
          .send({ documentIds: [sources[0]], origin: 'sources' })
      ).status,
    ).toBe(401);
    const reader = await ctx.createKey({ scopes: ['read'], workspaceName: key.workspaceName });
    const response = await bulk({ documentIds: [sources[0]], origin: 'sources' }, reader);
    expect(response.status).toBe(403);
  });
});

describe('POST /v2/knowledge/public (single generate)', () => {
  const generate = (body: Record<string, unknown>) =>
    ctx.http().post('/v2/knowledge/public').set(key.header).send(body);

  it('queues one job for candidate text', async () => {
    const response = await generate({
      candidateKnowledge: '# Gift cards\n\nGift cards never expire.',
      origin: 'generated',
    });
    expect(response.status).toBe(200);
    const [job] = await jobStatuses(ctx, key, [response.body.backgroundJobId]);
    expect(job).toMatchObject({ jobStatus: 'PENDING', documentId: null, isDraft: true });
  });

  it('ties an origin "sources" job to its source', async () => {
    const response = await generate({
      candidateKnowledge: 'Refunds take 5 days.',
      origin: 'sources',
      documentId: sources[0],
    });
    expect(response.status).toBe(200);
    const [job] = await jobStatuses(ctx, key, [response.body.backgroundJobId]);
    expect(job!.documentId).toBe(sources[0]);
  });

  it.each([
    [{ origin: 'generated' }, 'candidateKnowledge is required'],
    [{ candidateKnowledge: '   ', origin: 'generated' }, 'candidateKnowledge must not be empty'],
    [{ candidateKnowledge: 'x', origin: 'email' }, 'origin must be one of generated, sources, inbox'],
    [{ candidateKnowledge: 'x', origin: 'sources' }, 'documentId is required when origin is "sources"'],
    [{ candidateKnowledge: 'x', origin: 'inbox' }, 'hcEventId is required when origin is "inbox"'],
  ])('400 for %j: %s', async (body, message) => {
    const response = await generate(body);
    expect(response.status).toBe(400);
    expect(response.body.message).toBe(message);
  });

  it('400 for an unknown documentId', async () => {
    const response = await generate({ candidateKnowledge: 'x', origin: 'sources', documentId: randomUUID() });
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/^documentId contains unknown document: /);
  });
});

describe('job status', () => {
  it('404 naming the job IDs unknown in this workspace, including another workspace’s', async () => {
    const [job] = (await bulk({ documentIds: [sources[0]], origin: 'sources' })).body.jobs as {
      backgroundJobId: string;
    }[];
    const other = await ctx.createKey();
    const unknown = randomUUID();
    const response = await ctx
      .http()
      .post('/v2/knowledge/public/jobs/status')
      .set(other.header)
      .send({ jobIds: [job!.backgroundJobId, unknown] });
    expect(response.status).toBe(404);
    expect(response.body.message).toBe(
      `unknown job IDs in this workspace: ${job!.backgroundJobId}, ${unknown}`,
    );
  });

  it('GET /jobs/:id returns one job; 404 when unknown; 400 for a malformed id', async () => {
    const [job] = (await bulk({ documentIds: [sources[1]], origin: 'sources' })).body.jobs as {
      backgroundJobId: string;
    }[];
    const one = await ctx.http().get(`/v2/knowledge/public/jobs/${job!.backgroundJobId}`).set(key.header);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({
      id: job!.backgroundJobId,
      jobStatus: 'PENDING',
      attempts: 0,
      usage: { promptTokens: 0, completionTokens: 0, cachedTokens: 0 },
    });
    expect((await ctx.http().get(`/v2/knowledge/public/jobs/${randomUUID()}`).set(key.header)).status).toBe(
      404,
    );
    expect((await ctx.http().get('/v2/knowledge/public/jobs/123').set(key.header)).status).toBe(400);
  });

  it('the event stream says jobIds is required when it is missing or empty, and names a malformed one', async () => {
    for (const query of ['', '?jobIds=', '?jobIds=,']) {
      const response = await ctx.http().get(`/v2/knowledge/public/jobs/events${query}`).set(key.header);
      expect(response.status, query).toBe(400);
      expect(response.body, query).toMatchObject({
        code: 'VALIDATION',
        message: 'jobIds is required',
        details: [{ field: 'jobIds', message: 'is required' }],
      });
    }
    const malformed = await ctx.http().get('/v2/knowledge/public/jobs/events?jobIds=nope').set(key.header);
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toBe('jobIds[0] must be a UUID');
  });

  it('needs only the read scope', async () => {
    const [job] = (await bulk({ documentIds: [sources[1]], origin: 'sources' })).body.jobs as {
      backgroundJobId: string;
    }[];
    const reader = await ctx.createKey({ scopes: ['read'], workspaceName: key.workspaceName });
    const response = await ctx
      .http()
      .post('/v2/knowledge/public/jobs/status')
      .set(reader.header)
      .send({ jobIds: [job!.backgroundJobId] });
    expect(response.status).toBe(200);
  });
});

describe('POST /v2/knowledge/public/tree/initialize', () => {
  it('downloads a CSV template that tree/persist imports', async () => {
    const response = await ctx
      .http()
      .post('/v2/knowledge/public/tree/initialize')
      .set(key.header)
      .send({ initPrompt: 'A help center for an online shoe store: orders, shipping, returns and sizing.' })
      .buffer(true)
      .parse(asText);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="[^"]+\.csv"$/);
    const csv = response.body as string;
    expect(csv.split('\n')[0]).toBe('type,folder_path,title,description');

    const fresh = await ctx.createKey();
    const imported = await ctx
      .http()
      .post('/v2/knowledge/public/tree/persist')
      .set(fresh.header)
      .attach('file', Buffer.from(csv), 'tree.csv');
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    expect(imported.body.status).toBe('COMPLETED');
    const tree = await ctx.http().get('/v2/hc-folders/public').set(fresh.header);
    const titles = (tree.body.snapshotObjV2 as { title: string }[]).map((node) => node.title.toLowerCase());
    expect(titles).toEqual(expect.arrayContaining(['getting started', 'shipping']));
  });

  it('400 without an initPrompt', async () => {
    const response = await ctx.http().post('/v2/knowledge/public/tree/initialize').set(key.header).send({});
    expect(response.status).toBe(400);
    expect(response.body.message).toBe('initPrompt is required');
  });
});

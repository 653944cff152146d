// Idempotency-Key on POST routes (API.md §1, ext): the first answer is kept 24 h per workspace and key; a
// repeat gets it back and queues nothing; another request under the same key → 422; one still running → 409.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestFingerprint } from '../src/http/idempotency.js';
import { startTestApp, type TestContext, type TestKey } from './helpers/app.js';
import { insertSource } from './helpers/generation.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await startTestApp();
});
afterAll(() => ctx.close());

const countJobs = async (table: 'knowledge_jobs' | 'ingest_jobs', workspaceId: string) => {
  const { rows } = await ctx.deps.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${table} WHERE workspace_id = $1`,
    [workspaceId],
  );
  return rows[0]!.n;
};

async function workspaceWithSources(count = 2): Promise<{ key: TestKey; sources: string[] }> {
  const key = await ctx.createKey();
  const sources: string[] = [];
  for (let n = 0; n < count; n += 1)
    sources.push(await insertSource(ctx, key, { title: `Page ${n}`, paragraphs: [`# Page ${n}`, 'Text.'] }));
  return { key, sources };
}

const bulk = (key: TestKey, body: object, idempotencyKey?: string) => {
  const request = ctx.http().post('/v2/knowledge/public/bulk').set(key.header);
  if (idempotencyKey !== undefined) request.set('idempotency-key', idempotencyKey);
  return request.send(body);
};

describe('Idempotency-Key', () => {
  it('answers a repeated bulk generate with the first answer and queues nothing new', async () => {
    const { key, sources } = await workspaceWithSources();
    const body = { documentIds: sources, origin: 'sources' };
    const first = await bulk(key, body, 'bulk-1');
    expect(first.status).toBe(200);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const second = await bulk(key, body, 'bulk-1');
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.headers['content-type']).toMatch(/^application\/json/);
    expect(await countJobs('knowledge_jobs', key.workspaceId)).toBe(2);
    // Generation jobs wait in priority order (fair across workspaces: generate-queue.ts).
    const counts = await ctx.deps.queues.generate.getJobCounts('prioritized');
    const queued = await ctx.deps.queues.generate.getJobs(['prioritized']);
    expect(
      queued.filter((job) => (job.data as { workspaceId: string }).workspaceId === key.workspaceId),
    ).toHaveLength(2);
    expect(counts.prioritized).toBeGreaterThanOrEqual(2);
    // Without the header, or with a new key, the same body is new work.
    expect((await bulk(key, body)).status).toBe(200);
    expect((await bulk(key, body, 'bulk-2')).status).toBe(200);
    expect(await countJobs('knowledge_jobs', key.workspaceId)).toBe(6);
  });

  it('works the same on the ingest route', async () => {
    const key = await ctx.createKey();
    const body = { source: 'web', documentIdsToAdd: [`https://docs.example.com/${randomUUID()}`] };
    const send = () =>
      ctx.http().post('/v2/documents/public').set(key.header).set('idempotency-key', 'ingest-1').send(body);
    const first = await send();
    expect(first.status).toBe(200);
    const second = await send();
    expect(second.body).toEqual(first.body);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(await countJobs('ingest_jobs', key.workspaceId)).toBe(1);
  });

  it('refuses the same key with a different body with 422 naming the header, and queues nothing', async () => {
    const { key, sources } = await workspaceWithSources();
    expect((await bulk(key, { documentIds: [sources[0]], origin: 'sources' }, 'reused')).status).toBe(200);
    const other = await bulk(key, { documentIds: [sources[1]], origin: 'sources' }, 'reused');
    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({
      statusCode: 422,
      error: 'Unprocessable Entity',
      code: 'UNPROCESSABLE',
      message: expect.stringContaining('Idempotency-Key "reused" was already used for a different request'),
      details: [{ field: 'Idempotency-Key' }],
    });
    // Another route under the same key is a different request too.
    const folder = await ctx
      .http()
      .post('/v2/hc-folders/public')
      .set(key.header)
      .set('idempotency-key', 'reused')
      .send({ title: 'F', description: '' });
    expect(folder.status).toBe(422);
    expect(await countJobs('knowledge_jobs', key.workspaceId)).toBe(1);
  });

  it('answers 409 while the first request with the key is still running', async () => {
    const { key, sources } = await workspaceWithSources(1);
    const body = JSON.stringify({ documentIds: sources, origin: 'sources' });
    // The first request has claimed the key and not answered yet.
    await ctx.deps.pool.query(
      'INSERT INTO idempotency_keys (workspace_id, key, fingerprint) VALUES ($1, $2, $3)',
      [
        key.workspaceId,
        'running',
        requestFingerprint('POST', '/v2/knowledge/public/bulk', Buffer.from(body)),
      ],
    );
    const response = await ctx
      .http()
      .post('/v2/knowledge/public/bulk')
      .set(key.header)
      .set('idempotency-key', 'running')
      .set('content-type', 'application/json')
      .send(body);
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('Idempotency-Key "running" is still being processed'),
    });
    expect(await countJobs('knowledge_jobs', key.workspaceId)).toBe(0);
  });

  it('lets two identical requests sent at once do the work once', async () => {
    const { key, sources } = await workspaceWithSources(3);
    const body = { documentIds: sources, origin: 'sources' };
    const answers = await Promise.all([
      bulk(key, body, 'race'),
      bulk(key, body, 'race'),
      bulk(key, body, 'race'),
    ]);
    const ok = answers.filter((answer) => answer.status === 200);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    for (const answer of answers) expect([200, 409]).toContain(answer.status);
    for (const answer of ok) expect(answer.body).toEqual(ok[0]!.body);
    expect(await countJobs('knowledge_jobs', key.workspaceId)).toBe(3);
  });

  it('keeps keys apart per workspace', async () => {
    const a = await workspaceWithSources(1);
    const b = await workspaceWithSources(1);
    const first = await bulk(a.key, { documentIds: a.sources, origin: 'sources' }, 'shared-name');
    const second = await bulk(b.key, { documentIds: b.sources, origin: 'sources' }, 'shared-name');
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.headers['idempotent-replayed']).toBeUndefined();
    expect(second.body).not.toEqual(first.body);
  });

  it('replays an error answer below 500, and keeps nothing for an invalid body', async () => {
    const key = await ctx.createKey();
    const unknown = randomUUID();
    const first = await bulk(key, { documentIds: [unknown], origin: 'sources' }, 'err-1');
    expect(first.status).toBe(400);
    const again = await bulk(key, { documentIds: [unknown], origin: 'sources' }, 'err-1');
    expect(again.status).toBe(400);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    // Refused by validation before the key is taken: correcting the body under the same key is allowed.
    const invalid = await bulk(key, { documentIds: [], origin: 'sources' }, 'err-2');
    expect(invalid.status).toBe(400);
    const source = await insertSource(ctx, key, { title: 'Now', paragraphs: ['Now.'] });
    const fixed = await bulk(key, { documentIds: [source], origin: 'sources' }, 'err-2');
    expect(fixed.status).toBe(200);
  });

  it('starts afresh after 24 hours', async () => {
    const { key, sources } = await workspaceWithSources(1);
    const body = { documentIds: sources, origin: 'sources' };
    expect((await bulk(key, body, 'old')).status).toBe(200);
    await ctx.deps.pool.query(
      "UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE workspace_id = $1",
      [key.workspaceId],
    );
    const later = await bulk(key, body, 'old');
    expect(later.status).toBe(200);
    expect(later.headers['idempotent-replayed']).toBeUndefined();
    expect(await countJobs('knowledge_jobs', key.workspaceId)).toBe(2);
  });

  it('400 naming the header for a key that is too long or not printable ASCII', async () => {
    const { key, sources } = await workspaceWithSources(1);
    const body = { documentIds: sources, origin: 'sources' };
    const long = await bulk(key, body, 'k'.repeat(201));
    expect(long.status).toBe(400);
    expect(long.body).toMatchObject({
      code: 'VALIDATION',
      message: 'Idempotency-Key must be at most 200 characters',
      details: [{ field: 'Idempotency-Key' }],
    });
    const empty = await bulk(key, body, '');
    expect(empty.status).toBe(400);
    expect(empty.body.message).toMatch(/^Idempotency-Key must be/);
    expect((await bulk(key, body, 'k'.repeat(200))).status).toBe(200);
  });

  it('is ignored on read routes that use POST', async () => {
    const { key, sources } = await workspaceWithSources(1);
    const [created] = (await bulk(key, { documentIds: sources, origin: 'sources' })).body.jobs as {
      backgroundJobId: string;
    }[];
    const status = () =>
      ctx
        .http()
        .post('/v2/knowledge/public/jobs/status')
        .set(key.header)
        .set('idempotency-key', 'read')
        .send({ jobIds: [created!.backgroundJobId] });
    expect((await status()).status).toBe(200);
    const again = await status();
    expect(again.status).toBe(200);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
  });

  it('replays a non-JSON answer with its content type (tree/initialize CSV)', async () => {
    const key = await ctx.createKey();
    const send = () =>
      ctx
        .http()
        .post('/v2/knowledge/public/tree/initialize')
        .set(key.header)
        .set('idempotency-key', 'csv')
        .send({ initPrompt: 'An online shop selling shoes' });
    const first = await send();
    expect(first.status).toBe(200);
    const second = await send();
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.headers['content-type']).toBe(first.headers['content-type']);
    expect(second.text).toBe(first.text);
  });

  it('400 on the multipart tree import, which cannot take the header', async () => {
    const key = await ctx.createKey();
    const response = await ctx
      .http()
      .post('/v2/knowledge/public/tree/persist')
      .set(key.header)
      .set('idempotency-key', 'tree')
      .attach('file', Buffer.from('type,folder_path,title,description\nfolder,,Billing,Plans\n'), 'tree.csv');
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'VALIDATION', details: [{ field: 'Idempotency-Key' }] });
    const folders = await ctx.deps.pool.query('SELECT 1 FROM folders WHERE workspace_id = $1', [
      key.workspaceId,
    ]);
    expect(folders.rowCount).toBe(0);
  });
});

// The auth matrix of docs/api.md §1, on product routes: folder create (write) and tree snapshot (read).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestContext } from './helpers/app.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await startTestApp();
});
afterAll(() => ctx.close());

const folderBody = { title: 'Billing', description: '' };

describe('authentication', () => {
  it('answers 401 with one identical body for a missing, malformed, unknown or revoked key', async () => {
    const revoked = await ctx.createKey();
    await ctx.deps.keys.revoke(revoked.id);
    const unknownKey = `fini_${'A'.repeat(40)}`;
    const headers: Record<string, string>[] = [
      {},
      { authorization: `Basic ${Buffer.from('user:pass').toString('base64')}` },
      { authorization: 'Bearer not-a-fini-key' },
      { authorization: `Bearer ${unknownKey}` },
      { authorization: `Token ${unknownKey}` },
      revoked.header,
    ];
    const bodies = [];
    for (const header of headers) {
      const response = await ctx.http().get('/v2/hc-folders/public').set(header);
      expect(response.status).toBe(401);
      bodies.push(response.body as unknown);
    }
    expect(bodies[0]).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      code: 'UNAUTHORIZED',
      message: expect.stringContaining('API key') as string,
    });
    for (const body of bodies) expect(body).toEqual(bodies[0]);
  });

  it('answers the same 401 on write routes before reading the body, whatever the body holds', async () => {
    const revoked = await ctx.createKey();
    await ctx.deps.keys.revoke(revoked.id);
    const bodies = [];
    for (const header of [{}, { authorization: 'Bearer nope' }, revoked.header]) {
      for (const body of ['{"documentIds": ["not-a-uuid"]}', '{not json', 'x'.repeat(2_000_000)]) {
        const response = await ctx
          .http()
          .post('/v2/knowledge/public/bulk')
          .set(header)
          .set('content-type', 'application/json')
          .send(body);
        expect(response.status).toBe(401);
        bodies.push(response.body as unknown);
      }
    }
    for (const body of bodies) expect(body).toEqual(bodies[0]);
  });

  it('refuses a read-only key on a write route with 403, and accepts it on a read route', async () => {
    const reader = await ctx.createKey({ scopes: ['read'] });
    const write = await ctx.http().post('/v2/hc-folders/public').set(reader.header).send(folderBody);
    expect(write.status).toBe(403);
    expect(write.body).toMatchObject({ code: 'FORBIDDEN', message: "this API key lacks the 'write' scope" });
    const read = await ctx.http().get('/v2/hc-folders/public').set(reader.header);
    expect(read.status).toBe(200);
  });

  it('refuses a write-only key on a read route with 403, and accepts it on a write route', async () => {
    const writer = await ctx.createKey({ scopes: ['write'] });
    const read = await ctx.http().get('/v2/hc-folders/public').set(writer.header);
    expect(read.status).toBe(403);
    expect(read.body).toMatchObject({ code: 'FORBIDDEN', message: "this API key lacks the 'read' scope" });
    const write = await ctx.http().post('/v2/hc-folders/public').set(writer.header).send(folderBody);
    expect(write.status).toBe(200);
  });

  it('accepts the scheme name in any case', async () => {
    const key = await ctx.createKey();
    const response = await ctx
      .http()
      .get('/v2/hc-folders/public')
      .set({ authorization: `bearer ${key.key}` });
    expect(response.status).toBe(200);
  });

  it('keeps every read and write inside the key’s workspace', async () => {
    const a = await ctx.createKey();
    const b = await ctx.createKey();
    const created = await ctx.http().post('/v2/hc-folders/public').set(a.header).send(folderBody);
    expect(created.status).toBe(200);
    const treeOfB = await ctx.http().get('/v2/hc-folders/public').set(b.header);
    expect(treeOfB.body).toMatchObject({ id: b.workspaceId, snapshotObjV2: [] });
    // A folder of workspace A cannot be used as a parent from workspace B.
    const nested = await ctx
      .http()
      .post('/v2/hc-folders/public')
      .set(b.header)
      .send({ ...folderBody, parentFolderId: (created.body as { id: string }).id });
    expect(nested.status).toBe(404);
  });

  it('records when a key was last used, at most once a minute', async () => {
    const key = await ctx.createKey();
    const lastUsed = async () => {
      const { rows } = await ctx.deps.pool.query<{ last_used_at: Date | null }>(
        'SELECT last_used_at FROM api_keys WHERE id = $1',
        [key.id],
      );
      return rows[0]!.last_used_at;
    };
    expect(await lastUsed()).toBeNull();
    await ctx.http().get('/v2/hc-folders/public').set(key.header).expect(200);
    await expect.poll(lastUsed).not.toBeNull();
    const first = await lastUsed();
    await ctx.http().get('/v2/hc-folders/public').set(key.header).expect(200);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await lastUsed()).toEqual(first);
  });

  it('leaves health, readiness and docs public', async () => {
    for (const path of ['/healthz', '/readyz', '/docs/json']) {
      const response = await ctx.http().get(path);
      expect(response.status, path).toBe(200);
    }
  });

  it('never stores the secret, only its hash and a display prefix', async () => {
    const key = await ctx.createKey();
    const { rows } = await ctx.deps.pool.query<Record<string, unknown>>(
      'SELECT * FROM api_keys WHERE id = $1',
      [key.id],
    );
    const stored = JSON.stringify(rows[0]);
    expect(stored).not.toContain(key.key);
    expect(stored).not.toContain(key.key.slice(12));
    expect(rows[0]!.prefix).toBe(key.key.slice(0, 12));
  });
});

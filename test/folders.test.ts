// Folder create and the tree snapshot (API.md §5); the knowledge-base issue adds the rest of folders.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestContext, type TestKey } from './helpers/app.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await startTestApp();
});
afterAll(() => ctx.close());

async function createFolder(key: TestKey, title: string, parentFolderId?: string) {
  const response = await ctx
    .http()
    .post('/v2/hc-folders/public')
    .set(key.header)
    .send({ title, description: `${title} articles`, ...(parentFolderId ? { parentFolderId } : {}) });
  expect(response.status).toBe(200);
  return response.body as { id: string; parentFolderId: string | null };
}

describe('folders', () => {
  it('creates a top-level folder with the documented fields', async () => {
    const key = await ctx.createKey();
    const response = await ctx
      .http()
      .post('/v2/hc-folders/public')
      .set(key.header)
      .send({ title: 'Billing', description: '' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/) as string,
      title: 'Billing',
      description: '',
      parentFolderId: null,
      active: true,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) as string,
      updatedAt: expect.any(String) as string,
    });
  });

  it('nests a folder under an existing parent and 404s for an unknown parent', async () => {
    const key = await ctx.createKey();
    const parent = await createFolder(key, 'Billing');
    const child = await createFolder(key, 'Refunds', parent.id);
    expect(child.parentFolderId).toBe(parent.id);
    const missing = randomUUID();
    const response = await ctx
      .http()
      .post('/v2/hc-folders/public')
      .set(key.header)
      .send({ title: 'x', description: '', parentFolderId: missing });
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ code: 'NOT_FOUND', message: `parent folder ${missing} not found` });
  });

  it('returns the tree as nested folders', async () => {
    const key = await ctx.createKey();
    const billing = await createFolder(key, 'Billing');
    const refunds = await createFolder(key, 'Refunds', billing.id);
    const account = await createFolder(key, 'Account');
    const response = await ctx.http().get('/v2/hc-folders/public').set(key.header);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      id: key.workspaceId,
      createdAt: expect.any(String) as string,
      updatedAt: expect.any(String) as string,
    });
    expect(response.body.snapshotObjV2).toEqual([
      {
        id: billing.id,
        title: 'Billing',
        description: 'Billing articles',
        type: 'folder',
        children: [
          { id: refunds.id, title: 'Refunds', description: 'Refunds articles', type: 'folder', children: [] },
        ],
      },
      { id: account.id, title: 'Account', description: 'Account articles', type: 'folder', children: [] },
    ]);
  });

  it('filters the tree to the folders assigned to an agent, with their subfolders', async () => {
    const key = await ctx.createKey();
    const billing = await createFolder(key, 'Billing');
    const refunds = await createFolder(key, 'Refunds', billing.id);
    await createFolder(key, 'Account');
    const botId = randomUUID();
    await ctx.deps.pool.query('INSERT INTO bots (workspace_id, id) VALUES ($1, $2)', [
      key.workspaceId,
      botId,
    ]);
    await ctx.deps.pool.query(
      'INSERT INTO bot_folders (workspace_id, bot_id, folder_id) VALUES ($1, $2, $3)',
      [key.workspaceId, botId, billing.id],
    );

    const response = await ctx.http().get(`/v2/hc-folders/public?botId=${botId}`).set(key.header);
    expect(response.status).toBe(200);
    const tree = response.body.snapshotObjV2 as { id: string; children: { id: string }[] }[];
    expect(tree.map((node) => node.id)).toEqual([billing.id]);
    expect(tree[0]!.children.map((node) => node.id)).toEqual([refunds.id]);

    const unknownBot = await ctx.http().get(`/v2/hc-folders/public?botId=${randomUUID()}`).set(key.header);
    expect(unknownBot.body.snapshotObjV2).toEqual([]);
  });
});

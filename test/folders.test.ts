// Folders (docs/api.md §5): create, update, move, delete, agent junctions and the tree snapshot.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestContext, type TestKey } from './helpers/app.js';
import { knowledge } from './helpers/knowledge.js';

interface TreeNode {
  id: string;
  title: string;
  description: string;
  type: string;
  children: TreeNode[];
}

let ctx: TestContext;
beforeAll(async () => {
  ctx = await startTestApp();
});
afterAll(() => ctx.close());

const createFolder = (key: TestKey, title: string, parentFolderId?: string) =>
  knowledge(ctx, key).folder(title, parentFolderId);

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

describe('folder update', () => {
  it('updates title, description and active', async () => {
    const key = await ctx.createKey();
    const folder = await createFolder(key, 'Billing');
    const response = await ctx
      .http()
      .put(`/v2/hc-folders/${folder.id}/public`)
      .set(key.header)
      .send({ title: 'Payments', description: 'Cards and invoices', active: false });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      id: folder.id,
      title: 'Payments',
      description: 'Cards and invoices',
      active: false,
      parentFolderId: null,
    });
  });

  it('needs title, description and active, naming the missing one', async () => {
    const key = await ctx.createKey();
    const folder = await createFolder(key, 'Billing');
    const response = await ctx
      .http()
      .put(`/v2/hc-folders/${folder.id}/public`)
      .set(key.header)
      .send({ title: 'Payments', description: '' });
    expect(response.status).toBe(400);
    expect(response.body.message).toBe('active is required');
  });

  it('answers 404 for an unknown folder and for one of another workspace, changing nothing', async () => {
    const key = await ctx.createKey();
    const other = await ctx.createKey();
    const theirs = await createFolder(other, 'Theirs');
    for (const id of [randomUUID(), theirs.id]) {
      const response = await ctx
        .http()
        .put(`/v2/hc-folders/${id}/public`)
        .set(key.header)
        .send({ title: 'Hijacked', description: '', active: true });
      expect(response.status).toBe(404);
      expect(response.body.message).toBe(`folder ${id} not found`);
    }
    const tree = await ctx.http().get('/v2/hc-folders/public').set(other.header);
    expect(tree.body.snapshotObjV2[0].title).toBe('Theirs');
  });
});

describe('folder move', () => {
  const move = (key: TestKey, id: string, parentFolderId: string | null) =>
    ctx.http().put(`/v2/hc-folders/${id}/move/public`).set(key.header).send({ parentFolderId });

  it('moves a folder under another one, and back to the top level with null', async () => {
    const key = await ctx.createKey();
    const billing = await createFolder(key, 'Billing');
    const refunds = await createFolder(key, 'Refunds');
    const moved = await move(key, refunds.id, billing.id);
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ id: refunds.id, parentFolderId: billing.id });
    const top = await move(key, refunds.id, null);
    expect(top.status).toBe(200);
    expect(top.body.parentFolderId).toBeNull();
  });

  it('answers 406 for a move under itself or under one of its own descendants', async () => {
    const key = await ctx.createKey();
    const a = await createFolder(key, 'A');
    const b = await createFolder(key, 'B', a.id);
    const c = await createFolder(key, 'C', b.id);
    for (const destination of [a.id, b.id, c.id]) {
      const response = await move(key, a.id, destination);
      expect(response.status, destination).toBe(406);
      expect(response.body).toMatchObject({ code: 'NOT_ACCEPTABLE', error: 'Not Acceptable' });
    }
    const self = await move(key, a.id, a.id);
    expect(self.body.message).toBe(`folder ${a.id} cannot move under itself`);
    const tree = await ctx.http().get('/v2/hc-folders/public').set(key.header);
    expect((tree.body.snapshotObjV2 as { id: string }[]).map((node) => node.id)).toEqual([a.id]);
  });

  it('answers 404 for an unknown folder or destination, or either from another workspace', async () => {
    const key = await ctx.createKey();
    const other = await ctx.createKey();
    const mine = await createFolder(key, 'Mine');
    const theirs = await createFolder(other, 'Theirs');
    const cases: [string, string, string][] = [
      [randomUUID(), mine.id, 'folder'],
      [theirs.id, mine.id, 'folder'],
      [mine.id, randomUUID(), 'destination folder'],
      [mine.id, theirs.id, 'destination folder'],
    ];
    for (const [id, destination, what] of cases) {
      const response = await move(key, id, destination);
      expect(response.status).toBe(404);
      expect(response.body.message).toBe(`${what} ${what === 'folder' ? id : destination} not found`);
    }
    const theirTree = await ctx.http().get('/v2/hc-folders/public').set(other.header);
    expect(theirTree.body.snapshotObjV2).toHaveLength(1);
  });

  it('requires parentFolderId (null for the top level)', async () => {
    const key = await ctx.createKey();
    const folder = await createFolder(key, 'Billing');
    const response = await ctx.http().put(`/v2/hc-folders/${folder.id}/move/public`).set(key.header).send({});
    expect(response.status).toBe(400);
    expect(response.body.message).toBe('parentFolderId is required');
  });

  it('never lets two concurrent moves make a cycle', async () => {
    const key = await ctx.createKey();
    const a = await createFolder(key, 'A');
    const b = await createFolder(key, 'B');
    const [ab, ba] = await Promise.all([move(key, a.id, b.id), move(key, b.id, a.id)]);
    expect([ab.status, ba.status].sort()).toEqual([200, 406]);
  });
});

describe('folder delete', () => {
  const remove = (key: TestKey, id: string) =>
    ctx.http().delete(`/v2/hc-folders/${id}/public`).set(key.header);

  it('deletes an empty folder and answers with it', async () => {
    const key = await ctx.createKey();
    const folder = await createFolder(key, 'Billing');
    const response = await remove(key, folder.id);
    expect(response.status).toBe(200);
    expect(response.body).toEqual(folder);
    expect((await remove(key, folder.id)).status).toBe(404);
  });

  it('answers 409 while the folder holds a subfolder, a live article or a draft', async () => {
    const key = await ctx.createKey();
    const kb = knowledge(ctx, key);
    const withChild = await createFolder(key, 'Parent');
    await createFolder(key, 'Child', withChild.id);
    const withLive = await createFolder(key, 'Live');
    await kb.article(withLive.id);
    const withDraft = await createFolder(key, 'Draft');
    await kb.article(withDraft.id, { isDraft: true });
    for (const folder of [withChild, withLive, withDraft]) {
      const response = await remove(key, folder.id);
      expect(response.status).toBe(409);
      expect(response.body.message).toContain(`folder ${folder.id} is not empty`);
    }
  });

  it('answers 404 for a folder of another workspace and leaves it', async () => {
    const key = await ctx.createKey();
    const other = await ctx.createKey();
    const theirs = await createFolder(other, 'Theirs');
    expect((await remove(key, theirs.id)).status).toBe(404);
    const tree = await ctx.http().get('/v2/hc-folders/public').set(other.header);
    expect(tree.body.snapshotObjV2).toHaveLength(1);
  });
});

describe('agent junctions', () => {
  const junctions = (key: TestKey, items: { folderId: string; botId: string; action: string }[]) =>
    ctx.http().post('/v2/hc-bot-folder-junctions/public').set(key.header).send({ junctions: items });
  const botTree = async (key: TestKey, botId: string) => {
    const response = await ctx.http().get(`/v2/hc-folders/public?botId=${botId}`).set(key.header);
    return (response.body.snapshotObjV2 as { id: string }[]).map((node) => node.id);
  };

  it('assigns and unassigns folders, idempotently, creating the agent on first use', async () => {
    const key = await ctx.createKey();
    const billing = await createFolder(key, 'Billing');
    const account = await createFolder(key, 'Account');
    const botId = randomUUID();
    const add = [
      { folderId: billing.id, botId, action: 'ADD' },
      { folderId: account.id, botId, action: 'ADD' },
    ];
    for (let i = 0; i < 2; i++) {
      const response = await junctions(key, add);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ status: true });
    }
    expect(await botTree(key, botId)).toEqual([billing.id, account.id]);
    const removal = [{ folderId: billing.id, botId, action: 'DELETE' }];
    expect((await junctions(key, removal)).status).toBe(200);
    expect((await junctions(key, removal)).status).toBe(200);
    expect(await botTree(key, botId)).toEqual([account.id]);
  });

  it('answers 404 naming an unknown or foreign folder and writes nothing of the batch', async () => {
    const key = await ctx.createKey();
    const other = await ctx.createKey();
    const billing = await createFolder(key, 'Billing');
    const theirs = await createFolder(other, 'Theirs');
    const botId = randomUUID();
    for (const folderId of [randomUUID(), theirs.id]) {
      const response = await junctions(key, [
        { folderId: billing.id, botId, action: 'ADD' },
        { folderId, botId, action: 'ADD' },
      ]);
      expect(response.status).toBe(404);
      expect(response.body.message).toBe(`folder ${folderId} not found`);
    }
    expect(await botTree(key, botId)).toEqual([]);
    const { rows } = await ctx.deps.pool.query('SELECT 1 FROM bots WHERE id = $1', [botId]);
    expect(rows).toEqual([]);
  });

  it('refuses an unknown action, a malformed id and an empty batch with 400', async () => {
    const key = await ctx.createKey();
    const folder = await createFolder(key, 'Billing');
    const cases: [unknown[], string][] = [
      [
        [{ folderId: folder.id, botId: randomUUID(), action: 'MOVE' }],
        'junctions[0].action must be one of ADD, DELETE',
      ],
      [[{ folderId: folder.id, botId: 'bot-1', action: 'ADD' }], 'junctions[0].botId must be a UUID'],
      [[], 'junctions must contain at least 1 item'],
    ];
    for (const [items, message] of cases) {
      const response = await ctx
        .http()
        .post('/v2/hc-bot-folder-junctions/public')
        .set(key.header)
        .send({ junctions: items });
      expect(response.status).toBe(400);
      expect(response.body.message).toBe(message);
    }
  });

  it('keeps agents per workspace: the same botId in another workspace sees only its own folders', async () => {
    const key = await ctx.createKey();
    const other = await ctx.createKey();
    const mine = await createFolder(key, 'Mine');
    const theirs = await createFolder(other, 'Theirs');
    const botId = randomUUID();
    await junctions(key, [{ folderId: mine.id, botId, action: 'ADD' }]).expect(200);
    await junctions(other, [{ folderId: theirs.id, botId, action: 'ADD' }]).expect(200);
    expect(await botTree(key, botId)).toEqual([mine.id]);
    expect(await botTree(other, botId)).toEqual([theirs.id]);
  });
});

describe('tree with articles', () => {
  it('nests live articles under their folders with a short excerpt, after the subfolders', async () => {
    const key = await ctx.createKey();
    const kb = knowledge(ctx, key);
    const billing = await createFolder(key, 'Billing');
    const refunds = await createFolder(key, 'Refunds', billing.id);
    const long = `## Steps\n\nOpen **Settings** and then [Billing](https://example.com). ${'More words here. '.repeat(30)}`;
    const article = await kb.article(billing.id, { title: 'Cancel', mainKnowledge: long });
    await kb.article(billing.id, { title: 'Draft only', isDraft: true });
    const response = await ctx.http().get('/v2/hc-folders/public').set(key.header);
    const node = (response.body.snapshotObjV2 as TreeNode[])[0]!;
    expect(node.children.map((child) => [child.id, child.type])).toEqual([
      [refunds.id, 'folder'],
      [article.id, 'article'],
    ]);
    const articleNode = node.children[1]!;
    expect(articleNode).toMatchObject({ title: 'Cancel', type: 'article', children: [] });
    expect(articleNode.description.startsWith('Steps Open Settings and then Billing. More words here.')).toBe(
      true,
    );
    expect(articleNode.description.length).toBeLessThanOrEqual(201);
    expect(articleNode.description.endsWith('…')).toBe(true);
  });

  it('filters articles with their folders when botId is given', async () => {
    const key = await ctx.createKey();
    const kb = knowledge(ctx, key);
    const billing = await createFolder(key, 'Billing');
    const refunds = await createFolder(key, 'Refunds', billing.id);
    const account = await createFolder(key, 'Account');
    const inRefunds = await kb.article(refunds.id, { title: 'Refunds', mainKnowledge: 'Short.' });
    await kb.article(account.id, { title: 'Password' });
    const botId = randomUUID();
    await ctx
      .http()
      .post('/v2/hc-bot-folder-junctions/public')
      .set(key.header)
      .send({ junctions: [{ folderId: billing.id, botId, action: 'ADD' }] })
      .expect(200);
    const response = await ctx.http().get(`/v2/hc-folders/public?botId=${botId}`).set(key.header);
    expect(response.body.snapshotObjV2).toEqual([
      {
        id: billing.id,
        title: 'Billing',
        description: 'Billing articles',
        type: 'folder',
        children: [
          {
            id: refunds.id,
            title: 'Refunds',
            description: 'Refunds articles',
            type: 'folder',
            children: [
              { id: inRefunds.id, title: 'Refunds', description: 'Short.', type: 'article', children: [] },
            ],
          },
        ],
      },
    ]);
  });

  it('moves updatedAt forward when an article changes or is deleted', async () => {
    const key = await ctx.createKey();
    const kb = knowledge(ctx, key);
    const folder = await createFolder(key, 'Billing');
    const updatedAt = async () =>
      ((await ctx.http().get('/v2/hc-folders/public').set(key.header)).body as { updatedAt: string })
        .updatedAt;
    const before = await updatedAt();
    const article = await kb.article(folder.id);
    const afterCreate = await updatedAt();
    expect(afterCreate > before).toBe(true);
    await ctx.http().delete(`/v2/hc-articles/${article.id}/public`).set(key.header).expect(200);
    const afterDelete = await updatedAt();
    expect(afterDelete > afterCreate).toBe(true);
  });
});

// Review and publish (API.md §5): fork, publish, stale forks, versions, rollback and diff.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestContext, type TestKey } from './helpers/app.js';
import { articleBody, knowledge, type WireArticle } from './helpers/knowledge.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await startTestApp();
});
afterAll(() => ctx.close());

async function liveArticle(key: TestKey, overrides: Record<string, unknown> = {}) {
  const kb = knowledge(ctx, key);
  const folder = await kb.folder('Billing');
  return { kb, folder, live: await kb.article(folder.id, overrides) };
}

describe('fork', () => {
  it('copies a live article into a draft that points at it and its version', async () => {
    const key = await ctx.createKey();
    const { kb, live } = await liveArticle(key);
    await kb.update(live.id, articleBody(live.parentFolderId!, { mainKnowledge: 'Second version.' }));
    const draft = await kb.fork(live.id);
    expect(draft).toMatchObject({
      title: live.title,
      mainKnowledge: 'Second version.',
      parentFolderId: live.parentFolderId,
      isDraft: true,
      originalArticleId: live.id,
      originalArticleVersion: 2,
      isDraftPublished: false,
      version: 1,
    });
    expect(draft.id).not.toBe(live.id);
  });

  it('applies the fields given in the body to the copy', async () => {
    const key = await ctx.createKey();
    const { kb, live } = await liveArticle(key);
    const draft = await kb.fork(live.id, { title: 'Reworded', keywords: ['plan'] });
    expect(draft).toMatchObject({ title: 'Reworded', keywords: ['plan'], mainKnowledge: live.mainKnowledge });
  });

  it('answers 404 for an unknown live article or one of another workspace, 400 for a draft', async () => {
    const key = await ctx.createKey();
    const other = await ctx.createKey();
    const { live: theirs } = await liveArticle(other);
    for (const id of [randomUUID(), theirs.id]) {
      const response = await ctx.http().post(`/v2/hc-articles/${id}/draft/public`).set(key.header);
      expect(response.status).toBe(404);
      expect(response.body.message).toBe(`live article ${id} not found`);
    }
    const { kb, folder } = await liveArticle(key);
    const draft = await kb.article(folder.id, { isDraft: true });
    const response = await ctx.http().post(`/v2/hc-articles/${draft.id}/draft/public`).set(key.header);
    expect(response.status).toBe(400);
    expect(response.body.message).toBe(`article ${draft.id} is a draft; only a live article can be forked`);
  });

  it('refuses an empty questions list in the body', async () => {
    const key = await ctx.createKey();
    const { live } = await liveArticle(key);
    const response = await ctx
      .http()
      .post(`/v2/hc-articles/${live.id}/draft/public`)
      .set(key.header)
      .send({ questions: [] });
    expect(response.status).toBe(400);
    expect(response.body.message).toBe('questions must contain at least 1 item');
  });
});

describe('publish', () => {
  it('publishes a fork onto the original: same id, version + 1, previous version kept', async () => {
    const key = await ctx.createKey();
    const { kb, live } = await liveArticle(key);
    const draft = await kb.fork(live.id, { mainKnowledge: 'Cancel from Settings → Billing.' });
    const response = await kb.publish(draft.id);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      id: live.id,
      isDraft: false,
      version: 2,
      mainKnowledge: 'Cancel from Settings → Billing.',
      createdAt: live.createdAt,
    });
    expect(await kb.get(draft.id)).toMatchObject({ isDraftPublished: true, isDraft: true });
    const versions = await ctx.http().get(`/v2/hc-articles/${live.id}/versions/public`).set(key.header);
    expect((versions.body.versions as { version: number }[]).map((v) => v.version)).toEqual([2, 1]);
    expect(versions.body.versions[1].mainKnowledge).toBe(live.mainKnowledge);
  });

  it('applies content fields given at publish time over the draft', async () => {
    const key = await ctx.createKey();
    const { kb, live } = await liveArticle(key);
    const draft = await kb.fork(live.id);
    const response = await kb.publish(draft.id, { title: 'Final title', escalation: true });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: live.id, title: 'Final title', escalation: true });
    expect(await kb.get(draft.id)).toMatchObject({ title: 'Final title', isDraftPublished: true });
  });

  it('refuses a stale fork with 409, then publishes it with force: true', async () => {
    const key = await ctx.createKey();
    const { kb, live } = await liveArticle(key);
    const draft = await kb.fork(live.id, { mainKnowledge: 'Draft text.' });
    await kb.update(live.id, articleBody(live.parentFolderId!, { mainKnowledge: 'Edited live meanwhile.' }));

    const stale = await kb.publish(draft.id);
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: 'CONFLICT' });
    expect(stale.body.message).toContain(`live article ${live.id} is at version 2`);
    expect(stale.body.message).toContain('force: true');
    expect(await kb.get(live.id)).toMatchObject({ version: 2, mainKnowledge: 'Edited live meanwhile.' });
    expect(await kb.get(draft.id)).toMatchObject({ isDraftPublished: false });

    const forced = await kb.publish(draft.id, { force: true });
    expect(forced.status).toBe(200);
    expect(forced.body).toMatchObject({ id: live.id, version: 3, mainKnowledge: 'Draft text.' });
  });

  it('lets only one of two concurrent publishes of forks of one version win', async () => {
    const key = await ctx.createKey();
    const { kb, live } = await liveArticle(key);
    const a = await kb.fork(live.id, { title: 'A' });
    const b = await kb.fork(live.id, { title: 'B' });
    const [ra, rb] = await Promise.all([kb.publish(a.id), kb.publish(b.id)]);
    expect([ra.status, rb.status].sort()).toEqual([200, 409]);
    expect((await kb.get(live.id))?.version).toBe(2);
  });

  it('turns a draft that forks nothing into a new live article', async () => {
    const key = await ctx.createKey();
    const kb = knowledge(ctx, key);
    const folder = await kb.folder('Billing');
    const draft = await kb.article(folder.id, { isDraft: true, origin: 'review' });
    const response = await kb.publish(draft.id);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      isDraft: false,
      version: 1,
      title: draft.title,
      parentFolderId: folder.id,
      origin: 'review',
      originalArticleId: null,
    });
    expect(response.body.id).not.toBe(draft.id);
  });

  it('answers 409 for a draft published already, 400 for a live article, 404 for unknown or foreign ids', async () => {
    const key = await ctx.createKey();
    const other = await ctx.createKey();
    const { kb, live } = await liveArticle(key);
    const draft = await kb.fork(live.id);
    expect((await kb.publish(draft.id)).status).toBe(200);
    const again = await kb.publish(draft.id);
    expect(again.status).toBe(409);
    expect(again.body.message).toBe(`draft ${draft.id} was already published as article ${live.id}`);

    const onLive = await kb.publish(live.id);
    expect(onLive.status).toBe(400);
    expect(onLive.body.message).toBe(`article ${live.id} is live, not a draft; only drafts can be published`);

    const { kb: okb, live: theirLive } = await liveArticle(other);
    const theirDraft = await okb.fork(theirLive.id);
    for (const id of [randomUUID(), theirDraft.id]) {
      const response = await kb.publish(id);
      expect(response.status).toBe(404);
      expect(response.body.message).toBe(`draft ${id} not found`);
    }
    expect(await okb.get(theirDraft.id)).toMatchObject({ isDraftPublished: false });
  });

  it('refuses to edit a published draft', async () => {
    const key = await ctx.createKey();
    const { kb, live } = await liveArticle(key);
    const draft = await kb.fork(live.id);
    await kb.publish(draft.id);
    const response = await ctx
      .http()
      .put(`/v2/hc-articles/${draft.id}/public`)
      .set(key.header)
      .send(articleBody(live.parentFolderId!));
    expect(response.status).toBe(409);
  });

  it('answers 409 when the forked live article was deleted', async () => {
    const key = await ctx.createKey();
    const { kb, live } = await liveArticle(key);
    const draft = await kb.fork(live.id);
    await ctx.http().delete(`/v2/hc-articles/${live.id}/public`).set(key.header).expect(200);
    const response = await kb.publish(draft.id);
    expect(response.status).toBe(409);
    expect(response.body.message).toContain('has been deleted');
  });
});

describe('versions and rollback', () => {
  it('lists every version newest first, the current one included', async () => {
    const key = await ctx.createKey();
    const { kb, live } = await liveArticle(key);
    for (const text of ['two', 'three'])
      await kb.update(live.id, articleBody(live.parentFolderId!, { mainKnowledge: text }));
    const response = await ctx.http().get(`/v2/hc-articles/${live.id}/versions/public`).set(key.header);
    expect(response.status).toBe(200);
    expect(response.body.articleId).toBe(live.id);
    const versions = response.body.versions as { version: number; current: boolean; mainKnowledge: string }[];
    expect(versions.map((v) => [v.version, v.current, v.mainKnowledge])).toEqual([
      [3, true, 'three'],
      [2, false, 'two'],
      [1, false, live.mainKnowledge],
    ]);
  });

  it('restores an earlier version as a new version', async () => {
    const key = await ctx.createKey();
    const { kb, live } = await liveArticle(key);
    await kb.update(live.id, articleBody(live.parentFolderId!, { mainKnowledge: 'two', title: 'Two' }));
    const response = await ctx
      .http()
      .post(`/v2/hc-articles/${live.id}/rollback/public`)
      .set(key.header)
      .send({ version: 1 });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      id: live.id,
      version: 3,
      title: live.title,
      mainKnowledge: live.mainKnowledge,
    });
    const history = await ctx.http().get(`/v2/hc-articles/${live.id}/versions/public`).set(key.header);
    expect((history.body.versions as { version: number }[]).map((v) => v.version)).toEqual([3, 2, 1]);
  });

  it('answers 404 for an unknown version, 409 for the current one, 400 for a bad one', async () => {
    const key = await ctx.createKey();
    const { live } = await liveArticle(key);
    const rollback = (version: unknown) =>
      ctx.http().post(`/v2/hc-articles/${live.id}/rollback/public`).set(key.header).send({ version });
    const unknown = await rollback(7);
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toBe(`version 7 of article ${live.id} not found`);
    expect((await rollback(1)).status).toBe(409);
    const bad = await rollback(0);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe('version must be at least 1');
  });

  it('answers 404 for the versions or rollback of an article of another workspace', async () => {
    const key = await ctx.createKey();
    const other = await ctx.createKey();
    const { kb: okb, live: theirs } = await liveArticle(other);
    await okb.update(theirs.id, articleBody(theirs.parentFolderId!, { mainKnowledge: 'two' }));
    const versions = await ctx.http().get(`/v2/hc-articles/${theirs.id}/versions/public`).set(key.header);
    expect(versions.status).toBe(404);
    const rollback = await ctx
      .http()
      .post(`/v2/hc-articles/${theirs.id}/rollback/public`)
      .set(key.header)
      .send({ version: 1 });
    expect(rollback.status).toBe(404);
    expect((await okb.get(theirs.id))?.version).toBe(2);
  });
});

describe('diff', () => {
  it("shows a unified diff of the draft's mainKnowledge against the live version", async () => {
    const key = await ctx.createKey();
    const { kb, live } = await liveArticle(key, { mainKnowledge: 'Line one.\nLine two.\nLine three.' });
    const draft = await kb.fork(live.id, { mainKnowledge: 'Line one.\nLine 2, reworded.\nLine three.' });
    const response = await ctx.http().get(`/v2/hc-articles/${draft.id}/diff/public`).set(key.header);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      articleId: draft.id,
      originalArticleId: live.id,
      originalArticleVersion: 1,
      liveVersion: 1,
      stale: false,
    });
    const diff = response.body.diff as string;
    expect(diff).toContain(`--- live/${live.id}\tversion 1`);
    expect(diff).toContain(`+++ draft/${draft.id}\tdraft`);
    expect(diff).toContain('@@ -1,3 +1,3 @@');
    expect(diff).toContain('\n-Line two.\n+Line 2, reworded.\n');
    expect(diff).toContain('\n Line one.\n');
  });

  it('carries the live article and names the fields the draft changes, for a side-by-side view', async () => {
    const key = await ctx.createKey();
    const { kb, live } = await liveArticle(key);
    const draft = await kb.fork(live.id, { title: 'New title', keywords: ['other'], escalation: true });
    const response = await ctx.http().get(`/v2/hc-articles/${draft.id}/diff/public`).set(key.header);
    expect(response.status).toBe(200);
    expect(response.body.live).toEqual(await kb.get(live.id));
    expect(response.body.changedFields).toEqual(['title', 'keywords', 'escalation']);
    const same = await kb.fork(live.id);
    const unchanged = await ctx.http().get(`/v2/hc-articles/${same.id}/diff/public`).set(key.header);
    expect(unchanged.body.changedFields).toEqual([]);
  });

  it('marks the diff stale once the live article moved on', async () => {
    const key = await ctx.createKey();
    const { kb, live } = await liveArticle(key);
    const draft = await kb.fork(live.id);
    await kb.update(live.id, articleBody(live.parentFolderId!, { mainKnowledge: 'Changed.' }));
    const response = await ctx.http().get(`/v2/hc-articles/${draft.id}/diff/public`).set(key.header);
    expect(response.body).toMatchObject({ liveVersion: 2, originalArticleVersion: 1, stale: true });
    expect(response.body.diff).toContain('-Changed.');
  });

  it('answers 400 for an article that forks nothing, 404 for an unknown or foreign one', async () => {
    const key = await ctx.createKey();
    const other = await ctx.createKey();
    const { live } = await liveArticle(key);
    const response = await ctx.http().get(`/v2/hc-articles/${live.id}/diff/public`).set(key.header);
    expect(response.status).toBe(400);
    expect(response.body.message).toBe(`article ${live.id} is not a draft that forks a live article`);
    const { kb: okb, live: theirs } = await liveArticle(other);
    const theirDraft = await okb.fork(theirs.id);
    for (const id of [randomUUID(), theirDraft.id]) {
      const missing = await ctx.http().get(`/v2/hc-articles/${id}/diff/public`).set(key.header);
      expect(missing.status).toBe(404);
    }
  });
});

describe('drafts stay out of live views', () => {
  it('keeps a fork draft out of the live list and the tree', async () => {
    const key = await ctx.createKey();
    const { kb, live } = await liveArticle(key);
    await kb.fork(live.id);
    const liveList = await ctx.http().get('/v2/hc-articles/public?type=live').set(key.header);
    expect((liveList.body.articles as WireArticle[]).map((a) => a.id)).toEqual([live.id]);
    const tree = await ctx.http().get('/v2/hc-folders/public').set(key.header);
    const folderNode = (tree.body.snapshotObjV2 as { children: { id: string }[] }[])[0]!;
    expect(folderNode.children.map((n) => n.id)).toEqual([live.id]);
  });
});

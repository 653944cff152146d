// The service API the generation pipeline writes through (articles-service.ts): generation drafts, the
// source-backed save (docs/api.md §4, sources-service.ts linkToArticle) and the caller's own transaction. Sources are inserted with SQL here.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '../src/lib/db.js';
import { AppError } from '../src/lib/errors.js';
import { startTestApp, type TestContext, type TestKey } from './helpers/app.js';
import { articleBody, knowledge } from './helpers/knowledge.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await startTestApp();
});
afterAll(() => ctx.close());

interface SourceState {
  linkedKnowledgeId: string | null;
  changed: boolean;
  savedHash: string | null;
  contentHash: string | null;
}

async function insertSource(workspaceId: string, state: Partial<SourceState> = {}): Promise<string> {
  const { rows } = await ctx.deps.pool.query<{ id: string }>(
    `INSERT INTO sources (workspace_id, source_type, external_id, content_hash, saved_hash, changed, success)
     VALUES ($1, 'web', $2, $3, $4, $5, true) RETURNING id`,
    [
      workspaceId,
      `https://example.com/${randomUUID()}`,
      state.contentHash ?? 'hash-1',
      state.savedHash ?? 'hash-0',
      state.changed ?? true,
    ],
  );
  return rows[0]!.id;
}

async function sourceState(id: string): Promise<SourceState> {
  const { rows } = await ctx.deps.pool.query<SourceState>(
    `SELECT linked_knowledge_id AS "linkedKnowledgeId", changed, saved_hash AS "savedHash",
       content_hash AS "contentHash" FROM sources WHERE id = $1`,
    [id],
  );
  return rows[0]!;
}

const content = (overrides: Record<string, unknown> = {}) => {
  const { parentFolderId: _folder, ...body } = articleBody('', overrides);
  return body;
};

async function setup(key: TestKey) {
  const kb = knowledge(ctx, key);
  const folder = await kb.folder('Billing');
  const live = await kb.article(folder.id);
  return { kb, folder, live };
}

describe('generation drafts', () => {
  it('writes an UPDATE_ARTICLE draft as a fork of the target, carrying the job fields', async () => {
    const key = await ctx.createKey();
    const { live } = await setup(key);
    const sourceId = await insertSource(key.workspaceId);
    const jobId = randomUUID();
    const draft = await ctx.deps.articles.createGenerationDraft(key.workspaceId, {
      operation: 'UPDATE_ARTICLE',
      originalArticleId: live.id,
      parentFolderId: null,
      content: content({ mainKnowledge: 'New text from the page.' }),
      sourceDocumentId: sourceId,
      linkedReason: 'The page changed the cancellation steps.',
      backgroundJobId: jobId,
      sourceHash: 'hash-1',
    });
    expect(draft).toMatchObject({
      isDraft: true,
      originalArticleId: live.id,
      originalArticleVersion: 1,
      parentFolderId: live.parentFolderId,
      mainKnowledge: 'New text from the page.',
      sourceDocumentId: sourceId,
      operation: 'UPDATE_ARTICLE',
      linkedReason: 'The page changed the cancellation steps.',
      backgroundJobId: jobId,
    });
    // The same job again returns the first draft: a re-run after a crash writes nothing new.
    const again = await ctx.deps.articles.createGenerationDraft(key.workspaceId, {
      operation: 'UPDATE_ARTICLE',
      originalArticleId: live.id,
      parentFolderId: null,
      content: content({ mainKnowledge: 'Different text.' }),
      sourceDocumentId: sourceId,
      linkedReason: null,
      backgroundJobId: jobId,
      sourceHash: 'hash-1',
    });
    expect(again).toEqual(draft);
  });

  it('writes a DO_NOTHING record with the target’s content, or an empty body and no folder', async () => {
    const key = await ctx.createKey();
    const { live } = await setup(key);
    const withTarget = await ctx.deps.articles.createGenerationDraft(key.workspaceId, {
      operation: 'DO_NOTHING',
      originalArticleId: live.id,
      parentFolderId: null,
      content: null,
      sourceDocumentId: null,
      linkedReason: 'Already covered.',
      backgroundJobId: randomUUID(),
      sourceHash: null,
    });
    expect(withTarget).toMatchObject({
      title: live.title,
      mainKnowledge: live.mainKnowledge,
      parentFolderId: live.parentFolderId,
      originalArticleId: live.id,
      operation: 'DO_NOTHING',
    });
    const alone = await ctx.deps.articles.createGenerationDraft(key.workspaceId, {
      operation: 'DO_NOTHING',
      originalArticleId: null,
      parentFolderId: null,
      content: null,
      title: 'Pricing page',
      sourceDocumentId: null,
      linkedReason: 'Nothing to add.',
      backgroundJobId: randomUUID(),
      sourceHash: null,
    });
    expect(alone).toMatchObject({
      title: 'Pricing page',
      mainKnowledge: '',
      questions: [],
      parentFolderId: null,
      originalArticleId: null,
      isDraft: true,
    });
  });

  it('refuses inconsistent input with errors that say what is wrong', async () => {
    const key = await ctx.createKey();
    const { folder } = await setup(key);
    const base = {
      sourceDocumentId: null,
      linkedReason: null,
      sourceHash: null,
      parentFolderId: null,
      originalArticleId: null,
    };
    await expect(
      ctx.deps.articles.createGenerationDraft(key.workspaceId, {
        ...base,
        operation: 'UPDATE_ARTICLE',
        content: content(),
        backgroundJobId: randomUUID(),
      }),
    ).rejects.toThrow('originalArticleId is required for UPDATE_ARTICLE');
    const unknownFolder = randomUUID();
    await expect(
      ctx.deps.articles.createGenerationDraft(key.workspaceId, {
        ...base,
        operation: 'ADD_ARTICLE_TO_FOLDER',
        parentFolderId: unknownFolder,
        content: content(),
        backgroundJobId: randomUUID(),
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND', message: `parent folder ${unknownFolder} not found` });
    await expect(
      ctx.deps.articles.createGenerationDraft(key.workspaceId, {
        ...base,
        operation: 'ADD_ARTICLE_TO_FOLDER',
        parentFolderId: folder.id,
        content: null,
        backgroundJobId: randomUUID(),
      }),
    ).rejects.toBeInstanceOf(AppError);
  });

  it("runs on the caller's transaction: a rollback leaves nothing behind", async () => {
    const key = await ctx.createKey();
    const { folder, live } = await setup(key);
    const jobId = randomUUID();
    await expect(
      withTransaction(ctx.deps.pool, async (tx) => {
        await ctx.deps.articles.createGenerationDraft(
          key.workspaceId,
          {
            operation: 'ADD_ARTICLE_TO_FOLDER',
            originalArticleId: null,
            parentFolderId: folder.id,
            content: content({ title: 'New' }),
            sourceDocumentId: null,
            linkedReason: null,
            backgroundJobId: jobId,
            sourceHash: null,
          },
          tx,
        );
        await ctx.deps.articles.updateArticle(key.workspaceId, live.id, content({ title: 'Changed' }), tx);
        throw new Error('the job failed after writing');
      }),
    ).rejects.toThrow('the job failed after writing');
    const { rows } = await ctx.deps.pool.query('SELECT 1 FROM articles WHERE background_job_id = $1', [
      jobId,
    ]);
    expect(rows).toEqual([]);
    expect(await knowledge(ctx, key).get(live.id)).toMatchObject({ title: live.title, version: 1 });
  });
});

describe('source-backed save on publish', () => {
  it('links the source and clears changed when the source is unchanged since generation', async () => {
    const key = await ctx.createKey();
    const { kb, live } = await setup(key);
    const sourceId = await insertSource(key.workspaceId, { contentHash: 'hash-1', changed: true });
    const draft = await ctx.deps.articles.createGenerationDraft(key.workspaceId, {
      operation: 'UPDATE_ARTICLE',
      originalArticleId: live.id,
      parentFolderId: null,
      content: content({ mainKnowledge: 'Updated from the page.' }),
      sourceDocumentId: sourceId,
      linkedReason: 'Steps changed.',
      backgroundJobId: randomUUID(),
      sourceHash: 'hash-1',
    });
    const response = await kb.publish(draft.id);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: live.id, version: 2, mainKnowledge: 'Updated from the page.' });
    expect(await sourceState(sourceId)).toEqual({
      linkedKnowledgeId: live.id,
      changed: false,
      savedHash: 'hash-1',
      contentHash: 'hash-1',
    });
  });

  it('links the source but leaves changed set when the source changed again after the job read it', async () => {
    const key = await ctx.createKey();
    const { kb, folder } = await setup(key);
    const sourceId = await insertSource(key.workspaceId, { contentHash: 'hash-1', changed: false });
    const draft = await ctx.deps.articles.createGenerationDraft(key.workspaceId, {
      operation: 'ADD_ARTICLE_TO_FOLDER',
      originalArticleId: null,
      parentFolderId: folder.id,
      content: content({ title: 'Refund policy' }),
      sourceDocumentId: sourceId,
      linkedReason: 'New topic.',
      backgroundJobId: randomUUID(),
      sourceHash: 'hash-1',
    });
    // A refresh stores new content before the draft is published.
    await ctx.deps.pool.query("UPDATE sources SET content_hash = 'hash-2', changed = true WHERE id = $1", [
      sourceId,
    ]);
    const response = await kb.publish(draft.id);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      isDraft: false,
      title: 'Refund policy',
      sourceDocumentId: sourceId,
      operation: 'ADD_ARTICLE_TO_FOLDER',
      backgroundJobId: null,
    });
    expect(await sourceState(sourceId)).toEqual({
      linkedKnowledgeId: response.body.id,
      changed: true,
      savedHash: 'hash-0',
      contentHash: 'hash-2',
    });
  });

  it('publishes a DO_NOTHING draft without changing any article or linking the source to its target', async () => {
    const key = await ctx.createKey();
    const { kb, live } = await setup(key);
    const sourceId = await insertSource(key.workspaceId, { contentHash: 'hash-1', changed: true });
    const draft = await ctx.deps.articles.createGenerationDraft(key.workspaceId, {
      operation: 'DO_NOTHING',
      originalArticleId: live.id,
      parentFolderId: null,
      content: null,
      sourceDocumentId: sourceId,
      linkedReason: 'Already covered.',
      backgroundJobId: randomUUID(),
      sourceHash: 'hash-1',
    });
    const response = await kb.publish(draft.id, { title: 'Ignored for DO_NOTHING' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual(live);
    expect(await kb.get(draft.id)).toMatchObject({ isDraftPublished: true, title: live.title });
    // The source backs no article it wrote: a later delete with deleteArticles must not take the target.
    expect(await sourceState(sourceId)).toMatchObject({ linkedKnowledgeId: null, changed: true });
  });

  it('publishes a DO_NOTHING record with no target as itself, leaving the source alone', async () => {
    const key = await ctx.createKey();
    const kb = knowledge(ctx, key);
    const sourceId = await insertSource(key.workspaceId, { changed: true });
    const draft = await ctx.deps.articles.createGenerationDraft(key.workspaceId, {
      operation: 'DO_NOTHING',
      originalArticleId: null,
      parentFolderId: null,
      content: null,
      sourceDocumentId: sourceId,
      linkedReason: 'Nothing to add.',
      backgroundJobId: randomUUID(),
      sourceHash: 'hash-1',
    });
    const response = await kb.publish(draft.id);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: draft.id, isDraftPublished: true });
    expect(await sourceState(sourceId)).toMatchObject({ linkedKnowledgeId: null, changed: true });
  });

  it('is one sources service call a live write makes in its own transaction', async () => {
    const key = await ctx.createKey();
    const { folder } = await setup(key);
    const sourceId = await insertSource(key.workspaceId, { contentHash: 'hash-9', changed: true });
    const jobId = randomUUID();
    const live = await withTransaction(ctx.deps.pool, async (tx) => {
      const article = await ctx.deps.articles.createArticle(
        key.workspaceId,
        {
          ...content({ title: 'Written live' }),
          parentFolderId: folder.id,
          generation: {
            sourceDocumentId: sourceId,
            operation: 'ADD_ARTICLE_TO_FOLDER',
            linkedReason: 'New topic.',
            backgroundJobId: jobId,
            sourceHash: 'hash-9',
          },
        },
        tx,
      );
      const saved = await ctx.deps.sources.linkToArticle(
        key.workspaceId,
        { sourceId, liveArticleId: article.id, sourceHash: 'hash-9' },
        tx,
      );
      expect(saved).toEqual({ sourceId, linkedKnowledgeId: article.id, saved: true, changed: false });
      return article;
    });
    expect(live).toMatchObject({ isDraft: false, backgroundJobId: jobId, sourceDocumentId: sourceId });
    expect(await sourceState(sourceId)).toMatchObject({ linkedKnowledgeId: live.id, savedHash: 'hash-9' });
  });

  it('never touches a source of another workspace', async () => {
    const key = await ctx.createKey();
    const other = await ctx.createKey();
    const { live } = await setup(key);
    const theirSource = await insertSource(other.workspaceId, { contentHash: 'hash-1', changed: true });
    const result = await withTransaction(ctx.deps.pool, (tx) =>
      ctx.deps.sources.linkToArticle(
        key.workspaceId,
        { sourceId: theirSource, liveArticleId: live.id, sourceHash: 'hash-1' },
        tx,
      ),
    );
    expect(result).toBeUndefined();
    expect(await sourceState(theirSource)).toMatchObject({ linkedKnowledgeId: null, changed: true });
  });
});

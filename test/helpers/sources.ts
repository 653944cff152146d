// Shortcuts for source tests: the app they run against, ingest URLs, poll a source until its latest
// ingestion job has finished, and a bare article to link a source to.
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { Source } from '../../src/sources/sources-schemas.js';
import { startTestApp, type TestContext, type TestKey } from './app.js';
import { startFixtureServer, type Fixture } from './fixture-server.js';

/** A source as the routes answer it (their response schema). */
export type WireSource = Source;

/** The app with its queue workers, and the fixture web site the pages are ingested from. */
export async function startIngestTestApp(): Promise<{ ctx: TestContext; site: Fixture }> {
  const site = await startFixtureServer();
  const ctx = await startTestApp({}, { workers: true });
  return { ctx, site };
}

export async function stopIngestTestApp(ctx: TestContext, site: Fixture): Promise<void> {
  await ctx.close();
  await site.close();
}

/**
 * A live article, in a new folder, for a source to be linked to. Inserted with SQL: a source test needs
 * only its row, not a realistic body.
 */
export async function insertBareArticle(
  ctx: TestContext,
  key: TestKey,
  titles: { article: string; folder: string },
): Promise<{ id: string; folderId: string }> {
  const folder = await ctx
    .http()
    .post('/v2/hc-folders/public')
    .set(key.header)
    .send({ title: titles.folder, description: '' });
  const id = randomUUID();
  await ctx.deps.pool.query(
    'INSERT INTO articles (id, workspace_id, parent_folder_id, title, main_knowledge) VALUES ($1, $2, $3, $4, $5)',
    [id, key.workspaceId, folder.body.id, titles.article, 'Body'],
  );
  return { id, folderId: folder.body.id as string };
}

export async function ingest(ctx: TestContext, key: TestKey, urls: string[], refresh: string[] = []) {
  const response = await ctx
    .http()
    .post('/v2/documents/public')
    .set(key.header)
    .send({ source: 'web', documentIdsToAdd: urls, documentIdsToRefresh: refresh });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body as { addedDocumentIds: string[]; updatedDocumentIds: string[] };
}

export async function getSource(ctx: TestContext, key: TestKey, id: string): Promise<WireSource> {
  const response = await ctx.http().get(`/v2/documents/public/${id}`).set(key.header);
  expect(response.status).toBe(200);
  return response.body as WireSource;
}

/** Polls GET /v2/documents/public/:id until linkedJobStatus is COMPLETED or FAILED. */
export async function waitForIngest(
  ctx: TestContext,
  key: TestKey,
  id: string,
  timeout = 20_000,
): Promise<WireSource> {
  let last: WireSource | undefined;
  await expect
    .poll(
      async () => {
        last = await getSource(ctx, key, id);
        return last.linkedJobStatus;
      },
      { timeout, interval: 50 },
    )
    .toMatch(/^(COMPLETED|FAILED)$/);
  return last!;
}

export async function ingestOne(ctx: TestContext, key: TestKey, url: string): Promise<WireSource> {
  const { addedDocumentIds, updatedDocumentIds } = await ingest(ctx, key, [url]);
  return waitForIngest(ctx, key, addedDocumentIds[0] ?? updatedDocumentIds[0]!);
}

export async function refresh(ctx: TestContext, key: TestKey, id: string): Promise<WireSource> {
  const response = await ctx
    .http()
    .post('/v2/documents/public/refresh')
    .set(key.header)
    .send({ documentIds: [id] });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return waitForIngest(ctx, key, id);
}

/** Links a source to a new bare live article, saved from the source's current content (so `changed` is false). */
export async function linkToNewArticle(
  ctx: TestContext,
  key: TestKey,
  sourceId: string,
  folder: string,
): Promise<string> {
  const { id } = await insertBareArticle(ctx, key, { article: `Article of ${folder}`, folder });
  await ctx.deps.pool.query(
    'UPDATE sources SET linked_knowledge_id = $2, saved_hash = content_hash WHERE id = $1',
    [sourceId, id],
  );
  return id;
}

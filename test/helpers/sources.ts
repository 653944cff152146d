// Shortcuts for source tests: ingest URLs, and poll a source until its latest ingestion job has finished.
import { expect } from 'vitest';
import type { TestContext, TestKey } from './app.js';

export interface WireSource {
  id: string;
  source: string;
  externalId: string;
  originalUrl: string;
  title: string;
  mimeType: string;
  paragraphs: string[];
  oldParagraphs: string[];
  success: boolean;
  error: string;
  linkedJobId: string | null;
  linkedJobStatus: string | null;
  linkedKnowledgeId: string | null;
  changed: boolean;
  contentHash: string | null;
  updatedAt: string;
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

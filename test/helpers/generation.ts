// Sources and knowledge jobs for generation tests.
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { Job } from '../../src/generation/generation-schemas.js';
import { sha256Hex } from '../../src/lib/hashing.js';
import type { TestContext, TestKey } from './app.js';

export interface SourceFixture {
  title: string;
  paragraphs: string[];
  url?: string;
  linkedKnowledgeId?: string | null;
  savedHash?: string | null;
  changed?: boolean;
}

export const hashOf = (paragraphs: string[]) => sha256Hex(paragraphs.join('\n\n'));

/** A web source as a completed ingestion leaves it (inserted directly: these tests are about generation). */
export async function insertSource(ctx: TestContext, key: TestKey, fixture: SourceFixture): Promise<string> {
  const url = fixture.url ?? `https://docs.example.com/${randomUUID()}`;
  const { rows } = await ctx.deps.pool.query<{ id: string }>(
    `INSERT INTO sources (workspace_id, source_type, external_id, original_url, title, mime_type, paragraphs,
       content_hash, saved_hash, success, linked_knowledge_id, changed, fetched_at)
     VALUES ($1, 'web', $2, $2, $3, 'text/html', $4, $5, $6, true, $7, $8, now()) RETURNING id`,
    [
      key.workspaceId,
      url,
      fixture.title,
      fixture.paragraphs,
      hashOf(fixture.paragraphs),
      fixture.savedHash ?? null,
      fixture.linkedKnowledgeId ?? null,
      fixture.changed ?? false,
    ],
  );
  return rows[0]!.id;
}

/** The body of a live refund article: what the offline writer's refund pages are compared with. */
export const REFUND_ARTICLE_BODY = {
  title: 'Refund policy',
  mainKnowledge: 'Refunds are issued within 30 days of purchase, to the original payment method.',
  questions: ['How do refunds work?'],
  keywords: ['refund', 'policy', 'purchase'],
};

/**
 * Two refund pages for the article `refundId`: one that says what it already says, and a revised one
 * (14 days) linked to it and changed.
 */
export async function insertRefundSources(
  ctx: TestContext,
  key: TestKey,
  refundId: string,
): Promise<{ sameContent: string; revised: string }> {
  const sameContent = await insertSource(ctx, key, {
    title: 'Refund policy',
    paragraphs: [
      '# Refund policy',
      'Refunds are issued within 30 days of purchase, to the original payment method.',
    ],
  });
  const revised = await insertSource(ctx, key, {
    title: 'Refund policy',
    paragraphs: [
      '# Refund policy',
      'Refunds are issued within 14 days of purchase, to the original payment method.',
    ],
    linkedKnowledgeId: refundId,
    changed: true,
  });
  return { sameContent, revised };
}

export async function getSource(ctx: TestContext, id: string) {
  const { rows } = await ctx.deps.pool.query<{
    linkedKnowledgeId: string | null;
    linkedOperation: string | null;
    linkedReason: string | null;
    changed: boolean;
    savedHash: string | null;
    contentHash: string | null;
  }>(
    `SELECT linked_knowledge_id AS "linkedKnowledgeId", linked_operation AS "linkedOperation", linked_reason AS "linkedReason",
       changed, saved_hash AS "savedHash", content_hash AS "contentHash" FROM sources WHERE id = $1`,
    [id],
  );
  return rows[0]!;
}

/** The job as the status routes answer it (their response schema). */
export type WireJob = Job;

/** A bulk call's answer: its jobs and its batch. */
export async function bulkBatch(
  ctx: TestContext,
  key: TestKey,
  body: Record<string, unknown>,
): Promise<{ jobs: { documentId: string; backgroundJobId: string }[]; batchId: string }> {
  const response = await ctx
    .http()
    .post('/v2/knowledge/public/bulk')
    .set(key.header)
    .send({ origin: 'sources', ...body });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body as { jobs: { documentId: string; backgroundJobId: string }[]; batchId: string };
}

/** A bulk call's job IDs, in input order. */
export async function bulkGenerate(
  ctx: TestContext,
  key: TestKey,
  body: Record<string, unknown>,
): Promise<string[]> {
  return (await bulkBatch(ctx, key, body)).jobs.map((job) => job.backgroundJobId);
}

export async function jobStatuses(ctx: TestContext, key: TestKey, jobIds: string[]): Promise<WireJob[]> {
  const response = await ctx.http().post('/v2/knowledge/public/jobs/status').set(key.header).send({ jobIds });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body.jobs as WireJob[];
}

/** Polls the status route until every job is COMPLETED or FAILED. */
export async function waitForJobs(
  ctx: TestContext,
  key: TestKey,
  jobIds: string[],
  timeout = 30_000,
): Promise<WireJob[]> {
  let jobs: WireJob[] = [];
  await expect
    .poll(
      async () => {
        jobs = await jobStatuses(ctx, key, jobIds);
        return jobs.every((job) => job.jobStatus === 'COMPLETED' || job.jobStatus === 'FAILED');
      },
      { timeout, interval: 100 },
    )
    .toBe(true);
  return jobs;
}

// The generation pipeline end to end through the HTTP edge, with the openai writer against the fake
// OpenAI-compatible server: each operation in draft and live mode, restrictedOps, repair, reuse, SSE.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { asText, type TestContext, type TestKey } from './helpers/app.js';
import { reply, type FakeOpenAI } from './helpers/fake-openai.js';
import { bulkGenerate, getSource, hashOf, insertSource, waitForJobs } from './helpers/generation.js';
import { knowledge, type WireArticle, type WireFolder } from './helpers/knowledge.js';
import { startModelTestApp, type ModelTestApp } from './helpers/model-app.js';

let fake: FakeOpenAI;
let ctx: TestContext;
let modelApp: ModelTestApp;
beforeAll(async () => {
  modelApp = await startModelTestApp({ env: { WORKER_CONCURRENCY: '4' } });
  ({ fake, ctx } = modelApp);
});
afterAll(() => modelApp.close());
beforeEach(() => fake.reset());

const article = (title: string, body: string) => ({
  title,
  mainKnowledge: body,
  agentInstruction: 'Answer from this article.',
  questions: [`What is the ${title.toLowerCase()}?`],
  keywords: title.toLowerCase().split(' '),
  escalation: false,
});

/** The model's decision, in the references the openai writer shows it (C1: first candidate, F1: first folder). */
const answer = {
  add: (folder: string, content: ReturnType<typeof article>, reason: string) =>
    reply.json({
      operation: 'ADD_ARTICLE_TO_FOLDER',
      targetArticleId: null,
      parentFolderId: folder,
      article: content,
      reason,
    }),
  update: (target: string, content: ReturnType<typeof article>, reason: string) =>
    reply.json({
      operation: 'UPDATE_ARTICLE',
      targetArticleId: target,
      parentFolderId: null,
      article: content,
      reason,
    }),
  nothing: (target: string, reason: string) =>
    reply.json({
      operation: 'DO_NOTHING',
      targetArticleId: target,
      parentFolderId: null,
      article: null,
      reason,
    }),
};

/** A workspace with folder "Billing" holding the live article "Refund policy". */
async function workspace(): Promise<{
  key: TestKey;
  billing: WireFolder;
  refund: WireArticle;
  kb: ReturnType<typeof knowledge>;
}> {
  const key = await ctx.createKey();
  const kb = knowledge(ctx, key);
  const billing = await kb.folder('Billing');
  const refund = await kb.article(billing.id, {
    title: 'Refund policy',
    mainKnowledge: 'Refunds are issued within 30 days of purchase.',
    questions: ['How do refunds work?'],
    keywords: ['refund', 'policy'],
  });
  return { key, billing, refund, kb };
}

const refundPage = [
  '# Refund policy',
  'Refunds are issued within 14 days of purchase, to the original payment method.',
];

describe('drafts (isDraft: true, the default)', () => {
  it('ADD writes a new draft in the chosen folder and leaves live knowledge alone', async () => {
    const { key, billing, kb } = await workspace();
    const source = await insertSource(ctx, key, {
      title: 'Gift cards',
      paragraphs: ['# Gift cards', 'Gift cards never expire.'],
    });
    fake.enqueue(answer.add('F1', article('Gift cards', 'Gift cards never expire.'), 'A new topic.'));
    const [job] = await waitForJobs(ctx, key, await bulkGenerate(ctx, key, { documentIds: [source] }));
    expect(job).toMatchObject({
      jobStatus: 'COMPLETED',
      operation: 'ADD_ARTICLE_TO_FOLDER',
      isDraft: true,
      reused: false,
      error: null,
      attempts: 1,
    });
    expect(job!.usage.promptTokens).toBeGreaterThan(0);
    const draft = (await kb.get(job!.hcArticleId!))!;
    expect(draft).toMatchObject({
      isDraft: true,
      title: 'Gift cards',
      parentFolderId: billing.id,
      sourceDocumentId: source,
      operation: 'ADD_ARTICLE_TO_FOLDER',
      backgroundJobId: job!.id,
      originalArticleId: null,
    });
    expect(await getSource(ctx, source)).toMatchObject({
      linkedOperation: 'ADD_ARTICLE_TO_FOLDER',
      linkedReason: 'A new topic.',
      linkedKnowledgeId: null,
    });
  });

  it('UPDATE forks the target into a draft; DO_NOTHING records a no-op draft', async () => {
    const { key, refund, kb } = await workspace();
    const changed = await insertSource(ctx, key, { title: 'Refund policy', paragraphs: refundPage });
    fake.enqueue(answer.update('C1', article('Refund policy', refundPage[1]!), 'The window changed.'));
    const [update] = await waitForJobs(ctx, key, await bulkGenerate(ctx, key, { documentIds: [changed] }));
    expect(update).toMatchObject({ jobStatus: 'COMPLETED', operation: 'UPDATE_ARTICLE' });
    const fork = (await kb.get(update!.hcArticleId!))!;
    expect(fork).toMatchObject({
      isDraft: true,
      originalArticleId: refund.id,
      originalArticleVersion: 1,
      mainKnowledge: refundPage[1],
      isDraftPublished: false,
    });
    expect((await kb.get(refund.id))!).toMatchObject({ version: 1, mainKnowledge: refund.mainKnowledge });

    const same = await insertSource(ctx, key, {
      title: 'Refund policy',
      paragraphs: ['# Refund policy', refund.mainKnowledge],
    });
    fake.enqueue(answer.nothing('C1', 'Already covered.'));
    const [nothing] = await waitForJobs(ctx, key, await bulkGenerate(ctx, key, { documentIds: [same] }));
    expect(nothing).toMatchObject({ jobStatus: 'COMPLETED', operation: 'DO_NOTHING' });
    expect((await kb.get(nothing!.hcArticleId!))!).toMatchObject({
      isDraft: true,
      operation: 'DO_NOTHING',
      originalArticleId: refund.id,
    });
  });
});

describe('live writes (isDraft: false)', () => {
  it('ADD creates a live article and links the source (source-backed save)', async () => {
    const { key, kb } = await workspace();
    const paragraphs = ['# Gift cards', 'Gift cards never expire.'];
    const source = await insertSource(ctx, key, { title: 'Gift cards', paragraphs });
    fake.enqueue(answer.add('F1', article('Gift cards', paragraphs[1]!), 'New.'));
    const [job] = await waitForJobs(
      ctx,
      key,
      await bulkGenerate(ctx, key, { documentIds: [source], isDraft: false }),
    );
    expect(job).toMatchObject({ jobStatus: 'COMPLETED', isDraft: false });
    expect((await kb.get(job!.hcArticleId!))!).toMatchObject({
      isDraft: false,
      title: 'Gift cards',
      version: 1,
    });
    expect(await getSource(ctx, source)).toMatchObject({
      linkedKnowledgeId: job!.hcArticleId,
      changed: false,
      savedHash: hashOf(paragraphs),
    });
  });

  it('UPDATE rewrites the linked article in place and clears `changed`; DO_NOTHING neither writes nor links', async () => {
    const { key, refund, kb } = await workspace();
    const source = await insertSource(ctx, key, {
      title: 'Refund policy',
      paragraphs: refundPage,
      linkedKnowledgeId: refund.id,
      savedHash: 'older',
      changed: true,
    });
    fake.enqueue(answer.update('C1', article('Refund policy', refundPage[1]!), 'Updated window.'));
    const [job] = await waitForJobs(
      ctx,
      key,
      await bulkGenerate(ctx, key, {
        documentIds: [source],
        isDraft: false,
        restrictedOps: ['UPDATE_ARTICLE'],
      }),
    );
    expect(job).toMatchObject({ jobStatus: 'COMPLETED', hcArticleId: refund.id });
    expect((await kb.get(refund.id))!).toMatchObject({ version: 2, mainKnowledge: refundPage[1] });
    expect(await getSource(ctx, source)).toMatchObject({
      changed: false,
      savedHash: hashOf(refundPage),
      linkedKnowledgeId: refund.id,
    });

    const other = await insertSource(ctx, key, { title: 'Refunds again', paragraphs: refundPage });
    fake.enqueue(answer.nothing('C1', 'Covered.'));
    const [nothing] = await waitForJobs(
      ctx,
      key,
      await bulkGenerate(ctx, key, { documentIds: [other], isDraft: false }),
    );
    expect(nothing).toMatchObject({ jobStatus: 'COMPLETED', hcArticleId: null, operation: 'DO_NOTHING' });
    expect(await getSource(ctx, other)).toMatchObject({
      linkedKnowledgeId: null,
      linkedOperation: 'DO_NOTHING',
    });
    expect((await kb.get(refund.id))!.version).toBe(2);
  });

  it('a DO_NOTHING source deleted with deleteArticles leaves the article it pointed at alone', async () => {
    const { key, refund, kb } = await workspace();
    const source = await insertSource(ctx, key, { title: 'Refunds again', paragraphs: refundPage });
    fake.enqueue(answer.nothing('C1', 'Covered.'));
    await waitForJobs(ctx, key, await bulkGenerate(ctx, key, { documentIds: [source], isDraft: false }));
    const deleted = await ctx
      .http()
      .delete('/v2/documents/public')
      .set(key.header)
      .send({ documentIds: [source], deleteArticles: true });
    expect(deleted.status).toBe(200);
    expect(await kb.get(refund.id)).toMatchObject({ id: refund.id, version: 1 });
  });

  it('with a botId, offers only the agent’s folders', async () => {
    const { key, billing, kb } = await workspace();
    await kb.folder('Shipping');
    const botId = randomUUID();
    await kb.assignToBot(billing.id, botId);
    const source = await insertSource(ctx, key, {
      title: 'Gift cards',
      paragraphs: ['Gift cards never expire.'],
    });
    fake.enqueue(answer.add('F1', article('Gift cards', 'x'), 'New.'));
    await waitForJobs(ctx, key, await bulkGenerate(ctx, key, { documentIds: [source], botId }));
    const body = fake.requests.at(-1)!.body;
    const folderRefs = body.response_format.json_schema.schema.properties.parentFolderId;
    expect(JSON.stringify(folderRefs)).toContain('"F1"');
    expect(JSON.stringify(folderRefs)).not.toContain('"F2"');
    expect(JSON.stringify(body.messages)).toContain('Billing');
    expect(JSON.stringify(body.messages)).not.toContain('Shipping');
  });

  it('assigns the chosen folder to the agent only when the article goes live', async () => {
    const { key, billing, kb } = await workspace();
    const agentTree = async (botId: string) =>
      (await ctx.http().get(`/v2/hc-folders/public?botId=${botId}`).set(key.header)).body.snapshotObjV2.map(
        (node: { id: string }) => node.id,
      );
    const source = await insertSource(ctx, key, {
      title: 'Gift cards',
      paragraphs: ['Gift cards never expire.'],
    });

    // A draft: the agent sees nothing new until the draft is published.
    const drafting = randomUUID();
    fake.enqueue(answer.add('F1', article('Gift cards', 'x'), 'New.'));
    const [draftJob] = await waitForJobs(
      ctx,
      key,
      await bulkGenerate(ctx, key, { documentIds: [source], botId: drafting }),
    );
    expect(draftJob).toMatchObject({ jobStatus: 'COMPLETED', operation: 'ADD_ARTICLE_TO_FOLDER' });
    expect(await agentTree(drafting)).toEqual([]);
    expect((await kb.publish(draftJob!.hcArticleId!, {})).status).toBe(200);
    expect(await agentTree(drafting)).toEqual([billing.id]);

    // Live: assigned with the write.
    const live = randomUUID();
    fake.enqueue(answer.add('F1', article('Gift cards', 'x'), 'New.'));
    await waitForJobs(
      ctx,
      key,
      await bulkGenerate(ctx, key, { documentIds: [source], botId: live, isDraft: false, force: true }),
    );
    expect(await agentTree(live)).toEqual([billing.id]);
  });

  it('creates a "General" folder once when the workspace has none', async () => {
    const key = await ctx.createKey();
    const ids = [];
    for (const title of ['One', 'Two', 'Three'])
      ids.push(await insertSource(ctx, key, { title, paragraphs: [`${title} things.`] }));
    const jobs = await waitForJobs(ctx, key, await bulkGenerate(ctx, key, { documentIds: ids }));
    expect(jobs.every((job) => job.jobStatus === 'COMPLETED')).toBe(true);
    const tree = await ctx.http().get('/v2/hc-folders/public').set(key.header);
    expect(tree.body.snapshotObjV2.map((node: { title: string }) => node.title)).toEqual(['General']);
  });
});

describe('candidates', () => {
  it('shows the linked article first, then live articles by full-text rank, never drafts', async () => {
    const { key, billing, refund, kb } = await workspace();
    const shipping = await kb.article(billing.id, {
      title: 'Shipping times',
      mainKnowledge: 'Parcels ship within 3 days; tracking arrives by email.',
      questions: ['When does my parcel ship?'],
      keywords: ['shipping', 'parcel', 'tracking'],
    });
    const refundsByCard = await kb.article(billing.id, {
      title: 'Card refunds',
      mainKnowledge: 'Card refunds reach your bank in 5 to 10 days. Refunds of refunds are not possible.',
      questions: ['How long do card refunds take?'],
      keywords: ['refund', 'card', 'bank'],
    });
    await kb.article(billing.id, {
      title: 'Refund draft',
      mainKnowledge: 'Refunds refunds refunds: a draft about refunds.',
      questions: ['Refunds?'],
      keywords: ['refund'],
      isDraft: true,
    });
    const source = await insertSource(ctx, key, {
      title: 'Refunds to your card',
      paragraphs: ['# Refunds to your card', 'Card refunds go back to your bank card. Refunds take 5 days.'],
      linkedKnowledgeId: shipping.id,
    });
    await waitForJobs(ctx, key, await bulkGenerate(ctx, key, { documentIds: [source] }));

    const prompt = fake.requests.at(-1)!.body.messages[1].content as string;
    const titles = [...prompt.matchAll(/<candidate id="C\d+" linked="(true|false)">\ntitle: ([^\n]+)/g)].map(
      (match) => `${match[2]}${match[1] === 'true' ? ' (linked)' : ''}`,
    );
    expect(titles).toEqual([`${shipping.title} (linked)`, refundsByCard.title, refund.title]);
  });
});

describe('what the model may choose', () => {
  it('sends a schema that allows only restrictedOps, the existing candidates and folders', async () => {
    const { key, refund } = await workspace();
    const source = await insertSource(ctx, key, {
      title: 'Refund policy',
      paragraphs: refundPage,
      linkedKnowledgeId: refund.id,
    });
    await waitForJobs(
      ctx,
      key,
      await bulkGenerate(ctx, key, {
        documentIds: [source],
        restrictedOps: ['UPDATE_ARTICLE', 'DO_NOTHING'],
      }),
    );
    const schema = fake.requests.at(-1)!.body.response_format.json_schema.schema;
    expect(schema.properties.operation.enum).toEqual(['UPDATE_ARTICLE', 'DO_NOTHING']);
    expect(JSON.stringify(schema.properties.targetArticleId)).toContain('"C1"');
    expect(JSON.stringify(schema.properties.parentFolderId)).toContain('"F1"');
  });

  it('repairs a disallowed answer once, with the problem in the second prompt', async () => {
    const { key, refund, kb } = await workspace();
    const source = await insertSource(ctx, key, {
      title: 'Refund policy',
      paragraphs: refundPage,
      linkedKnowledgeId: refund.id,
    });
    fake.enqueue(
      answer.add('F1', article('Refunds', 'x'), 'New.'),
      answer.update('C1', article('Refund policy', refundPage[1]!), 'Fixed.'),
    );
    const [job] = await waitForJobs(
      ctx,
      key,
      await bulkGenerate(ctx, key, { documentIds: [source], restrictedOps: ['UPDATE_ARTICLE'] }),
    );
    expect(job).toMatchObject({ jobStatus: 'COMPLETED', operation: 'UPDATE_ARTICLE' });
    expect(fake.calls).toBe(2);
    expect(JSON.stringify(fake.requests[1]!.body.messages)).toContain('ADD_ARTICLE_TO_FOLDER');
    expect((await kb.get(job!.hcArticleId!))!.originalArticleId).toBe(refund.id);
  });

  it('fails the job when the answer is invalid twice, writing nothing; a hallucinated ID never reaches the database', async () => {
    const { key } = await workspace();
    const source = await insertSource(ctx, key, { title: 'Refund policy', paragraphs: refundPage });
    const count = async () =>
      (
        await ctx.deps.pool.query('SELECT count(*)::int AS n FROM articles WHERE workspace_id = $1', [
          key.workspaceId,
        ])
      ).rows[0].n as number;
    const before = await count();
    const made_up = '3f6c1d2e-0000-4000-8000-000000000000';
    fake.enqueue(
      reply.schemaViolation({
        operation: 'UPDATE_ARTICLE',
        targetArticleId: made_up,
        parentFolderId: null,
        article: article('x', 'y'),
        reason: 'r',
      }),
      reply.schemaViolation(),
    );
    const [job] = await waitForJobs(ctx, key, await bulkGenerate(ctx, key, { documentIds: [source] }));
    expect(job).toMatchObject({ jobStatus: 'FAILED', hcArticleId: null });
    expect(job!.error).toMatch(/invalid twice/);
    expect(await count()).toBe(before);
    expect((await getSource(ctx, source)).linkedOperation).toBeNull();
  });

  it('repairs a malformed answer once, and fails with the reason after a second', async () => {
    const { key } = await workspace();
    const source = await insertSource(ctx, key, {
      title: 'Gift cards',
      paragraphs: ['Gift cards never expire.'],
    });
    fake.enqueue(reply.malformedJson(), reply.auto());
    const [repaired] = await waitForJobs(ctx, key, await bulkGenerate(ctx, key, { documentIds: [source] }));
    expect(repaired!.jobStatus).toBe('COMPLETED');

    const again = await insertSource(ctx, key, {
      title: 'Store credit',
      paragraphs: ['Store credit lasts a year.'],
    });
    fake.enqueue(reply.malformedJson(), reply.truncated());
    const [failed] = await waitForJobs(ctx, key, await bulkGenerate(ctx, key, { documentIds: [again] }));
    expect(failed).toMatchObject({ jobStatus: 'FAILED', hcArticleId: null });
    expect(failed!.error).toMatch(/unusable twice/);
  });

  it('repeats the fetch error when generating from a source whose fetch failed', async () => {
    const key = await ctx.createKey();
    const { rows } = await ctx.deps.pool.query<{ id: string }>(
      `INSERT INTO sources (workspace_id, source_type, external_id, original_url, success, error)
       VALUES ($1, 'web', 'https://x.test/gone', 'https://x.test/gone', false,
         'https://x.test/gone answered HTTP 404 Not Found; check that the URL is correct.') RETURNING id`,
      [key.workspaceId],
    );
    const [job] = await waitForJobs(ctx, key, await bulkGenerate(ctx, key, { documentIds: [rows[0]!.id] }));
    expect(job).toMatchObject({ jobStatus: 'FAILED', attempts: 1 });
    expect(job!.error).toBe(
      'source has no ingested content: its fetch failed (https://x.test/gone answered HTTP 404 Not Found; check that the URL is correct.)',
    );
    expect(fake.calls).toBe(0);
  });

  it('fails at once, with a clear error, for a source that has no ingested content', async () => {
    const key = await ctx.createKey();
    const { rows } = await ctx.deps.pool.query<{ id: string }>(
      `INSERT INTO sources (workspace_id, source_type, external_id, original_url) VALUES ($1, 'web', 'https://x.test/a', 'https://x.test/a') RETURNING id`,
      [key.workspaceId],
    );
    const [job] = await waitForJobs(ctx, key, await bulkGenerate(ctx, key, { documentIds: [rows[0]!.id] }));
    expect(job).toMatchObject({
      jobStatus: 'FAILED',
      error: 'source has no ingested content; ingest it first',
      attempts: 1,
    });
    expect(fake.calls).toBe(0);
  });
});

describe('reuse', () => {
  it('a second identical bulk makes no model call and points at the same drafts; force calls the model again', async () => {
    const { key } = await workspace();
    const ids = [
      await insertSource(ctx, key, { title: 'Gift cards', paragraphs: ['Gift cards never expire.'] }),
      await insertSource(ctx, key, { title: 'Store credit', paragraphs: ['Store credit lasts a year.'] }),
    ];
    const first = await waitForJobs(ctx, key, await bulkGenerate(ctx, key, { documentIds: ids }));
    const calls = fake.calls;
    expect(calls).toBe(2);
    const second = await waitForJobs(ctx, key, await bulkGenerate(ctx, key, { documentIds: ids }));
    expect(fake.calls).toBe(calls);
    expect(second.map((job) => [job.jobStatus, job.reused, job.usage.promptTokens])).toEqual([
      ['COMPLETED', true, 0],
      ['COMPLETED', true, 0],
    ]);
    expect(second.map((job) => job.hcArticleId)).toEqual(first.map((job) => job.hcArticleId));

    const forced = await waitForJobs(
      ctx,
      key,
      await bulkGenerate(ctx, key, { documentIds: ids, force: true }),
    );
    expect(fake.calls).toBe(calls + 2);
    expect(forced.every((job) => !job.reused)).toBe(true);
  });
});

describe('model failures', () => {
  it('500 twice then OK: completes in one attempt (the SDK retries)', async () => {
    const { key } = await workspace();
    const source = await insertSource(ctx, key, {
      title: 'Gift cards',
      paragraphs: ['Gift cards never expire.'],
    });
    fake.enqueue(reply.serverError(500, { retryAfterMs: 10 }), reply.serverError(500, { retryAfterMs: 10 }));
    const [job] = await waitForJobs(ctx, key, await bulkGenerate(ctx, key, { documentIds: [source] }));
    expect(job).toMatchObject({ jobStatus: 'COMPLETED', attempts: 1 });
    expect(fake.calls).toBe(3);
  });

  it('429 with Retry-After: 2 completes without using an attempt', async () => {
    const { key } = await workspace();
    const source = await insertSource(ctx, key, {
      title: 'Gift cards',
      paragraphs: ['Gift cards never expire.'],
    });
    fake.enqueue(reply.rateLimited({ retryAfterSeconds: 2 }));
    const [job] = await waitForJobs(ctx, key, await bulkGenerate(ctx, key, { documentIds: [source] }));
    expect(job).toMatchObject({ jobStatus: 'COMPLETED', attempts: 1 });
    expect(fake.requests[1]!.receivedAt - fake.requests[0]!.receivedAt).toBeGreaterThanOrEqual(1_900);
  });

  it('429 with Retry-After: 120 pauses the queue without using an attempt', async () => {
    const { key } = await workspace();
    const source = await insertSource(ctx, key, {
      title: 'Gift cards',
      paragraphs: ['Gift cards never expire.'],
    });
    fake.enqueue(reply.rateLimited({ retryAfterSeconds: 120 }));
    const [jobId] = await bulkGenerate(ctx, key, { documentIds: [source] });
    const queue = ctx.deps.queues.generate;
    await expect.poll(() => queue.getRateLimitTtl(), { timeout: 10_000 }).toBeGreaterThan(100_000);
    const queued = (await queue.getJob(jobId!))!;
    // Back in line at its priority (generation jobs are ordered fairly across workspaces).
    expect(await queued.getState()).toBe('prioritized');
    expect(queued.attemptsMade).toBe(0);
    const row = (await ctx.http().get(`/v2/knowledge/public/jobs/${jobId}`).set(key.header)).body;
    expect(row).toMatchObject({ jobStatus: 'IN_PROGRESS', attempts: 0 });
    expect(row.error).toMatch(/rate-limited; all workers pause for 120 s/);
    // Lift the pause (as if the two minutes had passed): the job completes.
    await queue.removeRateLimitKey();
    const [job] = await waitForJobs(ctx, key, [jobId!]);
    expect(job).toMatchObject({ jobStatus: 'COMPLETED', attempts: 1 });
  });
});

describe('job events (SSE)', () => {
  it('streams every status change, then ends', async () => {
    const { key } = await workspace();
    const source = await insertSource(ctx, key, {
      title: 'Gift cards',
      paragraphs: ['Gift cards never expire.'],
    });
    fake.enqueue(reply.delayed(400, reply.auto()));
    // Hold the queue so the stream sees the job while it is still PENDING.
    const queue = ctx.deps.queues.generate;
    await queue.pause();
    const [jobId] = await bulkGenerate(ctx, key, { documentIds: [source] });
    const streamed = ctx
      .http()
      .get(`/v2/knowledge/public/jobs/events?jobIds=${jobId}`)
      .set(key.header)
      .buffer(true)
      .parse(asText)
      .then((response) => response);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await queue.resume();
    const response = await streamed;
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/event-stream/);
    const events = (response.body as string)
      .split('\n\n')
      .filter((block) => block.startsWith('event:'))
      .map((block) => ({
        event: /^event: (.*)$/m.exec(block)![1],
        data: JSON.parse(/^data: (.*)$/m.exec(block)![1]!) as { jobStatus?: string },
      }));
    expect(events.map((event) => event.data.jobStatus ?? event.event)).toEqual([
      'PENDING',
      'IN_PROGRESS',
      'COMPLETED',
      'done',
    ]);
  });

  it('404 for a job of another workspace', async () => {
    const { key } = await workspace();
    const other = await ctx.createKey();
    const source = await insertSource(ctx, key, { title: 'Gift cards', paragraphs: ['Gift cards.'] });
    const [jobId] = await bulkGenerate(ctx, key, { documentIds: [source] });
    const response = await ctx
      .http()
      .get(`/v2/knowledge/public/jobs/events?jobIds=${jobId}`)
      .set(other.header);
    expect(response.status).toBe(404);
  });
});

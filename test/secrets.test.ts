// Secrets: API keys and the model key never reach the log (bad key, good key, a model call, start-up), and
// what Redis holds of a job is IDs only — no URL, text or instructions.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/lib/logger.js';
import { startTestApp } from './helpers/app.js';
import { reply, startFakeOpenAI, type FakeOpenAI } from './helpers/fake-openai.js';
import { bulkGenerate, insertSource, waitForJobs } from './helpers/generation.js';

const OPENAI_KEY = `sk-secret-${randomUUID()}`;
let fake: FakeOpenAI;
let log = '';
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    log += chunk.toString('utf8');
    done();
  },
});

beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(() => fake.close());

describe('secrets', () => {
  it('never logs Authorization headers or the model API key, even at trace level', async () => {
    const ctx = await startTestApp(
      // A short model timeout: a call that hangs is retried well within the test.
      {
        LLM_PROVIDER: 'openai',
        OPENAI_BASE_URL: fake.url,
        OPENAI_API_KEY: OPENAI_KEY,
        LLM_TIMEOUT_MS: '5000',
      },
      { workers: true, logger: createLogger('trace', sink) },
    );
    try {
      const key = await ctx.createKey();
      const unknownKey = `fini_${'Z'.repeat(40)}`;
      await ctx.http().get('/v2/hc-folders/public').set('authorization', `Bearer ${unknownKey}`).expect(401);
      await ctx.http().get('/v2/hc-folders/public').set('authorization', `Bearer ${key.key}x`).expect(401);
      await ctx.http().get('/v2/hc-folders/public').set(key.header).expect(200);
      // A model call that fails once (the SDK logs its retry), then succeeds.
      fake.enqueue(reply.serverError(500));
      const source = await insertSource(ctx, key, {
        title: 'Refunds',
        paragraphs: ['# Refunds', 'Five days.'],
      });
      const [jobId] = await bulkGenerate(ctx, key, { documentIds: [source] });
      const [job] = await waitForJobs(ctx, key, [jobId!]);
      expect(job!.jobStatus).toBe('COMPLETED');
      // The model server did receive the key: it is only kept out of the log.
      expect(fake.requests.at(-1)!.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
    } finally {
      await ctx.close();
    }
    expect(log).toContain('writer: openai');
    expect(log).toContain('incoming request');
    for (const secret of [OPENAI_KEY, OPENAI_KEY.slice(10), 'fini_ZZZZ', 'Bearer fini_'])
      expect(log).not.toContain(secret);
    expect(log).not.toMatch(/fini_[0-9A-Za-z]{40}/);
  }, 60_000);

  it('puts only IDs in the jobs it queues', async () => {
    const ctx = await startTestApp();
    try {
      const key = await ctx.createKey();
      const url = `https://docs.example.com/private/${randomUUID()}`;
      const ingested = await ctx
        .http()
        .post('/v2/documents/public')
        .set(key.header)
        .send({ source: 'web', documentIdsToAdd: [url] });
      expect(ingested.status).toBe(200);
      const source = await insertSource(ctx, key, {
        title: 'Secret page',
        paragraphs: ['Confidential text.'],
      });
      const instructions = `Do not reveal ${randomUUID()}`;
      const [jobId] = await bulkGenerate(ctx, key, { documentIds: [source], instructions });
      const generated = await ctx
        .http()
        .post('/v2/knowledge/public')
        .set(key.header)
        .send({ origin: 'generated', candidateKnowledge: 'Candidate text that stays in PostgreSQL.' });
      expect(generated.status).toBe(200);

      const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
      const ingestJobs = await ctx.deps.queues.ingest.getJobs(['waiting']);
      const generateJobs = await ctx.deps.queues.generate.getJobs(['prioritized']);
      expect(ingestJobs).toHaveLength(1);
      expect(generateJobs.map((job) => job.id).sort()).toEqual(
        [jobId, generated.body.backgroundJobId].sort(),
      );
      expect(Object.keys(ingestJobs[0]!.data as object).sort()).toEqual([
        'ingestJobId',
        'sourceId',
        'workspaceId',
      ]);
      for (const job of [...ingestJobs, ...generateJobs]) {
        for (const value of Object.values(job.data as Record<string, unknown>)) expect(value).toMatch(uuid);
        // What Redis really stores for the job, every field of its hash.
        const raw = JSON.stringify(
          await ctx.deps.redis.hgetall(`${ctx.config.queuePrefix}:${job.queueName}:${job.id}`),
        );
        expect(raw).toContain(job.id);
        for (const secret of [url, instructions, 'Confidential', 'Candidate text', key.key])
          expect(raw).not.toContain(secret);
      }
      for (const job of generateJobs)
        expect(Object.keys(job.data as object).sort()).toEqual(['jobId', 'workspaceId']);
    } finally {
      await ctx.close();
    }
  });
});

// GET /metrics: Prometheus text with HTTP latency by route pattern, queue depth by state, job outcomes and
// durations, model calls and tokens, reconciler re-adds and the default process metrics.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestContext } from './helpers/app.js';
import type { FakeOpenAI } from './helpers/fake-openai.js';
import { bulkGenerate, insertSource, waitForJobs } from './helpers/generation.js';
import { startModelTestApp, type ModelTestApp } from './helpers/model-app.js';

let fake: FakeOpenAI;
let ctx: TestContext;
let modelApp: ModelTestApp;
beforeAll(async () => {
  modelApp = await startModelTestApp({ env: { WORKER_CONCURRENCY: '2' } });
  ({ fake, ctx } = modelApp);
});
afterAll(() => modelApp.close());

/** The value of one sample line, e.g. `name{a="b"} 3`; undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([label, value]) => `${label}="${value}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const labelText = line.slice(name.length + 1, line.lastIndexOf('}'));
    if (wanted.every((pair) => labelText.split(',').includes(pair))) return Number(line.split(' ').at(-1));
  }
  return undefined;
}

describe('GET /metrics', () => {
  it('reports a bulk job: outcomes, durations, queue depth, model tokens and the HTTP histogram by route', async () => {
    const key = await ctx.createKey();
    await ctx
      .http()
      .post('/v2/hc-folders/public')
      .set(key.header)
      .send({ title: 'Help', description: '' })
      .expect(200);
    const good = [
      await insertSource(ctx, key, { title: 'Refunds', paragraphs: ['# Refunds', 'Refunds take 5 days.'] }),
      await insertSource(ctx, key, { title: 'Shipping', paragraphs: ['# Shipping', 'We ship worldwide.'] }),
    ];
    // A source with no content: its job fails for good.
    const { rows } = await ctx.deps.pool.query<{ id: string }>(
      `INSERT INTO sources (workspace_id, source_type, external_id, original_url, title)
       VALUES ($1, 'web', $2, $2, 'Empty') RETURNING id`,
      [key.workspaceId, `https://docs.example.com/${randomUUID()}`],
    );
    const jobIds = await bulkGenerate(ctx, key, { documentIds: [...good, rows[0]!.id] });
    const jobs = await waitForJobs(ctx, key, jobIds);
    expect(jobs.map((job) => job.jobStatus)).toEqual(['COMPLETED', 'COMPLETED', 'FAILED']);
    await ctx.http().get(`/v2/knowledge/public/jobs/${jobIds[0]}`).set(key.header).expect(200);
    await ctx.http().get('/v2/no-such-route').expect(404);

    const response = await ctx.http().get('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = response.text;

    expect(sample(text, 'distill_jobs_total', { queue: 'generate', outcome: 'completed' })).toBe(2);
    expect(sample(text, 'distill_jobs_total', { queue: 'generate', outcome: 'failed' })).toBe(1);
    expect(
      sample(text, 'distill_job_duration_seconds_count', { queue: 'generate', outcome: 'completed' }),
    ).toBe(2);
    expect(sample(text, 'distill_queue_jobs', { queue: 'generate', state: 'completed' })).toBe(2);
    expect(sample(text, 'distill_queue_jobs', { queue: 'generate', state: 'failed' })).toBe(1);
    expect(sample(text, 'distill_queue_jobs', { queue: 'ingest', state: 'waiting' })).toBe(0);

    const stats = fake.stats();
    const model = { writer: 'openai', model: 'gpt-4o-mini' };
    expect(sample(text, 'distill_model_calls_total', model)).toBe(stats.calls);
    expect(sample(text, 'distill_model_tokens_total', { ...model, kind: 'prompt' })).toBe(stats.promptTokens);
    expect(sample(text, 'distill_model_tokens_total', { ...model, kind: 'completion' })).toBe(
      stats.completionTokens,
    );
    expect(sample(text, 'distill_model_tokens_total', { ...model, kind: 'cached' })).toBe(stats.cachedTokens);

    const http = 'distill_http_request_duration_seconds_count';
    expect(
      sample(text, http, { method: 'POST', route: '/v2/knowledge/public/bulk', status_code: '200' }),
    ).toBe(1);
    expect(
      sample(text, http, { method: 'GET', route: '/v2/knowledge/public/jobs/:id', status_code: '200' }),
    ).toBe(1);
    expect(sample(text, http, { method: 'GET', route: 'unmatched', status_code: '404' })).toBe(1);
    // Route patterns only: no ID or unknown path ever becomes a label.
    for (const id of [...jobIds, key.workspaceId]) expect(text).not.toContain(id);
    expect(text).not.toContain('no-such-route');

    expect(text).toContain('# TYPE distill_reconciler_readded_jobs_total counter');
    expect(text).toContain('# TYPE process_cpu_seconds_total counter');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });

  it('answers quickly without queue depth while Redis is unreachable', async () => {
    const app = await startTestApp({ REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const started = Date.now();
      const response = await app.http().get('/metrics');
      expect(response.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(response.text).toContain('# TYPE distill_queue_jobs gauge');
      expect(response.text).not.toMatch(/^distill_queue_jobs\{/m);
    } finally {
      await app.close();
    }
  });
});

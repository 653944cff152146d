// Rate limit: RATE_LIMIT_PER_MINUTE per API key, counted in Redis so it holds across
// API processes; 429 in the error format with Retry-After and x-ratelimit-*; public routes not limited.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestContext } from './helpers/app.js';

const LIMIT = 5;
let ctx: TestContext;
beforeAll(async () => {
  ctx = await startTestApp({ RATE_LIMIT_PER_MINUTE: String(LIMIT) });
  await waitForRedis(ctx);
});
afterAll(() => ctx.close());

/** The producer connection refuses commands until it is ready; the first requests would go uncounted. */
async function waitForRedis(context: TestContext) {
  const deadline = Date.now() + 10_000;
  while (context.deps.redis.status !== 'ready') {
    if (Date.now() > deadline) throw new Error('redis did not become ready');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('per-key rate limit', () => {
  it('answers the (N+1)th request of a minute with 429, Retry-After and x-ratelimit-*', async () => {
    const key = await ctx.createKey();
    for (let n = 1; n <= LIMIT; n += 1) {
      const response = await ctx.http().get('/v2/hc-folders/public').set(key.header);
      expect(response.status).toBe(200);
      expect(response.headers['x-ratelimit-limit']).toBe(String(LIMIT));
      expect(response.headers['x-ratelimit-remaining']).toBe(String(LIMIT - n));
    }
    const limited = await ctx.http().post('/v2/hc-folders/public').set(key.header).send({ title: 'x' });
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({
      statusCode: 429,
      error: 'Too Many Requests',
      code: 'RATE_LIMITED',
      message: expect.stringMatching(
        /^rate limit of 5 requests per minute exceeded for this API key; retry in /,
      ),
    });
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.headers['x-ratelimit-limit']).toBe(String(LIMIT));
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');
    expect(Number(limited.headers['x-ratelimit-reset'])).toBeGreaterThan(0);
  });

  it('counts each key on its own: another key of the same workspace is not limited', async () => {
    const first = await ctx.createKey();
    const second = await ctx.createKey({ workspaceName: first.workspaceName });
    for (let n = 0; n <= LIMIT; n += 1) await ctx.http().get('/v2/hc-folders/public').set(first.header);
    expect((await ctx.http().get('/v2/hc-folders/public').set(first.header)).status).toBe(429);
    const other = await ctx.http().get('/v2/hc-folders/public').set(second.header);
    expect(other.status).toBe(200);
    expect(other.headers['x-ratelimit-remaining']).toBe(String(LIMIT - 1));
  });

  it('shares the count between two API processes on one Redis', async () => {
    const peer = await startTestApp({
      RATE_LIMIT_PER_MINUTE: String(LIMIT),
      QUEUE_PREFIX: ctx.config.queuePrefix,
    });
    try {
      await waitForRedis(peer);
      const key = await ctx.createKey();
      const statuses: number[] = [];
      for (let n = 0; n <= LIMIT; n += 1) {
        const app = n % 2 === 0 ? ctx : peer;
        statuses.push((await app.http().get('/v2/hc-folders/public').set(key.header)).status);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    } finally {
      await peer.close();
    }
  });

  it('sends the requests one process decided on its own to Redis: a peer refuses the (N+1)th of the total', async () => {
    const limit = 10;
    const first = await startTestApp({
      RATE_LIMIT_PER_MINUTE: String(limit),
      QUEUE_PREFIX: ctx.config.queuePrefix,
    });
    const key = await first.createKey();
    try {
      await waitForRedis(first);
      // Below half the limit a process answers without asking Redis.
      for (let n = 0; n < 4; n += 1)
        expect((await first.http().get('/v2/hc-folders/public').set(key.header)).status).toBe(200);
    } finally {
      await first.close(); // sends its pending counts
    }
    const peer = await startTestApp({
      RATE_LIMIT_PER_MINUTE: String(limit),
      QUEUE_PREFIX: ctx.config.queuePrefix,
    });
    try {
      await waitForRedis(peer);
      const statuses: number[] = [];
      for (let n = 0; n < 7; n += 1)
        statuses.push((await peer.http().get('/v2/hc-folders/public').set(key.header)).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429]);
    } finally {
      await peer.close();
    }
  });

  it('counts requests without a valid key by client address, before their 401', async () => {
    const app = await startTestApp({ RATE_LIMIT_PER_MINUTE: String(LIMIT) });
    try {
      await waitForRedis(app);
      const bad = { authorization: `Bearer fini_${'B'.repeat(40)}` };
      const statuses: number[] = [];
      for (let n = 0; n <= LIMIT; n += 1)
        statuses.push((await app.http().get('/v2/hc-folders/public').set(bad)).status);
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
      const limited = await app.http().get('/v2/hc-folders/public');
      expect(limited.body.message).toMatch(/for this client address/);
      // A valid key has its own count.
      const key = await app.createKey();
      expect((await app.http().get('/v2/hc-folders/public').set(key.header)).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('does not limit health, readiness, metrics or docs', async () => {
    for (let n = 0; n <= LIMIT + 1; n += 1) {
      for (const path of ['/healthz', '/readyz', '/metrics', '/docs/json']) {
        const response = await ctx.http().get(path);
        expect(response.status, path).toBe(200);
        expect(response.headers['x-ratelimit-limit'], path).toBeUndefined();
      }
    }
  });

  it('keeps accepting requests while Redis is unreachable (skipOnError)', async () => {
    // Port 1 refuses connections: the limiter's Redis calls fail at once.
    const app = await startTestApp({
      RATE_LIMIT_PER_MINUTE: '1',
      REDIS_URL: 'redis://127.0.0.1:1',
      QUEUE_PREFIX: `down-${randomUUID().slice(0, 8)}`,
    });
    try {
      const key = await app.createKey();
      for (let n = 0; n < 3; n += 1) {
        const response = await app.http().get('/v2/hc-folders/public').set(key.header);
        expect(response.status).toBe(200);
      }
      const created = await app
        .http()
        .post('/v2/hc-folders/public')
        .set(key.header)
        .send({ title: 'Still works', description: '' });
      expect(created.status).toBe(200);
    } finally {
      await app.close();
    }
  });
});

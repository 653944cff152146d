import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestContext } from './helpers/app.js';

describe('readiness', () => {
  let healthy: TestContext;
  let noRedis: TestContext;
  beforeAll(async () => {
    healthy = await startTestApp();
    // Nothing listens on port 1: Redis is unreachable for this instance.
    noRedis = await startTestApp({ REDIS_URL: 'redis://127.0.0.1:1' });
  });
  afterAll(async () => {
    await healthy.close();
    await noRedis.close();
  });

  it('is ready when PostgreSQL and Redis answer', async () => {
    const response = await healthy.http().get('/readyz');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok', checks: { database: 'ok', redis: 'ok' } });
  });

  it('answers 503 saying in words that Redis is down, while /healthz stays 200', async () => {
    const response = await noRedis.http().get('/readyz');
    expect(response.status).toBe(503);
    expect(response.body).toEqual({
      status: 'unavailable',
      checks: { database: 'ok', redis: 'Redis is not reachable' },
    });
    expect((await noRedis.http().get('/healthz')).status).toBe(200);
  });

  it('says PostgreSQL is down without driver messages or addresses', async () => {
    // Nothing listens on port 1 either: neither PostgreSQL nor Redis answers.
    const nothing = await startTestApp({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/distill',
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    try {
      const response = await nothing.http().get('/readyz');
      expect(response.status).toBe(503);
      expect(response.body).toEqual({
        status: 'unavailable',
        checks: { database: 'PostgreSQL is not reachable', redis: 'Redis is not reachable' },
      });
      expect(response.text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|connect |:1\b/);
    } finally {
      await nothing.close();
    }
  });
});

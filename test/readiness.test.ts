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

  it('answers 503 naming Redis when Redis is unreachable, while /healthz stays 200', async () => {
    const response = await noRedis.http().get('/readyz');
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({
      statusCode: 503,
      code: 'UNAVAILABLE',
      details: [{ field: 'redis' }],
    });
    expect(response.body.message).toMatch(/^redis is unreachable/);
    expect((await noRedis.http().get('/healthz')).status).toBe(200);
  });
});

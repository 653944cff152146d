// Public routes that cost something are throttled per client address: token guessing on /admin/queues
// (failures only) and /readyz (every request). A client's x-request-id becomes the request id only when
// TRUST_REQUEST_ID=true.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_FAILURES_ALLOWED } from '../src/http/admin-routes.js';
import { READYZ_PER_MINUTE } from '../src/http/health-routes.js';
import { startTestApp, type TestContext } from './helpers/app.js';

const TOKEN = 'admin-token-for-tests-0123456789';
let ctx: TestContext;
beforeAll(async () => {
  ctx = await startTestApp({ ADMIN_TOKEN: TOKEN });
});
afterAll(() => ctx.close());

const admin = (remoteAddress: string, token: string) =>
  ctx.app.inject({
    method: 'GET',
    url: '/admin/queues/api/queues',
    remoteAddress,
    headers: { authorization: `Bearer ${token}` },
  });

describe('/admin/queues token guessing', () => {
  it('locks an address out after repeated wrong tokens, even for the right token, and no other address', async () => {
    const guesser = '203.0.113.7';
    for (let attempt = 0; attempt < ADMIN_FAILURES_ALLOWED; attempt += 1)
      expect((await admin(guesser, `wrong-${attempt}-0123456789abcdef`)).statusCode).toBe(401);

    const locked = await admin(guesser, `wrong-again-0123456789abcdef`);
    expect(locked.statusCode).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect(locked.json()).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED' });
    expect(locked.json().message).toMatch(/too many failed attempts/);
    expect((await admin(guesser, TOKEN)).statusCode).toBe(429);

    expect((await admin('203.0.113.8', TOKEN)).statusCode).toBe(200);
  });

  it('does not count the right token as a failure', async () => {
    const operator = '203.0.113.9';
    for (let request = 0; request < ADMIN_FAILURES_ALLOWED + 5; request += 1)
      expect((await admin(operator, TOKEN)).statusCode).toBe(200);
  });
});

describe('/readyz throttle', () => {
  it('answers 429 with Retry-After past the per-address limit, and keeps answering other addresses', async () => {
    const poller = '198.51.100.4';
    const ready = (remoteAddress: string) => ctx.app.inject({ method: 'GET', url: '/readyz', remoteAddress });
    for (let request = 0; request < READYZ_PER_MINUTE; request += 1)
      expect((await ready(poller)).statusCode).toBe(200);
    const limited = await ready(poller);
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json()).toMatchObject({ code: 'RATE_LIMITED' });
    expect((await ready('198.51.100.5')).statusCode).toBe(200);
  });
});

describe('request ids', () => {
  it("ignores a client's x-request-id by default", async () => {
    const response = await ctx.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'forged-id' },
    });
    expect(response.headers['x-request-id']).not.toBe('forged-id');
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('takes it with TRUST_REQUEST_ID=true', async () => {
    const trusting = await startTestApp({ TRUST_REQUEST_ID: 'true' });
    try {
      const response = await trusting.app.inject({
        method: 'GET',
        url: '/healthz',
        headers: { 'x-request-id': 'from-the-proxy-42' },
      });
      expect(response.headers['x-request-id']).toBe('from-the-proxy-42');
      expect(trusting.config.trustRequestId).toBe(true);
    } finally {
      await trusting.close();
    }
  });
});

// helmet's security headers on every answer; CORS off unless CORS_ORIGINS lists the origin.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestContext, type TestKey } from './helpers/app.js';

let ctx: TestContext;
let key: TestKey;
beforeAll(async () => {
  ctx = await startTestApp();
  key = await ctx.createKey();
});
afterAll(() => ctx.close());

describe('security headers', () => {
  it('sets helmet headers on API answers, errors and public routes alike', async () => {
    for (const request of [
      ctx.http().get('/v2/hc-folders/public').set(key.header),
      ctx.http().get('/v2/hc-folders/public'),
      ctx.http().get('/healthz'),
      ctx.http().get('/v2/nothing-here'),
    ]) {
      const response = await request;
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(response.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(response.headers['content-security-policy']).toContain("default-src 'self'");
      expect(response.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('keeps /docs working: its page and scripts load under a same-origin policy without https upgrades', async () => {
    const page = await ctx.http().get('/docs/');
    expect(page.status).toBe(200);
    const csp = page.headers['content-security-policy'] as string;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    // Every script the page loads is served by this server (so 'self' allows it).
    const scripts = [...page.text.matchAll(/<script src="([^"]+)"/g)].map((match) => match[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) {
      expect(src.startsWith('./')).toBe(true);
      const script = await ctx.http().get(`/docs/${src.slice(2)}`);
      expect(script.status, src).toBe(200);
    }
  });
});

describe('CORS', () => {
  it('is off by default: no Access-Control-Allow-Origin, preflight not answered', async () => {
    const response = await ctx
      .http()
      .get('/v2/hc-folders/public')
      .set(key.header)
      .set('origin', 'https://app.example.com');
    expect(response.status).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await ctx
      .http()
      .options('/v2/hc-folders/public')
      .set('origin', 'https://app.example.com')
      .set('access-control-request-method', 'POST');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('allows exactly the origins of CORS_ORIGINS, with the headers a client needs', async () => {
    const app = await startTestApp({ CORS_ORIGINS: 'https://app.example.com, http://localhost:5173' });
    try {
      const appKey = await app.createKey();
      const allowed = await app
        .http()
        .get('/v2/hc-folders/public')
        .set(appKey.header)
        .set('origin', 'https://app.example.com');
      expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.com');
      expect(allowed.headers['access-control-expose-headers']).toContain('retry-after');
      expect(allowed.headers['access-control-allow-credentials']).toBeUndefined();

      const preflight = await app
        .http()
        .options('/v2/knowledge/public/bulk')
        .set('origin', 'http://localhost:5173')
        .set('access-control-request-method', 'POST')
        .set('access-control-request-headers', 'authorization, content-type, idempotency-key');
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe('http://localhost:5173');
      expect(preflight.headers['access-control-allow-headers']).toContain('idempotency-key');
      expect(preflight.headers['access-control-allow-methods']).toContain('POST');

      const other = await app
        .http()
        .get('/v2/hc-folders/public')
        .set(appKey.header)
        .set('origin', 'https://evil.example.net');
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await app.close();
    }
  });
});

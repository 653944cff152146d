// /admin/queues: bull-board behind ADMIN_TOKEN — 404 without a token configured, 401 for a wrong one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestContext } from './helpers/app.js';

const TOKEN = 'admin-token-for-tests-0123456789';
let ctx: TestContext;
beforeAll(async () => {
  ctx = await startTestApp({ ADMIN_TOKEN: TOKEN });
});
afterAll(() => ctx.close());

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('/admin/queues', () => {
  it('is not there (404) when ADMIN_TOKEN is unset', async () => {
    const app = await startTestApp();
    try {
      const response = await app.http().get('/admin/queues').set('authorization', `Bearer ${TOKEN}`);
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ code: 'NOT_FOUND' });
      expect((await app.http().get('/admin/queues/api/queues')).status).toBe(404);
    } finally {
      await app.close();
    }
  });

  it('answers 401 in the error format, with a basic-auth challenge, for a missing or wrong token', async () => {
    for (const authorization of [
      undefined,
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(0, -1)}`,
      basic('admin', 'nope'),
      'Bearer',
      'garbage',
    ]) {
      const request = ctx.http().get('/admin/queues/api/queues');
      const response = await (authorization ? request.set('authorization', authorization) : request);
      expect(response.status, authorization).toBe(401);
      expect(response.body).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });
      expect(response.headers['www-authenticate']).toMatch(/^Basic realm=/);
    }
  });

  it('serves the dashboard and its API for the token, as a bearer token or a basic-auth password', async () => {
    const page = await ctx.http().get('/admin/queues').set('authorization', `Bearer ${TOKEN}`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('Distill queues');
    const script = /<script defer src="(static\/js\/main[^"]+)"/.exec(page.text)?.[1];
    expect(script).toBeDefined();
    const asset = await ctx.http().get(`/admin/queues/${script}`).set('authorization', basic('ops', TOKEN));
    expect(asset.status).toBe(200);

    const api = await ctx.http().get('/admin/queues/api/queues').set('authorization', basic('', TOKEN));
    expect(api.status).toBe(200);
    const names = (api.body as { queues: { name: string }[] }).queues.map((queue) => queue.name).sort();
    expect(names).toEqual(['generate', 'ingest', 'sync', 'sync-schedule']);
  });
});

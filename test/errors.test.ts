// The error format of API.md §1 for every kind of error the HTTP edge produces.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestApp, type TestContext, type TestKey } from './helpers/app.js';

let ctx: TestContext;
let key: TestKey;
beforeAll(async () => {
  ctx = await startTestApp();
  key = await ctx.createKey();
});
afterAll(() => ctx.close());

const expectErrorBody = (body: unknown, statusCode: number, code: string) =>
  expect(body).toMatchObject({
    statusCode,
    code,
    error: expect.any(String) as string,
    message: expect.any(String) as string,
  });

/** Every body-error case here goes to the folder create route, with a valid key. */
const postFolder = () => ctx.http().post('/v2/hc-folders/public').set(key.header);

describe('error responses', () => {
  it('400 names the missing field', async () => {
    const response = await postFolder().send({ description: '' });
    expect(response.status).toBe(400);
    expectErrorBody(response.body, 400, 'VALIDATION');
    expect(response.body).toMatchObject({
      message: 'title is required',
      details: [{ field: 'title', message: 'is required' }],
    });
  });

  it("keeps its messages to the HTTP validator: zod's global config stays as zod sets it", async () => {
    // The app has been built (beforeAll); a parser outside HTTP still gets zod's own messages.
    expect(z.config().customError).toBeUndefined();
    const outside = z.object({ title: z.string() }).safeParse({});
    expect(outside.error?.issues[0]?.message).not.toBe('is required');
    const response = await postFolder().send({ description: '' });
    expect(response.body).toMatchObject({ message: 'title is required' });
  });

  it('400 names a field of the wrong type and a bad UUID in the query', async () => {
    const typed = await postFolder().send({ title: 5, description: '' });
    expect(typed.body).toMatchObject({ statusCode: 400, message: 'title must be a string' });
    const query = await ctx.http().get('/v2/hc-folders/public?botId=not-a-uuid').set(key.header);
    expect(query.status).toBe(400);
    expect(query.body).toMatchObject({ code: 'VALIDATION', message: 'botId must be a UUID' });
  });

  it('400 for malformed JSON', async () => {
    const response = await postFolder()
      .set('content-type', 'application/json')
      .send('{"title": "unterminated');
    expect(response.status).toBe(400);
    expectErrorBody(response.body, 400, 'BAD_REQUEST');
    expect(response.body.message).toBe('body is not valid JSON');
  });

  it('400 for a body that tries prototype pollution', async () => {
    const response = await postFolder()
      .set('content-type', 'application/json')
      .send('{"title":"x","description":"","__proto__":{"admin":true}}');
    expect(response.status).toBe(400);
    expectErrorBody(response.body, 400, 'BAD_REQUEST');
  });

  it('413 for a body over 1 MiB', async () => {
    const response = await postFolder().send({ title: 'big', description: 'x'.repeat(1_100_000) });
    expect(response.status).toBe(413);
    expectErrorBody(response.body, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('415 for a content type other than JSON', async () => {
    const response = await postFolder().set('content-type', 'text/plain').send('title=x');
    expect(response.status).toBe(415);
    expectErrorBody(response.body, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(response.body.message).toContain('text/plain');
  });

  it('404 JSON for an unknown route, authenticated or not', async () => {
    for (const request of [
      ctx.http().get('/v2/nothing-here'),
      ctx.http().delete('/v2/hc-folders/public').set(key.header),
    ]) {
      const response = await request;
      expect(response.status).toBe(404);
      expectErrorBody(response.body, 404, 'NOT_FOUND');
    }
  });

  it('echoes a request id on every response, errors included', async () => {
    const response = await ctx.http().get('/v2/nothing-here').set('x-request-id', 'trace-123');
    expect(response.headers['x-request-id']).toBe('trace-123');
    const generated = await ctx.http().get('/healthz');
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves an OpenAPI document generated from the route schemas', async () => {
    const response = await ctx.http().get('/docs/json');
    expect(response.status).toBe(200);
    const document = response.body as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths['/v2/hc-folders/public'] ?? {})).toEqual(
      expect.arrayContaining(['get', 'post']),
    );
  });
});

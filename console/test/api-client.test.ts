import { describe, expect, it } from 'vitest';
import { ApiClient, ApiError } from '../src/api/client.js';
import { createSseParser, type SseEvent } from '../src/api/sse.js';

interface Call {
  url: string;
  init: RequestInit;
}

function fakeFetch(respond: (call: Call) => Response) {
  const calls: Call[] = [];
  const fetchImpl = (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const call = { url, init };
    calls.push(call);
    return respond(call);
  }) as typeof fetch;
  return { calls, fetchImpl };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('ApiClient', () => {
  it('sends the key as a bearer token and JSON bodies', async () => {
    const { calls, fetchImpl } = fakeFetch(() => json(200, { id: 'x' }));
    const client = new ApiClient('fini_secret', 'http://api', fetchImpl);
    await client.reject('draft-1', 'outdated');
    expect(calls[0]?.url).toBe('http://api/v2/hc-articles/draft-1/reject/public');
    expect(calls[0]?.init.method).toBe('POST');
    expect((calls[0]?.init.headers as Record<string, string>).authorization).toBe('Bearer fini_secret');
    expect(calls[0]?.init.body).toBe(JSON.stringify({ reason: 'outdated' }));
  });

  it('puts filters in the query string, leaving out empty ones', async () => {
    const { calls, fetchImpl } = fakeFetch(() =>
      json(200, { drafts: [], hasMore: false, counts: { total: 0 } }),
    );
    await new ApiClient('fini_k', '', fetchImpl).reviewQueue(
      { operation: 'UPDATE_ARTICLE', q: 'refund policy', batchId: undefined },
      'cursor-id',
      100,
    );
    expect(calls[0]?.url).toBe(
      '/v2/hc-articles/review/public?operation=UPDATE_ARTICLE&q=refund+policy&cursor=cursor-id&limit=100',
    );
  });

  it('publishes with force only when asked', async () => {
    const { calls, fetchImpl } = fakeFetch(() => json(200, {}));
    const client = new ApiClient('fini_k', '', fetchImpl);
    await client.publish('a');
    await client.publish('a', { force: true });
    expect(calls.map((call) => call.init.body)).toEqual(['{}', '{"force":true}']);
  });

  it("turns an API error into an ApiError carrying the API's message", async () => {
    const { fetchImpl } = fakeFetch(() =>
      json(409, {
        statusCode: 409,
        error: 'Conflict',
        message: 'the live article changed',
        code: 'CONFLICT',
      }),
    );
    const error = await new ApiClient('fini_k', '', fetchImpl).publish('a').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 409, code: 'CONFLICT', message: 'the live article changed' });
  });

  it('says when the server cannot be reached, and when an answer is not the API’s', async () => {
    const down = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    await expect(new ApiClient('fini_k', '', down).me()).rejects.toThrow('The server cannot be reached');
    const { fetchImpl } = fakeFetch(() => new Response('Bad gateway', { status: 502 }));
    await expect(new ApiClient('fini_k', '', fetchImpl).me()).rejects.toMatchObject({
      status: 502,
      message: 'Bad gateway',
    });
  });

  it('follows a batch over a streamed event-stream with the Authorization header', async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        const encoder = new TextEncoder();
        controller.enqueue(encoder.encode(': keep-alive\n\nevent: batch\ndata: {"id":"b","status":"IN_'));
        controller.enqueue(
          encoder.encode('PROGRESS"}\n\nevent: batch\ndata: {"id":"b","status":"COMPLETED"}\n\n'),
        );
        controller.enqueue(encoder.encode('event: done\ndata: {}\n\n'));
        controller.close();
      },
    });
    const { calls, fetchImpl } = fakeFetch(() => new Response(body, { status: 200 }));
    const seen: string[] = [];
    await new ApiClient('fini_k', '', fetchImpl).followBatch(
      'b',
      (batch) => seen.push(batch.status),
      new AbortController().signal,
    );
    expect(seen).toEqual(['IN_PROGRESS', 'COMPLETED']);
    expect(calls[0]?.url).toBe('/v2/knowledge/public/batches/b/events');
    expect((calls[0]?.init.headers as Record<string, string>).authorization).toBe('Bearer fini_k');
  });
});

describe('createSseParser', () => {
  it('joins multi-line data, skips comments, handles CRLF and split chunks', () => {
    const events: SseEvent[] = [];
    const parse = createSseParser((event) => events.push(event));
    parse('event: job\r\ndata: a\r\n');
    parse('data: b\r\n\r\n: comment\n\ndata: plain\n');
    parse('\n');
    expect(events).toEqual([
      { event: 'job', data: 'a\nb' },
      { event: 'message', data: 'plain' },
    ]);
  });
});

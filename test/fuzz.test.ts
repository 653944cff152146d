// Property-based fuzz (fast-check) of every JSON body and every query string of the API,
// route list and shapes taken from the app's own OpenAPI document. Random input — random JSON, wrong types,
// huge and odd strings, unicode, nested junk, real and random IDs, random query parameters — never yields a
// 5xx, and every error body has the format of docs/api.md §1. Seeded: FUZZ_SEED=<n> replays a run.
import { STATUS_CODES } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../src/lib/errors.js';
import { startTestApp, type TestContext, type TestKey } from './helpers/app.js';
import { bulkGenerate, insertSource } from './helpers/generation.js';
import { knowledge } from './helpers/knowledge.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20_260_806);
const RUNS = Number(process.env.FUZZ_RUNS ?? 30);

interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  anyOf?: Schema[];
  format?: string;
  nullable?: boolean;
  minimum?: number;
  maximum?: number;
}

interface Operation {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  body?: Schema;
  query: { name: string; schema: Schema }[];
  hasId: boolean;
}

let ctx: TestContext;
let key: TestKey;
const operations: Operation[] = [];
/** IDs of things that exist in the fuzzed workspace, so some requests get past "not found". */
let realIds: string[] = [];

beforeAll(async () => {
  ctx = await startTestApp(
    { RATE_LIMIT_PER_MINUTE: '1000000' },
    // A deep crawl of a seed the fuzzer made up must give up quickly.
    { crawlLimits: { timeoutMs: 2_000, maxPages: 3 } },
  );
  key = await ctx.createKey();
  const kb = knowledge(ctx, key);
  const folder = await kb.folder('Fuzz');
  const child = await kb.folder('Child', folder.id);
  const article = await kb.article(folder.id);
  const draft = await kb.fork(article.id);
  const source = await insertSource(ctx, key, { title: 'Page', paragraphs: ['# Page', 'Text.'] });
  const [job] = await bulkGenerate(ctx, key, { documentIds: [source] });
  // Finished, so an event stream asked for it ends at once instead of waiting for a worker.
  await ctx.deps.pool.query("UPDATE knowledge_jobs SET status = 'FAILED', error = 'fuzz' WHERE id = $1", [
    job,
  ]);
  const { rows } = await ctx.deps.pool.query<{ batchId: string }>(
    'SELECT batch_id AS "batchId" FROM knowledge_jobs WHERE id = $1',
    [job],
  );
  const webhook = await ctx
    .http()
    .post('/v2/webhooks/public')
    .set(key.header)
    .send({ url: 'http://127.0.0.1:9/hook', events: ['job.completed'] })
    .expect(200);
  realIds = [folder.id, child.id, article.id, draft.id, source, job!, rows[0]!.batchId, webhook.body.id];

  const document = ctx.app.swagger() as {
    paths: Record<
      string,
      Record<
        string,
        {
          parameters?: { in: string; name: string; schema: Schema }[];
          requestBody?: { content?: Record<string, { schema?: Schema }> };
        }
      >
    >;
  };
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const upper = method.toUpperCase() as Operation['method'];
      const query = (operation.parameters ?? []).filter((p) => p.in === 'query');
      const body = operation.requestBody?.content?.['application/json']?.schema;
      const writes = upper === 'POST' || upper === 'PUT' || upper === 'DELETE';
      if (!writes && query.length === 0) continue;
      operations.push({
        method: upper,
        path,
        body: writes ? (body ?? {}) : undefined,
        query: query.map((p) => ({ name: p.name, schema: p.schema })),
        hasId: path.includes('{id}'),
      });
    }
  }
});
afterAll(() => ctx.close());

const oddStrings = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '🦄'.repeat(300),
  'x'.repeat(70_000),
  '%',
  '%zz',
  '../../etc/passwd',
  "'; DROP TABLE articles; --",
  '<script>alert(1)</script>',
  '{"__proto__":{"polluted":true}}',
  'constructor',
  '__proto__',
  'null',
  'true',
  '-1',
  '1e309',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  'http://127.0.0.1:1/page',
  'javascript:alert(1)',
  'file:///etc/passwd',
  'sources',
  'web',
);

const anyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ maxLength: 10 }),
  oddStrings,
);
/** Plausible text: what a client would send, so requests get past validation into the services. */
const plainString = fc.oneof(
  fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 30 }),
  fc.constantFrom('Billing', 'How do I get a refund?', 'sources', 'generated', 'web'),
  fc.constantFrom('http://127.0.0.1:1/page', 'http://localhost:1/docs'),
  fc.constant(undefined).chain(() => fc.constantFrom(...realIds)),
);
const junk = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' }) },
  { weight: 2, arbitrary: anyString },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.constant(Number.MAX_SAFE_INTEGER + 2)) },
  { weight: 1, arbitrary: fc.array(anyString, { maxLength: 5 }) },
);
const uuid = () => fc.oneof(fc.uuid(), fc.constantFrom(...realIds));

/**
 * Mostly the shape the schema asks for (required fields present, plausible values), with wrong types, odd
 * strings, nulls, missing fields and unknown fields mixed in at every level.
 */
function fromSchema(schema: Schema, depth = 0): fc.Arbitrary<unknown> {
  if (depth > 4) return junk;
  const alternatives = schema.anyOf?.map((option) => fromSchema(option, depth + 1));
  let shaped: fc.Arbitrary<unknown>;
  if (alternatives && alternatives.length > 0) shaped = fc.oneof(...alternatives);
  else if (schema.enum) shaped = fc.constantFrom(...schema.enum);
  else if (schema.type === 'object' || schema.properties) {
    const required = new Set(schema.required ?? []);
    const properties = Object.entries(schema.properties ?? {}).map(([name, property]) => {
      const value = fromSchema(property, depth + 1);
      return [name, required.has(name) ? value : fc.option(value, { nil: undefined, freq: 2 })] as const;
    });
    shaped = fc
      .tuple(
        fc.record(Object.fromEntries(properties)),
        fc.option(fc.dictionary(anyString, junk, { minKeys: 1, maxKeys: 2 }), { freq: 5 }),
      )
      .map(([known, extra]) => {
        const present = Object.fromEntries(Object.entries(known).filter(([, v]) => v !== undefined));
        return extra ? { ...extra, ...present } : present;
      });
  } else if (schema.type === 'array')
    shaped = fc.array(fromSchema(schema.items ?? {}, depth + 1), { minLength: 1, maxLength: 4 });
  else if (schema.type === 'string' && schema.format === 'uuid') shaped = uuid();
  else if (schema.type === 'string')
    shaped = fc.oneof({ weight: 4, arbitrary: plainString }, { weight: 1, arbitrary: anyString });
  else if (schema.type === 'integer')
    shaped = fc.oneof(fc.integer({ min: -5, max: 1_005 }), fc.integer(), fc.constant(schema.maximum ?? 0));
  else if (schema.type === 'number') shaped = fc.double();
  else if (schema.type === 'boolean') shaped = fc.boolean();
  else shaped = junk;
  return fc.oneof(
    { weight: 14, arbitrary: shaped },
    { weight: 1, arbitrary: junk },
    { weight: 1, arbitrary: fc.constant(schema.nullable ? null : undefined) },
  );
}

/** The raw text sent as body: JSON of the shaped value, any JSON, or not JSON at all. */
function bodyText(schema: Schema): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    { weight: 8, arbitrary: fromSchema(schema).map((value) => JSON.stringify(value)) },
    { weight: 2, arbitrary: fc.jsonValue({ stringUnit: 'binary' }).map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

/** A query string: the route's parameters with shaped or junk values, random extra parameters, or raw junk. */
function queryText(parameters: Operation['query']): fc.Arbitrary<string> {
  const value = (schema: Schema) =>
    fc.oneof(
      fromSchema(schema).map((v) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''))),
      anyString,
      fc.array(anyString, { minLength: 2, maxLength: 3 }),
    );
  const known = fc.record(Object.fromEntries(parameters.map((p) => [p.name, value(p.schema)])), {
    requiredKeys: [],
  });
  const extra = fc.dictionary(anyString, fc.oneof(anyString, fc.array(anyString, { maxLength: 2 })), {
    maxKeys: 3,
  });
  const encoded = fc.tuple(known, extra).map(([a, b]) => {
    const params = new URLSearchParams();
    for (const [name, v] of Object.entries({ ...b, ...a }))
      for (const item of Array.isArray(v) ? v : [v]) params.append(name, String(item));
    return params.toString();
  });
  const raw = fc.constantFrom(
    '%',
    '%zz=1',
    'a[b]=c',
    'limit=1&limit=2',
    '&&&',
    '=x',
    'cursor=%00',
    'jobIds=',
  );
  return fc.oneof({ weight: 5, arbitrary: encoded }, { weight: 1, arbitrary: raw });
}

/** Percent-encoded; a lone surrogate (which encodeURIComponent refuses) becomes U+FFFD first. */
const encodePathSegment = (text: string) =>
  encodeURIComponent(
    text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'),
  );

function pathFor(operation: Operation): fc.Arbitrary<string> {
  if (!operation.hasId) return fc.constant(operation.path);
  const id = fc.oneof(
    { weight: 3, arbitrary: uuid() },
    { weight: 1, arbitrary: anyString.filter((s) => s.length > 0 && s.length < 150).map(encodePathSegment) },
  );
  return id.map((value) => operation.path.replace('{id}', value));
}

/** docs/api.md §1: { statusCode, error, message, code, details? }, the code from the closed list, no stack. */
function checkErrorBody(status: number, text: string, request: string) {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new Error(`${request} → ${status} with a body that is not JSON: ${text.slice(0, 200)}`);
  }
  const where = `${request} → ${status} ${text.slice(0, 300)}`;
  expect(
    Object.keys(body).every((k) => ['statusCode', 'error', 'message', 'code', 'details'].includes(k)),
    where,
  ).toBe(true);
  expect(body.statusCode, where).toBe(status);
  expect(body.error, where).toBe(STATUS_CODES[status]);
  expect(Object.keys(ERROR_CODES), where).toContain(body.code);
  expect(ERROR_CODES[body.code as keyof typeof ERROR_CODES], where).toBe(status);
  expect(typeof body.message === 'string' && body.message.length > 0, where).toBe(true);
  expect(body.message as string, where).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
  if (body.details !== undefined) {
    expect(Array.isArray(body.details), where).toBe(true);
    for (const detail of body.details as Record<string, unknown>[])
      expect(typeof detail.message, where).toBe('string');
  }
  // A validation error names the field at fault (or the value, for one that cannot be parsed).
  if (body.code === 'VALIDATION') {
    const details = body.details as { field?: string }[] | undefined;
    const field = details?.[0]?.field;
    expect(field, where).toBeTruthy();
    expect((body.message as string).startsWith(field!), where).toBe(true);
  }
}

async function send(method: Operation['method'], url: string, body: string | undefined) {
  const response = await ctx.app.inject({
    method,
    url,
    headers: { ...key.header, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { payload: body }),
  });
  return { status: response.statusCode, text: response.body };
}

describe('fuzz: random input never gives a 5xx, and errors keep their format', () => {
  it('covers every route with a body or a query string', () => {
    expect(operations.length).toBeGreaterThanOrEqual(25);
    expect(operations.map((o) => `${o.method} ${o.path}`)).toEqual(
      expect.arrayContaining([
        'POST /v2/knowledge/public/bulk',
        'POST /v2/documents/public',
        'DELETE /v2/documents/public',
        'GET /v2/documents/public',
        'GET /v2/knowledge/public/jobs/events',
        'PUT /v2/hc-articles/{id}/public',
        'POST /v2/hc-articles/{id}/reject/public',
        'GET /v2/hc-articles/review/public',
        'GET /v2/knowledge/public/batches',
        'GET /v2/knowledge/public/batches/{id}/jobs',
        'POST /v2/webhooks/public',
        'GET /v2/webhooks/public',
        'GET /v2/webhooks/public/{id}/deliveries',
      ]),
    );
  });

  it('bodies of every POST, PUT and DELETE route', async () => {
    for (const operation of operations.filter((o) => o.body !== undefined)) {
      await fc.assert(
        fc.asyncProperty(pathFor(operation), bodyText(operation.body!), async (url, body) => {
          const { status, text } = await send(operation.method, url, body);
          const request = `${operation.method} ${url} ${String(body).slice(0, 300)}`;
          expect(status, `${request} → ${text.slice(0, 500)}`).toBeLessThan(500);
          if (status >= 400) checkErrorBody(status, text, request);
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      );
    }
  }, 120_000);

  it('query strings of every route that reads one', async () => {
    for (const operation of operations.filter((o) => o.query.length > 0)) {
      await fc.assert(
        fc.asyncProperty(pathFor(operation), queryText(operation.query), async (path, query) => {
          const url = `${path}?${query}`;
          const { status, text } = await send(operation.method, url, undefined);
          expect(status, `${operation.method} ${url} → ${text.slice(0, 500)}`).toBeLessThan(500);
          if (status >= 400) checkErrorBody(status, text, `${operation.method} ${url}`);
        }),
        { seed: SEED, numRuns: RUNS * 2, endOnFailure: true },
      );
    }
  }, 120_000);
});

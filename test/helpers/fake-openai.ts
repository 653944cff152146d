// A scriptable OpenAI-compatible server for tests and benchmarks: `POST /v1/chat/completions` and
// `GET /v1/models`, enough for the official SDK. Each chat request takes the next scripted behaviour,
// then the default one ("auto": a valid answer built from the request's own JSON schema). Behaviours
// are plain JSON, so a benchmark can script a fake running in another process (`POST /fake/enqueue`).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeBehaviour =
  /** 200 with this value as the message content (JSON-encoded). */
  | { type: 'json'; content: unknown; finishReason?: string; usage?: Partial<FakeUsage> }
  /** 200 with this exact text as the content (malformed JSON, fenced JSON, a cut-off answer…). */
  | { type: 'text'; content: string; finishReason?: string }
  /** 200 with `message.refusal` set and no content. */
  | { type: 'refusal'; refusal: string }
  /** An error status with an OpenAI-style error body and optional headers (Retry-After…). */
  | { type: 'error'; status: number; message?: string; code?: string; headers?: Record<string, string> }
  /** Never answer (until the client gives up or the fake closes). */
  | { type: 'hang' }
  /** Close the socket without answering: a connection error for the client. */
  | { type: 'drop' }
  /** Wait, then behave as `then`. */
  | { type: 'delay'; ms: number; then: FakeBehaviour }
  /** A valid answer derived from the request: see autoAnswer. */
  | { type: 'auto' };

/** The parts of a chat request the fake reads. */
interface ChatBody {
  model?: unknown;
  messages?: { role?: string; content?: unknown }[];
  response_format?: { json_schema?: { schema?: JsonSchema } };
}

interface JsonSchema {
  properties?: Record<string, JsonSchema>;
  enum?: unknown[];
  anyOf?: JsonSchema[];
}

export interface FakeUsage {
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The parsed JSON body (undefined when there is none or it is not JSON); `any` so tests can reach into it. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  /** The prompt as the fake counts it: the response schema, then "role: content" per message, by lines. */
  prompt: string;
  receivedAt: number;
}

/** Builders for behaviours: `fake.enqueue(reply.rateLimited({ retryAfterSeconds: 120 }), reply.auto())`. */
export const reply = {
  auto: (): FakeBehaviour => ({ type: 'auto' }),
  json: (
    content: unknown,
    options: { finishReason?: string; usage?: Partial<FakeUsage> } = {},
  ): FakeBehaviour => ({
    type: 'json',
    content,
    ...options,
  }),
  text: (content: string, finishReason?: string): FakeBehaviour => ({
    type: 'text',
    content,
    ...(finishReason ? { finishReason } : {}),
  }),
  malformedJson: (): FakeBehaviour => ({
    type: 'text',
    content: 'Sure! Here is the decision: {"operation": "ADD_ARTICLE_TO_FOLDER", "article": {',
  }),
  /** Well-formed JSON that ignores the schema: an unknown operation and a made-up article ID. */
  schemaViolation: (content?: unknown): FakeBehaviour => ({
    type: 'json',
    content: content ?? {
      operation: 'PUBLISH_EVERYTHING',
      targetArticleId: 'made-up-article-id',
      parentFolderId: null,
      article: null,
      reason: 'Fake model: an answer that ignores the schema.',
    },
  }),
  truncated: (): FakeBehaviour => ({
    type: 'text',
    content: '{"operation":"ADD_ARTICLE_TO_FOLDER","targetArticleId":null,"parentFolderId":"',
    finishReason: 'length',
  }),
  refusal: (refusal = "I'm sorry, I can't help with that."): FakeBehaviour => ({ type: 'refusal', refusal }),
  rateLimited: (
    options: { retryAfterSeconds?: number; retryAfterMs?: number; retryAfterDate?: Date; code?: string } = {},
  ): FakeBehaviour => {
    const headers: Record<string, string> = {};
    if (options.retryAfterSeconds !== undefined) headers['retry-after'] = String(options.retryAfterSeconds);
    if (options.retryAfterDate !== undefined) headers['retry-after'] = options.retryAfterDate.toUTCString();
    if (options.retryAfterMs !== undefined) headers['retry-after-ms'] = String(options.retryAfterMs);
    return {
      type: 'error',
      status: 429,
      message: 'Rate limit reached for requests per minute. Please try again later.',
      code: options.code ?? 'rate_limit_exceeded',
      headers,
    };
  },
  /** 500 by default; `retryAfterMs` makes the SDK retry quickly instead of backing off 0.5–1 s. */
  serverError: (status = 500, options: { retryAfterMs?: number } = {}): FakeBehaviour => ({
    type: 'error',
    status,
    message:
      status === 503 ? 'The server is overloaded.' : 'The server had an error while processing your request.',
    headers: options.retryAfterMs === undefined ? {} : { 'retry-after-ms': String(options.retryAfterMs) },
  }),
  error: (
    status: number,
    message: string,
    options: { code?: string; headers?: Record<string, string> } = {},
  ): FakeBehaviour => ({
    type: 'error',
    status,
    message,
    ...options,
  }),
  hang: (): FakeBehaviour => ({ type: 'hang' }),
  drop: (): FakeBehaviour => ({ type: 'drop' }),
  delayed: (ms: number, then: FakeBehaviour = { type: 'auto' }): FakeBehaviour => ({
    type: 'delay',
    ms,
    then,
  }),
};

export interface FakeOpenAIOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Added before every chat answer: simulated model latency for benchmarks. */
  latencyMs?: number;
  defaultBehaviour?: FakeBehaviour;
  /** Recorded requests are kept up to this many (benchmarks send thousands); counters are exact. */
  maxRecorded?: number;
  /**
   * How many recent prompts the prompt-cache simulation compares each new one with (default 32); 0
   * turns it off (cached_tokens stays 0), which spares a benchmark's shared CPU the comparisons.
   */
  cacheWindow?: number;
}

export interface FakeStats {
  calls: number;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  pending: number;
}

export interface FakeOpenAI {
  /** Base URL for the SDK, ending in /v1. */
  url: string;
  port: number;
  /** Chat completion requests received, oldest first (including the SDK's retries). */
  requests: RecordedRequest[];
  /** Number of chat completion requests received. */
  readonly calls: number;
  stats(): FakeStats;
  /** Appends behaviours: one per chat request, in order, before the default takes over. */
  enqueue(...behaviours: FakeBehaviour[]): void;
  /** Replaces the queue. */
  script(...behaviours: FakeBehaviour[]): void;
  setDefault(behaviour: FakeBehaviour): void;
  setLatency(ms: number): void;
  /** Forgets requests, counters and the queue (the default and latency stay). */
  reset(): void;
  close(): Promise<void>;
}

// Prompt caching in the fake: the prefix shared with the most similar of the last few prompts,
// like a provider cache that keeps recent prefixes. No 1,024-token minimum, so tests see it always.
const CACHE_WINDOW = 32;
const CHARS_PER_TOKEN = 4;

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part: { text?: unknown }) => (typeof part?.text === 'string' ? part.text : ''))
      .join('');
  }
  return '';
}

/**
 * The prompt as a provider sees it: the structured-output schema first (OpenAI puts it in front of the
 * system message, so it is part of the cacheable prefix), then "role: content" per message.
 */
function promptOf(body: ChatBody | undefined): string {
  const messages = Array.isArray(body?.messages) ? body.messages : [];
  const schema = body?.response_format?.json_schema?.schema;
  const head = schema === undefined ? [] : [`schema: ${JSON.stringify(schema)}`];
  return [...head, ...messages.map((m) => `${m.role ?? 'user'}: ${contentText(m.content)}`)].join('\n');
}

function sharedPrefixLength(a: string, b: string): number {
  const max = Math.min(a.length, b.length);
  let i = 0;
  while (i < max && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** The values of an enum property, whether plain (`enum`) or nullable (`anyOf: [{enum}, {type: null}]`). */
function enumValues(property: JsonSchema | undefined): string[] {
  if (!property) return [];
  if (Array.isArray(property.enum)) return property.enum as string[];
  for (const variant of property.anyOf ?? []) {
    if (Array.isArray(variant.enum)) return variant.enum as string[];
  }
  return [];
}

/** The source text of a decision prompt: inside <source_document> when present, else the last user message. */
function sourceOf(body: ChatBody | undefined): { title: string; text: string } {
  const users = (body?.messages ?? []).filter((m) => m.role === 'user');
  const first = contentText(users[0]?.content);
  const start = first.lastIndexOf('<source_document>');
  const end = first.lastIndexOf('</source_document>');
  const block = start >= 0 && end > start ? first.slice(start + '<source_document>'.length, end) : first;
  const lines = block.split('\n');
  const titleLine = lines.find((line) => line.startsWith('title: '));
  const text = lines
    .filter((line) => !/^(title|url): /u.test(line))
    .join('\n')
    .trim();
  const title =
    titleLine?.slice('title: '.length).trim() ||
    text
      .split('\n')[0]
      ?.replace(/^#+\s*/u, '')
      .slice(0, 80) ||
    'Untitled';
  return { title, text };
}

function topWords(text: string, limit: number): string[] {
  const counts = new Map<string, number>();
  for (const word of text.toLowerCase().match(/[a-z][a-z-]{4,}/gu) ?? [])
    counts.set(word, (counts.get(word) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, limit)
    .map(([word]) => word);
}

/**
 * A valid answer for the schema the request carries. Decision schema: UPDATE the first candidate when
 * allowed and one exists, else ADD into the first folder, else DO_NOTHING; the article is the source's
 * title and first 600 characters. Tree schema: a small tree from the description's words.
 */
export function autoAnswer(body: ChatBody | undefined): unknown {
  const properties = body?.response_format?.json_schema?.schema?.properties ?? {};
  if (properties.rows) {
    const description = contentText(body?.messages?.at(-1)?.content);
    const topics = topWords(description, 3).map((w) => w[0]!.toUpperCase() + w.slice(1));
    return {
      rows: [
        {
          type: 'folder',
          folderPath: 'Getting started',
          title: 'Getting started',
          description: 'The basics.',
        },
        ...topics.map((t) => ({ type: 'folder', folderPath: t, title: t, description: `All about ${t}.` })),
        { type: 'article', folderPath: 'Getting started', title: 'Welcome', description: 'Start here.' },
        ...topics.map((t) => ({
          type: 'article',
          folderPath: t,
          title: `${t} basics`,
          description: `${t} in short.`,
        })),
      ],
    };
  }
  if (!properties.operation) return {};
  const operations = enumValues(properties.operation);
  const candidates = enumValues(properties.targetArticleId);
  const folders = enumValues(properties.parentFolderId);
  const { title, text } = sourceOf(body);
  const article = {
    title,
    mainKnowledge: text.slice(0, 600) || title,
    agentInstruction: `Use this article to answer questions about ${title}.`,
    questions: [`What should I know about ${title}?`],
    keywords: topWords(`${title} ${text}`, 5),
    escalation: false,
  };
  if (article.keywords.length === 0) article.keywords = ['help'];
  if (operations.includes('UPDATE_ARTICLE') && candidates.length > 0) {
    return {
      operation: 'UPDATE_ARTICLE',
      targetArticleId: candidates[0],
      parentFolderId: null,
      article,
      reason: 'Fake model: the first candidate is updated from the source.',
    };
  }
  if (operations.includes('ADD_ARTICLE_TO_FOLDER') && folders.length > 0) {
    return {
      operation: 'ADD_ARTICLE_TO_FOLDER',
      targetArticleId: null,
      parentFolderId: folders[0],
      article,
      reason: 'Fake model: a new article is added to the first folder.',
    };
  }
  return {
    operation: operations.includes('DO_NOTHING') ? 'DO_NOTHING' : (operations[0] ?? 'DO_NOTHING'),
    targetArticleId: null,
    parentFolderId: null,
    article: null,
    reason: 'Fake model: nothing to do.',
  };
}

export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const requests: RecordedRequest[] = [];
  const recentPrompts: string[] = [];
  let queue: FakeBehaviour[] = [];
  let defaultBehaviour: FakeBehaviour = options.defaultBehaviour ?? { type: 'auto' };
  let latencyMs = options.latencyMs ?? 0;
  const maxRecorded = options.maxRecorded ?? 10_000;
  const counters = { calls: 0, promptTokens: 0, completionTokens: 0, cachedTokens: 0 };
  const timers = new Set<NodeJS.Timeout>();
  let sequence = 0;

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      if (ms <= 0) return resolve();
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const sendJson = (
    res: http.ServerResponse,
    status: number,
    payload: unknown,
    headers: Record<string, string> = {},
  ) => {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(payload));
  };

  const completion = (
    body: ChatBody | undefined,
    message: { content: string | null; refusal: string | null },
    finishReason: string,
    usage: FakeUsage,
  ) => {
    counters.promptTokens += usage.prompt_tokens;
    counters.completionTokens += usage.completion_tokens;
    counters.cachedTokens += usage.cached_tokens;
    return {
      id: `chatcmpl-fake-${++sequence}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: typeof body?.model === 'string' ? body.model : 'fake-model',
      choices: [
        { index: 0, message: { role: 'assistant', ...message }, logprobs: null, finish_reason: finishReason },
      ],
      usage: {
        prompt_tokens: usage.prompt_tokens,
        completion_tokens: usage.completion_tokens,
        total_tokens: usage.prompt_tokens + usage.completion_tokens,
        prompt_tokens_details: { cached_tokens: usage.cached_tokens },
      },
    };
  };

  async function behave(
    behaviour: FakeBehaviour,
    request: RecordedRequest,
    res: http.ServerResponse,
    cachedChars: number,
  ) {
    const usageFor = (content: string, override: Partial<FakeUsage> = {}): FakeUsage => ({
      prompt_tokens: Math.ceil(request.prompt.length / CHARS_PER_TOKEN),
      completion_tokens: Math.ceil(content.length / CHARS_PER_TOKEN),
      cached_tokens: Math.floor(cachedChars / CHARS_PER_TOKEN),
      ...override,
    });
    switch (behaviour.type) {
      case 'delay':
        await wait(behaviour.ms);
        return behave(behaviour.then, request, res, cachedChars);
      case 'hang':
        return; // the response stays open; close() or the client ends it
      case 'drop':
        res.socket?.destroy();
        return;
      case 'error':
        return sendJson(
          res,
          behaviour.status,
          {
            error: {
              message: behaviour.message ?? `Fake error ${behaviour.status}`,
              type: behaviour.status === 429 ? 'requests' : 'fake_error',
              param: null,
              code: behaviour.code ?? null,
            },
          },
          behaviour.headers,
        );
      case 'refusal':
        return sendJson(
          res,
          200,
          completion(
            request.body,
            { content: null, refusal: behaviour.refusal },
            'stop',
            usageFor(behaviour.refusal),
          ),
        );
      case 'text':
        return sendJson(
          res,
          200,
          completion(
            request.body,
            { content: behaviour.content, refusal: null },
            behaviour.finishReason ?? 'stop',
            usageFor(behaviour.content),
          ),
        );
      case 'json': {
        const content = JSON.stringify(behaviour.content);
        return sendJson(
          res,
          200,
          completion(
            request.body,
            { content, refusal: null },
            behaviour.finishReason ?? 'stop',
            usageFor(content, behaviour.usage),
          ),
        );
      }
      case 'auto': {
        const content = JSON.stringify(autoAnswer(request.body));
        return sendJson(
          res,
          200,
          completion(request.body, { content, refusal: null }, 'stop', usageFor(content)),
        );
      }
    }
  }

  async function readBody(req: http.IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    if (text === '') return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return undefined;
    }
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const raw = await readBody(req);
    const body = raw as ChatBody | undefined;
    const control = raw as
      { behaviours?: FakeBehaviour[]; behaviour?: FakeBehaviour; latencyMs?: unknown } | undefined;
    if (req.method === 'POST' && path === '/v1/chat/completions') {
      const prompt = promptOf(body);
      const request: RecordedRequest = {
        method: req.method,
        path,
        headers: req.headers,
        body,
        prompt,
        receivedAt: Date.now(),
      };
      counters.calls += 1;
      requests.push(request);
      if (requests.length > maxRecorded) requests.shift();
      const cacheWindow = options.cacheWindow ?? CACHE_WINDOW;
      const cachedChars = recentPrompts.reduce(
        (best, earlier) => Math.max(best, sharedPrefixLength(earlier, prompt)),
        0,
      );
      if (cacheWindow > 0) recentPrompts.push(prompt);
      if (recentPrompts.length > cacheWindow) recentPrompts.shift();
      const behaviour = queue.shift() ?? defaultBehaviour;
      if (behaviour.type !== 'hang') await wait(latencyMs);
      return behave(behaviour, request, res, cachedChars);
    }
    if (req.method === 'GET' && path === '/v1/models') {
      return sendJson(res, 200, {
        object: 'list',
        data: [{ id: 'fake-model', object: 'model', created: 0, owned_by: 'distill-tests' }],
      });
    }
    // Control routes, for a fake running in another process (bench): JSON behaviours in, stats out.
    if (req.method === 'GET' && path === '/fake/stats') return sendJson(res, 200, fake.stats());
    if (req.method === 'POST' && path === '/fake/enqueue') {
      fake.enqueue(...(control?.behaviours ?? []));
      return sendJson(res, 200, fake.stats());
    }
    if (req.method === 'POST' && path === '/fake/default') {
      if (control?.behaviour) fake.setDefault(control.behaviour);
      if (typeof control?.latencyMs === 'number') fake.setLatency(control.latencyMs);
      return sendJson(res, 200, fake.stats());
    }
    if (req.method === 'POST' && path === '/fake/reset') {
      fake.reset();
      return sendJson(res, 200, fake.stats());
    }
    return sendJson(res, 404, {
      error: { message: `Unknown route ${req.method} ${path}`, type: 'invalid_request_error' },
    });
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      sendJson(res, 500, { error: { message: `fake server failed: ${String(error)}`, type: 'fake_error' } });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';

  const fake: FakeOpenAI = {
    url: `http://${host}:${port}/v1`,
    port,
    requests,
    get calls() {
      return counters.calls;
    },
    stats: () => ({ ...counters, pending: queue.length }),
    enqueue: (...behaviours) => {
      queue.push(...behaviours);
    },
    script: (...behaviours) => {
      queue = [...behaviours];
    },
    setDefault: (behaviour) => {
      defaultBehaviour = behaviour;
    },
    setLatency: (ms) => {
      latencyMs = ms;
    },
    reset: () => {
      requests.length = 0;
      recentPrompts.length = 0;
      queue = [];
      Object.assign(counters, { calls: 0, promptTokens: 0, completionTokens: 0, cachedTokens: 0 });
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}

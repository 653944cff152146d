// The `openai` writer: the official SDK against any OpenAI-compatible endpoint (OpenAI, vLLM, Ollama,
// llama.cpp…), strict JSON-schema structured outputs, failures sorted into WriterError kinds so the
// job knows whether to retry, pause the queue, give up or repair (docs/architecture.md §4).
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import type {
  ChatCompletion,
  ChatCompletionCreateParamsNonStreaming,
} from 'openai/resources/chat/completions';
import type { Logger } from '../lib/logger.js';
import { createDecisionRefs } from './decision-refs.js';
import { allowedOperationsOf, buildDecisionSchema } from './decision-schema.js';
import { buildDecisionPrompt, DECISION_PROMPT_VERSION, type ChatMessage } from './decision-prompt.js';
import { loadTokenizer, type Tokenizer } from './token-budget.js';
import { normalizeTreeRows, TREE_SYSTEM_PROMPT, TreeProposalSchema } from './tree-proposal.js';
import {
  WriterError,
  type DecisionRequest,
  type TreeTemplateRow,
  type Usage,
  type Writer,
  type WriterAnswer,
} from './writer.js';

export const DEFAULT_TIMEOUT_MS = 60_000;
/** Three requests in all: absorbs a blip or a short 429 in-call; BullMQ attempts handle longer outages. */
export const DEFAULT_MAX_RETRIES = 2;
/**
 * The longest `Retry-After` the SDK may sleep through inside one call. openai 6.30.1 obeys any
 * `retry-after` the server sends (even minutes) and its sleep ignores the abort signal, so a long
 * wait would hold a worker slot, silently, and delay shutdown. Longer waits surface at once as
 * `rate-limited` with `retryAfterMs`, and the job pauses the queue instead (docs/architecture.md §4, failures).
 */
export const DEFAULT_MAX_IN_CALL_RETRY_AFTER_MS = 10_000;
/** Room for a complete article; an answer cut off at this limit is `malformed` (finish_reason length). */
const MAX_COMPLETION_TOKENS = 4_000;
const DEFAULT_BASE_URL = 'https://api.openai.com/v1';

export interface OpenAIWriterOptions {
  apiKey: string;
  /** Any OpenAI-compatible base URL, ending in /v1; defaults to api.openai.com. */
  baseURL?: string | undefined;
  model: string;
  logger: Logger;
  /** Per request attempt, not per call. */
  timeoutMs?: number;
  maxRetries?: number;
  maxInCallRetryAfterMs?: number;
}

/** `retry-after-ms` (milliseconds), else `retry-after` (seconds or an HTTP date), as the SDK reads them. */
export function parseRetryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  const ms = headers?.get('retry-after-ms');
  if (ms) {
    const value = Number.parseFloat(ms);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const after = headers?.get('retry-after');
  if (!after) return undefined;
  const seconds = Number.parseFloat(after);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The SDK's fetch, wrapped: every error status is logged (the SDK's own log stays at `warn`, which
 * hides its retries), and a response asking for a longer wait than `maxWaitMs` gets `x-should-retry:
 * false`, which the SDK obeys, so it throws at once instead of sleeping.
 */
function fetchThatSurfacesLongWaits(maxWaitMs: number, logger: Logger): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    if (response.ok) return response;
    const retryAfterMs = parseRetryAfterMs(response.headers);
    const tooLong = retryAfterMs !== undefined && retryAfterMs > maxWaitMs;
    logger.warn(
      { status: response.status, retryAfterMs, surfaced: tooLong },
      `model endpoint answered ${response.status}${tooLong ? ', waiting is left to the job queue' : ''}`,
    );
    if (!tooLong) return response;
    const headers = new Headers(response.headers);
    headers.set('x-should-retry', 'false');
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  };
}

function providerMessage(error: APIError): string {
  const body: { message?: unknown } | undefined = error.error;
  if (body && typeof body.message === 'string' && body.message !== '') return body.message;
  // The SDK's message starts with the status; drop it, it is added back below.
  return error.message.replace(/^\d{3}\s*/u, '') || 'no message';
}

const CONNECTION_PROBLEMS: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused',
  ENOTFOUND: 'its host name does not resolve',
  EAI_AGAIN: 'its host name could not be resolved right now',
  ETIMEDOUT: 'the connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  ECONNRESET: 'the connection was dropped',
  UND_ERR_SOCKET: 'the connection was dropped',
  EHOSTUNREACH: 'its host is unreachable',
  ENETUNREACH: 'its network is unreachable',
};

/**
 * What went wrong with the connection, in words and without the address: the error codes of Node's net
 * and DNS layers (and undici's) are looked up along the cause chain; the full error stays in `cause`.
 */
function connectionProblem(error: Error): string {
  for (let cause: unknown = error.cause, depth = 0; cause instanceof Error && depth < 5; depth += 1) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code && CONNECTION_PROBLEMS[code]) return CONNECTION_PROBLEMS[code];
    if (code?.startsWith('ERR_TLS') || /certificate/i.test(cause.message))
      return 'its TLS certificate was not accepted';
    cause = cause.cause;
  }
  return 'the connection failed';
}

/** Sorts an SDK failure into a WriterError kind. The API key never appears in a message. */
export function toWriterError(
  error: unknown,
  context: { apiKey: string; baseURL: string; timeoutMs: number },
): unknown {
  if (error instanceof WriterError || !(error instanceof APIError)) return error;
  const redact = (text: string) =>
    context.apiKey.length >= 8 ? text.replaceAll(context.apiKey, '[redacted]') : text;
  if (error instanceof APIUserAbortError) {
    return new WriterError('transient', 'the model call was aborted (shutdown or job cancelled)', undefined, {
      cause: error,
    });
  }
  if (error instanceof APIConnectionTimeoutError) {
    return new WriterError(
      'transient',
      `the model endpoint did not answer within ${context.timeoutMs} ms`,
      undefined,
      {
        cause: error,
      },
    );
  }
  if (error instanceof APIConnectionError) {
    // The message becomes the job's error, which API clients read: it names the setting, not the address.
    return new WriterError(
      'transient',
      `could not reach the model endpoint (OPENAI_BASE_URL): ${connectionProblem(error)}`,
      undefined,
      {
        cause: error,
      },
    );
  }
  // `instanceof` leaves the SDK's generic parameters as `any`; these are their documented types.
  const apiError = error as APIError<
    number | undefined,
    Headers | undefined,
    { message?: unknown } | undefined
  >;
  const status = apiError.status ?? 0;
  const message = redact(`model endpoint answered ${status}: ${providerMessage(apiError)}`);
  const retryAfterMs = parseRetryAfterMs(apiError.headers);
  // OpenAI sends 429 for an exhausted quota too; waiting does not fix billing.
  if (status === 429 && apiError.code === 'insufficient_quota') {
    return new WriterError('permanent', message, undefined, { cause: error });
  }
  if (status === 429) return new WriterError('rate-limited', message, retryAfterMs, { cause: error });
  if (status === 408 || status === 409 || status >= 500) {
    return new WriterError('transient', message, retryAfterMs, { cause: error });
  }
  return new WriterError('permanent', message, undefined, { cause: error });
}

const RESPONSE_FORMAT_CACHE_SIZE = 256;

/**
 * The strict JSON schema of a decision, built once per shape. The model sees references (C1…, F1…), so
 * the schema depends only on the allowed operations and how many candidates and folders there are;
 * converting the zod schema on every call cost ~1.5 ms of CPU per job (bench/README.md, workerThroughput).
 */
function createResponseFormats() {
  const formats = new Map<string, ReturnType<typeof zodResponseFormat>>();
  return (view: DecisionRequest) => {
    const key = `${allowedOperationsOf(view).join(',')}|${view.candidates.length}|${view.folders.length}`;
    let format = formats.get(key);
    if (!format) {
      format = zodResponseFormat(buildDecisionSchema(view), 'knowledge_decision');
      if (formats.size >= RESPONSE_FORMAT_CACHE_SIZE) formats.delete(formats.keys().next().value!);
      formats.set(key, format);
    }
    return format;
  };
}

/** Local models sometimes wrap JSON in a markdown fence even in JSON mode. */
function stripFence(text: string): string {
  const match = /^\s*```(?:json)?\s*\n([\s\S]*?)\n?```\s*$/u.exec(text);
  return match ? match[1]! : text;
}

/** The JSON content of a completion, or a `malformed` WriterError carrying the text for the repair prompt. */
function readJsonContent(completion: ChatCompletion): { answer: unknown; answerText: string } {
  const choice = completion.choices[0];
  if (!choice) throw new WriterError('malformed', 'the model returned no choices');
  const { message } = choice;
  const text = message.content ?? '';
  if (message.refusal) {
    throw new WriterError('malformed', `the model refused: ${message.refusal}`, undefined, {
      answerText: text,
    });
  }
  if (choice.finish_reason === 'length') {
    throw new WriterError(
      'malformed',
      'the answer was cut off at the output token limit (finish_reason "length")',
      undefined,
      { answerText: text },
    );
  }
  if (choice.finish_reason === 'content_filter') {
    throw new WriterError('malformed', 'the answer was stopped by the content filter', undefined, {
      answerText: text,
    });
  }
  try {
    return { answer: JSON.parse(stripFence(text)) as unknown, answerText: text };
  } catch {
    const preview = text.length > 200 ? `${text.slice(0, 200)}…` : text;
    throw new WriterError('malformed', `the answer is not JSON: ${JSON.stringify(preview)}`, undefined, {
      answerText: text,
    });
  }
}

function usageOf(completion: ChatCompletion, estimate: () => Usage): Usage {
  const usage = completion.usage;
  // Some OpenAI-compatible servers report no usage; our own count is better than zero for cost figures.
  if (!usage) return estimate();
  return {
    promptTokens: usage.prompt_tokens,
    completionTokens: usage.completion_tokens,
    cachedTokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
  };
}

export function createOpenAIWriter(options: OpenAIWriterOptions): Writer {
  const baseURL = options.baseURL ?? DEFAULT_BASE_URL;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const logger = options.logger.child({ writer: 'openai', model: options.model });
  const client = new OpenAI({
    apiKey: options.apiKey,
    baseURL,
    // Explicit, so the SDK never falls back to reading OPENAI_* from the environment: config.ts alone reads it.
    organization: null,
    project: null,
    timeout: timeoutMs,
    maxRetries: options.maxRetries ?? DEFAULT_MAX_RETRIES,
    fetch: fetchThatSurfacesLongWaits(
      options.maxInCallRetryAfterMs ?? DEFAULT_MAX_IN_CALL_RETRY_AFTER_MS,
      logger,
    ),
    // `debug` would log whole prompts; `info` logs every request.
    logLevel: 'warn',
    logger: {
      error: (message, ...rest) => logger.error({ sdk: rest }, message),
      warn: (message, ...rest) => logger.warn({ sdk: rest }, message),
      info: (message, ...rest) => logger.info({ sdk: rest }, message),
      debug: (message, ...rest) => logger.debug({ sdk: rest }, message),
    },
  });
  const context = { apiKey: options.apiKey, baseURL, timeoutMs };
  const responseFormat = createResponseFormats();

  async function complete(
    params: Omit<ChatCompletionCreateParamsNonStreaming, 'model'>,
    signal: AbortSignal | undefined,
  ): Promise<ChatCompletion> {
    try {
      return await client.chat.completions.create({ ...params, model: options.model }, { signal });
    } catch (error) {
      throw toWriterError(error, context);
    }
  }

  const estimateUsage = (tokenizer: Tokenizer, promptTokens: number, answerText: string): Usage => ({
    promptTokens,
    completionTokens: tokenizer.count(answerText),
    cachedTokens: 0,
  });

  return {
    name: 'openai',
    model: options.model,
    promptVersion: DECISION_PROMPT_VERSION,

    async decide(request: DecisionRequest): Promise<WriterAnswer> {
      const tokenizer = await loadTokenizer();
      // The model sees C1…/F1… references, never database IDs (decision-refs.ts says why).
      const refs = createDecisionRefs(request);
      const prompt = buildDecisionPrompt(refs.view, tokenizer);
      const completion = await complete(
        {
          messages: prompt.messages,
          // `create`, not `parse`: a schema violation must come back as data for validateDecision and
          // the repair prompt, not as an exception thrown by the SDK's zod parse.
          response_format: responseFormat(refs.view),
          max_completion_tokens: MAX_COMPLETION_TOKENS,
        },
        request.signal,
      );
      const { answer, answerText } = readJsonContent(completion);
      const usage = usageOf(completion, () =>
        estimateUsage(tokenizer, prompt.countPromptTokens(), answerText),
      );
      logger.debug({ usage, trimNotes: prompt.trimNotes, sourceId: request.source.id }, 'decision answered');
      return { answer: refs.toIds(answer), answerText, usage, trimNotes: prompt.trimNotes };
    },

    async proposeTree(initPrompt: string, signal?: AbortSignal) {
      const messages: ChatMessage[] = [
        { role: 'system', content: TREE_SYSTEM_PROMPT },
        {
          role: 'user',
          content: `<description>\n${initPrompt.replace(/<(\/?)description\b/giu, '<\u200B$1description')}\n</description>`,
        },
      ];
      const completion = await complete(
        {
          messages,
          response_format: zodResponseFormat(TreeProposalSchema, 'knowledge_tree'),
          max_completion_tokens: MAX_COMPLETION_TOKENS,
        },
        signal,
      );
      const { answer, answerText } = readJsonContent(completion);
      const parsed = TreeProposalSchema.safeParse(answer);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new WriterError(
          'malformed',
          `the proposed tree does not follow the schema at "${issue?.path.join('.') ?? ''}": ${issue?.message ?? 'invalid'}`,
          undefined,
          { answerText },
        );
      }
      const rows: TreeTemplateRow[] = normalizeTreeRows(parsed.data.rows);
      if (rows.length === 0) {
        throw new WriterError('malformed', 'the proposed tree has no folders', undefined, { answerText });
      }
      const tokenizer = await loadTokenizer();
      const promptTokens = messages.reduce((sum, m) => sum + tokenizer.count(m.content) + 4, 0);
      return { rows, usage: usageOf(completion, () => estimateUsage(tokenizer, promptTokens, answerText)) };
    },
  };
}

// The `openai` writer: the official SDK against any OpenAI-compatible endpoint (OpenAI, vLLM, Ollama,
// llama.cpp…), strict JSON-schema structured outputs, failures sorted into WriterError kinds so the
// job knows whether to retry, pause the queue, give up or repair (docs/architecture.md §4). How failures
// are sorted is openai-failures.ts; how an answer is read, openai-answers.ts.
import OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import type {
  ChatCompletion,
  ChatCompletionCreateParamsNonStreaming,
} from 'openai/resources/chat/completions';
import type { Logger } from '../lib/logger.js';
import { createDecisionRefs } from './decision-refs.js';
import { buildDecisionPrompt, DECISION_PROMPT_VERSION, type ChatMessage } from './decision-prompt.js';
import { createResponseFormats, readJsonContent, usageOf } from './openai-answers.js';
import { fetchThatSurfacesLongWaits, toWriterError } from './openai-failures.js';
import { loadTokenizer, type Tokenizer } from './token-budget.js';
import { normalizeTreeRows, TREE_SYSTEM_PROMPT, TreeProposalSchema } from './tree-proposal.js';
import {
  WriterError,
  type TreeTemplateRow,
  type Usage,
  type Writer,
  type WriterAnswer,
  type DecisionRequest,
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

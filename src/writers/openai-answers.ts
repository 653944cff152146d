// Reading a completion of the `openai` writer: the strict response format of a decision (cached per shape),
// the JSON content or a `malformed` WriterError carrying the text for the repair prompt, and the usage.
// Part of the `openai` writer (openai-writer.ts).
import { zodResponseFormat } from 'openai/helpers/zod';
import type { ChatCompletion } from 'openai/resources/chat/completions';
import { allowedOperationsOf, buildDecisionSchema } from './decision-schema.js';
import { WriterError, type DecisionRequest, type Usage } from './writer.js';

const RESPONSE_FORMAT_CACHE_SIZE = 256;

/**
 * The strict JSON schema of a decision, built once per shape. The model sees references (C1…, F1…), so
 * the schema depends only on the allowed operations and how many candidates and folders there are;
 * converting the zod schema on every call cost ~1.5 ms of CPU per job (bench/README.md, workerThroughput).
 */
export function createResponseFormats() {
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
export function readJsonContent(completion: ChatCompletion): { answer: unknown; answerText: string } {
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

export function usageOf(completion: ChatCompletion, estimate: () => Usage): Usage {
  const usage = completion.usage;
  // Some OpenAI-compatible servers report no usage; our own count is better than zero for cost figures.
  if (!usage) return estimate();
  return {
    promptTokens: usage.prompt_tokens,
    completionTokens: usage.completion_tokens,
    cachedTokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
  };
}

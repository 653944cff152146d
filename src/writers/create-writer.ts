// Picks the writer from the configuration (DESIGN.md §5: LLM_PROVIDER auto | openai | offline) and says
// at start which one runs, so nobody mistakes extracted articles for model-written ones.
import type { Config } from '../config.js';
import type { Logger } from '../lib/logger.js';
import { createOfflineWriter } from './offline-writer.js';
import { createOpenAIWriter } from './openai-writer.js';
import type { Writer } from './writer.js';

// The SDK insists on a key; local servers (Ollama, vLLM without --api-key, llama.cpp) ignore it.
const PLACEHOLDER_API_KEY = 'no-key-needed-for-this-server';

type WriterConfig = Pick<
  Config,
  'llmProvider' | 'openaiApiKey' | 'openaiBaseUrl' | 'openaiModel' | 'llmTimeoutMs'
>;

export function createWriter(config: WriterConfig, logger: Logger): Writer {
  const configured = config.openaiApiKey !== undefined || config.openaiBaseUrl !== undefined;
  const provider = config.llmProvider === 'auto' ? (configured ? 'openai' : 'offline') : config.llmProvider;

  if (provider === 'offline') {
    const writer = createOfflineWriter();
    logger.info(
      { writer: writer.name, llmProvider: config.llmProvider },
      'writer: offline. Articles are extracted from the page text, not written by a model; set OPENAI_API_KEY or OPENAI_BASE_URL for real generation',
    );
    return writer;
  }

  // LLM_PROVIDER=openai without a key or base URL never gets here: loadConfig refuses it.
  const writer = createOpenAIWriter({
    apiKey: config.openaiApiKey ?? PLACEHOLDER_API_KEY,
    baseURL: config.openaiBaseUrl,
    model: config.openaiModel,
    timeoutMs: config.llmTimeoutMs,
    logger,
  });
  logger.info(
    {
      writer: writer.name,
      model: writer.model,
      baseURL: config.openaiBaseUrl ?? 'https://api.openai.com/v1',
      keyConfigured: config.openaiApiKey !== undefined,
      llmProvider: config.llmProvider,
    },
    `writer: openai, model ${writer.model}`,
  );
  return writer;
}

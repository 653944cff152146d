// Counting and cutting text in model tokens, so the prompt fits a budget. o200k_base is the encoding
// of the gpt-4o / gpt-4.1 / o-series family (the default OPENAI_MODEL); for other models it is a close
// enough estimate. The ranks ship inside the js-tiktoken package: nothing is downloaded.
import { Tiktoken } from 'js-tiktoken/lite';

export interface Tokenizer {
  count(text: string): number;
  /**
   * The longest prefix of `text` with at most `maxTokens` tokens, and the token count of the whole text
   * (estimated from its length when the text is huge: see HUGE_TEXT_CHARS).
   */
  truncate(text: string, maxTokens: number): { text: string; tokens: number; originalTokens: number };
}

// Encoding costs ~0.5 µs per character; a page of several megabytes would hold a worker's CPU for
// seconds, so text far beyond the budget is cut by characters first. 64 characters per budget token
// is far more than ordinary text needs (about 4), so the cut is almost never what limits the result.
const CHARS_PER_BUDGET_TOKEN = 64;
const ESTIMATED_CHARS_PER_TOKEN = 4;

// Building the encoder takes ~0.7 s of CPU, so it is built once per process, on first use, and only by
// the openai writer (the offline writer never loads the ranks).
let loading: Promise<Tokenizer> | undefined;

export function loadTokenizer(): Promise<Tokenizer> {
  loading ??= import('js-tiktoken/ranks/o200k_base').then(({ default: ranks }) =>
    createTokenizer(new Tiktoken(ranks)),
  );
  return loading;
}

function createTokenizer(encoder: Tiktoken): Tokenizer {
  // Special-token text such as "<|endoftext|>" in a web page is plain text here; by default js-tiktoken
  // throws on it, which would let any page break the writer.
  const encode = (text: string) => encoder.encode(text, [], []);
  return {
    count: (text) => encode(text).length,
    truncate(text, maxTokens) {
      const limit = Math.max(1, maxTokens) * CHARS_PER_BUDGET_TOKEN;
      const huge = text.length > limit;
      const tokens = encode(huge ? text.slice(0, limit) : text);
      if (!huge && tokens.length <= maxTokens) {
        return { text, tokens: tokens.length, originalTokens: tokens.length };
      }
      const originalTokens = huge ? Math.ceil(text.length / ESTIMATED_CHARS_PER_TOKEN) : tokens.length;
      // A cut can split a multi-byte character; the decoder turns the broken tail into U+FFFD.
      const kept = encoder.decode(tokens.slice(0, Math.max(0, maxTokens))).replace(/\uFFFD+$/u, '');
      return { text: kept, tokens: Math.min(tokens.length, Math.max(0, maxTokens)), originalTokens };
    },
  };
}

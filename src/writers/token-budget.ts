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

// Token counts of recently seen texts. A batch shows the same folder descriptions and candidate articles
// to job after job; encoding them again was most of a worker's CPU per job (bench/README.md,
// workerThroughput). Bounded by characters held, least recently used first out.
const COUNT_CACHE_CHARS = 2_000_000;
const COUNT_CACHE_MAX_TEXT_CHARS = 64_000;

function createCountCache() {
  const counts = new Map<string, number>();
  let chars = 0;
  return {
    get(text: string): number | undefined {
      const count = counts.get(text);
      if (count !== undefined) {
        counts.delete(text);
        counts.set(text, count);
      }
      return count;
    },
    set(text: string, count: number): void {
      if (text.length > COUNT_CACHE_MAX_TEXT_CHARS || counts.has(text)) return;
      counts.set(text, count);
      chars += text.length;
      for (const oldest of counts.keys()) {
        if (chars <= COUNT_CACHE_CHARS) break;
        counts.delete(oldest);
        chars -= oldest.length;
      }
    },
  };
}

function createTokenizer(encoder: Tiktoken): Tokenizer {
  // Special-token text such as "<|endoftext|>" in a web page is plain text here; by default js-tiktoken
  // throws on it, which would let any page break the writer.
  const encode = (text: string) => encoder.encode(text, [], []);
  const cache = createCountCache();
  return {
    count(text) {
      const known = cache.get(text);
      if (known !== undefined) return known;
      const count = encode(text).length;
      cache.set(text, count);
      return count;
    },
    truncate(text, maxTokens) {
      const limit = Math.max(1, maxTokens) * CHARS_PER_BUDGET_TOKEN;
      const huge = text.length > limit;
      const known = huge ? undefined : cache.get(text);
      if (known !== undefined && known <= maxTokens) return { text, tokens: known, originalTokens: known };
      const tokens = encode(huge ? text.slice(0, limit) : text);
      if (!huge) cache.set(text, tokens.length);
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

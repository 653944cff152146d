// Counting and cutting text in model tokens, so the prompt fits a budget. o200k_base is the encoding
// of the gpt-4o / gpt-4.1 / o-series family (the default OPENAI_MODEL); for other models it is a close
// enough estimate. The ranks ship inside the gpt-tokenizer package: nothing is downloaded.
//
// gpt-tokenizer rather than js-tiktoken: the same o200k tokens (checked on mixed text, special-token
// text, CJK and emoji), but ~60 MB of RSS for the encoder instead of ~135 MB, and encoding ~8x faster;
// js-tiktoken put the worker over its memory target and was the largest CPU cost per job in the
// benchmarks (bench/README.md, memory and workerThroughput).
import type * as O200k from 'gpt-tokenizer/encoding/o200k_base';

export interface Tokenizer {
  count(text: string): number;
  /**
   * The longest prefix of `text` with at most `maxTokens` tokens, and the token count of the whole text
   * (estimated from its length when the text is huge: see HUGE_TEXT_CHARS).
   */
  truncate(text: string, maxTokens: number): { text: string; tokens: number; originalTokens: number };
}

// Encoding costs ~0.05 µs per character; a page of several megabytes would still hold a worker's CPU,
// so text far beyond the budget is cut by characters first. 64 characters per budget token is far more
// than ordinary text needs (about 4), so the cut is almost never what limits the result.
const CHARS_PER_BUDGET_TOKEN = 64;
const ESTIMATED_CHARS_PER_TOKEN = 4;

// Loading the encoder takes CPU and memory, so it is done once per process, on first use, and only by
// the openai writer (the offline writer never loads the ranks).
let loading: Promise<Tokenizer> | undefined;

export function loadTokenizer(): Promise<Tokenizer> {
  loading ??= Promise.all([
    import('gpt-tokenizer/encoding/o200k_base'),
    import('gpt-tokenizer/esm/BytePairEncodingCore'),
  ]).then(([encoding, core]) => {
    // Typed here: the type-aware lint cannot resolve the declared type of this internal export.
    const shared = core.decoder as unknown as { decode(): string };
    return createTokenizer(encoding, () => shared.decode());
  });
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

function createTokenizer(encoding: typeof O200k, resetDecoder: () => void): Tokenizer {
  // Special-token text such as "<|endoftext|>" in a web page is plain text here; by default the
  // encoder throws on it, which would let any page break the writer.
  const plainText = { disallowedSpecial: new Set<string>() };
  const encode = (text: string) => encoding.encode(text, plainText);
  const count = (text: string) => encoding.countTokens(text, plainText);
  const cache = createCountCache();

  /**
   * The text of the first `n` tokens of `text`. gpt-tokenizer 4.0.0 decodes through one shared streaming
   * TextDecoder that it never flushes: a cut inside a multi-byte character leaves its bytes pending, and
   * they would open the next decode. So the decoder is flushed after each cut, and a result that is not
   * a prefix of the text (should that ever happen again) is replaced by the longest prefix that fits.
   */
  function prefixOf(text: string, tokens: number[], n: number): string {
    let kept: string;
    try {
      kept = encoding.decode(tokens.slice(0, n)).replace(/\uFFFD+$/u, '');
    } finally {
      resetDecoder();
    }
    if (text.startsWith(kept)) return kept;
    let low = 0;
    let high = Math.min(text.length, n * CHARS_PER_BUDGET_TOKEN);
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (count(text.slice(0, middle)) <= n) low = middle;
      else high = middle - 1;
    }
    return text.slice(0, low).replace(/[\uD800-\uDBFF]$/u, '');
  }

  return {
    count(text) {
      const known = cache.get(text);
      if (known !== undefined) return known;
      const counted = count(text);
      cache.set(text, counted);
      return counted;
    },
    truncate(text, maxTokens) {
      const limit = Math.max(1, maxTokens) * CHARS_PER_BUDGET_TOKEN;
      const huge = text.length > limit;
      const known = huge ? undefined : cache.get(text);
      if (known !== undefined && known <= maxTokens) return { text, tokens: known, originalTokens: known };
      const source = huge ? text.slice(0, limit) : text;
      const tokens = encode(source);
      if (!huge) cache.set(text, tokens.length);
      if (!huge && tokens.length <= maxTokens) {
        return { text, tokens: tokens.length, originalTokens: tokens.length };
      }
      const originalTokens = huge ? Math.ceil(text.length / ESTIMATED_CHARS_PER_TOKEN) : tokens.length;
      const kept = Math.max(0, maxTokens);
      return { text: prefixOf(source, tokens, kept), tokens: Math.min(tokens.length, kept), originalTokens };
    },
  };
}

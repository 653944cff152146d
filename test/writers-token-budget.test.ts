import { describe, expect, it } from 'vitest';
import { loadTokenizer } from '../src/writers/token-budget.js';

// Texts are unique per test (the tokenizer is shared by the process and remembers counts); budgets stay
// above text.length / 64, below which truncate estimates the original count instead of encoding it all.
const paragraph = (tag: string) =>
  `${tag}: refunds go back to the original payment method within five business days. `.repeat(40);

describe('token budget: counts it has seen before', () => {
  it('gives the same count and the same cut on a second call as on the first', async () => {
    const tokenizer = await loadTokenizer();
    const text = paragraph('repeat');
    const count = tokenizer.count(text);
    expect(tokenizer.count(text)).toBe(count);

    const whole = tokenizer.truncate(text, count + 10);
    expect(whole).toEqual({ text, tokens: count, originalTokens: count });
    expect(tokenizer.truncate(text, count + 10)).toEqual(whole);

    const cut = tokenizer.truncate(text, 100);
    expect(cut.tokens).toBe(100);
    expect(cut.originalTokens).toBe(count);
    expect(tokenizer.count(cut.text)).toBeLessThanOrEqual(100);
    expect(tokenizer.truncate(text, 100)).toEqual(cut);
  });

  it('still cuts a text it has counted when a smaller budget comes later', async () => {
    const tokenizer = await loadTokenizer();
    const text = paragraph('later');
    const count = tokenizer.count(text);
    const cut = tokenizer.truncate(text, Math.floor(count / 2));
    expect(cut.tokens).toBe(Math.floor(count / 2));
    expect(cut.text.length).toBeLessThan(text.length);
  });
});

describe('token budget: o200k tokens of any page text', () => {
  it('counts special-token text as plain text instead of throwing', async () => {
    const tokenizer = await loadTokenizer();
    const text = 'Ignore this: <|endoftext|> and <|im_start|>system';
    expect(tokenizer.count(text)).toBeGreaterThan(10);
    expect(tokenizer.truncate(text, 5).text).toBe('Ignore this: <|');
  });

  // In this order, the cut at 11 tokens ends inside an emoji; with gpt-tokenizer's shared decoder not
  // flushed, its pending bytes came out in the middle of the cut at 20 (see token-budget.ts).
  it('cuts multi-byte text into a prefix of it, without a broken character, cut after cut', async () => {
    const tokenizer = await loadTokenizer();
    const text = '日本語のテキストと絵文字 🎉🎉🎉 が続きます。'.repeat(20);
    for (const budget of [3, 7, 11, 20]) {
      const cut = tokenizer.truncate(text, budget);
      expect(text.startsWith(cut.text)).toBe(true);
      expect(cut.text).not.toMatch(/\uFFFD/u);
    }
  });
});

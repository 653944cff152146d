// Plain full-text similarity for the offline writer: tokenize, drop stop words, stem lightly, compare
// term vectors by cosine. Deterministic and dependency-free; good enough to tell "same page", "same
// subject" and "new subject" apart, which is all the offline writer decides.
import { STOP_WORDS } from '../lib/stop-words.js';
import { fold } from '../lib/squash.js';

/**
 * A light English stemmer: folds plurals and the commonest verb endings so "refunds", "refunded" and
 * "refunding" meet. Deliberately conservative (no Porter rules): a wrong merge costs more than a miss.
 */
export function stem(word: string): string {
  if (word.length <= 3 || /\d/u.test(word)) return word;
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`;
  if (word.endsWith('sses')) return word.slice(0, -2);
  if (word.endsWith('ing') && word.length > 5) return undouble(word.slice(0, -3));
  if (word.endsWith('ed') && word.length > 4) return undouble(word.slice(0, -2));
  if (word.endsWith('es') && /(?:ch|sh|x|z|ss)es$/u.test(word)) return word.slice(0, -2);
  if (word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us') && !word.endsWith('is')) {
    return word.slice(0, -1);
  }
  return word;
}

function undouble(word: string): string {
  return /([b-df-hj-np-tv-z])\1$/u.test(word) && !/(?:ll|ss|zz)$/u.test(word) ? word.slice(0, -1) : word;
}

/** Lowercased words without accents, stop words and one-letter tokens, in text order. */
export function words(text: string): string[] {
  return (fold(text).match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu) ?? [])
    .map((word) => word.replace(/['’]s$/u, '').replace(/['’]/gu, ''))
    .filter((word) => word.length > 1 && !STOP_WORDS.has(word));
}

export const terms = (text: string): string[] => words(text).map(stem);

export type TermVector = Map<string, number>;

/** Term weights: 1 + ln(count), so a term repeated ten times does not drown the rest. */
export function termVector(text: string, weight = 1): TermVector {
  const counts = new Map<string, number>();
  for (const term of terms(text)) counts.set(term, (counts.get(term) ?? 0) + 1);
  for (const [term, count] of counts) counts.set(term, (1 + Math.log(count)) * weight);
  return counts;
}

/** Adds `extra` into `base` (for weighting a title above a body). */
export function addVectors(base: TermVector, extra: TermVector): TermVector {
  const sum = new Map(base);
  for (const [term, value] of extra) sum.set(term, (sum.get(term) ?? 0) + value);
  return sum;
}

export function cosine(a: TermVector, b: TermVector): number {
  if (a.size === 0 || b.size === 0) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [term, value] of small) dot += value * (large.get(term) ?? 0);
  if (dot === 0) return 0;
  const norm = (v: TermVector) => Math.sqrt([...v.values()].reduce((sum, x) => sum + x * x, 0));
  return dot / (norm(a) * norm(b));
}

/** The most frequent terms, each in its most frequent surface form, ties broken by first appearance. */
export function topTerms(text: string, limit: number, minLength = 3): string[] {
  const stats = new Map<string, { count: number; first: number; forms: Map<string, number> }>();
  words(text).forEach((word, index) => {
    if (word.length < minLength || /^\d+$/u.test(word)) return;
    const key = stem(word);
    const entry = stats.get(key) ?? { count: 0, first: index, forms: new Map<string, number>() };
    entry.count += 1;
    entry.forms.set(word, (entry.forms.get(word) ?? 0) + 1);
    stats.set(key, entry);
  });
  return [...stats.values()]
    .sort((x, y) => y.count - x.count || x.first - y.first)
    .slice(0, limit)
    .map((entry) => [...entry.forms.entries()].sort((x, y) => y[1] - x[1])[0]![0]);
}

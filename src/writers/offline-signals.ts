// What the offline writer reads in a page besides its similarity to an article: whether the page only
// repeats an article (word for word, with trivial additions, or reworded without a new fact), whether
// it is about the same subject as an article at all, and whether it is help content in the first place.
import { markdownToText } from '../lib/markdown-text.js';
import { fold } from '../lib/squash.js';
import { terms } from './text-similarity.js';

/** Every word and number, lowercased, accents and markdown off: the text's content, not its form. */
export function contentWords(text: string): string[] {
  return fold(markdownToText(text)).match(/[\p{L}\p{N}]+/gu) ?? [];
}

// Blocks every help-center page carries that say nothing about the article.
const BOILERPLATE_BLOCK =
  /^(?:last updated|updated|published|written by|modified on|still need help|need more help|can't find what you're looking for|contact (?:our )?support|was this (?:article|page) helpful)\b/iu;

/** The page's blocks without boilerplate lines. */
export const withoutBoilerplate = (blocks: string[]) =>
  blocks.filter((block) => !BOILERPLATE_BLOCK.test(markdownToText(block.replace(/^#+\s*/u, ''))));

function bagDifference(a: string[], b: string[]): string[] {
  const counts = new Map<string, number>();
  for (const word of b) counts.set(word, (counts.get(word) ?? 0) + 1);
  const out: string[] = [];
  for (const word of a) {
    const left = counts.get(word) ?? 0;
    if (left > 0) counts.set(word, left - 1);
    else out.push(word);
  }
  return out;
}

const isNumber = (word: string) => /^\p{N}+$/u.test(word);
const hasNumber = (words: string[]) => words.some(isNumber);
// "A sentence of boilerplate": more than this many new words is new content.
const TRIVIAL_EXTRA_WORDS = 15;

/**
 * The page says what the article says: the same words, or the article's words plus a sentence or so
 * with no number in it, and nothing of the article missing but a word or two.
 */
export function onlyTriviallyDifferent(pageText: string, articleBody: string): boolean {
  const page = contentWords(pageText);
  const article = contentWords(articleBody);
  if (article.length === 0) return false;
  const extra = bagDifference(page, article);
  const missing = bagDifference(article, page);
  return (
    extra.length <= TRIVIAL_EXTRA_WORDS &&
    !hasNumber(extra) &&
    missing.length <= Math.max(2, Math.floor(article.length * 0.02)) &&
    !hasNumber(missing)
  );
}

const numbers = (text: string) => new Set(contentWords(text).filter(isNumber));
const countLines = (text: string, pattern: RegExp) =>
  text.split('\n').filter((line) => pattern.test(line)).length;
const STEP = /^\s*(?:\d+[.)]|[-*+])\s+/u;
const SECTION = /^\s{0,3}#{2,6}\s+/u;

/**
 * No new fact: the same numbers (amounts, days, dates) on both sides, and the page has no step or
 * section the article lacks. Rewording alone is not a reason to rewrite an article.
 */
export function addsNoFact(pageText: string, articleBody: string): boolean {
  const pageNumbers = numbers(pageText);
  const articleNumbers = numbers(articleBody);
  if (pageNumbers.size !== articleNumbers.size || [...pageNumbers].some((n) => !articleNumbers.has(n)))
    return false;
  return (
    countLines(pageText, STEP) <= countLines(articleBody, STEP) &&
    countLines(pageText, SECTION) <= countLines(articleBody, SECTION)
  );
}

// Title words that name a kind of page, not a subject.
const GENERIC_TITLE_TERMS = new Set(terms('how guide overview introduction faq about new'));
// A stem can be a stop word ("getting" → "get"), which the page's own terms never contain.
const subjectTerms = (title: string) =>
  terms(title).filter((term) => !GENERIC_TITLE_TERMS.has(term) && terms(term).length > 0);

/**
 * The page and the article are about one subject: every word of the article's title occurs in the
 * page, or every word of the page's title occurs in the article. "Connect Slack" and a "Connect
 * Microsoft Teams" page share the domain, not the subject.
 */
export function aboutSameSubject(
  article: { title: string; text: string },
  page: { title: string; text: string },
): boolean {
  const contains = (title: string, text: string) => {
    const subject = subjectTerms(title);
    const words = new Set(terms(text));
    return subject.length > 0 && subject.every((term) => words.has(term));
  };
  return contains(article.title, page.text) || contains(page.title, article.text);
}

/** A section index or home page: links and headings, hardly a sentence of its own. */
export function isNavigationOnly(blocks: string[]): boolean {
  let links = 0;
  let prose = 0;
  for (const block of blocks) {
    if (/^\s{0,3}#/u.test(block)) continue;
    links += (block.match(/\[[^\]]+\]\([^)]*\)/gu) ?? []).length;
    prose += contentWords(block.replace(/\[[^\]]*\]\([^)]*\)/gu, ' ')).length;
  }
  return links >= 3 && prose < 20;
}

// Sections of a company site that are not help content.
const NOT_HELP_SECTIONS = new Set([
  'careers',
  'jobs',
  'press',
  'newsroom',
  'investors',
  'legal',
  'imprint',
  'impressum',
  'about',
  'about-us',
  'company',
  'team',
  'events',
  'webinars',
]);

/** The path section that marks the page as not help content ("careers" of /careers/backend), if any. */
export function notHelpSection(url: string): string | undefined {
  try {
    const first = new URL(url).pathname.split('/').filter(Boolean)[0]?.toLowerCase();
    return first !== undefined && NOT_HELP_SECTIONS.has(first) ? first : undefined;
  } catch {
    return undefined;
  }
}

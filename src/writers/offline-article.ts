// How the offline writer turns a page into an article without a model (docs/architecture.md §4): the page's own
// title, its leading blocks as the body, its headings as questions, its most frequent terms as
// keywords. Extraction, not writing: the README says real generation needs a model.
import { markdownToText } from '../lib/markdown-text.js';
import { cleanTitle } from '../lib/page-title.js';
import { topTerms } from './text-similarity.js';
import type { ArticleContent, DecisionSource } from './writer.js';

/** A help-center article, not the whole page: leading blocks up to this many characters. */
export const OFFLINE_BODY_MAX_CHARS = 2_500;
const MAX_QUESTIONS = 8;
const MAX_KEYWORDS = 8;
// Title terms count several times when picking keywords: the title names the subject.
const TITLE_WEIGHT = 3;

const HEADING = /^\s{0,3}(#{1,6})\s+(.+?)\s*#*\s*$/u;

/** The heading that opens a block (its first line), if any. */
function headingText(block: string): string | undefined {
  const match = HEADING.exec(block.split('\n')[0] ?? '');
  return match ? markdownToText(match[2]!) : undefined;
}

const isHeadingOnly = (block: string) => headingText(block) !== undefined && !block.includes('\n');

/** "Refund policy | Acme Help" → "Refund policy": the same rule as extraction's (lib/page-title.ts). */
const cleanPageTitle = (title: string, url: string) => cleanTitle(markdownToText(title), { url });

function titleFromUrl(url: string): string {
  try {
    const last = new URL(url).pathname.split('/').filter(Boolean).at(-1) ?? '';
    const words = decodeURIComponent(last)
      .replace(/\.[a-z0-9]+$/iu, '')
      .replace(/[-_]+/gu, ' ')
      .trim();
    return words === '' ? new URL(url).hostname : words[0]!.toUpperCase() + words.slice(1);
  } catch {
    return '';
  }
}

function firstWords(text: string, count: number): string {
  const words = markdownToText(text).split(' ');
  return words.slice(0, count).join(' ') + (words.length > count ? '…' : '');
}

// Help-center headings in the imperative ("Reset your password") read as "How do I …?".
const TASK_VERBS =
  /^(?:add|activate|cancel|change|check|close|connect|contact|create|deactivate|delete|disable|download|edit|enable|export|find|get|import|install|invite|manage|pay|remove|renew|request|reset|restore|return|set up|sign in|sign up|start|stop|track|transfer|turn (?:on|off)|update|upgrade|upload|use|verify)\b/iu;

/** A heading as a customer's question, keeping its capitalization (product names stay intact). */
export function toQuestion(heading: string): string {
  const text = heading.replace(/[\s:.;,!-]+$/u, '').trim();
  if (text === '') return text;
  if (text.endsWith('?')) return text;
  const howTo = /^how to\s+(.+)$/iu.exec(text);
  if (howTo) return `How do I ${howTo[1]!.replace(/\byour\b/giu, 'my')}?`;
  if (/^(how|what|when|where|why|who|which|can|could|do|does|did|is|are|should|will|may)\b/iu.test(text)) {
    return `${text[0]!.toUpperCase()}${text.slice(1)}?`;
  }
  if (TASK_VERBS.test(text))
    return `How do I ${text[0]!.toLowerCase()}${text.slice(1).replace(/\byour\b/giu, 'my')}?`;
  return `${text}: what do I need to know?`;
}

/** The first `max` characters of a block, cut at a word boundary. */
function cutBlock(block: string, max: number): string {
  if (block.length <= max) return block;
  const cut = block.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

export function articleFromSource(source: DecisionSource): ArticleContent {
  const blocks = source.paragraphs.map((p) => p.trim()).filter((p) => p !== '');
  const headings = blocks.map(headingText);
  const firstHeading = headings.find((h) => h !== undefined);
  const firstText = blocks.find((block) => !isHeadingOnly(block));
  const title =
    cleanPageTitle(source.title, source.url) ||
    firstHeading ||
    (firstText ? firstWords(firstText, 8) : '') ||
    titleFromUrl(source.url) ||
    'Untitled page';

  // The body: leading blocks in page order, without a heading that only repeats the title, and
  // without a trailing heading that would introduce nothing.
  const body: string[] = [];
  let length = 0;
  for (const [index, original] of blocks.entries()) {
    const heading = headings[index];
    let block = original;
    if (heading !== undefined && heading.toLowerCase() === title.toLowerCase()) {
      block = block.split('\n').slice(1).join('\n').trim();
      if (block === '') continue;
    }
    const room = OFFLINE_BODY_MAX_CHARS - length;
    if (block.length > room) {
      if (body.length === 0) body.push(cutBlock(block, OFFLINE_BODY_MAX_CHARS));
      break;
    }
    body.push(block);
    length += block.length + 2;
  }
  while (body.length > 0 && isHeadingOnly(body.at(-1)!)) body.pop();

  const sectionHeadings = headings.filter(
    (h): h is string => h !== undefined && h !== '' && h.toLowerCase() !== title.toLowerCase(),
  );
  const questions = [...new Set((sectionHeadings.length > 0 ? sectionHeadings : [title]).map(toQuestion))]
    .filter((q) => q !== '')
    .slice(0, MAX_QUESTIONS);

  const allText = blocks.map((block) => markdownToText(block)).join('\n');
  const keywords = topTerms(`${`${title}\n`.repeat(TITLE_WEIGHT)}${allText}`, MAX_KEYWORDS);

  return {
    title,
    mainKnowledge: body.join('\n\n'),
    agentInstruction: `Use this article for questions about "${title}". It was extracted from ${source.url || 'the source page'} without a language model: when it does not answer the question, check that page.`,
    questions,
    keywords: keywords.length > 0 ? keywords : [title],
    escalation: false,
  };
}

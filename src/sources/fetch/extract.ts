// Page → title + paragraphs (docs/architecture.md §3). HTML: the site's chrome and widgets go first (page-chrome.ts),
// then Readability (Firefox Reader View's algorithm) on a linkedom DOM finds the main content, which
// html-blocks.ts turns into markdown paragraphs, with absolute links. Markdown and plain text pass
// through, split on blank lines.
import { Readability } from '@mozilla/readability';
import { sha256Hex } from '../../lib/hashing.js';
import { squash } from '../../lib/squash.js';
import { parseDocument, type DomDocument } from './dom.js';
import { FetchError } from './fetch-errors.js';
import { htmlBlocks } from './html-blocks.js';
import { removeChrome } from './page-chrome.js';
import { breadcrumbTrail, mainHeading, pageTitle } from './page-meta.js';

export interface Extracted {
  title: string;
  /** The media type without parameters, e.g. text/html. */
  mimeType: string;
  paragraphs: string[];
  /** The page's breadcrumb trail, root first (without the page itself); [] when it shows none. */
  breadcrumb: string[];
}

const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);
const MARKDOWN_TYPES = new Set(['text/markdown', 'text/x-markdown']);
const TEXT_TYPES = new Set(['text/plain']);

/** sha256 of the normalized text: whitespace-collapsed paragraphs joined by blank lines. */
export function contentHash(paragraphs: string[]): string {
  return sha256Hex(paragraphs.map(squash).join('\n\n'));
}

function mediaType(contentType: string): { type: string; charset?: string } {
  const [type = '', ...params] = contentType.split(';');
  const charset = params
    .map((param) => param.trim().split('='))
    .find(([name]) => name?.toLowerCase() === 'charset')?.[1]
    ?.replace(/"/g, '');
  return { type: type.trim().toLowerCase(), charset };
}

function decode(body: Buffer, charset: string | undefined, sniffHtml: boolean): string {
  let label = charset;
  if (!label && sniffHtml) {
    const head = body.subarray(0, 2048).toString('latin1');
    label = /<meta[^>]+charset\s*=\s*["']?([\w-]+)/i.exec(head)?.[1];
  }
  try {
    return new TextDecoder(label ?? 'utf-8').decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}

// --- HTML --------------------------------------------------------------------------------------------

function readability(document: DomDocument) {
  // Readability mutates the document it is given.
  return new Readability(document, { charThreshold: 200, keepClasses: true }).parse();
}

export interface MainContent {
  title: string;
  /** The page's h1, as the article's heading. */
  heading: string;
  breadcrumb: string[];
  /** What Readability chose as the main content (HTML). */
  readabilityHtml: string;
  /** That content as markdown blocks: the markdown path, which must lose none of its text. */
  paragraphs: string[];
}

export function mainContent(html: string, url: URL): MainContent {
  const document = parseDocument(html);
  const title = pageTitle(document, url);
  const heading = mainHeading(document);
  const breadcrumb = breadcrumbTrail(document, title || heading);
  removeChrome(document, url);
  const fallbackBody = document.body?.innerHTML ?? '';
  const article = readability(document);
  const readabilityHtml = article?.content ?? fallbackBody;
  const paragraphs = htmlBlocks(readabilityHtml);
  return { title: title || squash(article?.title ?? ''), heading, breadcrumb, readabilityHtml, paragraphs };
}

const headingText = (block: string) => /^#{1,6}\s+(.+)$/u.exec(block.split('\n')[0] ?? '')?.[1]?.trim();

function extractHtml(html: string, url: URL): { title: string; paragraphs: string[]; breadcrumb: string[] } {
  const { title, heading, breadcrumb, paragraphs } = mainContent(html, url);
  // Readability sets aside the heading that repeats the title; the article keeps it.
  const key = (text: string | undefined) => (text ?? '').toLowerCase();
  const hasHeading = paragraphs.some((p) => key(headingText(p)) === key(heading));
  if (heading && key(heading) === key(title) && !hasHeading) paragraphs.unshift(`# ${heading}`);
  return { title, paragraphs, breadcrumb };
}

// --- Markdown and plain text --------------------------------------------------------------------------

/** Blank-line separated blocks; a fenced code block stays whole even when it has blank lines. */
export function splitBlocks(text: string): string[] {
  const blocks: string[] = [];
  let current: string[] = [];
  let fence: string | undefined;
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker) {
      if (!fence) fence = marker[0]!.repeat(marker.length);
      else if (marker.startsWith(fence)) fence = undefined;
    }
    if (!fence && !marker && line.trim() === '') {
      if (current.length) blocks.push(current.join('\n').trim());
      current = [];
      continue;
    }
    current.push(line);
  }
  if (current.length) blocks.push(current.join('\n').trim());
  return blocks.filter(Boolean);
}

function markdownTitle(blocks: string[]): string {
  for (const block of blocks) {
    const heading = /^#{1,6}\s+(.+)$/m.exec(block)?.[1];
    if (heading) return squash(heading.replace(/#+\s*$/, ''));
  }
  return '';
}

function fallbackTitle(url: URL): string {
  const last = url.pathname.split('/').filter(Boolean).at(-1);
  return last ? decodeURIComponent(last) : url.hostname;
}

/** Throws a permanent FetchError for an unsupported type or a page without text. */
export function extractContent(body: Buffer, contentType: string, url: URL): Extracted {
  const media = mediaType(contentType);
  const charset = media.charset;
  let type = media.type;
  if (!type) {
    const head = body.subarray(0, 1024).toString('utf8').trimStart().toLowerCase();
    type = head.startsWith('<!doctype html') || head.startsWith('<html') ? 'text/html' : 'text/plain';
  }
  let title: string;
  let paragraphs: string[];
  let breadcrumb: string[] = [];
  if (HTML_TYPES.has(type)) {
    ({ title, paragraphs, breadcrumb } = extractHtml(decode(body, charset, true), url));
  } else if (MARKDOWN_TYPES.has(type) || TEXT_TYPES.has(type)) {
    paragraphs = splitBlocks(decode(body, charset, false));
    title = MARKDOWN_TYPES.has(type)
      ? markdownTitle(paragraphs)
      : squash(paragraphs[0]?.split('\n')[0] ?? '').slice(0, 200);
  } else {
    throw new FetchError(
      'unsupported-type',
      `${url.href} is ${type}, which Distill cannot extract text from; ingest HTML, Markdown or plain-text pages.`,
    );
  }
  if (paragraphs.length === 0)
    throw new FetchError(
      'empty-content',
      `No readable text was found on ${url.href}; the page may be empty or need JavaScript to show its content.`,
    );
  return { title: (title || fallbackTitle(url)).slice(0, 500), mimeType: type, paragraphs, breadcrumb };
}

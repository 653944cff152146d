// Page → title + paragraphs (DESIGN.md §3). HTML: Readability (Firefox Reader View's algorithm) on a
// linkedom DOM finds the main content, so navigation, headers and footers are left out; each block of it
// (heading, paragraph, whole list, code block, table, quote) becomes one markdown paragraph via turndown.
// Markdown and plain text pass through, split on blank lines.
import { Readability } from '@mozilla/readability';
import TurndownService from 'turndown';
import { tables } from 'turndown-plugin-gfm';
import { sha256Hex } from '../../lib/hashing.js';
import { parseDocument, type DomDocument, type DomElement, type DomNode } from './dom.js';
import { FetchError } from './fetch-errors.js';

export interface Extracted {
  title: string;
  /** The media type without parameters, e.g. text/html. */
  mimeType: string;
  paragraphs: string[];
}

const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);
const MARKDOWN_TYPES = new Set(['text/markdown', 'text/x-markdown']);
const TEXT_TYPES = new Set(['text/plain']);

/** sha256 of the normalized text: whitespace-collapsed paragraphs joined by blank lines. */
export function contentHash(paragraphs: string[]): string {
  return sha256Hex(paragraphs.map((paragraph) => paragraph.replace(/\s+/g, ' ').trim()).join('\n\n'));
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

const clean = (text: string) => text.replace(/\s+/g, ' ').trim();

// --- HTML --------------------------------------------------------------------------------------------

const turndown = new TurndownService({
  headingStyle: 'atx',
  codeBlockStyle: 'fenced',
  bulletListMarker: '-',
  emDelimiter: '*',
});
turndown.use(tables);
turndown.remove(['script', 'style', 'noscript', 'iframe', 'form', 'button']);

/** Blocks that become one paragraph each. */
const BLOCKS = new Set([
  'P',
  'H1',
  'H2',
  'H3',
  'H4',
  'H5',
  'H6',
  'UL',
  'OL',
  'PRE',
  'TABLE',
  'BLOCKQUOTE',
  'DL',
  'ADDRESS',
]);
/** Phrasing content: gathered with its neighbours into one paragraph. */
const INLINE = new Set([
  'A',
  'ABBR',
  'B',
  'BDI',
  'BDO',
  'BR',
  'CITE',
  'CODE',
  'DATA',
  'DEL',
  'DFN',
  'EM',
  'FONT',
  'I',
  'IMG',
  'INS',
  'KBD',
  'LABEL',
  'MARK',
  'Q',
  'S',
  'SAMP',
  'SMALL',
  'SPAN',
  'STRONG',
  'SUB',
  'SUP',
  'TIME',
  'U',
  'VAR',
  'WBR',
]);
const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'IFRAME', 'SVG', 'HR', 'BUTTON', 'FORM']);
// Boilerplate removed before Readability runs, for short pages where its scoring keeps everything.
const BOILERPLATE =
  'script, style, noscript, template, nav, aside, [role="navigation"], [role="banner"], [role="contentinfo"], [aria-hidden="true"]';

function toMarkdown(html: string): string {
  return turndown
    .turndown(html)
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function collectBlocks(root: DomNode): string[] {
  const out: string[] = [];
  let inline = '';
  const flush = () => {
    if (inline.trim()) {
      const markdown = toMarkdown(`<p>${inline}</p>`);
      if (markdown) out.push(markdown);
    }
    inline = '';
  };
  const walk = (node: DomNode) => {
    for (const child of Array.from(node.childNodes)) {
      if (child.nodeType === 3) {
        inline += escapeText(child.textContent ?? '');
        continue;
      }
      if (child.nodeType !== 1) continue;
      const name = child.nodeName.toUpperCase();
      if (SKIP.has(name)) continue;
      if (INLINE.has(name)) {
        inline += (child as DomElement).outerHTML;
      } else if (BLOCKS.has(name)) {
        flush();
        const markdown = toMarkdown((child as DomElement).outerHTML);
        if (markdown) out.push(markdown);
      } else {
        flush();
        walk(child);
        flush();
      }
    }
  };
  walk(root);
  flush();
  return out;
}

const escapeText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function metaTitle(document: DomDocument): string {
  const og = document.querySelector('meta[property="og:title"]')?.getAttribute('content');
  const title = document.querySelector('title')?.textContent;
  const h1 = document.querySelector('h1')?.textContent;
  return clean(og ?? '') || clean(title ?? '') || clean(h1 ?? '');
}

/** The page without its site chrome, as Readability is given it. */
function removeChrome(document: DomDocument): void {
  for (const element of Array.from(document.querySelectorAll(BOILERPLATE))) element.remove();
  // A page header or footer (not one inside the article) is site chrome.
  for (const element of Array.from(document.querySelectorAll('header, footer'))) {
    if (!element.closest('article, main, [role="main"]')) element.remove();
  }
}

function readability(document: DomDocument) {
  // Readability mutates the document it is given.
  return new Readability(document, { charThreshold: 200 }).parse();
}

/**
 * Readability's own result (HTML) for the main content Distill extracts from: what the markdown
 * paragraphs must not lose (the extraction evaluation compares the two texts).
 */
export function readabilityContent(html: string): string {
  const document = parseDocument(html);
  removeChrome(document);
  return readability(document)?.content ?? document.body?.innerHTML ?? '';
}

function extractHtml(html: string): { title: string; paragraphs: string[] } {
  const document = parseDocument(html);
  const title = metaTitle(document);
  removeChrome(document);
  const fallbackBody = document.body?.innerHTML ?? '';
  const article = readability(document);
  const content = parseDocument(
    `<!doctype html><html><body>${article?.content ?? fallbackBody}</body></html>`,
  );
  const paragraphs = collectBlocks(
    content.body ?? { nodeType: 1, nodeName: 'BODY', textContent: '', childNodes: [] },
  ).filter((paragraph) => clean(paragraph));
  return { title: title || clean(article?.title ?? ''), paragraphs };
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
    if (heading) return clean(heading.replace(/#+\s*$/, ''));
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
  if (HTML_TYPES.has(type)) {
    ({ title, paragraphs } = extractHtml(decode(body, charset, true)));
  } else if (MARKDOWN_TYPES.has(type) || TEXT_TYPES.has(type)) {
    paragraphs = splitBlocks(decode(body, charset, false));
    title = MARKDOWN_TYPES.has(type)
      ? markdownTitle(paragraphs)
      : clean(paragraphs[0]?.split('\n')[0] ?? '').slice(0, 200);
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
  return { title: (title || fallbackTitle(url)).slice(0, 500), mimeType: type, paragraphs };
}

// Readability's main content (HTML) → markdown paragraphs (docs/architecture.md §3): each block (heading,
// paragraph, whole list, code block, table, quote) becomes one paragraph via turndown; phrasing content
// between blocks is gathered into one paragraph. Blocks without words are dropped.
import TurndownService from 'turndown';
import { tables } from 'turndown-plugin-gfm';
import { parseDocument, type DomElement, type DomNode } from './dom.js';

const turndown = new TurndownService({
  headingStyle: 'atx',
  codeBlockStyle: 'fenced',
  bulletListMarker: '-',
  emDelimiter: '*',
});
turndown.use(tables);
// One space after a list marker ("- item", "1. item"); continuation lines indented to the item's text.
turndown.addRule('listItem', {
  filter: 'li',
  replacement(content, node) {
    const element = node as unknown as DomElement & {
      parentNode: DomElement & { children: ArrayLike<unknown> };
      nextSibling: unknown;
    };
    const parent = element.parentNode;
    let prefix = '- ';
    if (parent.nodeName === 'OL') {
      const start = Number(parent.getAttribute('start') ?? '1');
      const index = Array.prototype.indexOf.call(parent.children, node);
      prefix = `${(Number.isFinite(start) ? start : 1) + index}. `;
    }
    const isParagraph = /\n$/u.test(content);
    const body = content.replace(/^\n+|\n+$/gu, '') + (isParagraph ? '\n' : '');
    return (
      prefix + body.replace(/\n/gu, `\n${' '.repeat(prefix.length)}`) + (element.nextSibling ? '\n' : '')
    );
  },
});
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

/** Has words: not just markup, an image without a description, or the "( )" an image leaves behind. */
function hasText(markdown: string): boolean {
  const text = markdown
    .replace(/!\[\s*\]\([^)]*\)/gu, ' ')
    .replace(/\[\s*\]\([^)]*\)/gu, ' ')
    .replace(/\]\([^)]*\)/gu, ']');
  return /[\p{L}\p{N}]/u.test(text);
}

/** The markdown paragraphs of an HTML fragment (the main content Readability chose). */
export function htmlBlocks(html: string): string[] {
  const content = parseDocument(`<!doctype html><html><body>${html}</body></html>`);
  return collectBlocks(
    content.body ?? { nodeType: 1, nodeName: 'BODY', textContent: '', childNodes: [] },
  ).filter(hasText);
}

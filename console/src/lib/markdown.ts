// Article bodies come from untrusted web pages: markdown is rendered with raw HTML escaped (never
// interpreted), then sanitized again with DOMPurify; links open in a new tab without access to this page.
import DOMPurify from 'dompurify';
import { Marked } from 'marked';

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const marked = new Marked({
  gfm: true,
  breaks: false,
  renderer: {
    // Raw HTML in the markdown is shown as text.
    html: ({ text }) => escapeHtml(text),
    // Images would load from other sites (the CSP refuses them anyway): show their alt text and address.
    image: ({ href, text }) => `<span class="md-image">[image: ${escapeHtml(text || href)}]</span>`,
  },
});

const SAFE_URL = /^(https?:|mailto:|#)/i;
let hooked = false;

function hookLinks(purify: typeof DOMPurify): void {
  if (hooked) return;
  hooked = true;
  purify.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName !== 'A') return;
    const href = node.getAttribute('href') ?? '';
    if (!SAFE_URL.test(href)) node.removeAttribute('href');
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  });
}

export function renderMarkdown(text: string): string {
  hookLinks(DOMPurify);
  const html = marked.parse(text, { async: false });
  return DOMPurify.sanitize(html, {
    ALLOWED_TAGS: [
      'a',
      'b',
      'blockquote',
      'br',
      'code',
      'del',
      'em',
      'h1',
      'h2',
      'h3',
      'h4',
      'h5',
      'h6',
      'hr',
      'i',
      'li',
      'ol',
      'p',
      'pre',
      'span',
      'strong',
      'table',
      'tbody',
      'td',
      'th',
      'thead',
      'tr',
      'ul',
      'input',
    ],
    ALLOWED_ATTR: ['href', 'title', 'class', 'type', 'checked', 'disabled', 'align'],
  });
}

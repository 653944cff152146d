// Extraction keeps the page's meaning: measured on the evaluation set of test/fixtures/extraction, and
// pinned rule by rule on small pages.
import { describe, expect, it } from 'vitest';
import { extractContent, mainContent } from '../src/sources/fetch/extract.js';
import { cleanTitle } from '../src/lib/page-title.js';
import {
  EXTRACTION_PAGES,
  expectedTokens,
  htmlTokens,
  markdownTokens,
  tokenF1,
} from './fixtures/extraction/index.js';

const extract = (html: string, url = 'https://help.acme.test/hc/en-us/articles/1-refunds') =>
  extractContent(Buffer.from(html), 'text/html; charset=utf-8', new URL(url));
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const TEXT =
  'You can ask for a refund within 30 days of purchase, and refunds go back to the original payment method within five business days.';
const page = (body: string, head = '<title>Refunds | Acme Help Center</title>') =>
  `<!doctype html><html><head>${head}</head><body><main><article><h1>Refunds</h1><p>${TEXT}</p>${body}</article></main></body></html>`;

describe('extraction evaluation set', () => {
  it(`extracts the expected article text of ${EXTRACTION_PAGES.length} help-center and docs pages (token F1 ≥ 0.97)`, () => {
    const scores = EXTRACTION_PAGES.map((p) => {
      const extracted = extract(p.html, p.url);
      return { name: p.name, f1: tokenF1(markdownTokens(extracted.paragraphs), expectedTokens(p)).f1 };
    });
    expect(mean(scores.map((s) => s.f1))).toBeGreaterThanOrEqual(0.97);
    for (const score of scores) expect(score.f1, score.name).toBeGreaterThanOrEqual(0.9);
  });

  it("loses no text of the main content on the markdown path (token F1 ≥ 0.99 against Readability's own)", () => {
    for (const p of EXTRACTION_PAGES) {
      const main = mainContent(p.html, new URL(p.url));
      const { f1, missing } = tokenF1(markdownTokens(main.paragraphs), htmlTokens(main.readabilityHtml));
      expect(f1, `${p.name}: missing ${missing.join(' ')}`).toBeGreaterThanOrEqual(0.99);
    }
  });

  it('gives every page its title without the site name, and its breadcrumb trail', () => {
    for (const p of EXTRACTION_PAGES) {
      const extracted = extract(p.html, p.url);
      expect({ title: extracted.title, breadcrumb: extracted.breadcrumb }, p.name).toEqual({
        title: p.title,
        breadcrumb: p.breadcrumb,
      });
    }
  });
});

describe('extraction rules', () => {
  it('resolves links and images against the page URL (and a <base>)', () => {
    const html = page(
      '<p>See the <a href="/help/plugins/core-plugins.html">core plugin</a> and <a href="../billing">billing</a>.</p><p><img src="img/shot.png" alt="The billing page"></p>',
    );
    const { paragraphs } = extract(html);
    expect(paragraphs).toContain(
      'See the [core plugin](https://help.acme.test/help/plugins/core-plugins.html) and [billing](https://help.acme.test/hc/en-us/billing).',
    );
    expect(paragraphs).toContain(
      '![The billing page](https://help.acme.test/hc/en-us/articles/img/shot.png)',
    );
    const based = extract(
      page('<p>Read <a href="x.html">this</a>.</p>', '<base href="https://cdn.acme.test/docs/">'),
    );
    expect(based.paragraphs).toContain('Read [this](https://cdn.acme.test/docs/x.html).');
  });

  it('keeps feedback, share, related-articles, cookie and newsletter widgets out of the paragraphs', () => {
    const { paragraphs } = extract(
      page(`<div class="x"><p>Was this page helpful? <a href="#">Yes</a> <a href="#">No</a></p></div>
        <div class="share-bar">Share: <a href="https://twitter.com/share">Twitter</a></div>
        <h3>Related articles</h3><ul><li><a href="/a">Invoices</a></li></ul>
        <div id="cc"><p>We use cookies to improve your experience.</p><button>Accept</button></div>
        <div class="box"><h3>Subscribe to our newsletter</h3><p>Monthly tips.</p></div>`),
    );
    expect(paragraphs).toEqual(['# Refunds', TEXT]);
  });

  it('keeps a paragraph that explains cookies when there is nothing to click', () => {
    const { paragraphs } = extract(page('<p>Our website uses cookies only to keep you signed in.</p>'));
    expect(paragraphs).toContain('Our website uses cookies only to keep you signed in.');
  });

  it('drops what an image leaves behind when it has no description ("( )"), keeps described images', () => {
    const { paragraphs } = extract(
      page(
        '<p>(<a href="/x"><img src="/badge.svg" alt=""></a>)</p><p><a href="/d.png"><img src="/d.png"></a></p>',
      ),
    );
    expect(paragraphs).toEqual(['# Refunds', TEXT]);
  });

  it('keeps headings, lists with single-space markers, tables and code blocks', () => {
    const { paragraphs } = extract(
      page(`<h2>Steps</h2><ol><li>Open Billing.<ul><li>As an owner.</li></ul></li><li>Click Refund.</li></ol>
        <table><tr><th>Plan</th><th>Window</th></tr><tr><td>Pro</td><td>30 days</td></tr></table>
        <pre><code class="language-bash">curl https://api.acme.test</code></pre>`),
    );
    expect(paragraphs.slice(2)).toEqual([
      '## Steps',
      '1. Open Billing.\n   - As an owner.\n2. Click Refund.',
      '| Plan | Window |\n| --- | --- |\n| Pro | 30 days |',
      '```bash\ncurl https://api.acme.test\n```',
    ]);
  });

  it('keeps accordion answers hidden until clicked, and the question on the toggle button', () => {
    const { paragraphs } = extract(
      page(
        '<h3><button aria-expanded="false" aria-controls="p1">Can I get a refund on a sale item?</button></h3><div id="p1" hidden><p>No, sale items are final.</p></div>',
      ),
    );
    expect(paragraphs).toContain('### Can I get a refund on a sale item?');
    expect(paragraphs).toContain('No, sale items are final.');
  });

  it('drops site names from titles consistently', () => {
    for (const [raw, clean] of [
      ['Reset your password | Acme Help Center', 'Reset your password'],
      ['Reset your password - Acme', 'Reset your password'],
      ['Acme Docs · Reset your password', 'Reset your password'],
      ['Step 1 - Install the app', 'Step 1 - Install the app'],
      ['Release notes: March 2026', 'Release notes: March 2026'],
    ])
      expect(cleanTitle(raw!, { url: 'https://help.acme.test/x' }), raw).toBe(clean);
  });
});

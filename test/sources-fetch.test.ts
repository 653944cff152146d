// The fetch layer on its own: limits (size, deadline, redirects), robots.txt rules of RFC 9309,
// conditional GETs, URL normalization and extraction.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentHash, extractContent, splitBlocks } from '../src/sources/fetch/extract.js';
import type { FetchError } from '../src/sources/fetch/fetch-errors.js';
import { createKeyedLimiter } from '../src/sources/fetch/host-limiter.js';
import { normalizeUrl, parseWebUrl } from '../src/sources/fetch/normalize-url.js';
import { createWebClient, type WebClient } from '../src/sources/fetch/web-client.js';
import { ARTICLE_TEXT, htmlPage, startFixtureServer, type Fixture } from './helpers/fixture-server.js';

let site: Fixture;
let web: WebClient;
beforeAll(async () => {
  site = await startFixtureServer();
  web = createWebClient({ allowPrivateAddresses: true, timeoutMs: 1_000 });
});
afterAll(async () => {
  await web.close();
  await site.close();
});

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error as FetchError,
  );

describe('safe fetch limits', () => {
  it('aborts a body past 5 MiB while streaming (no Content-Length)', async () => {
    const client = createWebClient({ allowPrivateAddresses: true });
    try {
      const error = await failure(client.fetchPage(new URL(site.url('/huge'))));
      expect(error).toMatchObject({ reason: 'too-large', permanent: true });
      expect(error.message).toContain('larger than the 5 MiB limit');
    } finally {
      await client.close();
    }
  });

  it('counts decoded bytes, so a small gzip body that inflates past the cap is refused', async () => {
    const client = createWebClient({ allowPrivateAddresses: true });
    try {
      const error = await failure(client.fetchPage(new URL(site.url('/gzip-bomb'))));
      expect(error).toMatchObject({ reason: 'too-large' });
    } finally {
      await client.close();
    }
  });

  it('aborts at the deadline, as a transient error that names the time', async () => {
    const started = Date.now();
    const error = await failure(web.fetchPage(new URL(site.url('/slow'))));
    expect(error).toMatchObject({ reason: 'timeout', permanent: false });
    expect(error.message).toContain('within 1 seconds');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('follows up to 5 redirects and refuses a sixth', async () => {
    const ok = await web.fetchPage(new URL(site.url('/redirect/5')));
    expect(ok).toMatchObject({ kind: 'content' });
    expect(ok.url.href).toBe(site.url('/article'));
    const error = await failure(web.fetchPage(new URL(site.url('/redirect/6'))));
    expect(error).toMatchObject({ reason: 'too-many-redirects', permanent: true });
  });

  it('refuses a redirect to a scheme other than http or https', async () => {
    const error = await failure(
      web.fetchPage(new URL(site.url(`/redirect-to?url=${encodeURIComponent('file:///etc/passwd')}`))),
    );
    expect(error).toMatchObject({ reason: 'invalid-url', permanent: true });
  });

  it('sends a clear user agent', async () => {
    await web.fetchPage(new URL(site.url('/docs/d')));
    expect(site.lastHeaders('/docs/d')?.['user-agent']).toMatch(/^DistillBot\/0\.1 \(\+https:\/\//);
  });

  it('lets at most 2 requests per host run at once', async () => {
    const limiter = createKeyedLimiter(2);
    let running = 0;
    let peak = 0;
    const task = () =>
      limiter.run('host', async () => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 20));
        running -= 1;
      });
    await Promise.all([task(), task(), task(), task(), task(), limiter.run('other', async () => undefined)]);
    expect(peak).toBe(2);
    expect(limiter.active('host')).toBe(0);
  });
});

describe('robots.txt (RFC 9309)', () => {
  it('disallows what the DistillBot group disallows, permanently', async () => {
    const error = await failure(web.fetchPage(new URL(site.url('/private/secret'))));
    expect(error).toMatchObject({ reason: 'robots', permanent: true });
    expect(site.hits('/private/secret')).toBe(0);
  });

  it('allows everything when robots.txt is a 4xx', async () => {
    const other = await startFixtureServer();
    const client = createWebClient({ allowPrivateAddresses: true });
    try {
      other.setPage('/robots.txt', { body: 'nope', status: 404 });
      other.setPage('/private/page', { body: htmlPage('Open', '<p>Open page.</p>') });
      expect(await client.fetchPage(new URL(other.url('/private/page')))).toMatchObject({ kind: 'content' });
    } finally {
      await client.close();
      await other.close();
    }
  });

  it('disallows everything, for now, when robots.txt is a 5xx', async () => {
    const other = await startFixtureServer();
    const client = createWebClient({ allowPrivateAddresses: true });
    try {
      other.setPage('/robots.txt', { body: 'down', status: 503 });
      const error = await failure(client.fetchPage(new URL(other.url('/article'))));
      expect(error).toMatchObject({ reason: 'robots-unreachable', permanent: false });
      expect(error.message).toContain('HTTP 503');
      expect(other.hits('/article')).toBe(0);
    } finally {
      await client.close();
      await other.close();
    }
  });

  it('fetches robots.txt once per origin while it is cached', async () => {
    const other = await startFixtureServer();
    const client = createWebClient({ allowPrivateAddresses: true });
    try {
      await Promise.all(
        ['/docs/a', '/docs/b', '/docs/c'].map((path) => client.fetchPage(new URL(other.url(path)))),
      );
      expect(other.hits('/robots.txt')).toBe(1);
    } finally {
      await client.close();
      await other.close();
    }
  });
});

describe('conditional GET', () => {
  it('sends the stored validators and reports a 304 as not modified', async () => {
    site.setPage('/cond', { body: htmlPage('Cond', `<p>${ARTICLE_TEXT}</p>`), validators: true });
    const first = await web.fetchPage(new URL(site.url('/cond')));
    if (first.kind !== 'content') throw new Error('expected content');
    expect(first.etag).toMatch(/^".+"$/);
    const second = await web.fetchPage(new URL(site.url('/cond')), {
      etag: first.etag,
      lastModified: first.lastModified,
    });
    expect(second.kind).toBe('not-modified');
    expect(site.lastHeaders('/cond')).toMatchObject({
      'if-none-match': first.etag,
      'if-modified-since': first.lastModified,
    });
  });
});

describe('URL normalization', () => {
  it('lowercases scheme and host, drops default port and fragment, sorts the query, keeps the path', () => {
    expect(normalizeUrl('HTTPS://Docs.Example.COM:443/Billing/Refunds?b=2&a=1&a=0#faq')).toBe(
      'https://docs.example.com/Billing/Refunds?a=1&a=0&b=2',
    );
    expect(normalizeUrl('http://example.com')).toBe('http://example.com/');
    expect(normalizeUrl('http://example.com:8080/a/?')).toBe('http://example.com:8080/a/');
    expect(normalizeUrl('http://example.com/a/')).not.toBe(normalizeUrl('http://example.com/a'));
  });

  it('accepts only http and https URLs without credentials', () => {
    expect(parseWebUrl(' https://example.com/x ')?.href).toBe('https://example.com/x');
    for (const bad of [
      'ftp://example.com',
      'file:///etc/passwd',
      'mailto:a@b.c',
      'http://u:p@example.com',
      'example.com',
    ])
      expect(parseWebUrl(bad), bad).toBeUndefined();
  });
});

describe('extraction', () => {
  const url = new URL('https://help.example.com/refunds');

  it('keeps the main text and drops navigation, header, footer, scripts and styles', () => {
    const page = htmlPage(
      'Refunds',
      `<p>${ARTICLE_TEXT}</p><h2>Exceptions</h2><ul><li>Gift cards</li><li>Sale items</li></ul>`,
    );
    const extracted = extractContent(Buffer.from(page), 'text/html; charset=utf-8', url);
    expect(extracted.paragraphs).toEqual([
      '# Refunds',
      ARTICLE_TEXT,
      '## Exceptions',
      '- Gift cards\n- Sale items',
    ]);
    expect(extracted.title).toBe('Refunds');
  });

  it('takes the title from og:title first, then <title>, then the first h1', () => {
    const body = `<article><h1>Heading</h1><p>${ARTICLE_TEXT}</p></article>`;
    const og = `<html><head><title>Tab</title><meta property="og:title" content="Open Graph"></head><body>${body}</body></html>`;
    expect(extractContent(Buffer.from(og), 'text/html', url).title).toBe('Open Graph');
    const h1 = `<html><head></head><body>${body}</body></html>`;
    expect(extractContent(Buffer.from(h1), 'text/html', url).title).toBe('Heading');
  });

  it('hashes the whitespace-normalized text, so formatting alone does not change the hash', () => {
    expect(contentHash(['a  b', 'c\n d'])).toBe(contentHash(['a b', 'c d']));
    expect(contentHash(['a b'])).not.toBe(contentHash(['a c']));
  });

  it('keeps fenced code blocks whole when splitting markdown', () => {
    expect(splitBlocks('a\n\n~~~\nx\n\ny\n~~~\n\n\nb')).toEqual(['a', '~~~\nx\n\ny\n~~~', 'b']);
  });

  it('decodes the declared charset', () => {
    const latin1 = Buffer.from(
      '<html><body><p>Caf\xe9 cr\xe8me and a long enough sentence here.</p></body></html>',
      'latin1',
    );
    expect(extractContent(latin1, 'text/html; charset=iso-8859-1', url).paragraphs[0]).toContain(
      'Café crème',
    );
  });
});

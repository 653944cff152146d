// A small web site on 127.0.0.1 (random port) for ingestion and crawl tests: HTML pages with site chrome
// (nav, header, footer), markdown, plain text, redirects, error and flaky pages, robots.txt with a Disallow,
// sitemaps, ETag/Last-Modified, a slow page, oversized pages, and pages a test can change.
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';

export interface FixturePage {
  body: string;
  type?: string;
  status?: number;
  /** Send ETag/Last-Modified and answer conditional requests with 304. */
  validators?: boolean;
  delayMs?: number;
  /** Sent as the Location header (with a 3xx status: a redirect). */
  location?: string;
}

export interface Fixture {
  origin: string;
  port: number;
  url(path: string): string;
  setPage(path: string, page: FixturePage): void;
  /** Requests served for a path (query ignored). */
  hits(path: string): number;
  /** The request headers of the last request for a path. */
  lastHeaders(path: string): http.IncomingHttpHeaders | undefined;
  /** The most requests in flight at once, over every path starting with `prefix`. */
  maxInFlight(prefix: string): number;
  /** Conditional requests answered 304 Not Modified, over every path starting with `prefix`. */
  notModified(prefix?: string): number;
  close(): Promise<void>;
}

/** An HTML page with boilerplate around the article, like a real help center. */
export function htmlPage(title: string, body: string, links: string[] = []): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title} | Acme Help</title>
<style>body { font-family: sans-serif }</style><script>window.analytics = {};</script></head>
<body>
<header class="site-header"><a href="/">Acme Help Center</a>
  <nav><ul><li><a href="/docs/a">Getting started</a></li><li><a href="/docs/b">Billing</a></li>
  <li><a href="/private/secret">Admin</a></li><li><a href="https://elsewhere.example/">Status page</a></li></ul></nav>
</header>
<main><article>
<h1>${title}</h1>
${body}
${links.map((link) => `<p>See also <a href="${link}">${link}</a>.</p>`).join('\n')}
</article></main>
<footer class="site-footer"><p>Copyright 2026 Acme Inc. All rights reserved. Terms of service.</p>
  <a href="/privacy">Privacy</a></footer>
</body></html>`;
}

export const ARTICLE_TEXT =
  'You can request a refund within 30 days of purchase. Refunds go back to the original payment method and usually arrive within five business days.';

const articleBody = `<p>${ARTICLE_TEXT}</p>
<h2>How to ask for a refund</h2>
<ol><li>Open Billing in the dashboard.</li><li>Choose the invoice.</li><li>Click Request refund.</li></ol>
<pre><code>curl -X POST https://api.acme.test/refunds

# prints the refund id</code></pre>
<table><thead><tr><th>Plan</th><th>Refund window</th></tr></thead><tbody><tr><td>Pro</td><td>30 days</td></tr></tbody></table>`;

const robots = (origin: string) => `User-agent: *
Disallow: /private

User-agent: DistillBot
Disallow: /private
Disallow: /blocked-for-distill

Sitemap: ${origin}/sitemap-index.xml
`;

const sitemap = (origin: string, paths: string[]) =>
  `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${paths.map((path) => `  <url><loc>${path.startsWith('http') ? path : origin + path}</loc></url>`).join('\n')}
</urlset>`;

const HUGE_BYTES = 6 * 1024 * 1024;

export async function startFixtureServer(host = '127.0.0.1'): Promise<Fixture> {
  const pages = new Map<string, FixturePage>();
  /** When each page was last set, for Last-Modified. */
  const modified = new Map<string, Date>();
  const hits = new Map<string, number>();
  const headers = new Map<string, http.IncomingHttpHeaders>();
  const inFlight = new Map<string, number>();
  const maxInFlight = new Map<string, number>();
  const notModified = new Map<string, number>();
  let origin = '';

  const send = (
    res: http.ServerResponse,
    status: number,
    body: string | Buffer,
    type = 'text/html; charset=utf-8',
    extra: http.OutgoingHttpHeaders = {},
  ) => {
    res.writeHead(status, { 'content-type': type, ...extra });
    res.end(body);
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    const path = url.pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    headers.set(path, req.headers);
    const group = `/${path.split('/')[1] ?? ''}`;
    inFlight.set(group, (inFlight.get(group) ?? 0) + 1);
    maxInFlight.set(group, Math.max(maxInFlight.get(group) ?? 0, inFlight.get(group)!));
    res.on('close', () => inFlight.set(group, inFlight.get(group)! - 1));

    const page = pages.get(path);
    if (page) {
      const respond = () => {
        const etag = `"${createHash('sha1').update(page.body).digest('hex').slice(0, 16)}"`;
        const lastModified = (modified.get(path) ?? new Date(Date.UTC(2026, 0, 1))).toUTCString();
        // RFC 9110 §13.2.2: If-None-Match, when sent, decides; If-Modified-Since only counts without it.
        const ifNoneMatch = req.headers['if-none-match'];
        const unchanged =
          ifNoneMatch !== undefined
            ? ifNoneMatch === etag
            : req.headers['if-modified-since'] === lastModified;
        if (page.validators && unchanged) {
          notModified.set(path, (notModified.get(path) ?? 0) + 1);
          res.writeHead(304, { etag, 'last-modified': lastModified });
          return res.end();
        }
        send(res, page.status ?? 200, page.body, page.type ?? 'text/html; charset=utf-8', {
          ...(page.validators ? { etag, 'last-modified': lastModified } : {}),
          ...(page.location ? { location: page.location } : {}),
        });
      };
      if (page.delayMs) setTimeout(respond, page.delayMs);
      else respond();
      return;
    }

    switch (true) {
      case path === '/robots.txt':
        return send(res, 200, robots(origin), 'text/plain');
      case path === '/sitemap.xml':
        return send(
          res,
          200,
          sitemap(origin, [
            '/docs/a',
            '/docs/only-in-sitemap',
            '/private/in-sitemap',
            'https://elsewhere.example/x',
          ]),
          'application/xml',
        );
      case path === '/sitemap-index.xml':
        return send(
          res,
          200,
          `<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>${origin}/sitemap-more.xml</loc></sitemap></sitemapindex>`,
          'application/xml',
        );
      case path === '/sitemap-more.xml':
        return send(res, 200, sitemap(origin, ['/docs/from-index']), 'application/xml');
      case path === '/':
        return send(
          res,
          200,
          htmlPage('Home', `<p>Welcome to the Acme help center. ${ARTICLE_TEXT}</p>`, ['/docs/a', '/docs/b']),
        );
      case path === '/article':
        return send(res, 200, htmlPage('Refund policy', articleBody));
      case path.startsWith('/docs/'): {
        const name = path.slice('/docs/'.length);
        const links: Record<string, string[]> = {
          a: [
            '/docs/b',
            '/docs/c?b=2&a=1#section',
            'https://elsewhere.example/page',
            '/logo.png',
            'mailto:help@acme.test',
          ],
          b: ['/docs/a', '/docs/d', '/private/secret'],
          c: ['/docs/e'],
          d: [],
          e: ['/docs/f'],
        };
        return send(
          res,
          200,
          htmlPage(`Doc ${name}`, `<p>Documentation page ${name}. ${ARTICLE_TEXT}</p>`, links[name] ?? []),
        );
      }
      case path === '/private/secret':
      case path === '/blocked-for-distill':
        return send(res, 200, htmlPage('Secret', `<p>Secret page. ${ARTICLE_TEXT}</p>`));
      case path === '/guide.md':
        return send(
          res,
          200,
          '# Setup guide\n\nInstall the agent first.\nThen restart.\n\n```sh\nnpm install\n\nnpm start\n```\n\n- one\n- two\n',
          'text/markdown; charset=utf-8',
        );
      case path === '/notes.txt':
        return send(
          res,
          200,
          'Release notes\n\nVersion 2 adds refunds.\n\n\nVersion 3 adds invoices.\n',
          'text/plain',
        );
      case path === '/image.png':
        return send(res, 200, Buffer.from([0x89, 0x50, 0x4e, 0x47]), 'image/png');
      case path === '/empty':
        return send(
          res,
          200,
          '<!doctype html><html><head><title>Empty</title></head><body><nav><a href="/">Home</a></nav></body></html>',
        );
      case path.startsWith('/status/'):
        return send(
          res,
          Number(path.slice('/status/'.length)),
          htmlPage('Error', '<p>Something went wrong.</p>'),
        );
      case path.startsWith('/flaky/'):
        // First request of each flaky path fails with 500, later ones succeed.
        if (hits.get(path) === 1) return send(res, 500, 'try again');
        return send(res, 200, htmlPage('Flaky page', `<p>Recovered content. ${ARTICLE_TEXT}</p>`));
      case path.startsWith('/redirect/'): {
        // /redirect/N redirects N more times, then lands on /article.
        const left = Number(path.slice('/redirect/'.length));
        res.writeHead(302, { location: left <= 1 ? '/article' : `/redirect/${left - 1}` });
        return res.end();
      }
      case path === '/redirect-to': {
        res.writeHead(302, { location: url.searchParams.get('url') ?? '/' });
        return res.end();
      }
      case path === '/slow': {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.write('<!doctype html><html><body><p>Slow');
        const timer = setTimeout(() => res.end(' page</p></body></html>'), 10_000);
        res.on('close', () => clearTimeout(timer));
        return;
      }
      case path === '/huge': {
        // Streamed without Content-Length: only counting the bytes catches it.
        res.writeHead(200, { 'content-type': 'text/html' });
        const chunk = Buffer.alloc(64 * 1024, 'a');
        let sent = 0;
        const pump = () => {
          while (sent < HUGE_BYTES && !res.destroyed) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        return pump();
      }
      case path === '/gzip-bomb':
        return send(res, 200, gzipSync(Buffer.alloc(HUGE_BYTES, 'a')), 'text/html', {
          'content-encoding': 'gzip',
        });
      case path.startsWith('/polite/'):
        setTimeout(() => send(res, 200, htmlPage('Polite', `<p>Polite page. ${ARTICLE_TEXT}</p>`)), 150);
        return;
      case path.startsWith('/bench/'):
        return send(res, 200, htmlPage(`Bench ${path}`, articleBody));
      default:
        return send(res, 404, htmlPage('Not found', '<p>No such page.</p>'));
    }
  });

  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  origin = `http://${host}:${port}`;

  return {
    origin,
    port,
    url: (path) => `${origin}${path}`,
    setPage: (path, page) => {
      pages.set(path, page);
      modified.set(path, new Date());
    },
    hits: (path) => hits.get(path) ?? 0,
    lastHeaders: (path) => headers.get(path),
    maxInFlight: (prefix) => maxInFlight.get(prefix) ?? 0,
    notModified: (prefix = '/') =>
      [...notModified].reduce((sum, [path, count]) => (path.startsWith(prefix) ? sum + count : sum), 0),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

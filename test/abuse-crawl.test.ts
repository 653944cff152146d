// Denial of service through the deep crawl, which runs inside the API process: a sitemap of unclosed <loc>
// tags (quadratic to parse) and a robots.txt of long wildcard rules matched against long links (rule length
// × path length per link) each stalled the event loop. Both must end the crawl with an answer while
// /healthz keeps answering.
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { parseSitemap } from '../src/sources/deep-crawl.js';
import { capRobotsRules, ROBOTS_MAX_RULES } from '../src/sources/fetch/robots.js';
import type { TestContext, TestKey } from './helpers/app.js';
import { startFixtureServer, type Fixture } from './helpers/fixture-server.js';
import { HEALTHZ_MAX_GAP_MS, startAbuseApp, whilePolling } from './helpers/healthz-poller.js';

let ctx: TestContext;
let baseUrl: string;
let site: Fixture | undefined;
beforeAll(async () => {
  ({ ctx, baseUrl } = await startAbuseApp());
});
afterEach(async () => {
  await site?.close();
  site = undefined;
});
afterAll(() => ctx.close());

async function crawl(key: TestKey, links: string[]) {
  const response = await fetch(`${baseUrl}/v2/documents/public/deep-crawl/links`, {
    method: 'POST',
    headers: { ...key.header, 'content-type': 'application/json' },
    body: JSON.stringify({ links, limit: 250 }),
  });
  return { status: response.status, body: (await response.json()) as { data: string[]; message: string } };
}

describe('deep crawl abuse', () => {
  it('parses a sitemap of 40,000 unclosed <loc> tags in one pass', async () => {
    site = await startFixtureServer();
    const key = await ctx.createKey();
    site.setPage('/', { body: '<!doctype html><html><body><p>Home</p></body></html>' });
    site.setPage('/sitemap.xml', {
      body: `<urlset><url><loc>${site.url('/listed')}</loc></url>${'<loc>'.repeat(40_000)}</urlset>`,
      type: 'application/xml',
    });
    const { result, healthz } = await whilePolling('abuse-crawl sitemap', baseUrl, () =>
      crawl(key, [site!.url('/')]),
    );
    expect(result.status).toBe(200);
    expect(result.body.data).toContain(site.url('/listed'));
    expect(healthz.maxGapMs).toBeLessThan(HEALTHZ_MAX_GAP_MS);
  });

  it('matches links against a robots.txt of long wildcard rules without stalling', async () => {
    site = await startFixtureServer();
    const key = await ctx.createKey();
    // ~500 KiB of rules, each a wildcard chain that costs its length × the path's length to match.
    const rule = `Disallow: /${'*a'.repeat(200)}z\n`;
    site.setPage('/robots.txt', {
      body: `User-agent: *\n${rule.repeat(Math.floor((500 * 1024) / rule.length))}`,
      type: 'text/plain',
    });
    const longPath = `/${'a'.repeat(8_000)}`;
    const links = Array.from({ length: 10 }, (_, index) => `<a href="${longPath}${index}">page ${index}</a>`);
    site.setPage('/', { body: `<!doctype html><html><body>${links.join('')}</body></html>` });
    const { result, healthz } = await whilePolling('abuse-crawl robots', baseUrl, () =>
      crawl(key, [site!.url('/')]),
    );
    expect(result.status).toBe(200);
    expect(result.body.data).toContain(site.url('/'));
    expect(healthz.maxGapMs).toBeLessThan(HEALTHZ_MAX_GAP_MS);
  });
});

describe('caps', () => {
  it('stops a sitemap scan at the first <loc> that never closes, keeping the entries before it', () => {
    expect(parseSitemap('<urlset><loc> a </loc><LOC><![CDATA[b&amp;]]></LOC><loc>c</urlset>')).toEqual({
      kind: 'urlset',
      locs: ['a', 'b&'],
    });
  });

  it('keeps at most the capped robots.txt rules: long Disallow cut to a prefix, long Allow dropped', () => {
    const capped = capRobotsRules(
      [
        'User-agent: *',
        `Disallow: /${'d'.repeat(300)}`,
        `Allow: /${'a'.repeat(300)}`,
        ...Array.from({ length: ROBOTS_MAX_RULES + 10 }, (_, i) => `Disallow: /p${i}`),
        'Sitemap: https://example.com/sitemap.xml',
      ].join('\n'),
    ).split('\n');
    expect(capped[1]).toBe(`Disallow: /${'d'.repeat(199)}`);
    expect(capped.filter((line) => /^allow/i.test(line))).toEqual([]);
    expect(capped.filter((line) => /^disallow/i.test(line))).toHaveLength(ROBOTS_MAX_RULES);
    expect(capped.at(-1)).toBe('Sitemap: https://example.com/sitemap.xml');
  });
});

// Deep crawl (docs/api.md §3): discover same-site page URLs from seed links — the seeds, the site's sitemaps
// (sitemap.xml and those named in robots.txt), then links found by a breadth-first walk of the pages —
// bounded in pages, depth and time. Every request goes through the safe fetch and robots.txt.
import { parseDocument } from './fetch/dom.js';
import { FetchError, isFetchError } from './fetch/fetch-errors.js';
import { normalizeUrl, parseWebUrl } from './fetch/normalize-url.js';
import type { WebClient } from './fetch/web-client.js';

export interface CrawlLimits {
  /** Pages fetched to look for links (sitemaps not counted). */
  maxPages: number;
  /** Link hops from a seed. */
  maxDepth: number;
  timeoutMs: number;
  maxSitemaps: number;
  /** Pages fetched at once (the per-host limit still applies). */
  concurrency: number;
}

export const CRAWL_DEFAULTS: CrawlLimits = {
  maxPages: 100,
  maxDepth: 3,
  timeoutMs: 25_000,
  maxSitemaps: 10,
  concurrency: 4,
};

export interface CrawlResult {
  urls: string[];
  pagesFetched: number;
  /** One sentence per seed or sitemap that could not be read. */
  problems: string[];
  timedOut: boolean;
}

// Files that are not pages: following them costs a download and ingesting them would fail.
const NOT_A_PAGE =
  /\.(png|jpe?g|gif|svg|webp|avif|ico|bmp|css|js|mjs|map|json|xml|rss|atom|pdf|zip|gz|tgz|bz2|7z|rar|tar|mp3|mp4|m4a|mov|avi|webm|ogg|wav|woff2?|ttf|otf|eot|exe|dmg|msi|apk|iso|csv|xlsx?|docx?|pptx?)$/i;

const siteOf = (url: URL) => url.host.replace(/^www\./, '');

function linksOf(html: string, pageUrl: URL): URL[] {
  const document = parseDocument(html);
  const baseHref = document.querySelector('base[href]')?.getAttribute('href');
  let base = pageUrl;
  try {
    if (baseHref) base = new URL(baseHref, pageUrl);
  } catch {
    // an invalid <base> is ignored, as browsers do
  }
  const out: URL[] = [];
  for (const anchor of Array.from(document.querySelectorAll('a[href]'))) {
    if (out.length >= CRAWL_MAX_LINKS_PER_PAGE) break;
    const href = anchor.getAttribute('href')?.trim();
    if (!href || href.startsWith('#') || /^(mailto|tel|javascript|data):/i.test(href)) continue;
    try {
      const url = parseWebUrl(new URL(href, base).href);
      if (url) out.push(url);
    } catch {
      // not a URL
    }
  }
  return out;
}

const decodeXml = (text: string) =>
  text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

/** Links kept per page: a page with more is a link farm, not a help center's index. */
export const CRAWL_MAX_LINKS_PER_PAGE = 5_000;

const YIELD_EVERY_MS = 10;

const LOC_OPEN = /<loc>/gi;
const LOC_CLOSE = /<\/loc>/gi;
const CDATA = /^<!\[CDATA\[([\s\S]*)\]\]>$/;

/**
 * `<loc>` entries of a sitemap or sitemap index (https://www.sitemaps.org/protocol.html), in one pass: each
 * search starts where the previous one ended, so unclosed `<loc>` tags cost linear time (a lazy regex over
 * the rest of the file for every one of them was quadratic). Without a closing tag after an opening one,
 * no later entry can close either, and the scan stops.
 */
export function parseSitemap(xml: string): { kind: 'index' | 'urlset'; locs: string[] } {
  const locs: string[] = [];
  LOC_OPEN.lastIndex = 0;
  while (LOC_OPEN.exec(xml)) {
    LOC_CLOSE.lastIndex = LOC_OPEN.lastIndex;
    if (!LOC_CLOSE.exec(xml)) break;
    const inner = xml.slice(LOC_OPEN.lastIndex, LOC_CLOSE.lastIndex - '</loc>'.length).trim();
    locs.push(decodeXml((CDATA.exec(inner)?.[1] ?? inner).trim()));
    LOC_OPEN.lastIndex = LOC_CLOSE.lastIndex;
  }
  return { kind: /<sitemapindex[\s>]/i.test(xml) ? 'index' : 'urlset', locs };
}

export function createDeepCrawler(web: WebClient, limits: CrawlLimits = CRAWL_DEFAULTS) {
  return {
    /**
     * Throws FetchError('blocked-address' | 'invalid-url') for a seed that may not be fetched at all, with
     * `seedIndex` set, so the route can answer 400 naming it. Everything else is best effort.
     */
    async crawl(seeds: URL[], limit: number): Promise<CrawlResult> {
      const deadline = AbortSignal.timeout(limits.timeoutMs);
      const sites = new Set(seeds.map(siteOf));
      const found = new Set<string>();
      const problems: string[] = [];
      let pagesFetched = 0;

      const full = () => found.size >= limit;
      // A cached robots.txt answers in a microtask, so a loop over thousands of links would never give
      // the event loop back: yield a turn every few milliseconds of work.
      let lastYield = performance.now();
      const allowed = async (url: URL) => {
        if (performance.now() - lastYield > YIELD_EVERY_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          lastYield = performance.now();
        }
        try {
          await web.robots.check(url, deadline);
          return true;
        } catch {
          return false;
        }
      };
      /** Records a same-site page URL; true when it is new. */
      const discover = async (url: URL): Promise<boolean> => {
        if (full() || !sites.has(siteOf(url)) || NOT_A_PAGE.test(url.pathname)) return false;
        const key = normalizeUrl(url);
        if (found.has(key) || !(await allowed(url))) return false;
        if (full()) return false;
        found.add(key);
        return true;
      };

      // 1. The seeds: fetched first, so an unusable seed is reported before anything else happens. Each
      // page's links are taken at once and its body let go: 50 seeds of 5 MiB are not held meanwhile.
      const visited = new Set<string>();
      let level: { link: URL; depth: number }[] = [];
      for (const [index, seed] of seeds.entries()) {
        if (deadline.aborted) break;
        try {
          const page = await web.fetchPage(seed, { signal: deadline });
          pagesFetched += 1;
          await discover(page.url);
          await discover(seed);
          visited.add(normalizeUrl(page.url));
          if (page.kind === 'content' && /html/i.test(page.contentType))
            level.push(...linksOf(page.body.toString('utf8'), page.url).map((link) => ({ link, depth: 1 })));
        } catch (error) {
          if (isFetchError(error) && (error.reason === 'blocked-address' || error.reason === 'invalid-url'))
            throw Object.assign(error, { seedIndex: index });
          problems.push(isFetchError(error) ? error.message : `${seed.href} could not be crawled`);
        }
      }

      // 2. Sitemaps of each seed's origin: robots.txt's Sitemap lines, then /sitemap.xml.
      const sitemapQueue: string[] = [];
      for (const origin of new Set(seeds.map((seed) => seed.origin))) {
        sitemapQueue.push(...(await web.robots.sitemaps(origin, deadline)), `${origin}/sitemap.xml`);
      }
      const seenSitemaps = new Set<string>();
      while (
        sitemapQueue.length > 0 &&
        seenSitemaps.size < limits.maxSitemaps &&
        !full() &&
        !deadline.aborted
      ) {
        const sitemap = parseWebUrl(sitemapQueue.shift()!);
        if (!sitemap || seenSitemaps.has(sitemap.href) || !sites.has(siteOf(sitemap))) continue;
        seenSitemaps.add(sitemap.href);
        try {
          const page = await web.fetchPage(sitemap, {
            signal: deadline,
            accept: 'application/xml, text/xml;q=0.9, */*;q=0.1',
          });
          if (page.kind !== 'content') continue;
          const { kind, locs } = parseSitemap(page.body.toString('utf8'));
          for (const loc of locs) {
            if (kind === 'index') sitemapQueue.push(loc);
            else {
              const url = parseWebUrl(loc);
              if (url) await discover(url);
            }
            if (full() || deadline.aborted) break;
          }
        } catch {
          // No sitemap is normal; a broken one is not worth failing the crawl.
        }
      }

      // 3. Breadth-first over links, a few pages at a time.
      while (level.length > 0 && !full() && !deadline.aborted) {
        const next: { link: URL; depth: number }[] = [];
        const toFetch: { url: URL; depth: number }[] = [];
        for (const { link, depth } of level) {
          if (full() || deadline.aborted) break;
          await discover(link);
          const key = normalizeUrl(link);
          if (depth < limits.maxDepth && found.has(key) && !visited.has(key)) {
            visited.add(key);
            toFetch.push({ url: link, depth });
          }
        }
        for (
          let start = 0;
          start < toFetch.length && !full() && !deadline.aborted;
          start += limits.concurrency
        ) {
          const batch = toFetch
            .slice(start, start + limits.concurrency)
            .filter(() => pagesFetched < limits.maxPages);
          if (batch.length === 0) break;
          pagesFetched += batch.length;
          const pages = await Promise.allSettled(
            batch.map(async ({ url, depth }) => ({
              depth,
              page: await web.fetchPage(url, { signal: deadline }),
            })),
          );
          for (const result of pages) {
            if (result.status !== 'fulfilled') continue;
            const { page, depth } = result.value;
            if (page.kind === 'content' && /html/i.test(page.contentType))
              next.push(
                ...linksOf(page.body.toString('utf8'), page.url).map((link) => ({ link, depth: depth + 1 })),
              );
          }
        }
        level = next;
      }

      return { urls: [...found], pagesFetched, problems, timedOut: deadline.aborted };
    },
  };
}

export type DeepCrawler = ReturnType<typeof createDeepCrawler>;
export const seedIndexOf = (error: unknown): number | undefined =>
  error instanceof FetchError ? (error as FetchError & { seedIndex?: number }).seedIndex : undefined;

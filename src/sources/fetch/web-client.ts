// What the ingest worker and the deep crawl use to get pages: the safe fetcher, robots.txt checked before
// every hop, conditional GETs, and HTTP statuses turned into actionable errors.
import { STATUS_CODES } from 'node:http';
import { FetchError } from './fetch-errors.js';
import { createRobotsCache, type RobotsCache } from './robots.js';
import {
  createSafeFetcher,
  SAFE_FETCH_DEFAULTS,
  type SafeFetcher,
  type SafeFetchOptions,
} from './safe-fetch.js';

export const ROBOTS_AGENT = 'DistillBot';
export const USER_AGENT = `${ROBOTS_AGENT}/0.1 (+https://github.com/distill-kb/distill)`;

export type PageResult =
  | { kind: 'not-modified'; url: URL }
  | {
      kind: 'content';
      url: URL;
      contentType: string;
      body: Buffer;
      etag: string | null;
      lastModified: string | null;
    };

export interface WebClient {
  fetcher: SafeFetcher;
  robots: RobotsCache;
  /** GETs a page honouring robots.txt; 304 with the validators given → not-modified; other non-2xx throw. */
  fetchPage(
    url: URL,
    options?: { etag?: string | null; lastModified?: string | null; signal?: AbortSignal; accept?: string },
  ): Promise<PageResult>;
  close(): Promise<void>;
}

export type WebClientOptions = Partial<Omit<SafeFetchOptions, 'allowPrivateAddresses'>> & {
  allowPrivateAddresses: boolean;
  robotsTtlMs?: number;
};

// Transient 4xx: the server asks us to come back later.
const RETRYABLE_4XX = new Set([408, 425, 429]);

export function statusError(url: URL, status: number): FetchError {
  const name = `HTTP ${status}${STATUS_CODES[status] ? ` ${STATUS_CODES[status]}` : ''}`;
  if (status >= 500 || RETRYABLE_4XX.has(status))
    return new FetchError(
      'http-status',
      `${url.href} answered ${name}; the site may be down — try again later.`,
      {
        permanent: false,
        status,
      },
    );
  const hint =
    status === 404 || status === 410
      ? 'check that the URL is correct'
      : status === 401 || status === 403
        ? 'the page must be publicly readable without logging in'
        : 'check that the URL points to a public web page';
  return new FetchError('http-status', `${url.href} answered ${name}; ${hint}.`, { permanent: true, status });
}

export function createWebClient(options: WebClientOptions): WebClient {
  const fetcher = createSafeFetcher({
    userAgent: options.userAgent ?? USER_AGENT,
    allowPrivateAddresses: options.allowPrivateAddresses,
    maxBytes: options.maxBytes ?? SAFE_FETCH_DEFAULTS.maxBytes,
    timeoutMs: options.timeoutMs ?? SAFE_FETCH_DEFAULTS.timeoutMs,
    maxRedirects: options.maxRedirects ?? SAFE_FETCH_DEFAULTS.maxRedirects,
    maxConcurrentPerHost: options.maxConcurrentPerHost ?? SAFE_FETCH_DEFAULTS.maxConcurrentPerHost,
    resolver: options.resolver,
    addressPolicy: options.addressPolicy,
  });
  const robots = createRobotsCache(fetcher, { agent: ROBOTS_AGENT, ttlMs: options.robotsTtlMs });

  return {
    fetcher,
    robots,
    async fetchPage(url, { etag, lastModified, signal, accept } = {}) {
      const headers: Record<string, string> = {
        accept:
          accept ?? 'text/html, application/xhtml+xml, text/markdown;q=0.9, text/plain;q=0.8, */*;q=0.1',
      };
      if (etag) headers['if-none-match'] = etag;
      if (lastModified) headers['if-modified-since'] = lastModified;
      const response = await fetcher.fetch(url, {
        headers,
        signal,
        beforeRequest: (hop, hopSignal) => robots.check(hop, hopSignal),
      });
      if (response.status === 304 && (etag || lastModified))
        return { kind: 'not-modified', url: response.url };
      if (response.status < 200 || response.status >= 300) throw statusError(response.url, response.status);
      return {
        kind: 'content',
        url: response.url,
        contentType: response.headers.get('content-type') ?? '',
        body: response.body,
        etag: response.headers.get('etag'),
        lastModified: response.headers.get('last-modified'),
      };
    },
    close: () => fetcher.close(),
  };
}

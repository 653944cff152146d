// robots.txt per RFC 9309 (https://www.rfc-editor.org/rfc/rfc9309): 2xx → its rules; 4xx ("unavailable")
// → everything allowed; 5xx or unreachable → everything disallowed, for now. Parsed with robots-parser,
// cached per origin (successes for an hour, failures for a minute so a recovered site is seen soon).
import robotsParserModule from 'robots-parser';
import { FetchError, isFetchError } from './fetch-errors.js';
import type { SafeFetcher } from './safe-fetch.js';

// The package is CommonJS (module.exports = fn) but its typings declare a default export; under NodeNext the
// default import is module.exports, i.e. the function itself.
const robotsParser = robotsParserModule as unknown as typeof robotsParserModule.default;
type Robot = ReturnType<typeof robotsParser>;

type Rules = { kind: 'rules'; robot: Robot } | { kind: 'allow-all' } | { kind: 'unreachable'; why: string };

export interface RobotsOptions {
  /** The product token matched against User-agent lines, e.g. "DistillBot". */
  agent: string;
  ttlMs?: number;
  failureTtlMs?: number;
  maxEntries?: number;
}

export interface RobotsCache {
  /** Throws a FetchError when robots.txt forbids the URL (permanent) or cannot be read (transient). */
  check(url: URL, signal?: AbortSignal): Promise<void>;
  /** Sitemap URLs named in the origin's robots.txt. */
  sitemaps(origin: string, signal?: AbortSignal): Promise<string[]>;
}

// RFC 9309 §2.5: crawlers must parse at least the first 500 KiB.
const ROBOTS_MAX_BYTES = 512 * 1024;

// Matching one URL costs (rule length × path length) per rule with wildcards, for every link and redirect
// hop: a robots.txt of long "/*a*a*a…" rules and a long link stalled the event loop for seconds per link.
// So rules are capped before parsing and paths before matching. Past a cap we err on the side of the site:
// a long Disallow is cut to a prefix (it forbids more, never less); a long Allow is ignored.
export const ROBOTS_MAX_RULES = 500;
export const ROBOTS_MAX_RULE_CHARS = 200;
/** All Allow/Disallow patterns together. */
export const ROBOTS_MAX_RULES_CHARS = 10_000;
export const ROBOTS_MAX_PATH_CHARS = 1_024;

const RULE_LINE = /^\s*(allow|disallow)\s*:\s*([^#]*)/i;

/** The robots.txt text with at most the capped rules (other lines untouched). */
export function capRobotsRules(text: string): string {
  let rules = 0;
  let chars = 0;
  const lines: string[] = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    const rule = RULE_LINE.exec(line);
    if (!rule) {
      lines.push(line);
      continue;
    }
    const [, kind, rawPattern] = rule;
    let pattern = rawPattern!.trim();
    if (pattern.length > ROBOTS_MAX_RULE_CHARS) {
      if (kind!.toLowerCase() === 'allow') continue;
      pattern = pattern.slice(0, ROBOTS_MAX_RULE_CHARS);
    }
    if (rules >= ROBOTS_MAX_RULES || chars + pattern.length > ROBOTS_MAX_RULES_CHARS) continue;
    rules += 1;
    chars += pattern.length;
    lines.push(`${kind}: ${pattern}`);
  }
  return lines.join('\n');
}

/** The URL robots.txt rules are matched against: path and query cut to ROBOTS_MAX_PATH_CHARS. */
function matchedUrl(url: URL): string {
  const path = `${url.pathname}${url.search}`;
  return path.length > ROBOTS_MAX_PATH_CHARS
    ? `${url.origin}${path.slice(0, ROBOTS_MAX_PATH_CHARS)}`
    : url.href;
}

export function createRobotsCache(fetcher: SafeFetcher, options: RobotsOptions): RobotsCache {
  const ttlMs = options.ttlMs ?? 3_600_000;
  const failureTtlMs = options.failureTtlMs ?? 60_000;
  const maxEntries = options.maxEntries ?? 5_000;
  const cache = new Map<string, { expires: number; rules: Promise<Rules> }>();

  async function load(origin: string, signal?: AbortSignal): Promise<Rules> {
    const robotsUrl = `${origin}/robots.txt`;
    try {
      const response = await fetcher.fetch(robotsUrl, {
        signal,
        timeoutMs: 10_000,
        maxBytes: ROBOTS_MAX_BYTES,
        truncate: true,
        headers: { accept: 'text/plain, */*;q=0.5' },
      });
      if (response.status >= 200 && response.status < 300)
        return {
          kind: 'rules',
          robot: robotsParser(robotsUrl, capRobotsRules(response.body.toString('utf8'))),
        };
      if (response.status >= 400 && response.status < 500) return { kind: 'allow-all' };
      return { kind: 'unreachable', why: `it answered HTTP ${response.status}` };
    } catch (error) {
      // A refused address is the real story: report it as such, not as an unreadable robots.txt.
      if (isFetchError(error) && (error.reason === 'blocked-address' || error.reason === 'invalid-url'))
        throw error;
      if (isFetchError(error) && error.reason === 'dns') throw error;
      return { kind: 'unreachable', why: isFetchError(error) ? error.message : String(error) };
    }
  }

  function rulesFor(origin: string, signal?: AbortSignal): Promise<Rules> {
    const now = Date.now();
    const cached = cache.get(origin);
    if (cached && cached.expires > now) return cached.rules;
    const rules = load(origin, signal);
    const entry = { expires: now + ttlMs, rules };
    cache.delete(origin);
    cache.set(origin, entry);
    if (cache.size > maxEntries) cache.delete(cache.keys().next().value!);
    rules.then(
      (result) => {
        if (result.kind === 'unreachable') entry.expires = Date.now() + failureTtlMs;
      },
      () => cache.delete(origin),
    );
    return rules;
  }

  return {
    async check(url, signal) {
      // The robots.txt request itself is always allowed.
      if (url.pathname === '/robots.txt') return;
      const rules = await rulesFor(url.origin, signal);
      if (rules.kind === 'allow-all') return;
      if (rules.kind === 'unreachable')
        throw new FetchError(
          'robots-unreachable',
          `robots.txt of ${url.host} could not be read (${rules.why}); under RFC 9309 the site counts as disallowed until it can be read — try again later.`,
        );
      if (rules.robot.isAllowed(matchedUrl(url), options.agent) === false)
        throw new FetchError(
          'robots',
          `robots.txt of ${url.host} disallows ${options.agent} from fetching ${`${url.pathname}${url.search}`.slice(0, 500)}; the site owner must allow it, or remove this URL.`,
        );
    },
    async sitemaps(origin, signal) {
      const rules = await rulesFor(origin, signal).catch(() => undefined);
      return rules?.kind === 'rules' ? rules.robot.getSitemaps() : [];
    },
  };
}

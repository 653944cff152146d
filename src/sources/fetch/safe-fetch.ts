// SSRF-safe HTTP GET (docs/architecture.md §3):
// - http/https only; the address actually connected to is checked inside the socket's DNS lookup (no
//   separate resolve-then-connect gap for DNS rebinding), IP-literal hosts before any socket is opened;
// - redirects followed by hand, every hop re-checked (scheme, address, and the caller's hook, e.g. robots);
// - decoded bytes counted while streaming and the request aborted beyond the cap (gzip bombs, lying
//   Content-Length; capped-body.ts); one deadline for the whole exchange, redirects and body included;
// - at most `maxConcurrentPerHost` requests at once to one host.
import dns from 'node:dns';
import type { LookupAddress, LookupAllOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { Agent, fetch, type Response } from 'undici';
import { readCapped } from './capped-body.js';
import { isMetadataAddress, isPublicAddress, ipLiteral, type AddressPolicy } from './address-policy.js';
import { BlockedAddressError, blockedAddress, FetchError } from './fetch-errors.js';
import { toFetchError } from './fetch-failures.js';
import { createKeyedLimiter, type KeyedLimiter } from './host-limiter.js';
import { withoutFragment } from './normalize-url.js';

/** A resolver that always answers every address of the name (the guard checks them all). */
export type Resolver = (
  hostname: string,
  options: LookupAllOptions,
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

const systemResolver: Resolver = (hostname, options, callback) =>
  dns.lookup(hostname, { ...options, all: true }, callback);

export interface SafeFetchOptions {
  userAgent: string;
  /** Allow private addresses (ALLOW_PRIVATE_URLS=true); the cloud metadata endpoints stay blocked. */
  allowPrivateAddresses: boolean;
  maxBytes: number;
  timeoutMs: number;
  maxRedirects: number;
  maxConcurrentPerHost: number;
  /** Injectable for tests; the system resolver otherwise. */
  resolver?: Resolver;
  /** Injectable for tests; public unicast only otherwise. */
  addressPolicy?: AddressPolicy;
}

export const SAFE_FETCH_DEFAULTS = {
  maxBytes: 5 * 1024 * 1024,
  timeoutMs: 20_000,
  maxRedirects: 5,
  maxConcurrentPerHost: 2,
} as const;

export interface FetchInit {
  /** GET unless given; a POST body is sent as is (webhook deliveries). */
  method?: 'GET' | 'POST';
  body?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  timeoutMs?: number;
  maxBytes?: number;
  /** Return the first `maxBytes` instead of failing (robots.txt: parse what fits). */
  truncate?: boolean;
  /** Runs before every request, the first and each redirect hop; throw to refuse the URL. */
  beforeRequest?: (url: URL, signal: AbortSignal) => Promise<void>;
}

export interface FetchedResponse {
  /** The URL that answered (after redirects). */
  url: URL;
  status: number;
  headers: Headers;
  /** Decoded body; empty for anything but 2xx. */
  body: Buffer;
}

export interface SafeFetcher {
  fetch(url: URL | string, init?: FetchInit): Promise<FetchedResponse>;
  limiter: KeyedLimiter;
  close(): Promise<void>;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export const hostKey = (url: URL): string => url.host;

function guardedLookup(resolver: Resolver, policy: AddressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    resolver(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const refused = addresses.find((entry) => !policy(entry.address));
      if (refused)
        return callback(
          new BlockedAddressError(hostname, refused.address, isMetadataAddress(refused.address)),
          '',
          0,
        );
      if (addresses.length === 0) {
        const notFound: NodeJS.ErrnoException = new Error(`no address for ${hostname}`);
        notFound.code = 'ENOTFOUND';
        return callback(notFound, '', 0);
      }
      // net asks for every address when it races IPv4/IPv6 (autoSelectFamily), else for one.
      if (options.all) return (callback as unknown as AllCallback)(null, addresses);
      const first = addresses[0]!;
      callback(null, first.address, first.family);
    });
  };
}
type AllCallback = (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void;

export function createSafeFetcher(options: SafeFetchOptions): SafeFetcher {
  const publicOnly = options.addressPolicy ?? isPublicAddress;
  const policy: AddressPolicy = (address) =>
    !isMetadataAddress(address) && (options.allowPrivateAddresses || publicOnly(address));
  const agent = new Agent({
    connect: { lookup: guardedLookup(options.resolver ?? systemResolver, policy), timeout: 10_000 },
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    connections: options.maxConcurrentPerHost * 2,
  });
  const limiter = createKeyedLimiter(options.maxConcurrentPerHost);

  function checkUrl(url: URL): void {
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new FetchError(
        'invalid-url',
        `${url.href} is not an http or https URL; only web pages can be fetched.`,
      );
    const literal = ipLiteral(url.hostname);
    // Literal addresses never go through the lookup hook, so they are checked here, before any socket.
    if (literal && !policy(literal))
      throw blockedAddress(new BlockedAddressError(literal, literal, isMetadataAddress(literal)));
  }

  async function fetchOnce(
    url: URL,
    init: FetchInit,
    signal: AbortSignal,
    deadline: AbortSignal,
    timeoutMs: number,
  ): Promise<{ redirect?: URL; response?: FetchedResponse }> {
    return limiter.run(
      hostKey(url),
      async () => {
        const controller = new AbortController();
        const combined = AbortSignal.any([signal, controller.signal]);
        let response: Response;
        try {
          response = await fetch(url, {
            method: init.method ?? 'GET',
            body: init.body,
            redirect: 'manual',
            headers: { 'user-agent': options.userAgent, ...init.headers },
            signal: combined,
            dispatcher: agent,
          });
        } catch (error) {
          throw toFetchError(error, url, deadline, timeoutMs);
        }
        const location = response.headers.get('location');
        if (REDIRECTS.has(response.status) && location) {
          await response.body?.cancel().catch(() => undefined);
          let next: URL;
          try {
            next = new URL(location, url);
          } catch {
            throw new FetchError(
              'invalid-url',
              `${url.href} redirects to an invalid URL (${location.slice(0, 200)}).`,
            );
          }
          return { redirect: next };
        }
        if (response.status < 200 || response.status >= 300) {
          await response.body?.cancel().catch(() => undefined);
          return {
            response: { url, status: response.status, headers: response.headers, body: Buffer.alloc(0) },
          };
        }
        try {
          const body = await readCapped(
            response,
            init.maxBytes ?? options.maxBytes,
            init.truncate ?? false,
            url,
            () => controller.abort(),
          );
          return { response: { url, status: response.status, headers: response.headers, body } };
        } catch (error) {
          throw toFetchError(error, url, deadline, timeoutMs);
        }
      },
      signal,
    );
  }

  return {
    limiter,
    async fetch(input, init = {}) {
      const timeoutMs = init.timeoutMs ?? options.timeoutMs;
      const deadline = AbortSignal.timeout(timeoutMs);
      const signal = init.signal ? AbortSignal.any([deadline, init.signal]) : deadline;
      let url = withoutFragment(typeof input === 'string' ? new URL(input) : input);
      for (let hop = 0; ; hop++) {
        checkUrl(url);
        try {
          await init.beforeRequest?.(url, signal);
          const { redirect, response } = await fetchOnce(url, init, signal, deadline, timeoutMs);
          if (response) return response;
          if (hop >= options.maxRedirects)
            throw new FetchError(
              'too-many-redirects',
              `${url.href} redirected more than ${options.maxRedirects} times; ingest the final URL instead.`,
            );
          url = withoutFragment(redirect!);
        } catch (error) {
          throw toFetchError(error, url, deadline, timeoutMs);
        }
      }
    },
    async close() {
      await agent.close();
    },
  };
}

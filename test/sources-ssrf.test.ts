// SSRF protection with ALLOW_PRIVATE_URLS=false (docs/architecture.md §3): every private, loopback, link-local,
// unspecified or metadata address is refused before a socket is opened — whether it is written in the
// URL, reached through DNS, or reached through a redirect from a public-looking host. No request in this
// file leaves the machine: refusals happen before connecting, and the one "public" host is 127.0.0.2,
// which only this file's policy treats as public.
import type { LookupAddress } from 'node:dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPublicAddress } from '../src/sources/fetch/address-policy.js';
import { createSafeFetcher, type Resolver } from '../src/sources/fetch/safe-fetch.js';
import { startTestApp, type TestContext } from './helpers/app.js';
import { startFixtureServer, type Fixture } from './helpers/fixture-server.js';
import { ingest, waitForIngest } from './helpers/sources.js';

const PUBLIC_TEST_ADDRESS = '127.0.0.2';

/** `public.test` → 127.0.0.2; `localhost` and everything else as the system resolves them. */
const resolver: Resolver = (hostname, options, callback) => {
  if (hostname === 'public.test') return callback(null, [{ address: PUBLIC_TEST_ADDRESS, family: 4 }]);
  if (hostname === 'private.test') return callback(null, [{ address: '10.1.2.3', family: 4 }]);
  if (hostname === 'metadata.test') return callback(null, [{ address: '169.254.169.254', family: 4 }]);
  if (hostname === 'mixed.test')
    return callback(null, [
      { address: '93.184.216.34', family: 4 },
      { address: '192.168.0.10', family: 4 },
    ] satisfies LookupAddress[]);
  import('node:dns').then(
    (dns) => dns.lookup(hostname, { ...options, all: true }, callback),
    (error: unknown) => callback(error as NodeJS.ErrnoException, []),
  );
};
const policy = (address: string) => address === PUBLIC_TEST_ADDRESS || isPublicAddress(address);

let site: Fixture;
let publicSite: Fixture;
let ctx: TestContext;
beforeAll(async () => {
  site = await startFixtureServer();
  // The public-looking host, whose /redirect-to sends the fetch on to loopback.
  publicSite = await startFixtureServer(PUBLIC_TEST_ADDRESS);
  ctx = await startTestApp(
    { ALLOW_PRIVATE_URLS: 'false' },
    { workers: true, web: { resolver, addressPolicy: policy } },
  );
});
afterAll(async () => {
  await ctx.close();
  await site.close();
  await publicSite.close();
});

const port = () => site.port;
const ssrfUrls = () => [
  `http://127.0.0.1:${port()}/article`,
  `http://localhost:${port()}/article`,
  `http://[::1]:${port()}/article`,
  `http://[::ffff:127.0.0.1]:${port()}/article`,
  `http://0.0.0.0:${port()}/article`,
  'http://169.254.169.254/latest/meta-data/',
  'http://10.0.0.1/',
  'http://172.16.0.1/',
  'http://172.31.255.254/',
  'http://192.168.1.1/',
  'http://2130706433/', // 127.0.0.1 written as one number
  'http://private.test/',
  'http://mixed.test/',
];

const fetcherWith = (options: { allowPrivateAddresses: boolean; addressPolicy?: typeof policy }) =>
  createSafeFetcher({
    userAgent: 'test',
    maxBytes: 1024 * 1024,
    timeoutMs: 5_000,
    maxRedirects: 5,
    maxConcurrentPerHost: 2,
    resolver,
    ...options,
  });

describe('address policy', () => {
  it('refuses every non-public address and accepts public ones', () => {
    for (const address of [
      '127.0.0.1',
      '127.1.2.3',
      '::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:10.0.0.1',
      '0.0.0.0',
      '::',
      '169.254.169.254',
      '10.0.0.1',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '100.64.0.1',
      'fc00::1',
      'fd00:ec2::254',
      'fe80::1',
      '::7f00:1', // IPv4-compatible ::127.0.0.1, as the URL parser writes [::127.0.0.1]
      '::a00:1',
      '::808:808',
      '224.0.0.1',
      '255.255.255.255',
      'not an address',
    ])
      expect(isPublicAddress(address), address).toBe(false);
    for (const address of ['93.184.216.34', '1.1.1.1', '172.32.0.1', '2606:4700:4700::1111'])
      expect(isPublicAddress(address), address).toBe(true);
  });
});

describe('safe fetch with private addresses refused', () => {
  it('refuses each SSRF target before connecting, with a clear error', async () => {
    const fetcher = fetcherWith({ allowPrivateAddresses: false, addressPolicy: policy });
    try {
      for (const url of [
        ...ssrfUrls(),
        `http://public.test:${publicSite.port}/redirect-to?url=${encodeURIComponent(site.url('/article'))}`,
      ]) {
        const error = await fetcher.fetch(url).then(
          () => undefined,
          (failure: unknown) => failure as { reason?: string; message: string },
        );
        expect(error, url).toBeDefined();
        expect(error!.reason, `${url}: ${error!.message}`).toBe('blocked-address');
        expect(error!.message).toMatch(/Fetching was blocked: .*not public/);
      }
      expect(site.hits('/article')).toBe(0);
      // The public-looking host itself was reached; only its redirect to loopback was refused.
      expect(publicSite.hits('/redirect-to')).toBe(1);
    } finally {
      await fetcher.close();
    }
  });

  it('fails the ingestion job at once for every SSRF target, saying the address is blocked', async () => {
    const key = await ctx.createKey();
    const urls = [
      ...ssrfUrls(),
      `http://public.test:${publicSite.port}/redirect-to?url=${encodeURIComponent(site.url('/article'))}`,
    ];
    const { addedDocumentIds } = await ingest(ctx, key, urls);
    expect(addedDocumentIds).toHaveLength(urls.length);
    for (const [index, id] of addedDocumentIds.entries()) {
      const source = await waitForIngest(ctx, key, id);
      expect(source, urls[index]).toMatchObject({ linkedJobStatus: 'FAILED', success: false });
      expect(source.error, urls[index]).toContain('Fetching was blocked');
      expect(source.error).toContain('ALLOW_PRIVATE_URLS=true');
    }
    expect(site.hits('/article')).toBe(0);
  });

  it('says which host is private without storing what it resolved to', async () => {
    const key = await ctx.createKey();
    const { addedDocumentIds } = await ingest(ctx, key, [`http://private.test:${port()}/article`]);
    const source = await waitForIngest(ctx, key, addedDocumentIds[0]!);
    expect(source.error).toBe(
      'Fetching was blocked: the address of private.test is private, loopback, link-local or otherwise not public. Only public addresses can be fetched; set ALLOW_PRIVATE_URLS=true to allow it on a trusted network.',
    );
    expect(source.error).not.toContain('10.1.2.3');
  });

  it('answers 400 naming a deep-crawl seed that points at a private address', async () => {
    const key = await ctx.createKey();
    const response = await ctx
      .http()
      .post('/v2/documents/public/deep-crawl/links')
      .set(key.header)
      .send({ links: [`http://127.0.0.1:${port()}/`] });
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/^links\[0\] cannot be crawled: Fetching was blocked/);
    expect(site.hits('/')).toBe(0);
  });
});

describe('safe fetch with ALLOW_PRIVATE_URLS=true', () => {
  it('still refuses the cloud metadata endpoints, and reaches loopback', async () => {
    const fetcher = fetcherWith({ allowPrivateAddresses: true });
    try {
      for (const url of [
        'http://169.254.169.254/latest/meta-data/',
        'http://[fd00:ec2::254]/latest/meta-data/',
        'http://[::ffff:169.254.169.254]/',
        'http://[FD00:EC2:0::254]/',
        'http://metadata.test/latest/meta-data/',
        `http://localhost:${port()}/redirect-to?url=${encodeURIComponent('http://169.254.169.254/')}`,
      ]) {
        const error = await fetcher.fetch(url).then(
          () => undefined,
          (failure: unknown) => failure as { reason?: string; message: string },
        );
        expect(error?.reason, `${url}: ${error?.message}`).toBe('blocked-address');
        expect(error!.message).toMatch(
          /cloud metadata endpoint, which is not public and is never fetched, not even with ALLOW_PRIVATE_URLS=true/,
        );
      }
      const ok = await fetcher.fetch(site.url('/article'));
      expect(ok.status).toBe(200);
    } finally {
      await fetcher.close();
    }
  });
});

// The address guard for a webhook URL at creation, the same rule ingestion applies when it connects
// (sources/fetch/address-policy.ts): http or https, and unless ALLOW_PRIVATE_URLS every address the host
// resolves to is public. Delivery checks again at connect time, so a DNS change later is caught too.
import dns from 'node:dns';
import type { LookupAddress } from 'node:dns';
import { validationError } from '../lib/errors.js';
import { ipLiteral, isPublicAddress, type AddressPolicy } from '../sources/fetch/address-policy.js';
import type { Resolver } from '../sources/fetch/safe-fetch.js';

export interface UrlGuardOptions {
  allowPrivateAddresses: boolean;
  resolver?: Resolver;
  addressPolicy?: AddressPolicy;
}

const systemResolver: Resolver = (hostname, options, callback) =>
  dns.lookup(hostname, { ...options, all: true }, callback);

function resolveAll(resolver: Resolver, hostname: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) =>
    resolver(hostname, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
  );
}

/** The URL, normalized by the URL parser; a 400 naming `url` when it may not receive webhooks. */
export async function checkWebhookUrl(input: string, options: UrlGuardOptions): Promise<string> {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw validationError(
      'url',
      `must be an absolute http or https URL; ${JSON.stringify(input)} is not one`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw validationError('url', `must use http or https, not ${url.protocol.replace(':', '')}`);
  if (url.username || url.password) throw validationError('url', 'must not contain credentials');
  if (options.allowPrivateAddresses) return url.href;
  const policy = options.addressPolicy ?? isPublicAddress;
  const literal = ipLiteral(url.hostname);
  const refuse = (address: string) =>
    validationError(
      'url',
      `points to ${address}, which is private, loopback, link-local or otherwise not public; only public addresses receive webhooks (an operator can set ALLOW_PRIVATE_URLS=true on a trusted network)`,
    );
  if (literal) {
    if (!policy(literal)) throw refuse(literal);
    return url.href;
  }
  let addresses: LookupAddress[];
  try {
    addresses = await resolveAll(options.resolver ?? systemResolver, url.hostname);
  } catch {
    throw validationError('url', `has a host (${url.hostname}) that could not be found (DNS)`);
  }
  const blocked = addresses.find((entry) => !policy(entry.address));
  if (blocked) throw refuse(blocked.address);
  if (addresses.length === 0)
    throw validationError('url', `has a host (${url.hostname}) that could not be found (DNS)`);
  return url.href;
}

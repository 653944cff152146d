// Web URLs as identities: a source's externalId is its normalized URL (docs/api.md §3).

/** Parses a user-supplied web URL: http or https, no credentials. Undefined when it is not one. */
export function parseWebUrl(input: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username || url.password) return undefined;
  if (!url.hostname) return undefined;
  return url;
}

/**
 * Lowercase scheme and host and no default port (the WHATWG parser already does these), no fragment,
 * query parameters sorted (stable by name, so repeated names keep their order), path kept as is.
 */
export function normalizeUrl(input: URL | string): string {
  const url = new URL(typeof input === 'string' ? input : input.href);
  url.hash = '';
  url.username = '';
  url.password = '';
  url.searchParams.sort();
  // A bare "?" is no query at all.
  if (url.searchParams.size === 0) url.search = '';
  return url.href;
}

/** The URL without its fragment: what we actually request. */
export function withoutFragment(url: URL): URL {
  const copy = new URL(url.href);
  copy.hash = '';
  return copy;
}

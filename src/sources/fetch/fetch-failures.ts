// What a thrown fetch or stream error of the safe fetcher (safe-fetch.ts) becomes: a FetchError naming the
// cause in words a user can act on (a blocked address, the deadline, DNS, TLS, the network).
import { BlockedAddressError, blockedAddress, FetchError } from './fetch-errors.js';

/** The innermost cause of a failed fetch: undici wraps socket errors in TypeError('fetch failed'). */
function rootCause(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 5; depth++) {
    const cause = (current as { cause?: unknown } | null)?.cause;
    if (!cause) break;
    current = cause;
  }
  return current;
}

function findBlocked(error: unknown): BlockedAddressError | undefined {
  for (let current = error, depth = 0; current && depth < 6; depth++) {
    if (current instanceof BlockedAddressError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Maps a thrown fetch/stream error to a FetchError with a message a user can act on. */
export function toFetchError(error: unknown, url: URL, deadline: AbortSignal, timeoutMs: number): FetchError {
  if (error instanceof FetchError) return error;
  const blocked = findBlocked(error);
  if (blocked) return blockedAddress(blocked);
  if (deadline.aborted)
    return new FetchError(
      'timeout',
      `${url.href} did not answer completely within ${Math.round(timeoutMs / 1000)} seconds; the site may be slow or down — try again later.`,
      { cause: error },
    );
  const cause = rootCause(error) as { code?: string; name?: string; message?: string };
  if (cause?.name === 'AbortError' || (error as { name?: string })?.name === 'AbortError')
    return new FetchError('aborted', `fetching ${url.href} was interrupted (the worker is stopping)`, {
      cause: error,
    });
  const code = cause?.code ?? '';
  if (code === 'ENOTFOUND')
    return new FetchError(
      'dns',
      `The host ${url.hostname} could not be found (DNS); check the spelling of the URL.`,
      { cause: error },
    );
  if (
    code.startsWith('CERT_') ||
    code.includes('CERT') ||
    code.startsWith('ERR_TLS') ||
    code.includes('SELF_SIGNED')
  )
    return new FetchError(
      'tls',
      `The TLS certificate of ${url.hostname} is not valid (${code}); the site must fix its certificate.`,
      { cause: error },
    );
  return new FetchError(
    'network',
    `Could not connect to ${url.host} (${code || cause?.message || 'network error'}); the site may be down — try again later.`,
    { cause: error },
  );
}

// A response body read up to a byte cap: decoded bytes are counted while streaming, so a gzip bomb or a lying
// Content-Length cannot get past it; beyond the cap the body is cut (truncate) or the fetch fails as too large.
import type { Response } from 'undici';
import { FetchError } from './fetch-errors.js';

export async function readCapped(
  response: Response,
  maxBytes: number,
  truncate: boolean,
  url: URL,
  abort: () => void,
): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  // Content-Length counts encoded bytes: past the cap encoded means past it decoded too.
  if (!truncate && Number.isFinite(declared) && declared > maxBytes) {
    abort();
    throw tooLarge(url, maxBytes);
  }
  if (!response.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let total = 0;
  const reader = response.body.getReader() as ReadableStreamDefaultReader<Uint8Array>;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      if (truncate) {
        chunks.push(Buffer.from(value.subarray(0, value.byteLength - (total - maxBytes))));
        await reader.cancel().catch(() => undefined);
        return Buffer.concat(chunks);
      }
      abort();
      await reader.cancel().catch(() => undefined);
      throw tooLarge(url, maxBytes);
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
}

const tooLarge = (url: URL, maxBytes: number) =>
  new FetchError(
    'too-large',
    `${url.href} is larger than the ${Math.round(maxBytes / 1024 / 1024)} MiB limit; ingest a smaller page.`,
  );

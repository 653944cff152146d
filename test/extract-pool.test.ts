// Extraction on worker threads (src/sources/fetch/extract-pool.ts): the same results and errors as
// extractContent on the event loop, from a pool that starts its threads on the first page.
import { afterAll, describe, expect, it } from 'vitest';
import { extractContent } from '../src/sources/fetch/extract.js';
import { createExtractPool } from '../src/sources/fetch/extract-pool.js';
import { isFetchError } from '../src/sources/fetch/fetch-errors.js';
import { EXTRACTION_PAGES } from './fixtures/extraction/index.js';

const pool = createExtractPool({ threads: 2 });
afterAll(() => pool.close());

describe('extraction pool', () => {
  it('answers what extractContent answers, for pages sent at once', async () => {
    const pages = EXTRACTION_PAGES.slice(0, 6);
    const results = await Promise.all(
      pages.map((page) =>
        pool.extract(Buffer.from(page.html), 'text/html; charset=utf-8', new URL(page.url)),
      ),
    );
    results.forEach((result, i) => {
      const page = pages[i]!;
      expect(result).toEqual(
        extractContent(Buffer.from(page.html), 'text/html; charset=utf-8', new URL(page.url)),
      );
    });
  });

  it('rejects with the FetchError extractContent throws, reason and permanence kept', async () => {
    const error = await pool
      .extract(Buffer.from('%PDF-1.7'), 'application/pdf', new URL('https://help.example/file.pdf'))
      .catch((caught: unknown) => caught);
    expect(isFetchError(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'unsupported-type', permanent: true });
    expect((error as Error).message).toMatch(/application\/pdf, which Distill cannot extract text from/);
  });

  it('refuses pages once closed', async () => {
    const closed = createExtractPool({ threads: 1 });
    await closed.close();
    await expect(
      closed.extract(Buffer.from('<p>x</p>'), 'text/html', new URL('https://help.example/')),
    ).rejects.toThrow(/closed/);
  });
});

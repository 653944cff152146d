// Extraction quality on the evaluation set of test/fixtures/extraction: token F1 of Distill's paragraphs
// against the expected article text, and against Readability's own text of the same main content.
// Run: node --import tsx bench/content/extraction-eval.ts [--verbose]
import { extractContent, mainContent } from '../../src/sources/fetch/extract.js';
import {
  EXTRACTION_PAGES,
  expectedTokens,
  markdownTokens,
  tokenF1,
  htmlTokens,
} from '../../test/fixtures/extraction/index.js';

const verbose = process.argv.includes('--verbose');
const rows = EXTRACTION_PAGES.map((page) => {
  const extracted = extractContent(Buffer.from(page.html), 'text/html; charset=utf-8', new URL(page.url));
  const actual = markdownTokens(extracted.paragraphs);
  const own = tokenF1(actual, expectedTokens(page));
  const main = mainContent(page.html, new URL(page.url));
  const readability = tokenF1(markdownTokens(main.paragraphs), htmlTokens(main.readabilityHtml));
  return { page, extracted, own, readability };
});
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
for (const row of rows) {
  console.log(
    `${row.own.f1.toFixed(3)}  ${row.readability.f1.toFixed(3)}  ${row.extracted.title === row.page.title ? 'title ok ' : 'title BAD'}  ${row.page.name}`,
  );
  if (verbose) {
    if (row.extracted.title !== row.page.title)
      console.log(`    title: ${JSON.stringify(row.extracted.title)}`);
    if (row.own.missing.length) console.log(`    missing: ${row.own.missing.join(' ')}`);
    if (row.own.extra.length) console.log(`    extra:   ${row.own.extra.join(' ')}`);
    if (row.readability.f1 < 1) {
      console.log(`    vs readability missing: ${row.readability.missing.join(' ')}`);
      console.log(`    vs readability extra:   ${row.readability.extra.join(' ')}`);
    }
  }
}
console.log(
  `pages ${rows.length}; extraction F1 (own set) mean ${mean(rows.map((r) => r.own.f1)).toFixed(3)}, min ${Math.min(...rows.map((r) => r.own.f1)).toFixed(3)}; ` +
    `Readability-textContent F1 mean ${mean(rows.map((r) => r.readability.f1)).toFixed(3)}, min ${Math.min(...rows.map((r) => r.readability.f1)).toFixed(3)}; ` +
    `titles right ${rows.filter((r) => r.extracted.title === r.page.title).length}/${rows.length}`,
);

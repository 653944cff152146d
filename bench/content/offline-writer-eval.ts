// The offline writer's accuracy on the labeled pages of test/fixtures/offline-writer (operation, target
// article, folder). Run: node --import tsx bench/content/offline-writer-eval.ts [--verbose]
import { createOfflineWriter } from '../../src/writers/offline-writer.js';
import { evaluate, HELD_OUT_CASES } from '../../test/fixtures/offline-writer/index.js';

const verbose = process.argv.includes('--verbose');
const { outcomes, summary } = await evaluate(createOfflineWriter());
for (const o of outcomes) {
  const mark = (ok: boolean | undefined) => (ok === undefined ? '-' : ok ? '✓' : '✗');
  console.log(
    `${mark(o.operation)}${mark(o.target)}${mark(o.folder)}  ${o.testCase.kind.padEnd(10)} ${o.testCase.name}`,
  );
  if (verbose && !(o.operation && o.target && o.folder !== false)) console.log(`      ${o.answer}`);
}
console.log(summary);
const heldOut = await evaluate(createOfflineWriter(), HELD_OUT_CASES);
for (const o of heldOut.outcomes)
  if (verbose && !(o.operation && o.target && o.folder !== false))
    console.log(`  held out ✗ ${o.testCase.name}: ${o.answer}`);
console.log(`held out: ${heldOut.summary}`);

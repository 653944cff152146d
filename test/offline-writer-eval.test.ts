// The offline writer on the labeled pages of test/fixtures/offline-writer: the operation, target and
// folder a careful editor would choose. Measured before the rules of this file's cases existed:
// operation 0.632, target 0.895, folder 0.333 (bench/content/offline-writer-eval.ts prints the figures).
import { describe, expect, it } from 'vitest';
import { createOfflineWriter } from '../src/writers/offline-writer.js';
import { evaluate, type EvalOutcome } from './fixtures/offline-writer/index.js';

const right = (o: EvalOutcome) => o.operation && o.target && o.folder !== false;

describe('offline writer: labeled evaluation set', () => {
  it('decides like a careful editor on at least 90% of the pages (operation, target and folder)', async () => {
    const { outcomes, summary } = await evaluate(createOfflineWriter());
    const rate = (values: boolean[]) => values.filter(Boolean).length / values.length;
    const folders = outcomes.flatMap((o) => (o.folder === undefined ? [] : [o.folder]));
    expect(rate(outcomes.map((o) => o.operation)), summary).toBeGreaterThanOrEqual(0.9);
    expect(rate(outcomes.map((o) => o.target)), summary).toBeGreaterThanOrEqual(0.9);
    expect(rate(folders), summary).toBeGreaterThanOrEqual(0.9);
  });

  it.each([
    ['linked source changed past the end of its article: plan limits'],
    ['identical plus a boilerplate sentence: refund policy'],
    ['revised: invoices kept for 7 years'],
    ['new: connect Microsoft Teams (not an update of Slack)'],
    ['first import: receipts for card payments (breadcrumb says Invoices)'],
    ['navigation: Billing section index'],
  ])('%s', async (name) => {
    const { outcomes } = await evaluate(createOfflineWriter());
    const outcome = outcomes.find((o) => o.testCase.name === name)!;
    expect(right(outcome), outcome.answer).toBe(true);
  });
});

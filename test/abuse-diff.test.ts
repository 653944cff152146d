// Denial of service through the article diff: two large, unrelated bodies once cost minutes of one CPU
// on the event loop (Myers' diff is lines × edits). The diff now yields between edit steps and gives up
// past a bound, answering 422, while /healthz keeps answering.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestContext } from './helpers/app.js';
import { HEALTHZ_MAX_GAP_MS, startAbuseApp, whilePolling } from './helpers/healthz-poller.js';
import { knowledge } from './helpers/knowledge.js';

let ctx: TestContext;
let baseUrl: string;
beforeAll(async () => {
  ({ ctx, baseUrl } = await startAbuseApp());
});
afterAll(() => ctx.close());

const body = (lines: number, word: string) =>
  Array.from({ length: lines }, (_, index) => `${word} ${index}`).join('\n');

describe('article diff of two large unrelated bodies', () => {
  it('answers 422 "too large to show" while /healthz keeps answering', async () => {
    const key = await ctx.createKey();
    const kb = knowledge(ctx, key);
    const folder = await kb.folder('Big');
    // 5,000 lines each and no line in common: the unbounded diff blocked the loop for ~7 s here (50,000
    // lines, which fit in mainKnowledge's 100,000 characters, take tens of minutes).
    const live = await kb.article(folder.id, { mainKnowledge: 'a\n'.repeat(5_000) });
    const draft = await kb.fork(live.id, { mainKnowledge: 'b\n'.repeat(5_000) });

    const { result, healthz } = await whilePolling('abuse-diff', baseUrl, async () => {
      const response = await fetch(`${baseUrl}/v2/hc-articles/${draft.id}/diff/public`, {
        headers: key.header,
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    });
    expect(result.status).toBe(422);
    expect(result.body).toMatchObject({
      code: 'UNPROCESSABLE',
      message: 'the diff is too large to show (more than 1000 changed lines); compare the versions instead',
    });
    expect(healthz.maxGapMs).toBeLessThan(HEALTHZ_MAX_GAP_MS);
  });

  it('still shows a large body with a few changes', async () => {
    const key = await ctx.createKey();
    const kb = knowledge(ctx, key);
    const folder = await kb.folder('Big');
    const text = body(5_000, 'line');
    const live = await kb.article(folder.id, { mainKnowledge: text });
    const draft = await kb.fork(live.id, {
      mainKnowledge: text.replace('line 2500\n', 'line two thousand five hundred\n'),
    });
    const response = await ctx.http().get(`/v2/hc-articles/${draft.id}/diff/public`).set(key.header);
    expect(response.status).toBe(200);
    expect(response.body.diff).toContain('\n-line 2500\n+line two thousand five hundred\n');
  });
});

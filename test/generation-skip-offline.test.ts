// The skip rule's rerun (helpers/rerun-scenario.ts) with the offline writer, the embedded default: its
// decisions cost no money, but each is still a writer call, counted in the batch's usage.modelCalls.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startTestApp, type TestContext } from './helpers/app.js';
import { startFixtureServer, type Fixture } from './helpers/fixture-server.js';
import { expectRerun, rerunScenario } from './helpers/rerun-scenario.js';

let site: Fixture;
let ctx: TestContext;
beforeAll(async () => {
  site = await startFixtureServer();
  ctx = await startTestApp({ LLM_PROVIDER: 'offline', WORKER_CONCURRENCY: '4' }, { workers: true });
});
afterAll(async () => {
  await ctx.close();
  await site.close();
});

describe('rerun over unchanged linked sources after the knowledge base changed', () => {
  it('makes zero writer calls without force, and one per source with force (offline writer)', async () => {
    const key = await ctx.createKey();
    let calls = 0;
    const counted = ctx.deps.metrics.recordModelCall.bind(ctx.deps.metrics);
    ctx.deps.metrics.recordModelCall = (...args) => {
      calls += 1;
      counted(...args);
    };
    expectRerun(await rerunScenario(ctx, key, site, () => calls));
  });
});

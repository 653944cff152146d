// modelCalls: what the model is spared when nothing changed. N fixture pages (with ETags) are ingested
// through the real route and worker; bulk generation runs over them twice with nothing changed in between,
// counting the fake model's calls each time (the second run must reuse every decision by its key: 0
// calls); then the N pages are refreshed, counting the fixture site's 304 answers (target: N).
import type { BenchContext, Workspace } from '../bench-context.js';
import { ingestUrls, linkedIngestJobs, waitForJobs } from '../bench-context.js';
import { callJson } from '../bench-http.js';
import type { Child } from '../bench-processes.js';
import { helpPageHtml, pageText, textMaker } from '../bench-seed.js';
import type { Fixture } from '../../test/helpers/fixture-server.js';
import { bulkGenerate } from './worker-throughput.js';

export interface ModelCallsResult {
  sources: number;
  firstRun: number;
  secondRun: number;
  unchangedRefetch304: number;
  /** Jobs of the second run that reused an earlier decision (DB), and refreshes that kept the content. */
  secondRunReused: number;
  refreshesCompleted: number;
}

export async function benchModelCalls(
  ctx: BenchContext,
  worker: Child,
  workspace: Workspace,
  site: Fixture,
): Promise<ModelCallsResult> {
  const count = ctx.sizes.modelCallSources;
  const maker = textMaker(7);
  const urls = Array.from({ length: count }, (_, i) => {
    site.setPage(`/mc/${i}`, { body: helpPageHtml(pageText(maker, i)), validators: true });
    return site.url(`/mc/${i}`);
  });

  const sourceIds = await ingestUrls(ctx, workspace, urls, worker, 120_000);

  const generate = async (): Promise<{ calls: number; jobIds: string[] }> => {
    const before = (await ctx.fake.stats()).calls;
    const jobIds = await bulkGenerate(ctx, workspace, sourceIds);
    const tally = await waitForJobs(ctx, 'knowledge_jobs', jobIds, 120_000, [worker]);
    if (tally.failed > 0) throw new Error(`${tally.failed} generate jobs failed`);
    return { calls: (await ctx.fake.stats()).calls - before, jobIds };
  };
  const first = await generate();
  const second = await generate();
  const { rows } = await ctx.pool.query<{ reused: number }>(
    'SELECT count(*) FILTER (WHERE reused)::int AS reused FROM knowledge_jobs WHERE id = ANY($1::uuid[])',
    [second.jobIds],
  );

  const notModifiedBefore = site.notModified('/mc/');
  await callJson(`${ctx.api.url}/v2/documents/public/refresh`, {
    method: 'POST',
    headers: workspace.headers,
    body: { documentIds: sourceIds },
  });
  const refresh = await waitForJobs(ctx, 'ingest_jobs', await linkedIngestJobs(ctx, sourceIds), 120_000, [
    worker,
  ]);

  return {
    sources: count,
    firstRun: first.calls,
    secondRun: second.calls,
    unchangedRefetch304: site.notModified('/mc/') - notModifiedBefore,
    secondRunReused: rows[0]!.reused,
    refreshesCompleted: refresh.completed,
  };
}

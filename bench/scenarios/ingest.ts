// ingest: N fixture pages (HTML with site chrome around an article) ingested through the real route and a
// worker process at the default WORKER_CONCURRENCY (16). The pages are spread over S fixture sites because
// the worker allows 2 requests at once per site (politeness): with 8 sites, the concurrency is the limit,
// not politeness. pagesPerSec runs from the first job's start to the last one's completion (ingest_jobs).
// The worker ingests one round of pages before the measured run, like the throughput worker.
// Baseline, same run: the same page's extraction alone (Readability + turndown, the CPU-heavy part),
// back to back on one core in the benchmark process: the most one worker process could do.
import type { BenchContext, Workspace } from '../bench-context.js';
import { linkedIngestJobs, startWorker, waitForJobs } from '../bench-context.js';
import { callJson } from '../bench-http.js';
import type { Child } from '../bench-processes.js';
import { monotonicUs, type MonotonicWindow } from './worker-throughput.js';
import { cpuWindow, postgresBackendsOf, round } from '../bench-infra.js';
import { loadConfig } from '../../src/config.js';
import { extractContent } from '../../src/sources/fetch/extract.js';
import { startFixtureServer, type Fixture } from '../../test/helpers/fixture-server.js';

export interface IngestResult {
  pages: number;
  pagesPerSec: number;
  sites: number;
  workerConcurrency: number;
  failed: number;
  spanSec: number;
  /** Pages/s of extraction alone on one core, and pagesPerSec ÷ that. */
  extractOnlyPagesPerSec: number;
  efficiency: number;
  /** CPU time per page (ms) of the worker and of the benchmark database's PostgreSQL backends. */
  cpuMsPerPage: { worker: number; postgres: number };
  workerCpuPercent: number;
  machineBusyPercent: number;
  /** With --profile: where the worker's CPU went during the measured run (bench/profile-summary.ts). */
  profile?: unknown;
}

const WARMUP_PAGES = 32;

export async function benchIngest(
  ctx: BenchContext,
  workspace: Workspace,
): Promise<{ result: IngestResult; worker: Child; window: MonotonicWindow }> {
  const { ingestPages: pages, ingestSites } = ctx.sizes;
  const sites: Fixture[] = [];
  for (let i = 0; i < ingestSites; i++) sites.push(await startFixtureServer());
  // No WORKER_CONCURRENCY: the default is what is measured.
  const worker = await startWorker(ctx, 'worker (ingest)', {}, { profile: true });
  const ingestAll = async (paths: (i: number) => string, count: number) => {
    const urls = Array.from({ length: count }, (_, i) => sites[i % sites.length]!.url(paths(i)));
    const answer = await callJson<{ addedDocumentIds: string[] }>(`${ctx.api.url}/v2/documents/public`, {
      method: 'POST',
      headers: workspace.headers,
      body: { source: 'web', documentIdsToAdd: urls },
    });
    const jobIds = await linkedIngestJobs(ctx, answer.addedDocumentIds);
    return { jobIds, tally: await waitForJobs(ctx, 'ingest_jobs', jobIds, 300_000, [worker]) };
  };
  try {
    // One round of pages first, as for workerThroughput: JIT warm-up of the extraction and each site's
    // robots.txt belong to a worker's start, not its rate (the baseline below is warmed up too).
    await ingestAll((i) => `/bench/warmup-${i}`, WARMUP_PAGES);
    const cpu = cpuWindow({ worker: worker.pid, postgres: postgresBackendsOf(ctx.databaseName) });
    const fromUs = monotonicUs();
    const { jobIds, tally } = await ingestAll((i) => `/bench/${i}`, pages);
    const window = { fromUs, toUs: monotonicUs() };
    const usage = cpu.stop();
    const { rows } = await ctx.pool.query<{ span: number }>(
      `SELECT extract(epoch FROM max(completed_at) - min(started_at))::float8 AS span
         FROM ingest_jobs WHERE id = ANY($1::uuid[])`,
      [jobIds],
    );
    const span = rows[0]!.span;
    const pagesPerSec = tally.completed / span;

    // The baseline: the same page, extracted back to back (after a warm-up).
    const url = new URL(sites[0]!.url('/bench/0'));
    const body = Buffer.from(await (await fetch(url)).arrayBuffer());
    for (let i = 0; i < 20; i++) extractContent(body, 'text/html; charset=utf-8', url);
    const started = performance.now();
    for (let i = 0; i < pages; i++) extractContent(body, 'text/html; charset=utf-8', url);
    const extractOnly = pages / ((performance.now() - started) / 1000);

    const result: IngestResult = {
      pages,
      pagesPerSec: round(pagesPerSec, 1),
      sites: ingestSites,
      workerConcurrency: loadConfig({}).workerConcurrency,
      failed: tally.failed,
      spanSec: round(span, 2),
      extractOnlyPagesPerSec: round(extractOnly, 1),
      efficiency: round(pagesPerSec / extractOnly, 3),
      cpuMsPerPage: {
        worker: round((((usage.processes.worker ?? NaN) / 100) * usage.seconds * 1000) / pages, 2),
        postgres: round((((usage.processes.postgres ?? NaN) / 100) * usage.seconds * 1000) / pages, 2),
      },
      workerCpuPercent: usage.processes.worker ?? NaN,
      machineBusyPercent: usage.machineBusyPercent,
    };
    return { result, worker, window };
  } finally {
    await worker.stop();
    for (const site of sites) await site.close();
  }
}

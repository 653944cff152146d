// What each benchmark runs: the full sizes that bench/README.md describes, or a smaller `--quick` run (under a minute, for CI;
// its figures are not comparable with the full run's and nothing checks them).

export interface BenchSizes {
  quick: boolean;
  /** bulkAccept: source IDs per bulk request, and timed samples of each side (after one warm-up each). */
  bulkIds: number;
  bulkSamples: number;
  /** workerThroughput: jobs, worker concurrency and the fake model's latency. */
  throughputJobs: number;
  concurrency: number;
  modelLatencyMs: number;
  /** Live articles in the throughput workspace, so the full-text candidate search has work to do. */
  liveArticles: number;
  /** modelCalls: sources ingested from the fixture site, generated twice, then refreshed. */
  modelCallSources: number;
  /** ingest: pages, spread over this many fixture sites (the worker allows 2 requests at once per site). */
  ingestPages: number;
  ingestSites: number;
  /** memory: queued jobs, and how long the worker's RSS is sampled while they wait. */
  memoryJobs: number;
  memorySampleMs: number;
  /**
   * auth: alternating autocannon rounds per route, seconds per round, connections (one: each request
   * waits for the previous answer, so latency is the request's cost, never a queue, and the API never
   * reaches the saturation at which it sheds load with 503s).
   */
  authRounds: number;
  authSeconds: number;
  authConnections: number;
  /** syncRun: fixture pages ingested and generated once, and how many of them change before the run. */
  syncPages: number;
  syncChangedPages: number;
  /** candidatesAtScale: live articles of the small and the large base, probe pages, timed passes. */
  candidateSmall: number;
  candidateLarge: number;
  candidateProbes: number;
  candidatePasses: number;
}

export const FULL_SIZES: BenchSizes = {
  quick: false,
  bulkIds: 1000,
  bulkSamples: 5,
  throughputJobs: 2000,
  concurrency: 32,
  modelLatencyMs: 200,
  liveArticles: 300,
  modelCallSources: 50,
  ingestPages: 200,
  ingestSites: 8,
  memoryJobs: 10_000,
  memorySampleMs: 5_000,
  authRounds: 3,
  authSeconds: 5,
  authConnections: 1,
  syncPages: 200,
  syncChangedPages: 20,
  candidateSmall: 300,
  candidateLarge: 50_000,
  candidateProbes: 60,
  candidatePasses: 3,
};

export const QUICK_SIZES: BenchSizes = {
  quick: true,
  bulkIds: 200,
  bulkSamples: 2,
  throughputJobs: 256,
  concurrency: 32,
  modelLatencyMs: 200,
  liveArticles: 50,
  modelCallSources: 10,
  ingestPages: 40,
  ingestSites: 4,
  memoryJobs: 1_000,
  memorySampleMs: 1_000,
  authRounds: 1,
  authSeconds: 1,
  authConnections: 1,
  syncPages: 40,
  syncChangedPages: 4,
  candidateSmall: 300,
  candidateLarge: 3_000,
  candidateProbes: 20,
  candidatePasses: 1,
};

/** The bulk route takes at most this many IDs per request (docs/api.md §1). */
export const MAX_IDS_PER_REQUEST = 1000;

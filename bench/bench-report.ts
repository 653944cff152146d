// The printed table and bench/results.json: the keys bench/README.md lists first (each section may carry more), then
// `run` with the date, the machine, how busy it was, and which targets were met.
import type { MachineInfo } from './bench-infra.js';
import type { AuthResult } from './scenarios/auth-cost.js';
import type { BulkAcceptResult } from './scenarios/bulk-accept.js';
import type { CandidatesScaleResult } from './scenarios/candidates-scale.js';
import type { IngestResult } from './scenarios/ingest.js';
import type { MemoryResult } from './scenarios/memory.js';
import type { ModelCallsResult } from './scenarios/model-calls.js';
import type { SyncRunResult } from './scenarios/sync-run.js';
import type { ThroughputResult } from './scenarios/worker-throughput.js';

export interface Results {
  bulkAccept: BulkAcceptResult;
  workerThroughput: ThroughputResult;
  modelCalls: ModelCallsResult;
  ingest: IngestResult;
  memory: MemoryResult;
  auth: AuthResult;
  candidatesAtScale: CandidatesScaleResult;
  syncRun: SyncRunResult;
}

export interface Target {
  target: string;
  met: boolean | null;
}

export const TARGETS = {
  bulkAccept: (r: Results): Target => ({ target: 'ratio <= 2.0', met: r.bulkAccept.ratio <= 2.0 }),
  workerThroughput: (r: Results): Target => ({
    target: 'efficiency >= 0.9',
    met: r.workerThroughput.efficiency >= 0.9,
  }),
  modelCalls: (r: Results): Target => ({
    target: `secondRun = 0 and unchangedRefetch304 = ${r.modelCalls.sources}`,
    met: r.modelCalls.secondRun === 0 && r.modelCalls.unchangedRefetch304 === r.modelCalls.sources,
  }),
  memory: (r: Results): Target => ({ target: 'workerRssMb <= 250', met: r.memory.workerRssMb <= 250 }),
  auth: (r: Results): Target => ({ target: 'ratio <= 3', met: r.auth.ratio <= 3 }),
  ingest: (r: Results): Target => ({ target: 'efficiency >= 0.7', met: r.ingest.efficiency >= 0.7 }),
  postgresPerJob: (r: Results): Target => ({
    target: 'workerThroughput.cpuMsPerJob.postgres <= 3',
    met: r.workerThroughput.cpuMsPerJob.postgres <= 3,
  }),
  candidatesAtScale: (r: Results): Target => ({
    target: 'ratio <= 2 and cpuRatio <= 2 and large.recall >= beforeFilter.large.recall',
    met:
      r.candidatesAtScale.ratio <= 2 &&
      r.candidatesAtScale.cpuRatio <= 2 &&
      r.candidatesAtScale.large.recall >= r.candidatesAtScale.beforeFilter.large.recall,
  }),
  syncRun: (r: Results): Target => ({
    target: 'modelCalls = changedPages',
    met: r.syncRun.modelCalls === r.syncRun.changedPages,
  }),
} as const;

const fmt = (value: number, digits = 1) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

const verdict = (target: Target) => (target.met === null ? '' : target.met ? 'met' : 'MISSED');

/** One row per figure: what was measured, its same-run baseline, the comparison, the target. */
export function tableRows(r: Results): string[][] {
  const t = Object.fromEntries(Object.entries(TARGETS).map(([name, check]) => [name, check(r)])) as Record<
    keyof typeof TARGETS,
    Target
  >;
  const { bulkAccept: b, workerThroughput: w, modelCalls: m, ingest: i, memory: mem, auth: a } = r;
  const c = r.candidatesAtScale;
  return [
    ['figure', 'measured', 'baseline (same run)', 'result', 'target', ''],
    [
      'bulkAccept',
      `route, ${b.ids} ids: ${fmt(b.routeMedianMs, 2)} ms (median of ${b.samples})`,
      `raw addBulk of ${b.ids}: ${fmt(b.addBulkMedianMs, 2)} ms`,
      `ratio ${fmt(b.ratio, 2)}`,
      '<= 2.0',
      verdict(t.bulkAccept),
    ],
    [
      'workerThroughput',
      `${fmt(w.jobsPerSec)} jobs/s (${w.completed}/${w.jobs} jobs, c=${w.concurrency}, ${w.modelLatencyMs} ms model)`,
      `bound c/latency: ${fmt(w.boundJobsPerSec, 0)} jobs/s`,
      `efficiency ${fmt(w.efficiency, 3)}`,
      '>= 0.9',
      verdict(t.workerThroughput),
    ],
    [
      'modelCalls',
      `model calls: run 1 ${m.firstRun}, run 2 ${m.secondRun} (${m.sources} sources)`,
      'nothing changed between runs',
      `304 on refresh: ${m.unchangedRefetch304}/${m.sources}`,
      `0 and ${m.sources}`,
      verdict(t.modelCalls),
    ],
    [
      'ingest',
      `${fmt(i.pagesPerSec)} pages/s (${i.pages} pages, c=${i.workerConcurrency}, ${i.sites} sites)`,
      `extraction alone, 1 core: ${fmt(i.extractOnlyPagesPerSec)} pages/s`,
      `${fmt(i.efficiency, 2)} of it`,
      '>= 0.7',
      verdict(t.ingest),
    ],
    [
      'memory',
      `worker RSS ${fmt(mem.workerRssMb)} MB (${mem.queuedJobs} queued, ${mem.inFlight} in flight)` +
        (mem.compiled ? `; compiled build ${fmt(mem.compiled.workerRssMb)} MB` : ''),
      `idle worker: ${fmt(mem.workerRssIdleMb)} MB` +
        (mem.compiled ? ` (compiled ${fmt(mem.compiled.workerRssIdleMb)} MB)` : ''),
      `Redis ${fmt(mem.redisBytesPerJob, 0)} B/job (keys ${fmt(mem.redisKeyBytesPerJob, 0)})`,
      '<= 250 MB',
      verdict(t.memory),
    ],
    [
      'auth',
      `authed GET p50 ${fmt(a.authedP50Ms, 3)} ms (${fmt(a.authedReqPerSec, 0)} req/s, 1 connection)`,
      `/healthz p50 ${fmt(a.healthP50Ms, 3)} ms (${fmt(a.healthReqPerSec, 0)} req/s)`,
      `x${fmt(a.ratio, 2)}; unknown key p50 ${fmt(a.unknownKeyP50Ms, 3)} ms`,
      '<= 3',
      verdict(t.auth),
    ],
    [
      'postgresPerJob',
      `PostgreSQL CPU ${fmt(w.cpuMsPerJob.postgres, 2)} ms per generate job (workerThroughput)`,
      `worker ${fmt(w.cpuMsPerJob.worker, 2)} ms, all processes ${fmt(w.cpuMsPerJob.total, 2)} ms`,
      `${fmt(w.cpuMsPerJob.postgres, 2)} ms`,
      '<= 3 ms',
      verdict(t.postgresPerJob),
    ],
    [
      'candidatesAtScale',
      `${c.largeArticles} articles: ${fmt(c.large.msPerJob, 2)} ms/job, recall ${fmt(c.large.recall, 2)}`,
      `${c.smallArticles} articles: ${fmt(c.small.msPerJob, 2)} ms/job, recall ${fmt(c.small.recall, 2)}`,
      `x${fmt(c.ratio, 2)}, CPU x${fmt(c.cpuRatio, 2)} (before the filter x${fmt(c.beforeFilter.ratio, 1)}, recall ${fmt(c.beforeFilter.large.recall, 2)})`,
      '<= 2, recall kept',
      verdict(t.candidatesAtScale),
    ],
    syncRunRow(r.syncRun, t.syncRun),
  ];
}

function syncRunRow(s: SyncRunResult, target: Target): string[] {
  const hooks = s.webhooks;
  return [
    'syncRun',
    `run ${fmt(s.durationMs / 1000, 2)} s (${s.pages} pages, ${s.changedPages} changed; refresh ${fmt(s.refreshMs / 1000, 2)} s)`,
    `changed pages: ${s.changedPages} (${s.counts.changed} counted changed)`,
    `model calls ${s.modelCalls}; webhooks ${hooks.received}/${hooks.emitted}, ${hooks.allVerified ? 'all verified' : 'NOT all verified'}, p50 ${fmt(hooks.deliveryP50Ms, 0)} ms`,
    '= changed pages',
    verdict(target),
  ];
}

export function renderTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: string[]) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd();
  return [
    line(rows[0]!),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...rows.slice(1).map(line),
  ].join('\n');
}

export interface RunInfo {
  date: string;
  quick: boolean;
  durationSec: number;
  loadAverageAtStart: number;
  machine: MachineInfo;
  targets: Record<string, Target>;
  notes: string[];
}

export function runInfo(r: Results, info: Omit<RunInfo, 'targets'>): RunInfo {
  const targets = Object.fromEntries(Object.entries(TARGETS).map(([name, check]) => [name, check(r)]));
  return { ...info, targets };
}

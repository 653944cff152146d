// candidatesAtScale: the candidate search of a generate job (src/generation/candidates.ts) on a
// knowledge base of `small` live articles and on one of `large`, with the same pages: its cost should
// not grow with the base, and the article each page is about must stay among the candidates. The base
// and the pages come from bench-corpus.ts (a help center whose articles name specific features, a few
// of them very common). Each probe page is written about one of the first `small` articles, so both
// bases hold its right article and the jobs are the same; `recall` is the share of probes whose right
// article is among the candidates. The search runs through `findCandidates` itself, one call at a time on
// one connection, after a warm-up pass; the cost is the wall time per call (median of the passes'
// means) and the CPU time of that connection's PostgreSQL backend per call (parallel query off, so that
// backend does all the work). The search as it was before the selective-term filter runs beside it, on
// the same data in the same run (`beforeFilter`, one pass).
import pg from 'pg';
import { findCandidates, queryTerms } from '../../src/knowledge/candidates-repo.js';
import { insertCorpus, probePage } from '../bench-corpus.js';
import type { BenchContext } from '../bench-context.js';
import { median, processCpuSeconds, round } from '../bench-infra.js';
import { insertFolder } from '../bench-seed.js';

export interface SearchCost {
  msPerJob: number;
  postgresCpuMsPerJob: number;
  recall: number;
}

export interface CandidatesScaleResult {
  smallArticles: number;
  largeArticles: number;
  probes: number;
  passes: number;
  small: SearchCost;
  /** The small workspace again, once the large one shares its table (the index is the table's). */
  smallBesideLarge: SearchCost;
  large: SearchCost;
  /** large.msPerJob ÷ small.msPerJob, and the same for PostgreSQL CPU. */
  ratio: number;
  cpuRatio: number;
  beforeFilter: { small: SearchCost; large: SearchCost; ratio: number };
  seedSec: number;
}

type Search = (
  client: pg.ClientBase,
  workspaceId: string,
  page: { title: string; body: string },
) => Promise<string[]>;

const current: Search = async (client, workspaceId, page) =>
  (await findCandidates(client, workspaceId, { linkedArticleId: null, folderScope: undefined, ...page })).map(
    (candidate) => candidate.id,
  );

/** The candidate query before the selective-term filter: an OR of the terms, every match ranked. */
const beforeFilter: Search = async (client, workspaceId, page) => {
  const { rows } = await client.query<{ id: string }>(
    `WITH shortlist AS (
       SELECT a.id, a.search, query FROM articles a, to_tsquery('english', $2) AS query
       WHERE a.workspace_id = $1 AND NOT a.is_draft AND a.search @@ query
       ORDER BY ts_rank(a.search, query) DESC, a.id LIMIT 50)
     SELECT id FROM shortlist ORDER BY ts_rank_cd(search, query) DESC, id LIMIT 5`,
    [workspaceId, queryTerms(page.title, page.body).join(' | ')],
  );
  return rows.map((row) => row.id);
};

/**
 * One measurement on a connection of its own: the search keeps what it read from the statistics per
 * connection for a few minutes, and each measurement must see the statistics of the base it runs on.
 */
async function measure(
  databaseUrl: string,
  workspaceId: string,
  search: Search,
  probes: { page: { title: string; body: string }; rightId: string }[],
  passes: number,
): Promise<SearchCost> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    // One backend does all the work, so its CPU is the search's (parallel workers would escape the count).
    await client.query('SET max_parallel_workers_per_gather = 0');
    return await measureOn(client, rows[0]!.pid, workspaceId, search, probes, passes);
  } finally {
    await client.end();
  }
}

async function measureOn(
  client: pg.ClientBase,
  backendPid: number,
  workspaceId: string,
  search: Search,
  probes: { page: { title: string; body: string }; rightId: string }[],
  passes: number,
): Promise<SearchCost> {
  let found = 0;
  for (const probe of probes)
    if ((await search(client, workspaceId, probe.page)).includes(probe.rightId)) found++;
  const means: number[] = [];
  const cpuBefore = processCpuSeconds(backendPid) ?? NaN;
  for (let pass = 0; pass < passes; pass++) {
    const start = performance.now();
    for (const probe of probes) await search(client, workspaceId, probe.page);
    means.push((performance.now() - start) / probes.length);
  }
  const cpuMs = ((processCpuSeconds(backendPid) ?? NaN) - cpuBefore) * 1000;
  return {
    msPerJob: round(median(means), 3),
    postgresCpuMsPerJob: round(cpuMs / (passes * probes.length), 3),
    recall: round(found / probes.length, 3),
  };
}

export async function benchCandidatesScale(ctx: BenchContext): Promise<CandidatesScaleResult> {
  const {
    candidateSmall: small,
    candidateLarge: large,
    candidateProbes: probeCount,
    candidatePasses: passes,
  } = ctx.sizes;
  const workspaces: string[] = [];
  const url = ctx.databaseUrl;
  try {
    const seed = async (name: string, count: number) => {
      const { id } = await createBareWorkspace(ctx, name);
      workspaces.push(id);
      const folder = await insertFolder(ctx.pool, id, 'Help');
      return { id, articleIds: await insertCorpus(ctx.pool, id, folder, count) };
    };
    const smallBase = await seed('bench-candidates-small', small);
    await ctx.pool.query('ANALYZE articles');
    const step = Math.max(1, Math.floor(small / probeCount));
    const probes = Array.from({ length: probeCount }, (_, i) => {
      const { title, paragraphs } = probePage(i * step);
      return { page: { title, body: paragraphs.join('\n') }, index: i * step };
    });
    const on = (base: { articleIds: string[] }) =>
      probes.map((probe) => ({ page: probe.page, rightId: base.articleIds[probe.index]! }));

    const smallCost = await measure(url, smallBase.id, current, on(smallBase), passes);
    // The search before the filter takes a second per call at 50,000 articles: one pass is enough to see it.
    const smallBefore = await measure(url, smallBase.id, beforeFilter, on(smallBase), 1);
    const seedStart = performance.now();
    ctx.log(`candidatesAtScale: seeding ${large} live articles`);
    const largeBase = await seed('bench-candidates-large', large);
    await ctx.pool.query('VACUUM ANALYZE articles');
    const seedSec = round((performance.now() - seedStart) / 1000, 1);
    const largeCost = await measure(url, largeBase.id, current, on(largeBase), passes);
    const largeBefore = await measure(url, largeBase.id, beforeFilter, on(largeBase), 1);
    const smallBeside = await measure(url, smallBase.id, current, on(smallBase), passes);
    return {
      smallArticles: small,
      largeArticles: large,
      probes: probes.length,
      passes,
      small: smallCost,
      smallBesideLarge: smallBeside,
      large: largeCost,
      ratio: round(largeCost.msPerJob / smallCost.msPerJob, 2),
      cpuRatio: round(largeCost.postgresCpuMsPerJob / smallCost.postgresCpuMsPerJob, 2),
      beforeFilter: {
        small: smallBefore,
        large: largeBefore,
        ratio: round(largeBefore.msPerJob / smallBefore.msPerJob, 2),
      },
      seedSec,
    };
  } finally {
    // 50,000 articles would slow every later figure's statistics and vacuum: the scenario leaves none.
    for (const id of workspaces) {
      await ctx.pool.query('DELETE FROM articles WHERE workspace_id = $1', [id]);
      await ctx.pool.query('DELETE FROM workspaces WHERE id = $1', [id]);
    }
  }
}

async function createBareWorkspace(ctx: BenchContext, name: string): Promise<{ id: string }> {
  const { rows } = await ctx.pool.query<{ id: string }>(
    'INSERT INTO workspaces (name) VALUES ($1) RETURNING id',
    [name],
  );
  return rows[0]!;
}

// The workspaces a bench run measures in, seeded before any figure runs: each figure's sources are
// inserted only when that figure is wanted (`--only`), except where another figure reads them too.
import { createWorkspace, type BenchContext, type Workspace } from './bench-context.js';
import { insertFolder, insertIngestedSources, insertLiveArticles } from './bench-seed.js';

export interface BenchWorkspaces {
  accept: Workspace;
  acceptSources: string[];
  throughput: Workspace;
  warmupSources: string[];
  throughputSources: string[];
  modelCalls: Workspace;
  ingest: Workspace;
  sync: Workspace;
}

export async function seedWorkspaces(
  ctx: BenchContext,
  want: (figure: string) => boolean,
): Promise<BenchWorkspaces> {
  const { pool, sizes } = ctx;
  const accept = await createWorkspace(ctx, 'bench-accept');
  // auth lists this workspace's sources: seeded for it too, so `--only auth` lists what the full run lists.
  const acceptSources =
    want('bulkAccept') || want('memory') || want('auth')
      ? await insertIngestedSources(pool, accept.id, sizes.bulkIds, { tag: 'accept', seed: 1 })
      : [];
  const throughput = await createWorkspace(ctx, 'bench-throughput');
  const folders = [];
  for (const title of ['Billing', 'Accounts', 'Integrations', 'Security', 'Getting started'])
    folders.push(await insertFolder(pool, throughput.id, title));
  await insertLiveArticles(pool, throughput.id, folders, sizes.liveArticles, 3);
  const throughputRun = want('workerThroughput') || want('modelCalls');
  const warmupSources = throughputRun
    ? await insertIngestedSources(pool, throughput.id, sizes.concurrency, { tag: 'warmup', seed: 4 })
    : [];
  const throughputSources = throughputRun
    ? await insertIngestedSources(pool, throughput.id, sizes.throughputJobs, { tag: 'throughput', seed: 2 })
    : [];
  const modelCalls = await createWorkspace(ctx, 'bench-model-calls');
  await insertFolder(pool, modelCalls.id, 'Help');
  const ingest = await createWorkspace(ctx, 'bench-ingest');
  const sync = await createWorkspace(ctx, 'bench-sync');
  await pool.query('VACUUM ANALYZE');
  return { accept, acceptSources, throughput, warmupSources, throughputSources, modelCalls, ingest, sync };
}

// Sync runs as the API sees them (docs/api.md "Sync runs"): start one, read one, list them. The work is
// the `sync` queue's (sync-run-service.ts); the row is committed before its job is added.
import type { Queue } from 'bullmq';
import { toIso, toIsoOrNull } from '../lib/dates.js';
import type { Pool } from '../lib/db.js';
import { notFound, validationError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { SourcesService } from '../sources/sources-service.js';
import { enqueueSyncRuns } from './sync-queue.js';
import type { SyncRepo, SyncRunRow } from './sync-repo.js';
import type { ListRunsQuery, SyncCounts, SyncParams, SyncRun, SyncStatus } from './sync-schemas.js';

const ZERO: SyncCounts = {
  sources: 0,
  refreshed: 0,
  unchanged: 0,
  changed: 0,
  failed: 0,
  gone: 0,
  suspect: 0,
  jobs: 0,
  drafts: 0,
};

function wireStatus(row: SyncRunRow): SyncStatus {
  if (row.status !== 'IN_PROGRESS') return row.status;
  return row.step === 'REFRESH' || row.step === 'WAIT_REFRESH' ? 'REFRESHING' : 'GENERATING';
}

export const toSyncRun = (row: SyncRunRow): SyncRun => ({
  id: row.id,
  status: wireStatus(row),
  createdAt: toIso(row.createdAt),
  completedAt: toIsoOrNull(row.completedAt),
  scheduleName: row.scheduleName,
  batchId: row.batchCreated ? row.batchId : null,
  counts: { ...ZERO, ...row.counts },
  error: row.error,
});

export function createSyncService(deps: {
  pool: Pool;
  repos: { sync: SyncRepo };
  queue: Queue;
  logger: Logger;
  sources: Pick<SourcesService, 'assertOwned'>;
}) {
  const repo = deps.repos.sync;

  return {
    /** A new run; with `scheduleName`, undefined when that schedule's previous run is still unfinished. */
    async start(
      workspaceId: string,
      params: SyncParams,
      scheduleName: string | null = null,
    ): Promise<SyncRun | undefined> {
      if (params.documentIds) await deps.sources.assertOwned(workspaceId, params.documentIds);
      const row = await repo.insert(workspaceId, params, scheduleName);
      if (!row) return undefined;
      await enqueueSyncRuns(deps.queue, [{ workspaceId, syncRunId: row.id }], deps.logger);
      return toSyncRun(row);
    },

    async get(workspaceId: string, id: string): Promise<SyncRun> {
      const row = await repo.find(workspaceId, id);
      if (!row) throw notFound('sync run', id);
      return toSyncRun(row);
    },

    async list(workspaceId: string, query: ListRunsQuery): Promise<{ runs: SyncRun[]; hasMore: boolean }> {
      if (query.cursor && !(await repo.find(workspaceId, query.cursor)))
        throw validationError(
          'cursor',
          `must be the id of a sync run in this workspace (got ${query.cursor})`,
        );
      const { rows, hasMore } = await repo.list(workspaceId, query);
      return { runs: rows.map(toSyncRun), hasMore };
    },
  };
}

export type SyncService = ReturnType<typeof createSyncService>;

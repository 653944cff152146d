// One attempt of a sync run (the `sync` queue's service; docs/api.md "Sync runs"). The run is a row that
// names its step; each step records what it did in the transaction that does it, so an attempt after a
// crash resumes at the step it stopped in and never refreshes twice or makes a second batch:
//   REFRESH       ingest jobs for the run's sources, their ids stored with them
//   WAIT_REFRESH  until every one of those jobs is finished (the reconciler re-adds any Redis lost)
//   GENERATE      one batch (its id chosen when the run was created) for what changed
//   WAIT_GENERATE until the batch is finished, then COMPLETED with the counts
import { setTimeout as sleep } from 'node:timers/promises';
import type { BatchesService } from '../generation/batches-service.js';
import { isBatchFinished } from '../generation/batches-service.js';
import type { GenerationService } from '../generation/generation-service.js';
import { withTransaction, type Pool } from '../lib/db.js';
import { JobError } from '../lib/jobs/job-error.js';
import type { JobAttempt } from '../lib/jobs/define-job.js';
import type { SourcesService } from '../sources/sources-service.js';
import { emitEvent } from '../webhooks/events.js';
import type { SyncRepo, SyncRunRow } from './sync-repo.js';
import { toSyncRun } from './sync-service.js';
import type { Operation } from '../lib/operations.js';
import { DEFAULT_SYNC_OPS } from './sync-schemas.js';

export interface SyncPayload {
  workspaceId: string;
  syncRunId: string;
}

export interface SyncRunDeps {
  pool: Pool;
  repos: { sync: SyncRepo };
  sources: Pick<SourcesService, 'queueRefresh' | 'enqueueRefresh'>;
  generation: Pick<GenerationService, 'bulk'>;
  batches: Pick<BatchesService, 'get'>;
  /** How often the waiting steps look again. */
  pollMs?: number;
}

export function createSyncRunService(deps: SyncRunDeps) {
  const { pool } = deps;
  const repo = deps.repos.sync;
  const pollMs = deps.pollMs ?? 250;

  const allowsNew = (run: SyncRunRow) => {
    const ops: readonly Operation[] = run.params.restrictedOps ?? DEFAULT_SYNC_OPS;
    return ops.length === 0 || ops.includes('ADD_ARTICLE_TO_FOLDER');
  };

  async function pause(signal: AbortSignal | undefined) {
    if (signal?.aborted) throw JobError.transient('the worker is shutting down; the run resumes later');
    await sleep(pollMs);
  }

  async function refresh(run: SyncRunRow): Promise<void> {
    const ids = await withTransaction(pool, async (tx) => {
      const documentIds = run.params.documentIds ?? (await repo.webSourceIds(run.workspaceId, tx));
      const jobs = await deps.sources.queueRefresh(run.workspaceId, documentIds, tx);
      await repo.advance(
        run.id,
        'WAIT_REFRESH',
        { ingestJobIds: jobs.map((job) => job.ingestJobId), counts: { sources: jobs.length } },
        tx,
      );
      return jobs;
    });
    await deps.sources.enqueueRefresh(ids);
  }

  async function waitForRefresh(run: SyncRunRow, signal?: AbortSignal): Promise<void> {
    for (;;) {
      const outcome = await repo.refreshOutcome(run.id);
      if (outcome.unfinished === 0) {
        const { unfinished: _unfinished, ...counts } = outcome;
        const unchanged = counts.refreshed - counts.changed - counts.suspect;
        await repo.advance(run.id, 'GENERATE', { counts: { ...counts, unchanged } });
        return;
      }
      // Progress for readers (the CLI's bar) while the refresh runs.
      await repo.advance(run.id, 'WAIT_REFRESH', {
        counts: { refreshed: outcome.refreshed, failed: outcome.failed },
      });
      await pause(signal);
    }
  }

  async function generate(run: SyncRunRow): Promise<void> {
    const documentIds = await repo.toGenerate(run.id, allowsNew(run));
    if (documentIds.length === 0) {
      await repo.advance(run.id, 'WAIT_GENERATE', { counts: { jobs: 0, drafts: 0 } });
      return;
    }
    // The batch id was fixed when the run was created: a batch that exists is this step's, made by an
    // attempt that crashed before it could advance.
    const exists = await deps.batches.get(run.workspaceId, run.batchId).then(
      () => true,
      () => false,
    );
    if (!exists)
      await deps.generation.bulk(
        run.workspaceId,
        {
          documentIds,
          restrictedOps: [...(run.params.restrictedOps ?? DEFAULT_SYNC_OPS)],
          isDraft: run.params.isDraft,
          instructions: run.params.instructions,
          botId: run.params.botId,
          force: false,
          origin: 'sources',
        },
        { batchId: run.batchId },
      );
    await repo.advance(run.id, 'WAIT_GENERATE', { batchCreated: true, counts: { jobs: documentIds.length } });
  }

  async function waitForBatch(run: SyncRunRow, signal?: AbortSignal): Promise<void> {
    let counts = {};
    while (run.batchCreated) {
      const batch = await deps.batches.get(run.workspaceId, run.batchId);
      if (isBatchFinished(batch)) {
        counts = { jobs: batch.counts.total, drafts: batch.drafts };
        break;
      }
      await pause(signal);
    }
    await withTransaction(pool, async (tx) => {
      await repo.complete(run.id, counts, tx);
      const done = await repo.find(run.workspaceId, run.id, tx);
      if (done) await emitEvent(tx, run.workspaceId, 'sync.completed', toSyncRun(done));
    });
  }

  return {
    /** Runs the run from the step it is at to its end; the `sync` job definition calls it. */
    async run(payload: SyncPayload, attempt: Pick<JobAttempt, 'signal'>): Promise<void> {
      for (;;) {
        const run = await repo.find(payload.workspaceId, payload.syncRunId);
        if (!run || run.status !== 'IN_PROGRESS') return;
        if (run.step === 'REFRESH') await refresh(run);
        else if (run.step === 'WAIT_REFRESH') await waitForRefresh(run, attempt.signal);
        else if (run.step === 'GENERATE') await generate(run);
        else if (run.step === 'WAIT_GENERATE') await waitForBatch(run, attempt.signal);
        else return;
      }
    },
  };
}

export type SyncRunService = ReturnType<typeof createSyncRunService>;

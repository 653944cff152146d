// SQL of sync runs (sync_runs, migration 0071). Status and attempts follow the job framework's table shape.
import type { Queryable } from '../lib/db.js';
import type { SyncCounts, SyncParams } from './sync-schemas.js';

export type SyncStep = 'REFRESH' | 'WAIT_REFRESH' | 'GENERATE' | 'WAIT_GENERATE' | 'DONE';

export interface SyncRunRow {
  id: string;
  workspaceId: string;
  status: 'PENDING' | 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  step: SyncStep;
  scheduleName: string | null;
  params: SyncParams;
  ingestJobIds: string[];
  batchId: string;
  batchCreated: boolean;
  counts: Partial<SyncCounts>;
  error: string | null;
  createdAt: Date;
  completedAt: Date | null;
}

export const RUN_COLUMNS = `id, workspace_id AS "workspaceId", status, step, schedule_name AS "scheduleName",
  params, ingest_job_ids AS "ingestJobIds", batch_id AS "batchId", batch_created AS "batchCreated", counts,
  error, created_at AS "createdAt", completed_at AS "completedAt"`;

export function createSyncRepo(db: Queryable) {
  return {
    /** A new PENDING run; undefined when the schedule already has an unfinished one. */
    async insert(
      workspaceId: string,
      params: SyncParams,
      scheduleName: string | null,
      tx: Queryable = db,
    ): Promise<SyncRunRow | undefined> {
      const { rows } = await tx.query<SyncRunRow>(
        `INSERT INTO sync_runs (workspace_id, params, schedule_name) VALUES ($1, $2, $3)
         ON CONFLICT (workspace_id, schedule_name) WHERE schedule_name IS NOT NULL
           AND status IN ('PENDING', 'IN_PROGRESS') DO NOTHING
         RETURNING ${RUN_COLUMNS}`,
        [workspaceId, JSON.stringify(params), scheduleName],
      );
      return rows[0];
    },

    async find(workspaceId: string, id: string, tx: Queryable = db): Promise<SyncRunRow | undefined> {
      const { rows } = await tx.query<SyncRunRow>(
        `SELECT ${RUN_COLUMNS} FROM sync_runs WHERE workspace_id = $1 AND id = $2`,
        [workspaceId, id],
      );
      return rows[0];
    },

    async list(
      workspaceId: string,
      page: { limit: number; cursor?: string },
    ): Promise<{ rows: SyncRunRow[]; hasMore: boolean }> {
      const params: unknown[] = [workspaceId, page.limit + 1];
      let after = '';
      if (page.cursor) {
        params.push(page.cursor);
        after = `AND (created_at, id) < (SELECT created_at, id FROM sync_runs WHERE workspace_id = $1 AND id = $3)`;
      }
      const { rows } = await db.query<SyncRunRow>(
        `SELECT ${RUN_COLUMNS} FROM sync_runs WHERE workspace_id = $1 ${after}
         ORDER BY created_at DESC, id DESC LIMIT $2`,
        params,
      );
      return { rows: rows.slice(0, page.limit), hasMore: rows.length > page.limit };
    },

    /** Moves the run to its next step (with what the step recorded), in the step's transaction. */
    async advance(
      id: string,
      step: SyncStep,
      fields: { ingestJobIds?: string[]; batchCreated?: boolean; counts?: Partial<SyncCounts> },
      tx: Queryable = db,
    ): Promise<void> {
      await tx.query(
        `UPDATE sync_runs SET step = $2, ingest_job_ids = coalesce($3, ingest_job_ids),
           batch_created = coalesce($4, batch_created), counts = counts || coalesce($5, '{}'::jsonb),
           updated_at = now()
         WHERE id = $1`,
        [
          id,
          step,
          fields.ingestJobIds ?? null,
          fields.batchCreated ?? null,
          fields.counts ? JSON.stringify(fields.counts) : null,
        ],
      );
    },

    /** The run is finished: DONE and COMPLETED with its counts. */
    async complete(id: string, counts: Partial<SyncCounts>, tx: Queryable = db): Promise<void> {
      await tx.query(
        `UPDATE sync_runs SET step = 'DONE', status = 'COMPLETED', counts = counts || $2::jsonb, error = NULL,
           completed_at = now(), updated_at = now()
         WHERE id = $1 AND status = 'IN_PROGRESS'`,
        [id, JSON.stringify(counts)],
      );
    },

    /** Where the refresh step's ingest jobs are: still running, and the outcome per source. */
    async refreshOutcome(runId: string, tx: Queryable = db) {
      const { rows } = await tx.query<{
        unfinished: number;
        refreshed: number;
        failed: number;
        changed: number;
        gone: number;
        suspect: number;
      }>(
        `SELECT count(*) FILTER (WHERE j.status IN ('PENDING', 'IN_PROGRESS'))::int AS unfinished,
                count(*) FILTER (WHERE j.status = 'COMPLETED')::int AS refreshed,
                count(*) FILTER (WHERE j.status = 'FAILED')::int AS failed,
                count(*) FILTER (WHERE j.status = 'COMPLETED' AND s.changed AND s.linked_knowledge_id IS NOT NULL
                                   AND s.suspect IS NULL)::int AS changed,
                count(*) FILTER (WHERE s.gone)::int AS gone,
                count(*) FILTER (WHERE s.suspect IS NOT NULL)::int AS suspect
           FROM sync_runs r
           JOIN ingest_jobs j ON j.id = ANY(r.ingest_job_ids)
           JOIN sources s ON s.id = j.source_id
          WHERE r.id = $1`,
        [runId],
      );
      return rows[0]!;
    },

    /**
     * The run's sources to generate for: linked and changed, plus — when ADD_ARTICLE_TO_FOLDER is allowed —
     * unlinked ones that never had knowledge and have content. Gone and suspect pages are left out.
     */
    async toGenerate(runId: string, withNew: boolean, tx: Queryable = db): Promise<string[]> {
      const { rows } = await tx.query<{ id: string }>(
        `SELECT DISTINCT s.id, s.external_id
           FROM sync_runs r
           JOIN ingest_jobs j ON j.id = ANY(r.ingest_job_ids)
           JOIN sources s ON s.id = j.source_id
          WHERE r.id = $1 AND NOT s.gone AND s.suspect IS NULL
            AND ((s.linked_knowledge_id IS NOT NULL AND s.changed)
              OR ($2 AND s.linked_knowledge_id IS NULL AND s.saved_hash IS NULL AND s.content_hash IS NOT NULL))
          ORDER BY s.external_id`,
        [runId, withNew],
      );
      return rows.map((row) => row.id);
    },

    /** The workspace's web sources (a run without documentIds). */
    async webSourceIds(workspaceId: string, tx: Queryable = db): Promise<string[]> {
      const { rows } = await tx.query<{ id: string }>(
        `SELECT id FROM sources WHERE workspace_id = $1 AND source_type = 'web' ORDER BY external_id`,
        [workspaceId],
      );
      return rows.map((row) => row.id);
    },
  };
}

export type SyncRepo = ReturnType<typeof createSyncRepo>;

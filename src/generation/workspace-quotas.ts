// Per-workspace limits on model cost (docs/api.md "Quotas"): jobs waiting or running, and model tokens per
// UTC day. Both are off unless configured. One tenant's bulk run can then neither fill the queue nor spend
// the whole model budget; the queue's fair ordering (generate-queue.ts) keeps the others moving meanwhile.
import type { Queryable } from '../lib/db.js';
import { AppError } from '../lib/errors.js';
import type { Usage } from '../writers/writer.js';

export interface QuotaLimits {
  /** WORKSPACE_MAX_QUEUED_JOBS: knowledge jobs pending or running at once; undefined = no limit. */
  maxQueuedJobs: number | undefined;
  /** WORKSPACE_MAX_TOKENS_PER_DAY: prompt + completion tokens per UTC day; undefined = no limit. */
  maxTokensPerDay: number | undefined;
}

const quotaExceeded = (name: string, message: string) =>
  new AppError('RATE_LIMITED', `workspace quota ${name} exceeded: ${message}`, [{ field: name, message }]);

export function createWorkspaceQuotas(db: Queryable, limits: QuotaLimits) {
  async function tokensToday(workspaceId: string, tx: Queryable): Promise<number> {
    const { rows } = await tx.query<{ tokens: string }>(
      `SELECT coalesce(sum(tokens), 0) AS tokens FROM workspace_model_usage
       WHERE workspace_id = $1 AND day = (now() AT TIME ZONE 'UTC')::date`,
      [workspaceId],
    );
    return Number(rows[0]?.tokens ?? 0);
  }

  async function assertTokensLeft(workspaceId: string, tx: Queryable = db): Promise<void> {
    if (limits.maxTokensPerDay === undefined) return;
    const spent = await tokensToday(workspaceId, tx);
    if (spent >= limits.maxTokensPerDay)
      throw quotaExceeded(
        'WORKSPACE_MAX_TOKENS_PER_DAY',
        `${spent} model tokens spent today (UTC), the limit is ${limits.maxTokensPerDay}; try again tomorrow`,
      );
  }

  return {
    assertTokensLeft,

    /**
     * Admits `adding` new jobs for the workspace, or throws 429 naming the quota. Returns how many of the
     * workspace's jobs were already waiting or running (the fair-ordering priority starts there). Takes a
     * per-workspace lock until the transaction ends, so concurrent requests cannot both slip under the limit.
     */
    async admitJobs(tx: Queryable, workspaceId: string, adding: number): Promise<number> {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('distill-queue:' || $1, 0))`, [
        workspaceId,
      ]);
      const { rows } = await tx.query<{ count: number }>(
        `SELECT count(*)::int AS count FROM knowledge_jobs
         WHERE workspace_id = $1 AND status IN ('PENDING', 'IN_PROGRESS')`,
        [workspaceId],
      );
      const queued = rows[0]!.count;
      const max = limits.maxQueuedJobs;
      if (max !== undefined && queued + adding > max)
        throw quotaExceeded(
          'WORKSPACE_MAX_QUEUED_JOBS',
          `${queued} jobs are pending or running and ${adding} more were asked for, the limit is ${max}; wait for some to finish`,
        );
      await assertTokensLeft(workspaceId, tx);
      return queued;
    },

    /** Counts tokens spent outside a knowledge job (the tree scaffold) toward the workspace's day. */
    async recordTokens(workspaceId: string, usage: Usage, tx: Queryable = db): Promise<void> {
      await tx.query(
        `INSERT INTO workspace_model_usage (workspace_id, day, tokens)
         VALUES ($1, (now() AT TIME ZONE 'UTC')::date, $2)
         ON CONFLICT (workspace_id, day, shard) DO UPDATE SET tokens = workspace_model_usage.tokens + EXCLUDED.tokens`,
        [workspaceId, usage.promptTokens + usage.completionTokens],
      );
    },
  };
}

export type WorkspaceQuotas = ReturnType<typeof createWorkspaceQuotas>;

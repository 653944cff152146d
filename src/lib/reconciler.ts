// Nothing is lost when Redis loses jobs (a flush, a failover without AOF, a crash between commit and
// enqueue): every worker process runs this sweep, one process at a time (a Postgres advisory lock), and
// re-adds the BullMQ job of every row that waits too long with no live BullMQ job behind it.
import type { Queue } from 'bullmq';
import { withClient, type Pool } from './db.js';
import type { Logger } from './logger.js';

export interface ReconciledRow {
  id: string;
  workspaceId: string;
  /** The queue's `columns`, by key. */
  [column: string]: unknown;
}

export interface ReconciledQueue {
  queue: Queue;
  /**
   * The job table whose rows back this queue (id = BullMQ job id). A plain SQL name: job definitions
   * check it (lib/jobs/define-job.ts) before it reaches here.
   */
  table: string;
  /** Extra columns the payload needs, as `{ key: 'sql_column' }`. */
  columns?: Record<string, string>;
  payload: (row: ReconciledRow) => unknown;
}

export interface ReconcilerOptions {
  pool: Pool;
  queues: ReconciledQueue[];
  logger: Logger;
  intervalMs?: number;
  /** PENDING rows younger than this are left alone: their enqueue may still be in flight. */
  pendingAgeMs?: number;
  /** IN_PROGRESS rows are re-added when unchanged for longer than this (BullMQ's lock duration). */
  stuckAgeMs?: number;
  onReadd?: (queue: string, count: number) => void;
}

const SWEEP_LOCK = "hashtext('distill:reconciler')";
const LIVE_STATES = new Set(['active', 'waiting', 'delayed', 'prioritized', 'waiting-children']);
const BATCH = 500;

export function createReconciler(options: ReconcilerOptions) {
  const {
    pool,
    queues,
    logger,
    intervalMs = 30_000,
    pendingAgeMs = 30_000,
    stuckAgeMs = 30_000,
    onReadd,
  } = options;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<Record<string, number>> | undefined;

  async function sweepQueue({ queue, table, columns = {}, payload }: ReconciledQueue): Promise<number> {
    const extra = Object.entries(columns)
      .map(([key, column]) => `, ${column} AS "${key}"`)
      .join('');
    const { rows } = await pool.query<ReconciledRow>(
      `SELECT id, workspace_id AS "workspaceId"${extra} FROM ${table}
       WHERE (status = 'PENDING' AND updated_at < now() - make_interval(secs => $1))
          OR (status = 'IN_PROGRESS' AND updated_at < now() - make_interval(secs => $2))
       ORDER BY updated_at LIMIT $3`,
      [pendingAgeMs / 1000, stuckAgeMs / 1000, BATCH],
    );
    const readd: ReconciledRow[] = [];
    for (const row of rows) {
      const state = await queue.getJobState(row.id);
      if (LIVE_STATES.has(state)) continue;
      // A finished BullMQ job whose row never finished: drop it, or its id would block the re-add.
      if (state !== 'unknown') await queue.remove(row.id).catch(() => undefined);
      readd.push(row);
    }
    if (readd.length > 0) {
      await queue.addBulk(
        readd.map((row) => ({ name: queue.name, data: payload(row), opts: { jobId: row.id } })),
      );
    }
    // Examined rows go to the back of the line, so a backlog larger than one batch is covered in turn.
    if (rows.length > 0) {
      await pool.query(`UPDATE ${table} SET updated_at = now() WHERE id = ANY($1::uuid[])`, [
        rows.map((row) => row.id),
      ]);
    }
    return readd.length;
  }

  /** One sweep over every queue, unless another process holds the sweep lock. */
  async function runOnce(): Promise<Record<string, number>> {
    return withClient(pool, async (client) => {
      const counts: Record<string, number> = {};
      const { rows } = await client.query<{ locked: boolean }>(
        `SELECT pg_try_advisory_lock(${SWEEP_LOCK}) AS locked`,
      );
      if (!rows[0]?.locked) return counts;
      try {
        for (const reconciled of queues) {
          const count = await sweepQueue(reconciled);
          counts[reconciled.queue.name] = count;
          if (count > 0) {
            logger.warn(
              { queue: reconciled.queue.name, count },
              'reconciler re-added jobs that had no live queue entry',
            );
            onReadd?.(reconciled.queue.name, count);
          }
        }
      } finally {
        await client.query(`SELECT pg_advisory_unlock(${SWEEP_LOCK})`).catch(() => undefined);
      }
      return counts;
    });
  }

  const tick = () => {
    running = runOnce().catch((error: unknown) => {
      logger.warn({ err: error }, 'reconciler sweep failed; next sweep in a moment');
      return {};
    });
    void running.finally(() => {
      if (timer) timer = setTimeout(tick, intervalMs);
    });
  };

  return {
    runOnce,
    start() {
      timer = setTimeout(tick, intervalMs);
    },
    async stop() {
      const pending = timer;
      timer = undefined;
      clearTimeout(pending);
      await running;
    },
  };
}

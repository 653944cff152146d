// The statements the job framework runs on a job table. Every job table follows one shape: `id` (the
// BullMQ job id), `workspace_id`, `status` (PENDING → IN_PROGRESS → COMPLETED | FAILED), `attempts`,
// `error`, `started_at`, `completed_at`, `updated_at`. Table names are checked by defineJob before they
// reach SQL text.
import { prepared, type Queryable } from '../db.js';

export interface StartedRow {
  id: string;
  attempts: number;
}

export type RowPresence = 'finished' | 'other-workspace' | 'missing';

export function createJobTable(table: string, db: Queryable) {
  // Every job runs it: a named prepared statement per select list (lib/db.ts, prepared).
  const startStatements = new Map<string, ReturnType<typeof prepared>>();
  const startStatement = (columns: string) => {
    let statement = startStatements.get(columns);
    if (!statement) {
      statement = prepared(
        `UPDATE ${table} SET status = 'IN_PROGRESS', attempts = attempts + 1, error = NULL,
           started_at = coalesce(started_at, now()), updated_at = now()
         WHERE id = $1 AND workspace_id = $2 AND status IN ('PENDING', 'IN_PROGRESS')
         RETURNING ${columns}`,
      );
      startStatements.set(columns, statement);
    }
    return statement;
  };

  return {
    /**
     * PENDING/IN_PROGRESS → IN_PROGRESS with one more attempt, returning `columns` in the same round trip.
     * Undefined when there is nothing to run (see presence()).
     */
    async start<S>(id: string, workspaceId: string, columns: string): Promise<S | undefined> {
      const { rows } = await db.query<S & object>({ ...startStatement(columns), values: [id, workspaceId] });
      return rows[0];
    },

    /** Why start() found nothing: a duplicate delivery, a payload naming the wrong workspace, or no row. */
    async presence(id: string, workspaceId: string): Promise<RowPresence> {
      const { rows } = await db.query<{ workspaceId: string }>(
        `SELECT workspace_id AS "workspaceId" FROM ${table} WHERE id = $1`,
        [id],
      );
      if (!rows[0]) return 'missing';
      return rows[0].workspaceId === workspaceId ? 'finished' : 'other-workspace';
    },

    /** COMPLETED, for runs that have nothing else to write (services with richer rows use their repo). */
    async complete(id: string, tx: Queryable = db): Promise<void> {
      await tx.query(
        `UPDATE ${table} SET status = 'COMPLETED', error = NULL, completed_at = now(), updated_at = now()
         WHERE id = $1 AND status = 'IN_PROGRESS'`,
        [id],
      );
    },

    /** A failed attempt that will be retried: the row stays IN_PROGRESS and remembers why. */
    async noteError(id: string, error: string, tx: Queryable = db): Promise<void> {
      await tx.query(`UPDATE ${table} SET error = $2, updated_at = now() WHERE id = $1`, [id, error]);
    },

    /** A rate-limited run does not count as an attempt: the row waits for the pause to end. */
    async releaseAttempt(id: string, note: string, tx: Queryable = db): Promise<void> {
      await tx.query(
        `UPDATE ${table} SET attempts = greatest(attempts - 1, 0), error = $2, updated_at = now() WHERE id = $1`,
        [id, note],
      );
    },

    /** FAILED unless already finished; true when this call finished it. */
    async fail(id: string, error: string, tx: Queryable = db): Promise<boolean> {
      const { rowCount } = await tx.query(
        `UPDATE ${table} SET status = 'FAILED', error = $2, completed_at = now(), updated_at = now()
         WHERE id = $1 AND status IN ('PENDING', 'IN_PROGRESS')`,
        [id, error],
      );
      return (rowCount ?? 0) > 0;
    },
  };
}

export type JobTable = ReturnType<typeof createJobTable>;

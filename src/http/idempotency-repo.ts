// Stored first answers for Idempotency-Key (migration 0006). Keys are per workspace and live 24 h.
import type { Queryable } from '../lib/db.js';

export const IDEMPOTENCY_TTL_HOURS = 24;

export type Claim =
  | { kind: 'claimed' }
  | { kind: 'mismatch' }
  | { kind: 'in-flight' }
  | { kind: 'completed'; statusCode: number; contentType: string | null; body: string };

export function createIdempotencyRepo(db: Queryable) {
  return {
    /**
     * Takes the key for this request, unless it is held: then says by what. An entry older than 24 h is
     * replaced; so is an unanswered one older than `staleAfterMs` with the same fingerprint (its request
     * died with its process, so the retry may run).
     */
    async claim(workspaceId: string, key: string, fingerprint: string, staleAfterMs: number): Promise<Claim> {
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const claimed = await db.query(
          `INSERT INTO idempotency_keys AS held (workspace_id, key, fingerprint) VALUES ($1, $2, $3)
           ON CONFLICT (workspace_id, key) DO UPDATE
             SET fingerprint = EXCLUDED.fingerprint, status_code = NULL, content_type = NULL, body = NULL,
                 created_at = now(), started_at = now(), completed_at = NULL
             WHERE held.created_at < now() - make_interval(hours => $4)
                OR (held.status_code IS NULL AND held.fingerprint = EXCLUDED.fingerprint
                    AND held.started_at < now() - make_interval(secs => $5))
           RETURNING 1`,
          [workspaceId, key, fingerprint, IDEMPOTENCY_TTL_HOURS, staleAfterMs / 1000],
        );
        if (claimed.rowCount === 1) return { kind: 'claimed' };
        const { rows } = await db.query<{
          fingerprint: string;
          statusCode: number | null;
          contentType: string | null;
          body: string | null;
        }>(
          `SELECT fingerprint, status_code AS "statusCode", content_type AS "contentType", body
           FROM idempotency_keys WHERE workspace_id = $1 AND key = $2`,
          [workspaceId, key],
        );
        const held = rows[0];
        // Released between the two statements (its request failed): try to take it again.
        if (!held) continue;
        if (held.fingerprint !== fingerprint) return { kind: 'mismatch' };
        if (held.statusCode === null) return { kind: 'in-flight' };
        return {
          kind: 'completed',
          statusCode: held.statusCode,
          contentType: held.contentType,
          body: held.body ?? '',
        };
      }
      return { kind: 'in-flight' };
    },

    async complete(
      workspaceId: string,
      key: string,
      answer: { statusCode: number; contentType: string | null; body: string },
    ): Promise<void> {
      await db.query(
        `UPDATE idempotency_keys SET status_code = $3, content_type = $4, body = $5, completed_at = now()
         WHERE workspace_id = $1 AND key = $2`,
        [workspaceId, key, answer.statusCode, answer.contentType, answer.body],
      );
    },

    /** Frees a key whose request gave no answer worth repeating (a 5xx): the retry may run. */
    async release(workspaceId: string, key: string): Promise<void> {
      await db.query(
        'DELETE FROM idempotency_keys WHERE workspace_id = $1 AND key = $2 AND status_code IS NULL',
        [workspaceId, key],
      );
    },

    async deleteExpired(): Promise<number> {
      const result = await db.query(
        'DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1)',
        [IDEMPOTENCY_TTL_HOURS],
      );
      return result.rowCount ?? 0;
    },
  };
}

export type IdempotencyRepo = ReturnType<typeof createIdempotencyRepo>;

// Webhook events (docs/api.md "Webhooks"): the outbox. A feature that changes a state calls emitEvent with
// the transaction that changes it; the event and one PENDING delivery per subscribed endpoint are
// inserted right there, so they commit or roll back with the change. Nothing else is needed at the call
// site: the relay (webhook-relay.ts) hands committed deliveries to the `webhooks` queue.
import type { Queryable } from '../lib/db.js';

export const EVENT_TYPES = [
  'source.changed',
  'source.failed',
  'source.gone',
  'job.completed',
  'job.failed',
  'batch.completed',
  'sync.completed',
  'draft.created',
  'article.published',
  // Distill's own, about the endpoints themselves (docs/api.md "Webhooks", Events).
  'webhook.endpoint.disabled',
  'webhook.endpoint.enabled',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * Records `type` for every enabled endpoint of the workspace that subscribes to it, and for `alsoTo`
 * whatever it subscribes to (none: nothing is stored). `data` is the object's wire form or its ids, as
 * docs/api.md lists per type.
 */
export async function emitEvent(
  tx: Queryable,
  workspaceId: string,
  type: EventType,
  data: Record<string, unknown>,
  options: { alsoTo?: string } = {},
): Promise<void> {
  await tx.query(
    `WITH endpoint AS (
       SELECT id FROM webhook_endpoints
       WHERE workspace_id = $1 AND ((disabled_at IS NULL AND $2 = ANY (events)) OR id = $4::uuid)
     ), event AS (
       INSERT INTO webhook_events (workspace_id, type, data)
       SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM endpoint)
       RETURNING id
     )
     INSERT INTO webhook_deliveries (workspace_id, endpoint_id, event_id)
     SELECT $1, endpoint.id, event.id FROM endpoint, event`,
    [workspaceId, type, JSON.stringify(data), options.alsoTo ?? null],
  );
}

async function subscribed(tx: Queryable, workspaceId: string, type: EventType): Promise<boolean> {
  const { rowCount } = await tx.query(
    `SELECT 1 FROM webhook_endpoints WHERE workspace_id = $1 AND disabled_at IS NULL AND $2 = ANY (events) LIMIT 1`,
    [workspaceId, type],
  );
  return (rowCount ?? 0) > 0;
}

interface FinishedJob {
  jobId: string;
  status: string;
  batchId: string | null;
  documentId: string | null;
  operation: string | null;
  articleId: string | null;
  error: string | null;
}

/**
 * A knowledge job reached COMPLETED or FAILED in `tx`: `job.completed` / `job.failed`, and
 * `batch.completed` when it was its batch's last unfinished job. The batch row is locked first, so of two
 * jobs finishing at once the second sees the first's outcome and exactly one of them announces the batch.
 */
export async function emitJobFinished(tx: Queryable, workspaceId: string, jobId: string): Promise<void> {
  const { rows } = await tx.query<FinishedJob>(
    `SELECT id AS "jobId", status, batch_id AS "batchId", source_id AS "documentId", operation,
       article_id AS "articleId", error
     FROM knowledge_jobs WHERE workspace_id = $1 AND id = $2`,
    [workspaceId, jobId],
  );
  const job = rows[0];
  if (!job || (job.status !== 'COMPLETED' && job.status !== 'FAILED')) return;
  await emitEvent(tx, workspaceId, job.status === 'COMPLETED' ? 'job.completed' : 'job.failed', { ...job });
  if (!job.batchId || !(await subscribed(tx, workspaceId, 'batch.completed'))) return;
  await tx.query('SELECT 1 FROM knowledge_batches WHERE id = $1 FOR UPDATE', [job.batchId]);
  const { rows: counts } = await tx.query<{ unfinished: number; total: number; failed: number }>(
    `SELECT count(*) FILTER (WHERE status IN ('PENDING', 'IN_PROGRESS'))::int AS unfinished,
       count(*)::int AS total, count(*) FILTER (WHERE status = 'FAILED')::int AS failed
     FROM knowledge_jobs WHERE batch_id = $1`,
    [job.batchId],
  );
  const batch = counts[0]!;
  if (batch.unfinished > 0) return;
  await emitEvent(tx, workspaceId, 'batch.completed', {
    batchId: job.batchId,
    status: batch.total > 0 && batch.failed === batch.total ? 'FAILED' : 'COMPLETED',
    counts: { total: batch.total, completed: batch.total - batch.failed, failed: batch.failed },
  });
}

// Webhook events (docs/api.md "Webhooks"): the outbox. A feature that changes a state calls emitEvent with
// the transaction that changes it; the event and one PENDING delivery per subscribed endpoint are
// inserted right there, so they commit or roll back with the change. Nothing else is needed at the call
// site: the relay (webhook-relay.ts) hands committed deliveries to the `webhooks` queue.
import { prepared, type Queryable } from '../lib/db.js';
import { finishedBatchStatus } from '../lib/operations.js';
import type { EventType } from './event-types.js';

export { EVENT_TYPES, type EventType } from './event-types.js';

// Every generation job emits at least one event: parsed once per connection (lib/db.ts, prepared). $4, when
// not null, names an event type the caller may emit next: the answer says whether anything subscribes to
// it. $5, when not null, is an endpoint that gets the event whatever it subscribes to.
const EMIT_EVENT = prepared(
  `WITH endpoint AS (
     SELECT id FROM webhook_endpoints
     WHERE workspace_id = $1 AND ((disabled_at IS NULL AND $2 = ANY (events)) OR id = $5::uuid)
   ), event AS (
     INSERT INTO webhook_events (workspace_id, type, data)
     SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM endpoint)
     RETURNING id
   ), delivery AS (
     INSERT INTO webhook_deliveries (workspace_id, endpoint_id, event_id)
     SELECT $1, endpoint.id, event.id FROM endpoint, event)
   SELECT $4::text IS NOT NULL AND EXISTS (
     SELECT 1 FROM webhook_endpoints WHERE workspace_id = $1 AND disabled_at IS NULL AND $4 = ANY (events)
   ) AS "nextSubscribed"`,
);

async function insertEvent(
  tx: Queryable,
  workspaceId: string,
  type: EventType,
  data: Record<string, unknown>,
  to: { alsoTo: string | null; next: EventType | null },
): Promise<boolean> {
  const { rows } = await tx.query<{ nextSubscribed: boolean }>({
    ...EMIT_EVENT,
    values: [workspaceId, type, JSON.stringify(data), to.next, to.alsoTo],
  });
  return rows[0]?.nextSubscribed ?? false;
}

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
  await insertEvent(tx, workspaceId, type, data, { alsoTo: options.alsoTo ?? null, next: null });
}

/** A finished job as its webhook events carry it. */
export interface FinishedJob {
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
 * `batch.completed` when it was its batch's last unfinished job (emitJobEvent, then emitBatchIfFinished).
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
  if (await emitJobEvent(tx, workspaceId, job)) await emitBatchIfFinished(tx, workspaceId, job.batchId!);
}

/**
 * `job.completed` / `job.failed` for `job`, which is finishing in `tx` (the caller may write its status
 * after this, in the same transaction). True when its batch's completion may need announcing: it has a
 * batch and something subscribes to `batch.completed` — then call emitBatchIfFinished once the job's
 * status is written.
 */
export async function emitJobEvent(tx: Queryable, workspaceId: string, job: FinishedJob): Promise<boolean> {
  const type = job.status === 'COMPLETED' ? 'job.completed' : 'job.failed';
  const batchSubscribed = await insertEvent(
    tx,
    workspaceId,
    type,
    { ...job },
    {
      alsoTo: null,
      next: 'batch.completed',
    },
  );
  return job.batchId !== null && batchSubscribed;
}

/**
 * `batch.completed` when no job of the batch is left unfinished. The batch row is locked first, so of two
 * jobs finishing at once the second sees the first's outcome and exactly one of them announces the batch.
 */
export async function emitBatchIfFinished(
  tx: Queryable,
  workspaceId: string,
  batchId: string,
): Promise<void> {
  await tx.query('SELECT 1 FROM knowledge_batches WHERE id = $1 FOR UPDATE', [batchId]);
  const { rows: counts } = await tx.query<{ unfinished: number; total: number; failed: number }>(
    `SELECT count(*) FILTER (WHERE status IN ('PENDING', 'IN_PROGRESS'))::int AS unfinished,
       count(*)::int AS total, count(*) FILTER (WHERE status = 'FAILED')::int AS failed
     FROM knowledge_jobs WHERE batch_id = $1`,
    [batchId],
  );
  const batch = counts[0]!;
  if (batch.unfinished > 0) return;
  await emitEvent(tx, workspaceId, 'batch.completed', {
    batchId,
    status: finishedBatchStatus(batch),
    counts: { total: batch.total, completed: batch.total - batch.failed, failed: batch.failed },
  });
}

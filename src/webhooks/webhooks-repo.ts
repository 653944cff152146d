// SQL for webhook endpoints and their deliveries (migrations/0080_webhooks.sql). Every statement names the
// workspace, except the worker's, which start from a delivery row the job framework already confined.
import type { Queryable } from '../lib/db.js';

export interface EndpointRow {
  id: string;
  url: string;
  events: string[];
  description: string;
  createdAt: Date;
  disabledAt: Date | null;
}

export interface DeliveryRow {
  id: string;
  eventId: string;
  eventType: string;
  status: string;
  attempts: number;
  responseCode: number | null;
  error: string | null;
  nextRetryAt: Date | null;
  manual: boolean;
  createdAt: Date;
  completedAt: Date | null;
}

/** What one delivery attempt sends, and to whom. */
export interface OutgoingDelivery {
  id: string;
  workspaceId: string;
  endpointId: string;
  url: string;
  secret: string;
  disabledAt: Date | null;
  manual: boolean;
  eventId: string;
  type: string;
  data: unknown;
  eventCreatedAt: Date;
}

const ENDPOINT_COLUMNS = `id, url, events, description, created_at AS "createdAt", disabled_at AS "disabledAt"`;
const DELIVERY_COLUMNS = `d.id, d.event_id AS "eventId", e.type AS "eventType", d.status, d.attempts,
  d.response_code AS "responseCode", d.error, d.next_retry_at AS "nextRetryAt", d.manual,
  d.created_at AS "createdAt", d.completed_at AS "completedAt"`;

/** Newest first, keyset on (created_at, id) of the row named by the cursor. */
const newerThanCursor = (table: string, scope: string) =>
  `($3::uuid IS NULL OR (created_at, id) < (SELECT created_at, id FROM ${table} WHERE ${scope} AND id = $3))`;

export function createWebhooksRepo(db: Queryable) {
  return {
    async insertEndpoint(
      workspaceId: string,
      endpoint: { url: string; events: string[]; description: string; secret: string },
    ): Promise<EndpointRow> {
      const { rows } = await db.query<EndpointRow>(
        `INSERT INTO webhook_endpoints (workspace_id, url, events, description, secret)
         VALUES ($1, $2, $3, $4, $5) RETURNING ${ENDPOINT_COLUMNS}`,
        [workspaceId, endpoint.url, endpoint.events, endpoint.description, endpoint.secret],
      );
      return rows[0]!;
    },

    async listEndpoints(
      workspaceId: string,
      page: { cursor?: string; limit: number },
    ): Promise<EndpointRow[]> {
      const { rows } = await db.query<EndpointRow>(
        `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints
         WHERE workspace_id = $1 AND ${newerThanCursor('webhook_endpoints', 'workspace_id = $1')}
         ORDER BY created_at DESC, id DESC LIMIT $2`,
        [workspaceId, page.limit + 1, page.cursor ?? null],
      );
      return rows;
    },

    async endpointExists(workspaceId: string, id: string): Promise<boolean> {
      const { rowCount } = await db.query(
        'SELECT 1 FROM webhook_endpoints WHERE workspace_id = $1 AND id = $2',
        [workspaceId, id],
      );
      return (rowCount ?? 0) > 0;
    },

    /** Deletes the endpoint with its delivery log; undefined when there is none. */
    async deleteEndpoint(workspaceId: string, id: string): Promise<EndpointRow | undefined> {
      const { rows } = await db.query<EndpointRow>(
        `DELETE FROM webhook_endpoints WHERE workspace_id = $1 AND id = $2 RETURNING ${ENDPOINT_COLUMNS}`,
        [workspaceId, id],
      );
      return rows[0];
    },

    async deliveryExists(endpointId: string, id: string): Promise<boolean> {
      const { rowCount } = await db.query(
        'SELECT 1 FROM webhook_deliveries WHERE endpoint_id = $1 AND id = $2',
        [endpointId, id],
      );
      return (rowCount ?? 0) > 0;
    },

    async listDeliveries(
      workspaceId: string,
      endpointId: string,
      page: { cursor?: string; limit: number },
    ): Promise<DeliveryRow[]> {
      const { rows } = await db.query<DeliveryRow>(
        `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
         WHERE d.workspace_id = $1 AND d.endpoint_id = $4
           AND ($3::uuid IS NULL OR (d.created_at, d.id) <
             (SELECT created_at, id FROM webhook_deliveries WHERE endpoint_id = $4 AND id = $3))
         ORDER BY d.created_at DESC, d.id DESC LIMIT $2`,
        [workspaceId, page.limit + 1, page.cursor ?? null, endpointId],
      );
      return rows;
    },

    /** A new delivery of the same event to the same endpoint, marked queued; undefined when unknown. */
    async insertRedelivery(
      workspaceId: string,
      endpointId: string,
      deliveryId: string,
    ): Promise<DeliveryRow | undefined> {
      const { rows } = await db.query<{ id: string }>(
        `INSERT INTO webhook_deliveries (workspace_id, endpoint_id, event_id, manual, queued_at)
         SELECT workspace_id, endpoint_id, event_id, true, now() FROM webhook_deliveries
         WHERE workspace_id = $1 AND endpoint_id = $2 AND id = $3
         RETURNING id`,
        [workspaceId, endpointId, deliveryId],
      );
      if (!rows[0]) return undefined;
      const { rows: created } = await db.query<DeliveryRow>(
        `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
         WHERE d.id = $1`,
        [rows[0].id],
      );
      return created[0];
    },

    /** The relay's claim: up to `limit` deliveries nobody queued yet, oldest first, marked queued. */
    async claimUnqueued(limit: number): Promise<{ id: string; workspaceId: string }[]> {
      const { rows } = await db.query<{ id: string; workspaceId: string; createdAt: Date }>(
        `UPDATE webhook_deliveries d SET queued_at = now()
         FROM (SELECT id FROM webhook_deliveries WHERE queued_at IS NULL
               ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED) todo
         WHERE d.id = todo.id
         RETURNING d.id, d.workspace_id AS "workspaceId", d.created_at AS "createdAt"`,
        [limit],
      );
      return rows.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    },

    async outgoing(id: string): Promise<OutgoingDelivery | undefined> {
      const { rows } = await db.query<OutgoingDelivery>(
        `SELECT d.id, d.workspace_id AS "workspaceId", d.endpoint_id AS "endpointId", w.url, w.secret, w.disabled_at AS "disabledAt", d.manual,
           e.id AS "eventId", e.type, e.data, e.created_at AS "eventCreatedAt"
         FROM webhook_deliveries d
         JOIN webhook_endpoints w ON w.id = d.endpoint_id
         JOIN webhook_events e ON e.id = d.event_id
         WHERE d.id = $1`,
        [id],
      );
      return rows[0];
    },

    /**
     * A 2xx: the delivery is COMPLETED and the endpoint's run of failures (and any disabling) ends. When
     * this call enabled a disabled endpoint: the endpoint as it is now, and when it had been disabled.
     * The row is locked before it is read, so of two successes at once only the first sees it disabled.
     */
    async recordSuccess(
      delivery: OutgoingDelivery,
      responseCode: number,
      tx: Queryable,
    ): Promise<{ endpoint: EndpointRow; wasDisabledAt: Date } | undefined> {
      await tx.query(
        `UPDATE webhook_deliveries SET status = 'COMPLETED', response_code = $2, error = NULL,
           next_retry_at = NULL, completed_at = now(), updated_at = now()
         WHERE id = $1 AND status = 'IN_PROGRESS'`,
        [delivery.id, responseCode],
      );
      const { rows } = await tx.query<{ disabledAt: Date | null }>(
        'SELECT disabled_at AS "disabledAt" FROM webhook_endpoints WHERE id = $1 FOR UPDATE',
        [delivery.endpointId],
      );
      const { rows: updated } = await tx.query<EndpointRow>(
        `UPDATE webhook_endpoints SET failing_since = NULL, disabled_at = NULL WHERE id = $1
         RETURNING ${ENDPOINT_COLUMNS}`,
        [delivery.endpointId],
      );
      const wasDisabledAt = rows[0]?.disabledAt;
      return wasDisabledAt && updated[0] ? { endpoint: updated[0], wasDisabledAt } : undefined;
    },

    /**
     * A failed attempt: the answer (or none) and the next retry on the delivery; the endpoint's run of
     * failures starts or goes on, and it is disabled once that run is `disableAfterMs` long. The endpoint
     * when this call disabled it.
     */
    async recordFailure(
      delivery: OutgoingDelivery,
      failure: { responseCode: number | null; nextRetryAt: Date | null; disableAfterMs: number },
      tx: Queryable,
    ): Promise<EndpointRow | undefined> {
      await tx.query(
        `UPDATE webhook_deliveries SET response_code = $2, next_retry_at = $3, updated_at = now() WHERE id = $1`,
        [delivery.id, failure.responseCode, failure.nextRetryAt],
      );
      const { rows } = await tx.query<EndpointRow & { disabledNow: boolean }>(
        `UPDATE webhook_endpoints SET failing_since = coalesce(failing_since, now()),
           disabled_at = CASE WHEN disabled_at IS NULL
             AND coalesce(failing_since, now()) <= now() - make_interval(secs => $2 / 1000.0)
             THEN now() ELSE disabled_at END
         WHERE id = $1
         RETURNING ${ENDPOINT_COLUMNS}, (disabled_at = now()) AS "disabledNow"`,
        [delivery.endpointId, failure.disableAfterMs],
      );
      if (!rows[0]?.disabledNow) return undefined;
      const { disabledNow: _disabledNow, ...endpoint } = rows[0];
      return endpoint;
    },
  };
}

export type WebhooksRepo = ReturnType<typeof createWebhooksRepo>;

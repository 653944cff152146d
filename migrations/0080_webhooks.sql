-- Up Migration
-- Webhooks (docs/api.md "Webhooks"): endpoints per workspace, an outbox of events written in the
-- transactions that change the state, and one delivery row per event and subscribed endpoint — also
-- written in that transaction, so a committed change always has its deliveries and a rolled-back one none.
CREATE TABLE webhook_endpoints (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id   uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  url            text NOT NULL,
  events         text[] NOT NULL,
  description    text NOT NULL DEFAULT '',
  -- The signing key (`whsec_` + base64). Kept as is: every delivery is signed with it.
  secret         text NOT NULL,
  -- First failed delivery of the current run of failures; cleared by a success.
  failing_since  timestamptz,
  -- Set after 24 h of consecutive failures: no new deliveries until a manual redelivery succeeds.
  disabled_at    timestamptz,
  created_at     timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX webhook_endpoints_workspace_idx ON webhook_endpoints (workspace_id, created_at DESC, id DESC);

CREATE TABLE webhook_events (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id   uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  type           text NOT NULL,
  data           jsonb NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- A job table (src/lib/jobs/job-table.ts): id = BullMQ job id.
CREATE TABLE webhook_deliveries (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id   uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  endpoint_id    uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
  event_id       uuid NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
  status         text NOT NULL DEFAULT 'PENDING'
                 CHECK (status IN ('PENDING', 'IN_PROGRESS', 'COMPLETED', 'FAILED')),
  attempts       integer NOT NULL DEFAULT 0,
  error          text,
  response_code  integer,
  next_retry_at  timestamptz,
  -- A manual redelivery: sent even to a disabled endpoint (its success re-enables it).
  manual         boolean NOT NULL DEFAULT false,
  -- When the relay handed the row to the queue; NULL = not yet (the relay's work list).
  queued_at      timestamptz,
  created_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  started_at     timestamptz,
  completed_at   timestamptz,
  updated_at     timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, created_at DESC, id DESC);
CREATE INDEX webhook_deliveries_relay_idx ON webhook_deliveries (created_at) WHERE queued_at IS NULL;
CREATE INDEX webhook_deliveries_unfinished_idx ON webhook_deliveries (updated_at)
  WHERE status IN ('PENDING', 'IN_PROGRESS');

-- Down Migration
DROP TABLE webhook_deliveries;
DROP TABLE webhook_events;
DROP TABLE webhook_endpoints;

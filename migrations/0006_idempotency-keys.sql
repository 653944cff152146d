-- Up Migration
-- Idempotency-Key (API.md §1, ext): the first answer to a POST, kept 24 h so a retry with the same key
-- and the same request gets that answer back instead of doing the work again. Keys are per workspace.
CREATE TABLE idempotency_keys (
  workspace_id  uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  key           text NOT NULL CHECK (char_length(key) BETWEEN 1 AND 200),
  -- sha256 of method, route pattern, path and raw body: the same key with another request is refused.
  fingerprint   text NOT NULL,
  -- Null while the first request runs; then its answer.
  status_code   integer,
  content_type  text,
  body          text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  -- When the request that owns the key started (a stale one, from a crashed process, may be taken over).
  started_at    timestamptz NOT NULL DEFAULT now(),
  completed_at  timestamptz,
  PRIMARY KEY (workspace_id, key)
);
-- For the periodic delete of entries older than 24 h.
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

-- Down Migration
DROP TABLE idempotency_keys;

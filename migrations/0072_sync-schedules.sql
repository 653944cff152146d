-- Up Migration
-- Sync schedules (docs/api.md "Schedules"). The definition lives here; BullMQ's job scheduler is derived
-- from it and re-applied at worker start, so a schedule survives restarts and the loss of Redis.
CREATE TABLE sync_schedules (
  workspace_id    uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  name            text NOT NULL,
  cron            text NOT NULL,
  timezone        text NOT NULL DEFAULT 'UTC',
  -- documentFilter, restrictedOps, isDraft, instructions, botId.
  params          jsonb NOT NULL,
  last_run_id     uuid,
  -- Ticks that found the previous run of this schedule unfinished, and the last of them.
  skipped_runs    integer NOT NULL DEFAULT 0,
  last_skipped_at timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, name)
);

-- Down Migration
DROP TABLE sync_schedules;

-- Up Migration
-- A sync run (docs/api.md "Sync runs"): refresh → wait → generate the changed as one batch. The row is the
-- `sync` queue's job row (the job framework's table shape); `step` is where the run is, so an attempt
-- after a crash resumes there instead of starting over.
CREATE TABLE sync_runs (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id    uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  status          text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'IN_PROGRESS', 'COMPLETED', 'FAILED')),
  step            text NOT NULL DEFAULT 'REFRESH' CHECK (step IN ('REFRESH', 'WAIT_REFRESH', 'GENERATE', 'WAIT_GENERATE', 'DONE')),
  schedule_name   text,
  -- documentIds (null = every web source), restrictedOps, isDraft, instructions, botId.
  params          jsonb NOT NULL,
  -- The refresh step's ingest jobs, written in the transaction that creates them.
  ingest_job_ids  uuid[] NOT NULL DEFAULT '{}',
  -- Chosen when the run is created, so a re-run of the generate step finds the batch it made.
  batch_id        uuid NOT NULL DEFAULT gen_random_uuid(),
  batch_created   boolean NOT NULL DEFAULT false,
  counts          jsonb NOT NULL DEFAULT '{}',
  error           text,
  attempts        integer NOT NULL DEFAULT 0,
  created_at      timestamptz NOT NULL DEFAULT now(),
  started_at      timestamptz,
  completed_at    timestamptz,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sync_runs_list_idx ON sync_runs (workspace_id, created_at DESC, id DESC);
CREATE INDEX sync_runs_unfinished_idx ON sync_runs (updated_at) WHERE status IN ('PENDING', 'IN_PROGRESS');
-- Never two unfinished runs of one schedule.
CREATE UNIQUE INDEX sync_runs_one_per_schedule_idx ON sync_runs (workspace_id, schedule_name)
  WHERE schedule_name IS NOT NULL AND status IN ('PENDING', 'IN_PROGRESS');

-- Down Migration
DROP TABLE sync_runs;

-- Up Migration
-- Every bulk generation call is a batch (docs/api.md "Batches"). Its status, counts, usage and completion
-- time are derived from its jobs when read, so no job transition has to keep a batch row in step.
CREATE TABLE knowledge_batches (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id   uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  -- The bulk body's restrictedOps as given (empty = all allowed), echoed in `params`.
  restricted_ops text[] NOT NULL DEFAULT '{}',
  is_draft       boolean NOT NULL,
  bot_id         uuid,
  instructions   text NOT NULL DEFAULT '',
  created_at     timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX knowledge_batches_list_idx ON knowledge_batches (workspace_id, created_at DESC, id DESC);

ALTER TABLE knowledge_jobs
  ADD COLUMN batch_id uuid REFERENCES knowledge_batches (id) ON DELETE SET NULL,
  -- The job's position in its bulk request, so a batch lists its jobs in input order.
  ADD COLUMN batch_position integer,
  -- Set when the draft the job wrote was rejected: its decision must not be reused.
  ADD COLUMN decision_rejected_at timestamptz;
CREATE INDEX knowledge_jobs_batch_idx ON knowledge_jobs (batch_id, batch_position) WHERE batch_id IS NOT NULL;
-- Rejecting a draft marks every job that wrote or reused it.
CREATE INDEX knowledge_jobs_article_idx ON knowledge_jobs (article_id) WHERE article_id IS NOT NULL;
-- Per-workspace queue depth (the queued-jobs quota and the fair-scheduling priority count it).
CREATE INDEX knowledge_jobs_workspace_unfinished_idx ON knowledge_jobs (workspace_id)
  WHERE status IN ('PENDING', 'IN_PROGRESS');

-- A rejected draft leaves the review queue and the draft list; it stays for the record.
ALTER TABLE articles
  ADD COLUMN rejected_at timestamptz,
  ADD COLUMN reject_reason text;
-- The review queue: open drafts, newest first.
CREATE INDEX articles_review_idx ON articles (workspace_id, created_at DESC, id DESC)
  WHERE is_draft AND NOT is_draft_published AND rejected_at IS NULL;

-- Model tokens spent per workspace and UTC day (generation jobs and tree scaffolding), for the daily quota.
CREATE TABLE workspace_model_usage (
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  day          date NOT NULL,
  tokens       bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (workspace_id, day)
);

-- Status-change notifications carry the batch too, so a batch's event stream can follow its jobs.
CREATE OR REPLACE FUNCTION distill_notify_knowledge_job() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('distill_knowledge_jobs', json_build_object(
    'id', NEW.id, 'workspaceId', NEW.workspace_id, 'sourceId', NEW.source_id, 'status', NEW.status,
    'operation', NEW.operation, 'reason', left(NEW.reason, 1000), 'articleId', NEW.article_id,
    'error', left(NEW.error, 2000), 'attempts', NEW.attempts, 'isDraft', NEW.is_draft, 'reused', NEW.reused,
    'promptTokens', NEW.prompt_tokens, 'completionTokens', NEW.completion_tokens, 'cachedTokens', NEW.cached_tokens,
    'createdAt', NEW.created_at, 'startedAt', NEW.started_at, 'completedAt', NEW.completed_at,
    'batchId', NEW.batch_id)::text);
  RETURN NULL;
END $$;

-- Down Migration
CREATE OR REPLACE FUNCTION distill_notify_knowledge_job() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('distill_knowledge_jobs', json_build_object(
    'id', NEW.id, 'workspaceId', NEW.workspace_id, 'sourceId', NEW.source_id, 'status', NEW.status,
    'operation', NEW.operation, 'reason', left(NEW.reason, 1000), 'articleId', NEW.article_id,
    'error', left(NEW.error, 2000), 'attempts', NEW.attempts, 'isDraft', NEW.is_draft, 'reused', NEW.reused,
    'promptTokens', NEW.prompt_tokens, 'completionTokens', NEW.completion_tokens, 'cachedTokens', NEW.cached_tokens,
    'createdAt', NEW.created_at, 'startedAt', NEW.started_at, 'completedAt', NEW.completed_at)::text);
  RETURN NULL;
END $$;
DROP TABLE workspace_model_usage;
DROP INDEX articles_review_idx;
ALTER TABLE articles DROP COLUMN reject_reason, DROP COLUMN rejected_at;
DROP INDEX knowledge_jobs_workspace_unfinished_idx;
DROP INDEX knowledge_jobs_article_idx;
DROP INDEX knowledge_jobs_batch_idx;
ALTER TABLE knowledge_jobs DROP COLUMN decision_rejected_at, DROP COLUMN batch_position, DROP COLUMN batch_id;
DROP TABLE knowledge_batches;

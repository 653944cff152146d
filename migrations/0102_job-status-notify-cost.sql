-- Up Migration
-- Status changes are NOTIFYed for the API processes' event streams (migration 0005), but PostgreSQL
-- serializes every notifying commit through one lock, held until the commit is flushed to the WAL, and
-- most of the time nobody listens: a bulk run with no stream open queued on that lock at every job start
-- and completion. An API process that listens registers here (src/generation/job-events.ts) and renews
-- its row while it listens; the trigger notifies only while some registration is current. A process that
-- dies leaves a row that expires by itself.
CREATE TABLE job_event_listeners (
  id         uuid PRIMARY KEY,
  expires_at timestamptz NOT NULL
);

CREATE OR REPLACE FUNCTION distill_notify_knowledge_job() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- A job's start need not wait for the WAL flush: lost in a database crash, it only means the job starts
  -- again (the job framework's start accepts an IN_PROGRESS row). Its outcome still waits for the flush.
  IF NEW.status = 'IN_PROGRESS' THEN
    PERFORM set_config('synchronous_commit', 'off', true);
  END IF;
  IF NOT EXISTS (SELECT 1 FROM job_event_listeners WHERE expires_at > now()) THEN
    RETURN NULL;
  END IF;
  PERFORM pg_notify('distill_knowledge_jobs', json_build_object(
    'id', NEW.id, 'workspaceId', NEW.workspace_id, 'sourceId', NEW.source_id, 'status', NEW.status,
    'operation', NEW.operation, 'reason', left(NEW.reason, 1000), 'articleId', NEW.article_id,
    'error', left(NEW.error, 2000), 'attempts', NEW.attempts, 'isDraft', NEW.is_draft, 'reused', NEW.reused,
    'skipped', NEW.skipped,
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
    'skipped', NEW.skipped,
    'promptTokens', NEW.prompt_tokens, 'completionTokens', NEW.completion_tokens, 'cachedTokens', NEW.cached_tokens,
    'createdAt', NEW.created_at, 'startedAt', NEW.started_at, 'completedAt', NEW.completed_at,
    'batchId', NEW.batch_id)::text);
  RETURN NULL;
END $$;
DROP TABLE job_event_listeners;

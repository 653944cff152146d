-- Up Migration
-- Every status change NOTIFYs (migration 0005), and PostgreSQL serializes the commits of notifying
-- transactions through one lock, held until the commit is flushed to the WAL. A job's start
-- (→ IN_PROGRESS) commits without waiting for that flush: lost in a database crash, it only means the
-- job starts again (the framework's start accepts an IN_PROGRESS row). Every other change, the
-- job's outcome above all, still waits for its flush.
CREATE OR REPLACE FUNCTION distill_notify_knowledge_job() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status = 'IN_PROGRESS' THEN
    PERFORM set_config('synchronous_commit', 'off', true);
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

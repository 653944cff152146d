-- Up Migration
-- A job whose linked source has not changed since its live article was saved from it completes without
-- a decision (docs/api.md "skipped"); the flag tells it apart from a reused decision and from a model call.
ALTER TABLE knowledge_jobs ADD COLUMN skipped boolean NOT NULL DEFAULT false;

-- Status-change notifications carry the flag, so jobs/events shows what jobs/status shows.
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

-- Down Migration
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
ALTER TABLE knowledge_jobs DROP COLUMN skipped;

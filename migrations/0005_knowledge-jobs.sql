-- Up Migration
-- One row per generation job (API.md §4). The BullMQ job id is the row id; the row is the truth.
CREATE TABLE knowledge_jobs (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id        uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  -- Null for origin generated/inbox, or when the source was deleted after the job was queued.
  source_id           uuid REFERENCES sources (id) ON DELETE SET NULL,
  origin              text NOT NULL CHECK (origin IN ('sources', 'generated', 'inbox')),
  candidate_knowledge text,
  hc_event_id         text,
  -- The allowed operations, never empty (an omitted or empty restrictedOps is stored as all three).
  allowed_ops         text[] NOT NULL,
  instructions        text NOT NULL DEFAULT '',
  bot_id              uuid,
  is_draft            boolean NOT NULL DEFAULT true,
  force               boolean NOT NULL DEFAULT false,
  status              text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'IN_PROGRESS', 'COMPLETED', 'FAILED')),
  operation           text CHECK (operation IN ('ADD_ARTICLE_TO_FOLDER', 'UPDATE_ARTICLE', 'DO_NOTHING')),
  reason              text,
  article_id          uuid,
  error               text,
  attempts            integer NOT NULL DEFAULT 0,
  model_calls         integer NOT NULL DEFAULT 0,
  prompt_tokens       integer NOT NULL DEFAULT 0,
  completion_tokens   integer NOT NULL DEFAULT 0,
  cached_tokens       integer NOT NULL DEFAULT 0,
  reused              boolean NOT NULL DEFAULT false,
  -- What the decision depended on (DESIGN.md §4 "Reuse"), and the decision itself, for reuse.
  decision_key        text,
  decision            jsonb,
  source_hash_read    text,
  created_at          timestamptz NOT NULL DEFAULT now(),
  started_at          timestamptz,
  completed_at        timestamptz,
  updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX knowledge_jobs_unfinished_idx ON knowledge_jobs (updated_at) WHERE status IN ('PENDING', 'IN_PROGRESS');
CREATE INDEX knowledge_jobs_reuse_idx ON knowledge_jobs (workspace_id, decision_key, completed_at DESC) WHERE status = 'COMPLETED';
CREATE INDEX knowledge_jobs_source_idx ON knowledge_jobs (source_id);

-- Every status change is announced (at commit) to the API processes, which stream it as Server-Sent
-- Events; the payload carries the row's wire fields so no change is lost to a later re-read.
CREATE FUNCTION distill_notify_knowledge_job() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('distill_knowledge_jobs', json_build_object(
    'id', NEW.id, 'workspaceId', NEW.workspace_id, 'sourceId', NEW.source_id, 'status', NEW.status,
    'operation', NEW.operation, 'reason', left(NEW.reason, 1000), 'articleId', NEW.article_id,
    'error', left(NEW.error, 2000), 'attempts', NEW.attempts, 'isDraft', NEW.is_draft, 'reused', NEW.reused,
    'promptTokens', NEW.prompt_tokens, 'completionTokens', NEW.completion_tokens, 'cachedTokens', NEW.cached_tokens,
    'createdAt', NEW.created_at, 'startedAt', NEW.started_at, 'completedAt', NEW.completed_at)::text);
  RETURN NULL;
END $$;
CREATE TRIGGER knowledge_jobs_status_notify
  AFTER UPDATE OF status ON knowledge_jobs
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
  EXECUTE FUNCTION distill_notify_knowledge_job();

-- Down Migration
DROP TRIGGER knowledge_jobs_status_notify ON knowledge_jobs;
DROP FUNCTION distill_notify_knowledge_job();
DROP TABLE knowledge_jobs;

-- Up Migration
-- A job's start (WHERE id = $1 AND workspace_id = $2 AND status IN ('PENDING', 'IN_PROGRESS')) matched
-- this partial index on its predicate, and PostgreSQL chose it over the primary key: with a bulk run
-- queued, each start walked every unfinished job of the workspace (~180 buffers for 2,000 jobs). With the
-- id in the key the same index finds the one row; the per-workspace count (quotas) reads it as before.
CREATE INDEX knowledge_jobs_workspace_unfinished_id_idx ON knowledge_jobs (workspace_id, id)
  WHERE status IN ('PENDING', 'IN_PROGRESS');
DROP INDEX knowledge_jobs_workspace_unfinished_idx;

-- Down Migration
CREATE INDEX knowledge_jobs_workspace_unfinished_idx ON knowledge_jobs (workspace_id)
  WHERE status IN ('PENDING', 'IN_PROGRESS');
DROP INDEX knowledge_jobs_workspace_unfinished_id_idx;

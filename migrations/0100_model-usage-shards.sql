-- Up Migration
-- Every generation job adds its tokens to its workspace's day in the transaction that completes it. With
-- one row per workspace and day, that row was a hot spot: the concurrent jobs of a bulk run queued on its
-- lock, each until the one before it had committed. A day's tokens are now kept per database connection
-- (the default: the backend's pid): a connection runs one transaction at a time, so no two transactions
-- wait for the same row. The quota sums a day's rows, one per connection that spent tokens.
ALTER TABLE workspace_model_usage ADD COLUMN shard integer NOT NULL DEFAULT pg_backend_pid();
ALTER TABLE workspace_model_usage DROP CONSTRAINT workspace_model_usage_pkey;
ALTER TABLE workspace_model_usage ADD PRIMARY KEY (workspace_id, day, shard);

-- Down Migration
CREATE TEMPORARY TABLE workspace_model_usage_days AS
  SELECT workspace_id, day, sum(tokens) AS tokens FROM workspace_model_usage GROUP BY workspace_id, day;
DELETE FROM workspace_model_usage;
ALTER TABLE workspace_model_usage DROP CONSTRAINT workspace_model_usage_pkey;
ALTER TABLE workspace_model_usage DROP COLUMN shard;
INSERT INTO workspace_model_usage (workspace_id, day, tokens)
  SELECT workspace_id, day, tokens FROM workspace_model_usage_days;
ALTER TABLE workspace_model_usage ADD PRIMARY KEY (workspace_id, day);

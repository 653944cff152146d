-- Up Migration
-- API processes cache verified keys for a few seconds (src/keys/key-cache.ts). A revocation, a deletion
-- (also through a workspace's cascade) or a change of scopes is announced at commit, whoever made it
-- (the CLI, another process, plain SQL), so every process drops the key from its cache at once.
CREATE FUNCTION distill_notify_api_key_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('distill_api_keys', OLD.id::text);
  RETURN NULL;
END $$;
CREATE TRIGGER api_keys_change_notify
  AFTER UPDATE OF revoked_at, scopes, key_hash, workspace_id ON api_keys
  FOR EACH ROW WHEN (
    OLD.revoked_at IS DISTINCT FROM NEW.revoked_at OR OLD.scopes IS DISTINCT FROM NEW.scopes
    OR OLD.key_hash IS DISTINCT FROM NEW.key_hash OR OLD.workspace_id IS DISTINCT FROM NEW.workspace_id)
  EXECUTE FUNCTION distill_notify_api_key_change();
CREATE TRIGGER api_keys_delete_notify
  AFTER DELETE ON api_keys
  FOR EACH ROW EXECUTE FUNCTION distill_notify_api_key_change();

-- Down Migration
DROP TRIGGER api_keys_delete_notify ON api_keys;
DROP TRIGGER api_keys_change_notify ON api_keys;
DROP FUNCTION distill_notify_api_key_change();

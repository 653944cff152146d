-- Up Migration
-- A generation job reads live articles only (its candidates and what each folder holds), while every
-- generated draft stays in the same table after review: after a few bulk runs most rows are drafts, and
-- scans over all rows of a folder or a workspace read mostly drafts. These indexes hold live articles
-- only. The full-text index moves to live articles too: nothing searches drafts, and a draft's insert no
-- longer pays for a GIN entry.
CREATE INDEX articles_live_search_idx ON articles USING gin (search) WHERE NOT is_draft;
DROP INDEX articles_search_idx;
CREATE INDEX articles_live_folder_idx ON articles (parent_folder_id, updated_at DESC) WHERE NOT is_draft;
CREATE INDEX articles_live_workspace_idx ON articles (workspace_id) WHERE NOT is_draft;

-- Down Migration
DROP INDEX articles_live_workspace_idx;
DROP INDEX articles_live_folder_idx;
CREATE INDEX articles_search_idx ON articles USING gin (search);
DROP INDEX articles_live_search_idx;

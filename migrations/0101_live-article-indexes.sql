-- Up Migration
-- A generation job reads live articles only (its candidates and what each folder holds), while every
-- generated draft stays in the same table after review: after a few bulk runs most rows are drafts, and
-- scans over all rows of a folder or a workspace read mostly drafts. These indexes hold live articles
-- only. Nothing searches drafts either, so a draft's `search` is null: its insert computes no text
-- vector and adds no GIN entry (publishing a draft as a new article sets is_draft false, and the
-- generated column is computed then). Dropping the column drops its old index.
ALTER TABLE articles DROP COLUMN search;
ALTER TABLE articles ADD COLUMN search tsvector GENERATED ALWAYS AS (
  CASE WHEN NOT is_draft THEN
    setweight(to_tsvector('english', title), 'A') ||
    setweight(to_tsvector('english', distill_join_words(questions) || ' ' || distill_join_words(keywords)), 'B') ||
    setweight(to_tsvector('english', main_knowledge), 'C')
  END
) STORED;
CREATE INDEX articles_live_search_idx ON articles USING gin (search) WHERE NOT is_draft;
CREATE INDEX articles_live_folder_idx ON articles (parent_folder_id, updated_at DESC) WHERE NOT is_draft;
CREATE INDEX articles_live_workspace_idx ON articles (workspace_id) WHERE NOT is_draft;

-- Down Migration
DROP INDEX articles_live_workspace_idx;
DROP INDEX articles_live_folder_idx;
ALTER TABLE articles DROP COLUMN search;
ALTER TABLE articles ADD COLUMN search tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('english', title), 'A') ||
  setweight(to_tsvector('english', distill_join_words(questions) || ' ' || distill_join_words(keywords)), 'B') ||
  setweight(to_tsvector('english', main_knowledge), 'C')
) STORED;
CREATE INDEX articles_search_idx ON articles USING gin (search);

-- Up Migration
-- array_to_string is only STABLE; a generated column needs an IMMUTABLE expression.
CREATE FUNCTION distill_join_words(text[]) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT array_to_string($1, ' ') $$;

-- Live and draft articles in one table (API.md §5). Drafts made by a generation job carry the source,
-- operation, reason, job id and the source hash they were generated from (the source-backed save uses it).
CREATE TABLE articles (
  id                       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id             uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  -- Null only for a DO_NOTHING draft record that has no article to point at.
  parent_folder_id         uuid REFERENCES folders (id) ON DELETE RESTRICT,
  title                    text NOT NULL,
  main_knowledge           text NOT NULL,
  agent_instruction        text NOT NULL DEFAULT '',
  questions                text[] NOT NULL DEFAULT '{}',
  keywords                 text[] NOT NULL DEFAULT '{}',
  escalation               boolean NOT NULL DEFAULT false,
  active                   boolean NOT NULL DEFAULT true,
  public                   boolean NOT NULL DEFAULT true,
  origin                   text,
  is_draft                 boolean NOT NULL DEFAULT false,
  original_article_id      uuid REFERENCES articles (id) ON DELETE SET NULL,
  original_article_version integer,
  is_draft_published       boolean NOT NULL DEFAULT false,
  version                  integer NOT NULL DEFAULT 1,
  source_document_id       uuid REFERENCES sources (id) ON DELETE SET NULL,
  operation                text CHECK (operation IN ('ADD_ARTICLE_TO_FOLDER', 'UPDATE_ARTICLE', 'DO_NOTHING')),
  linked_reason            text,
  -- A generation job writes at most one article.
  background_job_id        uuid UNIQUE,
  source_hash              text,
  -- Set when a draft is published: the live article it became or updated (not on the wire; messages use it).
  published_article_id     uuid REFERENCES articles (id) ON DELETE SET NULL,
  created_at               timestamptz NOT NULL DEFAULT now(),
  updated_at               timestamptz NOT NULL DEFAULT now(),
  -- When the current version was written (updated_at also moves on a move; a version's time must not).
  versioned_at             timestamptz NOT NULL DEFAULT now(),
  -- Full-text search for candidate selection: title first, then questions and keywords, then the body.
  search                   tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', title), 'A') ||
    setweight(to_tsvector('english', distill_join_words(questions) || ' ' || distill_join_words(keywords)), 'B') ||
    setweight(to_tsvector('english', main_knowledge), 'C')
  ) STORED
);
-- The list order (newest first) and its keyset cursor, with and without the live/draft filter.
CREATE INDEX articles_list_idx ON articles (workspace_id, is_draft, created_at DESC, id DESC);
CREATE INDEX articles_list_all_idx ON articles (workspace_id, created_at DESC, id DESC);
CREATE INDEX articles_folder_idx ON articles (parent_folder_id);
CREATE INDEX articles_original_idx ON articles (original_article_id) WHERE original_article_id IS NOT NULL;
CREATE INDEX articles_search_idx ON articles USING gin (search);

-- Every prior version of an article (history, rollback, diff); the current version stays in `articles`.
-- created_at is when that version was written, not when it was archived.
CREATE TABLE article_versions (
  article_id        uuid NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  workspace_id      uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  version           integer NOT NULL,
  title             text NOT NULL,
  main_knowledge    text NOT NULL,
  agent_instruction text NOT NULL,
  questions         text[] NOT NULL,
  keywords          text[] NOT NULL,
  escalation        boolean NOT NULL,
  active            boolean NOT NULL,
  public            boolean NOT NULL,
  created_at        timestamptz NOT NULL,
  PRIMARY KEY (article_id, version)
);

-- The tree snapshot's updatedAt is the latest change to a folder or live article; a deletion leaves no
-- row behind to carry its time, so it is stamped here.
ALTER TABLE workspaces ADD COLUMN knowledge_deleted_at timestamptz;

ALTER TABLE sources
  ADD CONSTRAINT sources_linked_knowledge_fk FOREIGN KEY (linked_knowledge_id) REFERENCES articles (id) ON DELETE SET NULL;

-- Down Migration
ALTER TABLE sources DROP CONSTRAINT sources_linked_knowledge_fk;
ALTER TABLE workspaces DROP COLUMN knowledge_deleted_at;
DROP TABLE article_versions;
DROP TABLE articles;
DROP FUNCTION distill_join_words(text[]);

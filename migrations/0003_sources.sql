-- Up Migration
-- A source ("document" on the wire, API.md §3). For web sources external_id is the normalized URL.
CREATE TABLE sources (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id        uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  source_type         text NOT NULL CHECK (source_type IN ('web', 'files', 'googledrive', 'zendesk', 'notion', 'confluence')),
  external_id         text NOT NULL,
  original_url        text NOT NULL DEFAULT '',
  title               text NOT NULL DEFAULT '',
  mime_type           text NOT NULL DEFAULT '',
  object_type         text NOT NULL DEFAULT 'page',
  english             boolean NOT NULL DEFAULT true,
  baser               boolean NOT NULL DEFAULT false,
  paragraphs          text[] NOT NULL DEFAULT '{}',
  old_paragraphs      text[] NOT NULL DEFAULT '{}',
  -- sha256 of the normalized text; null until the first successful ingestion.
  content_hash        text,
  -- The content hash the linked knowledge was last saved from (the change rule compares against it).
  saved_hash          text,
  etag                text,
  last_modified       text,
  success             boolean NOT NULL DEFAULT false,
  error               text NOT NULL DEFAULT '',
  linked_job_id       uuid,
  linked_knowledge_id uuid,
  linked_operation    text CHECK (linked_operation IN ('ADD_ARTICLE_TO_FOLDER', 'UPDATE_ARTICLE', 'DO_NOTHING')),
  linked_reason       text,
  changed             boolean NOT NULL DEFAULT false,
  fetched_at          timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workspace_id, source_type, external_id)
);
-- The list order of API.md §3, and its cursor.
CREATE INDEX sources_list_idx ON sources (workspace_id, updated_at DESC, external_id DESC, id DESC);
CREATE INDEX sources_linked_knowledge_idx ON sources (workspace_id, linked_knowledge_id) WHERE linked_knowledge_id IS NOT NULL;

-- One row per ingestion or refresh of a source; the BullMQ job id is the row id.
CREATE TABLE ingest_jobs (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  source_id    uuid NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
  status       text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'IN_PROGRESS', 'COMPLETED', 'FAILED')),
  error        text,
  attempts     integer NOT NULL DEFAULT 0,
  created_at   timestamptz NOT NULL DEFAULT now(),
  started_at   timestamptz,
  completed_at timestamptz,
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ingest_jobs_source_idx ON ingest_jobs (source_id);
-- The reconciler scans unfinished jobs by age.
CREATE INDEX ingest_jobs_unfinished_idx ON ingest_jobs (updated_at) WHERE status IN ('PENDING', 'IN_PROGRESS');

-- Down Migration
DROP TABLE ingest_jobs;
DROP TABLE sources;

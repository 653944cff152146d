-- Up Migration
-- breadcrumb: the trail a page shows above its article, root first. Extraction drops it with the rest of
-- the navigation; it is kept as a hint for the folder a new article goes into.
-- storage_url: where the stored original of a source is (Fini's `storageUrl`); null for web pages until
-- an original is stored.
ALTER TABLE sources
  ADD COLUMN breadcrumb text[] NOT NULL DEFAULT '{}',
  ADD COLUMN storage_url text;

-- Down Migration
ALTER TABLE sources DROP COLUMN storage_url, DROP COLUMN breadcrumb;

-- Up Migration
-- Source health (docs/api.md "Source health"): a page that is gone, and a refresh held back as suspect.
ALTER TABLE sources
  ADD COLUMN gone boolean NOT NULL DEFAULT false,
  -- Consecutive refreshes that answered 404/410; two make the page gone, content fetched again resets it.
  ADD COLUMN gone_strikes integer NOT NULL DEFAULT 0,
  -- The ingest job that counted the last strike, so a re-run of that job does not count twice.
  ADD COLUMN gone_strike_job_id uuid,
  -- Why the last refresh was held back (null: it was not); the held content waits here.
  ADD COLUMN suspect text,
  ADD COLUMN held_title text,
  ADD COLUMN held_mime_type text,
  ADD COLUMN held_paragraphs text[],
  ADD COLUMN held_hash text,
  ADD COLUMN held_etag text,
  ADD COLUMN held_last_modified text;

-- Down Migration
ALTER TABLE sources
  DROP COLUMN gone, DROP COLUMN gone_strikes, DROP COLUMN gone_strike_job_id, DROP COLUMN suspect,
  DROP COLUMN held_title, DROP COLUMN held_mime_type, DROP COLUMN held_paragraphs, DROP COLUMN held_hash,
  DROP COLUMN held_etag, DROP COLUMN held_last_modified;

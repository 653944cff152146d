-- Up Migration
-- This database's identity, made once at the first migration. Two installs on one machine may share a
-- Redis: the default queue prefix is derived from this id, so neither takes the other's jobs.
CREATE TABLE installation (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- Exactly one row.
  singleton   boolean NOT NULL DEFAULT true UNIQUE CHECK (singleton),
  created_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO installation DEFAULT VALUES;

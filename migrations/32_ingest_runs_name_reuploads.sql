-- 32_ingest_runs_name_reuploads.sql
-- A run that finds an applied change file back in changes/ with other bytes (a re-upload:
-- upstream rewrote an export already applied) leaves it in place and names it here, with the
-- fingerprint the ledger recorded and the one listed now. The ledger's etag and bytes columns
-- (migration 14) are those fingerprints; rows without them are trusted.

ALTER TABLE tickets.ingest_runs ADD COLUMN IF NOT EXISTS reuploaded jsonb NOT NULL DEFAULT '[]'::jsonb;
COMMENT ON COLUMN tickets.ingest_runs.reuploaded IS
    'applied files found back in changes/ with other bytes: [{"key", "applied": {"etag", "bytes"}, "now": {"etag", "bytes"}}]';

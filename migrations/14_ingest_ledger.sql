-- 14_ingest_ledger.sql
-- The file ledger: one row per change file applied, per dataset. It lets the ingest tell a
-- late file (at/older than the watermark, never applied) from one already applied, and
-- keeps what each file did. A file applied again (--reseed, --include-late) updates its
-- row: applications + 1, applied_at and the counts of the latest application.

CREATE TABLE tickets.ingest_ledger (
    dataset          text NOT NULL,
    key              text NOT NULL,
    etag             text,
    bytes            bigint,
    exported_at      timestamptz,
    rows_read        integer NOT NULL,
    rows_dropped     jsonb NOT NULL DEFAULT '{}'::jsonb,
    inserted         integer NOT NULL,
    updated          integer NOT NULL,
    unchanged        integer NOT NULL,
    applications     integer NOT NULL DEFAULT 1,
    first_applied_at timestamptz NOT NULL DEFAULT now(),
    applied_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (dataset, key)
);
COMMENT ON TABLE tickets.ingest_ledger IS 'change files applied per dataset (key = full bucket key or loose file path)';
COMMENT ON COLUMN tickets.ingest_ledger.exported_at IS 'export time from the key''s EAT timestamp';
COMMENT ON COLUMN tickets.ingest_ledger.rows_dropped IS 'rows dropped at cleaning, by reason, e.g. {"alarm": 3, "sentinel": 1}';
COMMENT ON COLUMN tickets.ingest_ledger.applications IS 'how many times the file was applied (reseeds add one)';

CREATE INDEX ingest_ledger_dataset_applied_at_idx ON tickets.ingest_ledger (dataset, applied_at DESC);

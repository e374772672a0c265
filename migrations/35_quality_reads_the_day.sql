-- 35_quality_reads_the_day.sql
-- The quality figures of `fleettickets status` (and of the report) read the last EAT day's
-- change files and the rows those files wrote, never the whole history: the day's files
-- come from the ledger by export time, their rows from the ticket tables by change_key (the
-- file that last wrote each row, migration 16). These indexes make both reads cost the day.

CREATE INDEX IF NOT EXISTS ingest_ledger_dataset_exported_at_idx ON tickets.ingest_ledger (dataset, exported_at);
CREATE INDEX IF NOT EXISTS inc_change_key_idx ON tickets.inc (change_key);
CREATE INDEX IF NOT EXISTS crq_change_key_idx ON tickets.crq (change_key);

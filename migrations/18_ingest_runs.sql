-- 18_ingest_runs.sql
-- Every ingest run that did work or failed (SPEC 9): from the command line or from a tick of
-- the long-running worker. `status` reads the last run and the last failed run from here, and
-- `status --check` calls a dataset stopped when its last run (busy ones aside) was a data
-- error. A worker tick with nothing new records nothing; dry runs write nothing anywhere
-- (SPEC 3), so they are not recorded either.

CREATE TABLE IF NOT EXISTS tickets.ingest_runs (
    id            bigserial PRIMARY KEY,
    dataset       text NOT NULL,
    started_at    timestamptz NOT NULL,
    finished_at   timestamptz NOT NULL,
    mode          text NOT NULL CHECK (mode IN ('cli', 'worker')),
    applied       boolean NOT NULL DEFAULT true,
    outcome       text NOT NULL CHECK (outcome IN ('ok', 'busy', 'data_error', 'dependency_error')),
    files_applied integer NOT NULL DEFAULT 0,
    rows_read     bigint NOT NULL DEFAULT 0,
    inserted      integer NOT NULL DEFAULT 0,
    updated       integer NOT NULL DEFAULT 0,
    unchanged     integer NOT NULL DEFAULT 0,
    stale         integer NOT NULL DEFAULT 0,
    newest_export timestamptz,
    error         text,
    error_key     text,
    error_line    integer,
    host          text,
    pid           integer
);
COMMENT ON TABLE tickets.ingest_runs IS 'ingest runs that did work or failed, CLI and worker (fleettickets status reads it)';
COMMENT ON COLUMN tickets.ingest_runs.mode IS 'cli: one fleettickets ingest; worker: one tick of fleettickets run';
COMMENT ON COLUMN tickets.ingest_runs.applied IS 'true for --apply runs (the CLI and the worker record only those)';
COMMENT ON COLUMN tickets.ingest_runs.outcome IS 'ok, busy (another run held the dataset), data_error (a bad file stopped the drain), dependency_error (database, bucket, hook)';
COMMENT ON COLUMN tickets.ingest_runs.newest_export IS 'export time of the newest change file the run applied';
COMMENT ON COLUMN tickets.ingest_runs.error IS 'the one-sentence failure the run printed (never credentials)';
COMMENT ON COLUMN tickets.ingest_runs.error_key IS 'the change file the failure is about, when there is one';

CREATE INDEX IF NOT EXISTS ingest_runs_dataset_started_idx ON tickets.ingest_runs (dataset, started_at DESC);
CREATE INDEX IF NOT EXISTS ingest_runs_dataset_failed_idx ON tickets.ingest_runs (dataset, started_at DESC)
    WHERE outcome IN ('data_error', 'dependency_error');

-- Lever, analysis only (durability stays): commits do not wait for the WAL flush.
DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET synchronous_commit = off', current_database()); END $$;

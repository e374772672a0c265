-- Lever: no JIT compilation of the drain's statements (a large file's plan crosses jit_above_cost).
DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET jit = off', current_database()); END $$;

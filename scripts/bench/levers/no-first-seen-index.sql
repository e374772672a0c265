-- Lever: the drain without migration 28's partial first_seen_at indexes (what their
-- maintenance costs the write path).
DROP INDEX IF EXISTS tickets.inc_first_seen_no_created_idx;
DROP INDEX IF EXISTS tickets.crq_first_seen_no_created_idx;

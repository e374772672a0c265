-- Lever: the drain without migration 28's statement triggers that turn another writer's
-- statement into a full pass (the ingest's own queueing, in its merge, stays).
DROP TRIGGER IF EXISTS inc_note_write_for_history ON tickets.inc;
DROP TRIGGER IF EXISTS crq_note_write_for_history ON tickets.crq;

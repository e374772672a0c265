-- Lever: the drain without migration 28's history queue (the statement triggers that record
-- written tickets in tickets.history_pending): what queueing costs the write path.
DROP TRIGGER IF EXISTS inc_queue_for_history_insert ON tickets.inc;
DROP TRIGGER IF EXISTS inc_queue_for_history_update ON tickets.inc;
DROP TRIGGER IF EXISTS crq_queue_for_history_insert ON tickets.crq;
DROP TRIGGER IF EXISTS crq_queue_for_history_update ON tickets.crq;

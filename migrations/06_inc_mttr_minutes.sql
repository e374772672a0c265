-- 06_inc_mttr_minutes.sql
-- mttr becomes whole minutes (the feed gives decimal hours); the constant flag columns
-- is_alarm / is_auto_created / is_auto_closed go (they stay in raw). is_actionable stays.

-- Decimal hours text -> whole minutes (rounded); NULL when empty, unparseable or out of
-- the integer range. Never raises.
CREATE FUNCTION tickets.hours_to_minutes(p_text text) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT CASE WHEN abs(tickets.to_num(p_text)) < 35000000
                THEN round(tickets.to_num(p_text) * 60)::integer END;
END;
COMMENT ON FUNCTION tickets.hours_to_minutes(text) IS 'decimal hours text -> rounded integer minutes; bad -> NULL';

ALTER TABLE tickets.inc
    DROP COLUMN mttr,
    DROP COLUMN is_alarm,
    DROP COLUMN is_auto_created,
    DROP COLUMN is_auto_closed,
    ADD COLUMN mttr integer GENERATED ALWAYS AS (tickets.hours_to_minutes(raw ->> 'mttr')) STORED;

COMMENT ON COLUMN tickets.inc.mttr IS 'mean time to repair in whole minutes (source: decimal hours); NULL until closed';

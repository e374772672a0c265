-- 31_change_key_stamp_calendar.sql
-- tickets.change_key_stamp reads a key's export stamp by the calendar, as the ingest's
-- ChangeKey does (docs/time.md): a stamp naming a day its month does not have (2026-02-30,
-- 2025-02-29) or year 0000 is no stamp, so the key carries no version (the oldest one, like a
-- loose file's). 16 checked the field ranges only and took day 31 in every month, so the
-- version guard and the drain disagreed on such keys. The shape checks are 16's; the day is
-- compared in a CASE of its own, evaluated only once the text is known to be digits.
-- CREATE OR REPLACE keeps the function's identity: change_key_is_newer and the apply
-- statements follow, and it stays one inlinable expression.
CREATE OR REPLACE FUNCTION tickets.change_key_stamp(p_key text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN right(p_key, 23) COLLATE "C" LIKE '____-__-__T__-__-__.csv'
                 AND (length(p_key) = 23 OR substr(p_key, length(p_key) - 23, 1) = '/')
                 AND right(p_key, 23) ~ '^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3])-[0-5]\d-[0-5]\d\.csv$'
           THEN CASE WHEN left(right(p_key, 23), 4) <> '0000'
                      AND substr(right(p_key, 23), 9, 2)::integer <= CASE substr(right(p_key, 23), 6, 2)
                              WHEN '02' THEN CASE WHEN left(right(p_key, 23), 4)::integer % 4 = 0
                                                   AND (left(right(p_key, 23), 4)::integer % 100 <> 0
                                                        OR left(right(p_key, 23), 4)::integer % 400 = 0)
                                                  THEN 29 ELSE 28 END
                              WHEN '04' THEN 30 WHEN '06' THEN 30 WHEN '09' THEN 30 WHEN '11' THEN 30
                              ELSE 31 END
                     THEN left(right(p_key, 23), 19) END
           END
$$;
COMMENT ON FUNCTION tickets.change_key_stamp(text) IS 'export stamp (YYYY-MM-DDTHH-MM-SS, EAT) in a change key''s file name, or NULL (also for a day the calendar does not have)';

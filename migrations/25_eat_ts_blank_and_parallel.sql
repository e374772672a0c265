-- 25_eat_ts_blank_and_parallel.sql
-- Two fixes to tickets.eat_ts, which stays the reference parser (same values for every
-- string; CREATE OR REPLACE keeps its identity, so everything that calls it follows).
--
-- 1. A blank string ('' or only spaces, tabs, CR, LF) is answered NULL at once. It used to go
--    to the general parser, whose EXCEPTION block opens a subtransaction per call: in the
--    feed, scheduled_at is always empty and closed_at is empty while a ticket is open, so
--    that was most of eat_ts's cost for other writers (and for the rows the ingest leaves to
--    the database).
-- 2. eat_ts and eat_ts_general are PARALLEL RESTRICTED, no longer PARALLEL SAFE: a parallel
--    worker cannot open the subtransaction the general parser's EXCEPTION block needs, so a
--    query that scanned a large table with a parallel plan and called eat_ts on any value off
--    the fast path failed with "cannot start subtransactions during a parallel operation".

-- The parameter keeps whatever name it has (the Python tool's database names it ts).
DO $$
DECLARE
    arg text := coalesce((SELECT p.proargnames[1] FROM pg_proc p
                           WHERE p.oid = to_regprocedure('tickets.eat_ts(text)')), 'p_text');
BEGIN
    EXECUTE replace($fn$
CREATE OR REPLACE FUNCTION tickets.eat_ts(p_text text) RETURNS timestamptz
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL RESTRICTED AS $body$
DECLARE
    y integer; mo integer; d integer; h integer; mi integer; se integer;
BEGIN
    IF length(p_text) = 19 AND translate(p_text, '0123456789', '9999999999') = '9999-99-99 99:99:99' THEN
        y := substr(p_text, 1, 4)::integer;
        mo := substr(p_text, 6, 2)::integer;
        d := substr(p_text, 9, 2)::integer;
        h := substr(p_text, 12, 2)::integer;
        mi := substr(p_text, 15, 2)::integer;
        se := substr(p_text, 18, 2)::integer;
        -- Every field in range, so make_timestamp cannot raise (24:00 and :60 take the general path).
        IF y >= 1 AND mo BETWEEN 1 AND 12 AND d >= 1 AND h < 24 AND mi < 60 AND se < 60
           AND d <= extract(day FROM make_date(y, mo, 1) + interval '1 month - 1 day') THEN
            RETURN (make_timestamp(y, mo, d, h, mi, se) AT TIME ZONE 'UTC') - make_interval(mins => 180);
        END IF;
    ELSIF btrim(p_text, E' \t\r\n') = '' THEN
        -- What the general parser answers for a blank, without its subtransaction.
        RETURN NULL;
    END IF;
    RETURN tickets.eat_ts_general(p_text);
END
$body$
$fn$, 'p_text', quote_ident(arg));
END
$$;

ALTER FUNCTION tickets.eat_ts_general(text) PARALLEL RESTRICTED;

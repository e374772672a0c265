-- 15_eat_ts_fast_path.sql
-- tickets.eat_ts runs seven times for every ticket row written (the generated timestamp
-- columns). Its general parser guards against impossible dates with an EXCEPTION block, and
-- PL/pgSQL opens a subtransaction for every call of such a block: that was the largest single
-- cost of writing a row. The feed's own shape, 'YYYY-MM-DD HH:MM:SS' in EAT, is now parsed
-- by a path that checks every field's range first and cannot raise, so it needs no
-- subtransaction; every other shape goes to the general parser, unchanged.
--
-- eat_ts keeps its identity (CREATE OR REPLACE): the generated columns of tickets.inc and
-- tickets.crq call it by reference, so they pick up the new body and no stored value changes.

-- The general parser, exactly as 03 defined tickets.eat_ts.
CREATE FUNCTION tickets.eat_ts_general(p_text text) RETURNS timestamptz
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    s       text := upper(btrim(p_text, E' \t\r\n'));
    shape   text;
    n       integer;
    tail    text;
    tshape  text;
    sec     numeric := 0;
    off_min integer := 180;   -- EAT, UTC+03:00
BEGIN
    shape := translate(s, '0123456789', '9999999999');
    IF left(shape, 10) <> '9999-99-99' THEN
        RETURN NULL;
    END IF;
    IF length(s) > 10 THEN
        IF substr(s, 11, 1) NOT IN ('T', ' ') OR substr(shape, 12, 5) <> '99:99' THEN
            RETURN NULL;
        END IF;
        n := 17;                                   -- first position after HH:MM
        IF substr(shape, 17, 3) = ':99' THEN
            sec := substr(s, 18, 2)::integer;
            n := 20;
            IF substr(s, 20, 1) IN ('.', ',') AND substr(shape, 21, 1) = '9' THEN
                tail := substr(shape, 21);
                -- digits of the fraction (kept to the microsecond, truncated)
                sec := sec + ('0.' || left(substr(s, 21, length(tail) - length(ltrim(tail, '9'))), 6))::numeric;
                n := 21 + length(tail) - length(ltrim(tail, '9'));
            END IF;
        END IF;
        tail := btrim(substr(s, n), E' \t');
        IF tail = 'Z' THEN
            off_min := 0;
        ELSIF tail <> '' THEN
            tshape := translate(tail, '0123456789', '9999999999');
            IF tshape IN ('+99', '-99') THEN
                off_min := substr(tail, 2, 2)::integer * 60;
            ELSIF tshape IN ('+9999', '-9999') THEN
                off_min := substr(tail, 2, 2)::integer * 60 + substr(tail, 4, 2)::integer;
            ELSIF tshape IN ('+99:99', '-99:99') THEN
                off_min := substr(tail, 2, 2)::integer * 60 + substr(tail, 5, 2)::integer;
            ELSE
                RETURN NULL;
            END IF;
            IF right(tail, 2)::integer > 59 OR off_min > 15 * 60 + 59 THEN
                RETURN NULL;
            END IF;
            IF left(tail, 1) = '-' THEN
                off_min := -off_min;
            END IF;
        END IF;
        RETURN (make_timestamp(substr(s, 1, 4)::integer, substr(s, 6, 2)::integer, substr(s, 9, 2)::integer,
                               substr(s, 12, 2)::integer, substr(s, 15, 2)::integer, sec::double precision)
                AT TIME ZONE 'UTC') - make_interval(mins => off_min);
    END IF;
    RETURN (make_date(substr(s, 1, 4)::integer, substr(s, 6, 2)::integer, substr(s, 9, 2)::integer)::timestamp
            AT TIME ZONE 'UTC') - make_interval(mins => off_min);
EXCEPTION WHEN OTHERS THEN
    -- An impossible date or time (2026-02-30, 17:75): this runs inside generated columns,
    -- where an error would fail the whole ingest of a file, so it is "unparseable".
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION tickets.eat_ts_general(text) IS
    'the general EAT text timestamp parser behind tickets.eat_ts (every shape; bad/empty -> NULL)';

CREATE OR REPLACE FUNCTION tickets.eat_ts(p_text text) RETURNS timestamptz
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
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
    END IF;
    RETURN tickets.eat_ts_general(p_text);
END
$$;

-- Lever: tickets.eat_ts answers a blank string itself instead of handing it to the general
-- parser, whose EXCEPTION block opens a subtransaction per call. Same values.
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
        IF y >= 1 AND mo BETWEEN 1 AND 12 AND d >= 1 AND h < 24 AND mi < 60 AND se < 60
           AND d <= extract(day FROM make_date(y, mo, 1) + interval '1 month - 1 day') THEN
            RETURN (make_timestamp(y, mo, d, h, mi, se) AT TIME ZONE 'UTC') - make_interval(mins => 180);
        END IF;
    ELSIF btrim(p_text, E' \t\r\n') = '' THEN
        RETURN NULL;
    END IF;
    RETURN tickets.eat_ts_general(p_text);
END
$$;

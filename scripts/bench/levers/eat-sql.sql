-- Lever: tickets.eat_ts as an SQL-language body the planner inlines into the generated
-- columns (no PL/pgSQL call per value), blank strings answered without the general parser.
CREATE OR REPLACE FUNCTION tickets.eat_ts(p_text text) RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE
    WHEN length(p_text) = 19 AND translate(p_text, '0123456789', '9999999999') = '9999-99-99 99:99:99' THEN
        CASE WHEN substr(p_text, 1, 4)::integer >= 1 AND substr(p_text, 6, 2)::integer BETWEEN 1 AND 12
                  AND substr(p_text, 9, 2)::integer >= 1 AND substr(p_text, 12, 2)::integer < 24
                  AND substr(p_text, 15, 2)::integer < 60 AND substr(p_text, 18, 2)::integer < 60
                  AND (substr(p_text, 9, 2)::integer <= 28
                       OR substr(p_text, 9, 2)::integer <= extract(day FROM make_date(substr(p_text, 1, 4)::integer, substr(p_text, 6, 2)::integer, 1) + interval '1 month - 1 day'))
             THEN timezone('UTC', make_timestamp(substr(p_text, 1, 4)::integer, substr(p_text, 6, 2)::integer, substr(p_text, 9, 2)::integer,
                                                 substr(p_text, 12, 2)::integer, substr(p_text, 15, 2)::integer, substr(p_text, 18, 2)::integer)
                                  - interval '180 minutes')
             ELSE tickets.eat_ts_general(p_text) END
    WHEN btrim(p_text, E' \t\r\n') = '' THEN NULL
    ELSE tickets.eat_ts_general(p_text)
END;

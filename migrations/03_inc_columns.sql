-- 03_inc_columns.sql
-- Typed STORED generated columns on tickets.inc, unpacked from raw (raw stays the source
-- of truth), plus the value parsers they use. The parsers never raise: a bad value in the
-- feed becomes NULL in its typed column instead of failing the ingest.

-- EAT (Africa/Nairobi, UTC+03:00, no DST) text timestamp -> timestamptz.
--   'YYYY-MM-DD HH:MM:SS' or 'YYYY-MM-DDTHH:MM:SS' (T/Z in any case), seconds optional,
--   fractional seconds optional ('.' or ','; kept to the microsecond, truncated), then
--   optionally an explicit offset that wins over EAT: 'Z', '+03:00', '+0300', '+03',
--   '-05:00' (a space before it is allowed). A bare 'YYYY-MM-DD' is midnight EAT.
--   NULL, empty, blank or anything else -> NULL; never raises. Independent of the
--   session TimeZone and DateStyle (EAT is a fixed UTC+03:00). Hour 24:00 and second :60
--   roll over as in PostgreSQL's own timestamp input.
--   Parsed with string shapes, not a regex: it runs 7 times for every row written.
CREATE FUNCTION tickets.eat_ts(p_text text) RETURNS timestamptz
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
COMMENT ON FUNCTION tickets.eat_ts(text) IS
    'EAT (UTC+3) text timestamp -> timestamptz; explicit offset or Z wins; bad/empty -> NULL; never raises';

-- 'true'/'false' in any case, 't'/'f', 'yes'/'no', 'y'/'n', '1'/'0' -> boolean; else NULL.
CREATE FUNCTION tickets.to_bool(p_text text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT CASE lower(btrim(p_text))
        WHEN 'true' THEN true WHEN 't' THEN true WHEN 'yes' THEN true WHEN 'y' THEN true WHEN '1' THEN true
        WHEN 'false' THEN false WHEN 'f' THEN false WHEN 'no' THEN false WHEN 'n' THEN false WHEN '0' THEN false
    END;
END;
COMMENT ON FUNCTION tickets.to_bool(text) IS 'lenient boolean parser; empty or unknown -> NULL; never raises';

-- A plain decimal number ('12', '-1.5', '.5', '+3.') -> numeric; else NULL (also for
-- exponents, thousands separators, NaN/Infinity). Never raises.
CREATE FUNCTION tickets.to_num(p_text text) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT CASE
        WHEN length(btrim(p_text, E' \t\r\n')) BETWEEN 1 AND 100
         AND translate(ltrim(btrim(p_text, E' \t\r\n'), '+-'), '0123456789', '') IN ('', '.')
         AND length(btrim(p_text, E' \t\r\n')) - length(ltrim(btrim(p_text, E' \t\r\n'), '+-')) <= 1
         AND translate(btrim(p_text, E' \t\r\n'), '+-.', '') <> ''
        THEN btrim(p_text, E' \t\r\n')::numeric
    END;
END;
COMMENT ON FUNCTION tickets.to_num(text) IS 'lenient decimal parser; empty or unparseable -> NULL; never raises';

-- Empty and blank strings are NULL in typed columns.
CREATE FUNCTION tickets.nz(p_text text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT nullif(btrim(p_text), '');
END;

ALTER TABLE tickets.inc
    ADD COLUMN normalized_status  text GENERATED ALWAYS AS (tickets.nz(raw ->> 'normalized_status')) STORED,
    ADD COLUMN raw_status         text GENERATED ALWAYS AS (tickets.nz(raw ->> 'raw_status')) STORED,
    ADD COLUMN bucket             text GENERATED ALWAYS AS (tickets.nz(raw ->> 'bucket')) STORED,
    ADD COLUMN is_actionable      boolean GENERATED ALWAYS AS (tickets.to_bool(raw ->> 'is_actionable')) STORED,
    ADD COLUMN is_alarm           boolean GENERATED ALWAYS AS (tickets.to_bool(raw ->> 'is_alarm')) STORED,
    ADD COLUMN is_auto_created    boolean GENERATED ALWAYS AS (tickets.to_bool(raw ->> 'is_auto_created')) STORED,
    ADD COLUMN is_auto_closed     boolean GENERATED ALWAYS AS (tickets.to_bool(raw ->> 'is_auto_closed')) STORED,
    ADD COLUMN service_type       text GENERATED ALWAYS AS (tickets.nz(raw ->> 'service_type')) STORED,
    ADD COLUMN cluster            text GENERATED ALWAYS AS (tickets.nz(raw ->> 'cluster')) STORED,
    ADD COLUMN region             text GENERATED ALWAYS AS (tickets.nz(raw ->> 'region')) STORED,
    ADD COLUMN location_name      text GENERATED ALWAYS AS (tickets.nz(raw ->> 'location_name')) STORED,
    ADD COLUMN assigned_team      text GENERATED ALWAYS AS (tickets.nz(raw ->> 'assigned_team')) STORED,
    ADD COLUMN owner              text GENERATED ALWAYS AS (tickets.nz(raw ->> 'owner')) STORED,
    ADD COLUMN sla_status         text GENERATED ALWAYS AS (tickets.nz(raw ->> 'sla_status')) STORED,
    ADD COLUMN mttr               numeric GENERATED ALWAYS AS (tickets.to_num(raw ->> 'mttr')) STORED,
    ADD COLUMN latitude           double precision GENERATED ALWAYS AS (tickets.point_lat(tickets.feed_point(raw))) STORED,
    ADD COLUMN longitude          double precision GENERATED ALWAYS AS (tickets.point_lng(tickets.feed_point(raw))) STORED,
    ADD COLUMN created_at_service timestamptz GENERATED ALWAYS AS (tickets.eat_ts(raw ->> 'created_at_service')) STORED,
    ADD COLUMN scheduled_at       timestamptz GENERATED ALWAYS AS (tickets.eat_ts(raw ->> 'scheduled_at')) STORED,
    ADD COLUMN closed_at          timestamptz GENERATED ALWAYS AS (tickets.eat_ts(raw ->> 'closed_at')) STORED,
    ADD COLUMN first_seen_at      timestamptz GENERATED ALWAYS AS (tickets.eat_ts(raw ->> 'first_seen_at')) STORED,
    ADD COLUMN last_seen_at       timestamptz GENERATED ALWAYS AS (tickets.eat_ts(raw ->> 'last_seen_at')) STORED,
    ADD COLUMN source_created_at  timestamptz GENERATED ALWAYS AS (tickets.eat_ts(raw ->> 'source_created_at')) STORED,
    ADD COLUMN source_updated_at  timestamptz GENERATED ALWAYS AS (tickets.eat_ts(raw ->> 'source_updated_at')) STORED;

COMMENT ON COLUMN tickets.inc.mttr IS 'source mttr, decimal hours';
COMMENT ON COLUMN tickets.inc.latitude IS 'feed latitude (empty in practice)';
COMMENT ON COLUMN tickets.inc.longitude IS 'feed longitude (empty in practice)';

CREATE INDEX inc_normalized_status_idx  ON tickets.inc (normalized_status);
CREATE INDEX inc_cluster_idx            ON tickets.inc (cluster);
CREATE INDEX inc_is_actionable_idx      ON tickets.inc (is_actionable);
CREATE INDEX inc_closed_at_idx          ON tickets.inc (closed_at);
CREATE INDEX inc_created_at_service_idx ON tickets.inc (created_at_service);
CREATE INDEX inc_assigned_team_idx      ON tickets.inc (assigned_team);

-- 03_inc_columns.sql
-- Typed STORED generated columns on tickets.inc, unpacked from raw (raw stays the source
-- of truth), plus the value parsers they use. The parsers never raise: a bad value in the
-- feed becomes NULL in its typed column instead of failing the ingest.

-- EAT (Africa/Nairobi, UTC+03:00, no DST) text timestamp -> timestamptz.
--   'YYYY-MM-DD HH:MM:SS' (or 'T' separator), optional fractional seconds (kept to the
--   microsecond, truncated), optional seconds, optional explicit offset ('Z', '+03:00',
--   '+0300', '+03', '-05:00') which wins over EAT; a bare date is midnight EAT.
--   NULL, empty, blank or unparseable -> NULL. Independent of the session TimeZone.
CREATE FUNCTION tickets.eat_ts(p_text text) RETURNS timestamptz
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    m          text[];
    yr         integer;
    mon        integer;
    dy         integer;
    hr         integer := 0;
    mi         integer := 0;
    sec        numeric := 0;
    off_min    integer := 180;   -- EAT
    off        text;
BEGIN
    m := regexp_match(p_text,
        '^\s*([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})'
        || '(?:(?:[Tt]|\s+)([0-9]{1,2}):([0-9]{2})(?::([0-9]{2})(?:[.,]([0-9]+))?)?'
        || '\s*([Zz]|[+-][0-9]{2}(?::?[0-9]{2})?)?)?\s*$');
    IF m IS NULL THEN
        RETURN NULL;
    END IF;

    yr := m[1]::integer;
    mon := m[2]::integer;
    dy := m[3]::integer;
    IF yr < 1 OR mon NOT BETWEEN 1 AND 12 OR dy < 1
       OR dy > extract(day FROM make_date(yr, mon, 1) + interval '1 month - 1 day') THEN
        RETURN NULL;
    END IF;

    IF m[4] IS NOT NULL THEN
        hr := m[4]::integer;
        mi := m[5]::integer;
        IF m[6] IS NOT NULL THEN
            sec := m[6]::integer;
        END IF;
        IF m[7] IS NOT NULL THEN
            sec := sec + ('0.' || left(m[7], 6))::numeric;
        END IF;
        IF hr > 23 OR mi > 59 OR sec >= 60 THEN
            RETURN NULL;
        END IF;
        off := m[8];
        IF off IS NOT NULL THEN
            IF upper(off) = 'Z' THEN
                off_min := 0;
            ELSE
                off := replace(off, ':', '');
                off_min := substr(off, 2, 2)::integer * 60
                         + coalesce(nullif(substr(off, 4, 2), '')::integer, 0);
                IF substr(off, 4, 2) <> '' AND substr(off, 4, 2)::integer > 59 OR off_min > 15 * 60 + 59 THEN
                    RETURN NULL;
                END IF;
                IF left(off, 1) = '-' THEN
                    off_min := -off_min;
                END IF;
            END IF;
        END IF;
    END IF;

    RETURN (make_timestamp(yr, mon, dy, hr, mi, sec::double precision) AT TIME ZONE 'UTC')
           - make_interval(mins => off_min);
EXCEPTION WHEN OTHERS THEN
    -- Belt and braces: this runs inside generated columns, where an error would fail
    -- the whole ingest of a file. Anything not anticipated above is "unparseable".
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

-- A plain decimal number ('12', '-1.5', '.5', '2.5e3') -> numeric; else NULL.
CREATE FUNCTION tickets.to_num(p_text text) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT CASE
        WHEN p_text ~ '^\s*[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]{1,3})?\s*$'
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

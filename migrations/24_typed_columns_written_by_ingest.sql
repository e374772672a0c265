-- 24_typed_columns_written_by_ingest.sql
-- The eighteen typed columns that come from raw alone (statuses, dimensions, is_actionable,
-- the seven timestamps, mttr) stop being STORED generated columns and become plain columns
-- with the same names, types and values. Why: computing them was the largest cost of writing
-- a ticket row (seven tickets.eat_ts calls among them); the ingest now computes the feed's
-- common shapes once on its side and writes the values, and hands every other shape to the
-- database's own parsers (so tickets.eat_ts, to_bool, nz, hours_to_minutes stay the reference).
--
-- Any other writer of raw (ad-hoc SQL, the tool this replaces during a takeover) still gets
-- the values computed from raw: the row trigger below does it, exactly as the generation
-- expressions did. Only a writer that sets fleettickets.typed_columns = 'written' for its
-- transaction (the ingest, which writes every value itself) skips it.
--
-- ALTER COLUMN … DROP EXPRESSION only changes the catalog: the stored values stay, no table
-- rewrite, no scan, so a populated table taken over from the Python tool converts in
-- milliseconds (it takes a brief ACCESS EXCLUSIVE lock, like any ALTER TABLE). The columns
-- depending on geom (latitude, longitude, geog) stay generated.

CREATE FUNCTION tickets.set_typed_columns() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- The generation expressions of migrations 03, 06 and 13, column for column.
    NEW.normalized_status  := tickets.nz(NEW.raw ->> 'normalized_status');
    NEW.raw_status         := tickets.nz(NEW.raw ->> 'raw_status');
    NEW.bucket             := tickets.nz(NEW.raw ->> 'bucket');
    NEW.is_actionable      := tickets.to_bool(NEW.raw ->> 'is_actionable');
    NEW.cluster            := tickets.nz(NEW.raw ->> 'cluster');
    NEW.region             := tickets.nz(NEW.raw ->> 'region');
    NEW.location_name      := tickets.nz(NEW.raw ->> 'location_name');
    NEW.assigned_team      := tickets.nz(NEW.raw ->> 'assigned_team');
    NEW.owner              := tickets.nz(NEW.raw ->> 'owner');
    NEW.sla_status         := tickets.nz(NEW.raw ->> 'sla_status');
    NEW.created_at_service := tickets.eat_ts(NEW.raw ->> 'created_at_service');
    NEW.scheduled_at       := tickets.eat_ts(NEW.raw ->> 'scheduled_at');
    NEW.closed_at          := tickets.eat_ts(NEW.raw ->> 'closed_at');
    NEW.first_seen_at      := tickets.eat_ts(NEW.raw ->> 'first_seen_at');
    NEW.last_seen_at       := tickets.eat_ts(NEW.raw ->> 'last_seen_at');
    NEW.source_created_at  := tickets.eat_ts(NEW.raw ->> 'source_created_at');
    NEW.source_updated_at  := tickets.eat_ts(NEW.raw ->> 'source_updated_at');
    NEW.mttr               := tickets.hours_to_minutes(NEW.raw ->> 'mttr');
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION tickets.set_typed_columns() IS
    'row trigger: the typed columns of tickets.inc / tickets.crq from raw (what their generation expressions computed)';

-- WHEN is evaluated before the function is called: the ingest's rows cost no PL/pgSQL call.
CREATE TRIGGER inc_typed_columns
    BEFORE INSERT OR UPDATE OF raw ON tickets.inc
    FOR EACH ROW WHEN (current_setting('fleettickets.typed_columns', true) IS DISTINCT FROM 'written')
    EXECUTE FUNCTION tickets.set_typed_columns();
CREATE TRIGGER crq_typed_columns
    BEFORE INSERT OR UPDATE OF raw ON tickets.crq
    FOR EACH ROW WHEN (current_setting('fleettickets.typed_columns', true) IS DISTINCT FROM 'written')
    EXECUTE FUNCTION tickets.set_typed_columns();

ALTER TABLE tickets.inc
    ALTER COLUMN normalized_status DROP EXPRESSION IF EXISTS,
    ALTER COLUMN raw_status DROP EXPRESSION IF EXISTS,
    ALTER COLUMN bucket DROP EXPRESSION IF EXISTS,
    ALTER COLUMN is_actionable DROP EXPRESSION IF EXISTS,
    ALTER COLUMN cluster DROP EXPRESSION IF EXISTS,
    ALTER COLUMN region DROP EXPRESSION IF EXISTS,
    ALTER COLUMN location_name DROP EXPRESSION IF EXISTS,
    ALTER COLUMN assigned_team DROP EXPRESSION IF EXISTS,
    ALTER COLUMN owner DROP EXPRESSION IF EXISTS,
    ALTER COLUMN sla_status DROP EXPRESSION IF EXISTS,
    ALTER COLUMN created_at_service DROP EXPRESSION IF EXISTS,
    ALTER COLUMN scheduled_at DROP EXPRESSION IF EXISTS,
    ALTER COLUMN closed_at DROP EXPRESSION IF EXISTS,
    ALTER COLUMN first_seen_at DROP EXPRESSION IF EXISTS,
    ALTER COLUMN last_seen_at DROP EXPRESSION IF EXISTS,
    ALTER COLUMN source_created_at DROP EXPRESSION IF EXISTS,
    ALTER COLUMN source_updated_at DROP EXPRESSION IF EXISTS,
    ALTER COLUMN mttr DROP EXPRESSION IF EXISTS;

ALTER TABLE tickets.crq
    ALTER COLUMN normalized_status DROP EXPRESSION IF EXISTS,
    ALTER COLUMN raw_status DROP EXPRESSION IF EXISTS,
    ALTER COLUMN bucket DROP EXPRESSION IF EXISTS,
    ALTER COLUMN is_actionable DROP EXPRESSION IF EXISTS,
    ALTER COLUMN cluster DROP EXPRESSION IF EXISTS,
    ALTER COLUMN region DROP EXPRESSION IF EXISTS,
    ALTER COLUMN location_name DROP EXPRESSION IF EXISTS,
    ALTER COLUMN assigned_team DROP EXPRESSION IF EXISTS,
    ALTER COLUMN owner DROP EXPRESSION IF EXISTS,
    ALTER COLUMN sla_status DROP EXPRESSION IF EXISTS,
    ALTER COLUMN created_at_service DROP EXPRESSION IF EXISTS,
    ALTER COLUMN scheduled_at DROP EXPRESSION IF EXISTS,
    ALTER COLUMN closed_at DROP EXPRESSION IF EXISTS,
    ALTER COLUMN first_seen_at DROP EXPRESSION IF EXISTS,
    ALTER COLUMN last_seen_at DROP EXPRESSION IF EXISTS,
    ALTER COLUMN source_created_at DROP EXPRESSION IF EXISTS,
    ALTER COLUMN source_updated_at DROP EXPRESSION IF EXISTS,
    ALTER COLUMN mttr DROP EXPRESSION IF EXISTS;


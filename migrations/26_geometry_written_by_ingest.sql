-- 26_geometry_written_by_ingest.sql
-- Where a ticket is placed (geom, geo_source) and the three columns derived from it
-- (latitude, longitude, geog) are written by the ingest itself, as migration 24 did for the
-- typed columns. Why: after migration 24, the row trigger tickets.resolve_ticket_geom and
-- the generation expressions of latitude/longitude/geog were a quarter of the database's
-- CPU for every ticket row written (tickets.make_point is not inlinable, so each of its five
-- calls per row started an executor; the trigger ran two SPI lookups per row). The ingest
-- now resolves the position set-based in the statement that writes the row: the feed's
-- point, else the geocoded location ('hit'), else the cluster, else none, exactly the
-- order of tickets.resolve_ticket_geom.
--
-- Every other writer (ad-hoc SQL, the tool this replaces during a takeover, the geocoder's
-- tickets.resolve_ticket_geoms) still gets what it got: the resolve trigger is recreated
-- unchanged but for a WHEN clause, and a new row trigger sets latitude, longitude and geog
-- from raw and geom exactly as their generation expressions did. Only a transaction that
-- sets fleettickets.typed_columns = 'written' (the ingest's, which writes every one of these
-- values) skips both.
--
-- Trigger order (BEFORE triggers fire by name): *_resolve_geom, then *_set_point_columns
-- (which reads the geom the first one chose), then *_typed_columns.
--
-- DROP EXPRESSION only changes the catalog (no rewrite, no scan; a brief ACCESS EXCLUSIVE
-- lock), so a populated table taken over from the Python tool converts in milliseconds.

CREATE FUNCTION tickets.set_point_columns() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- The generation expressions of migrations 04, 05 and 13, column for column.
    NEW.latitude  := coalesce(tickets.point_lat(tickets.feed_point(NEW.raw)), tickets.point_lat(NEW.geom));
    NEW.longitude := coalesce(tickets.point_lng(tickets.feed_point(NEW.raw)), tickets.point_lng(NEW.geom));
    NEW.geog      := NEW.geom::geography;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION tickets.set_point_columns() IS
    'row trigger: latitude, longitude and geog of tickets.inc / tickets.crq from raw and geom (what their generation expressions computed)';

DROP TRIGGER IF EXISTS inc_resolve_geom ON tickets.inc;
CREATE TRIGGER inc_resolve_geom
    BEFORE INSERT OR UPDATE OF raw ON tickets.inc
    FOR EACH ROW WHEN (current_setting('fleettickets.typed_columns', true) IS DISTINCT FROM 'written')
    EXECUTE FUNCTION tickets.resolve_ticket_geom();
DROP TRIGGER IF EXISTS crq_resolve_geom ON tickets.crq;
CREATE TRIGGER crq_resolve_geom
    BEFORE INSERT OR UPDATE OF raw ON tickets.crq
    FOR EACH ROW WHEN (current_setting('fleettickets.typed_columns', true) IS DISTINCT FROM 'written')
    EXECUTE FUNCTION tickets.resolve_ticket_geom();

-- OF raw, geom: a generated column followed every change of either.
CREATE TRIGGER inc_set_point_columns
    BEFORE INSERT OR UPDATE OF raw, geom ON tickets.inc
    FOR EACH ROW WHEN (current_setting('fleettickets.typed_columns', true) IS DISTINCT FROM 'written')
    EXECUTE FUNCTION tickets.set_point_columns();
CREATE TRIGGER crq_set_point_columns
    BEFORE INSERT OR UPDATE OF raw, geom ON tickets.crq
    FOR EACH ROW WHEN (current_setting('fleettickets.typed_columns', true) IS DISTINCT FROM 'written')
    EXECUTE FUNCTION tickets.set_point_columns();

ALTER TABLE tickets.inc
    ALTER COLUMN latitude DROP EXPRESSION IF EXISTS,
    ALTER COLUMN longitude DROP EXPRESSION IF EXISTS,
    ALTER COLUMN geog DROP EXPRESSION IF EXISTS;
ALTER TABLE tickets.crq
    ALTER COLUMN latitude DROP EXPRESSION IF EXISTS,
    ALTER COLUMN longitude DROP EXPRESSION IF EXISTS,
    ALTER COLUMN geog DROP EXPRESSION IF EXISTS;

-- 05_inc_geography.sql
-- geog: the position as geography, for distances and radius / nearest-neighbour search in
-- metres (ST_Distance, ST_DWithin, ORDER BY geog <-> point), GiST-indexed.

ALTER TABLE tickets.inc
    ADD COLUMN geog geography(Point, 4326) GENERATED ALWAYS AS (geom::geography) STORED;

COMMENT ON COLUMN tickets.inc.geog IS 'geom as geography (metres); GiST-indexed for KNN / radius search';

CREATE INDEX inc_geog_gist ON tickets.inc USING gist (geog);

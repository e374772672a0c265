-- 04_inc_latlng.sql
-- latitude/longitude become the ticket's position, not just the feed's (always empty):
-- the feed's coordinates when it has valid ones, else the resolved geom (geocoded
-- location or cluster centroid; geo_source says which). PostgreSQL 15 cannot change a
-- generation expression in place, so the columns are dropped and added again.

ALTER TABLE tickets.inc
    DROP COLUMN latitude,
    DROP COLUMN longitude,
    ADD COLUMN latitude  double precision
        GENERATED ALWAYS AS (coalesce(tickets.point_lat(tickets.feed_point(raw)), tickets.point_lat(geom))) STORED,
    ADD COLUMN longitude double precision
        GENERATED ALWAYS AS (coalesce(tickets.point_lng(tickets.feed_point(raw)), tickets.point_lng(geom))) STORED;

COMMENT ON COLUMN tickets.inc.latitude IS 'coalesce(feed latitude, ST_Y(geom)); precision per geo_source';
COMMENT ON COLUMN tickets.inc.longitude IS 'coalesce(feed longitude, ST_X(geom)); precision per geo_source';

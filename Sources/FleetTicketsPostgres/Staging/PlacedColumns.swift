/// Where a ticket is placed — `geom`, `geo_source` and the columns derived from `geom`
/// (`latitude`, `longitude`, `geog`) — as the apply statements write them (migration 26 made
/// them plain columns the ingest writes, as migration 24 did for `TypedColumns`).
enum PlacedColumns {
    /// The staged rows `rows` (a query over `ft_stage` that also answers `j`, the row's raw as
    /// jsonb) with the position each is placed at, in the order of the row trigger
    /// `tickets.resolve_ticket_geom` that other writers still use: the feed's point (staged as
    /// `feed_lat`/`feed_lng`, see `FeedPoint`), else the geocoded location (a 'hit'), else the
    /// cluster, else none. The gazetteer is looked up by the raw `location_name` and `cluster`
    /// as staged (raw itself stays text until written). Both gazetteer keys are primary keys:
    /// a row joins at most one of each. Set-based: two hash joins per file instead of two
    /// lookups per row in PL/pgSQL.
    static func placed(_ rows: String) -> String {
        """
        SELECT s.*, g.geom,
               CASE WHEN s.feed_lat IS NOT NULL THEN 'feed' WHEN l.geom IS NOT NULL THEN 'location'
                    WHEN k.geom IS NOT NULL THEN 'cluster' ELSE 'none' END AS geo_source
        FROM (\(rows)) s
        LEFT JOIN tickets.geo_locations l
               ON s.feed_lat IS NULL AND l.location_name = s.raw_location_name AND l.status = 'hit'
        LEFT JOIN tickets.geo_clusters k ON s.feed_lat IS NULL AND k.cluster = s.raw_cluster
        CROSS JOIN LATERAL (SELECT CASE WHEN s.feed_lat IS NOT NULL
                                        THEN ST_SetSRID(ST_MakePoint(s.feed_lng, s.feed_lat), 4326)
                                        ELSE coalesce(l.geom, k.geom) END AS geom) g
        """
    }

    /// Each column and its value from a row `s` of `placed`, as the generation expressions of
    /// latitude, longitude and geog computed them: the feed's coordinate, else ST_Y / ST_X of
    /// geom; geom::geography.
    private static func all(_ s: String) -> [(name: String, value: String)] {
        [("geom", "\(s).geom"), ("geo_source", "\(s).geo_source"),
         ("latitude", "coalesce(\(s).feed_lat, ST_Y(\(s).geom))"), ("longitude", "coalesce(\(s).feed_lng, ST_X(\(s).geom))"),
         ("geog", "\(s).geom::geography")]
    }

    static let names = all("s").map(\.name).joined(separator: ", ")

    static func values(from s: String) -> String {
        all(s).map(\.value).joined(separator: ", ")
    }

    /// `col = value` for every column, from a row `s` of `placed`.
    static func assignments(from s: String) -> String {
        all(s).map { "\($0.name) = \($0.value)" }.joined(separator: ", ")
    }

    /// `col = excluded.col` for every column (an INSERT … ON CONFLICT wrote the values).
    static let fromExcluded = all("s").map { "\($0.name) = excluded.\($0.name)" }.joined(separator: ", ")
}

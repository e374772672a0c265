import FleetTicketsCore

/// Where a ticket is placed — the placement columns of the declaration
/// (`TicketColumns.placement`: `geom`, `geo_source` and the columns derived from `geom`) — as
/// the apply statements write them (migration 26 made them plain columns the ingest writes, as
/// migration 24 did for `TypedColumns`).
enum PlacedColumns {
    /// The staged columns the placement reads: the feed's point (`FeedPoint`) and the
    /// gazetteer's keys as they are in `raw`, with their types.
    static let staged: [(name: String, type: String)] = [
        (feedLatitude, "double precision"), (feedLongitude, "double precision"),
        (stagedLocationName, "text"), (stagedCluster, "text"),
    ]
    static let feedLatitude = "feed_lat", feedLongitude = "feed_lng"
    static let stagedLocationName = "raw_" + TicketColumns.PlacementFields.locationName
    static let stagedCluster = "raw_" + TicketColumns.PlacementFields.cluster

    /// The staged rows `rows` (a query over `ft_stage` that also answers `j`, the row's raw as
    /// jsonb) with the position each is placed at (`placed_point`, `placed_source`), in the order of the row trigger
    /// `tickets.resolve_ticket_geom` that other writers still use: the feed's point (staged as
    /// `feedLatitude`/`feedLongitude`, see `FeedPoint`), else the geocoded location (a 'hit'), else the
    /// cluster, else none. The gazetteer is looked up by the raw `location_name` and `cluster`
    /// as staged (raw itself stays text until written). Both gazetteer keys are primary keys:
    /// a row joins at most one of each. Set-based: two hash joins per file instead of two
    /// lookups per row in PL/pgSQL.
    static func placed(_ rows: String) -> String {
        let (lat, lng) = ("s.\(feedLatitude)", "s.\(feedLongitude)")
        return """
        SELECT s.*, g.placed_point,
               CASE WHEN \(lat) IS NOT NULL THEN 'feed' WHEN l.geom IS NOT NULL THEN 'location'
                    WHEN k.geom IS NOT NULL THEN 'cluster' ELSE 'none' END AS placed_source
        FROM (\(rows)) s
        LEFT JOIN tickets.geo_locations l
               ON \(lat) IS NULL AND l.location_name = s.\(stagedLocationName) AND l.status = 'hit'
        LEFT JOIN tickets.geo_clusters k ON \(lat) IS NULL AND k.cluster = s.\(stagedCluster)
        CROSS JOIN LATERAL (SELECT CASE WHEN \(lat) IS NOT NULL
                                        THEN ST_SetSRID(ST_MakePoint(\(lng), \(lat)), 4326)
                                        ELSE coalesce(l.geom, k.geom) END AS placed_point) g
        """
    }

    /// Each column and its value from a row `s` of `placed`, as the generation expressions of
    /// latitude, longitude and geog computed them: the feed's coordinate, else ST_Y / ST_X of
    /// geom; geom::geography.
    private static func all(_ s: String) -> [(name: String, value: String)] {
        TicketColumns.placement.map { column in
            let value = switch column.kind {
            case .point: "\(s).placed_point"
            case .pointSource: "\(s).placed_source"
            case .latitude: "coalesce(\(s).\(feedLatitude), ST_Y(\(s).placed_point))"
            case .longitude: "coalesce(\(s).\(feedLongitude), ST_X(\(s).placed_point))"
            case .geography: "\(s).placed_point::geography"
            case .text, .boolean, .minutes, .timestamp: preconditionFailure("\(column.name) is not a placement column")
            }
            return (column.name, value)
        }
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

import FleetTicketsCore
import Foundation

extension PostgresTicketStore: GazetteerStore {
    /// Tickets of both datasets, for the gazetteer queries (one place and one budget for both).
    private static let bothDatasets = """
        (SELECT raw, is_actionable, geo_source FROM tickets.inc UNION ALL SELECT raw, is_actionable, geo_source FROM tickets.crq)
        """

    public func clustersNeedingCoordinates(retryBefore: Date) async throws -> [ClusterNeed] {
        // A miss is a row without a point, asked again once its last attempt is old enough.
        let r = try await onConnection { db in try db.execute("""
            SELECT t.raw->>'cluster', count(*) FROM \(Self.bothDatasets) t
            LEFT JOIN tickets.geo_clusters c ON c.cluster = t.raw->>'cluster'
            WHERE coalesce(t.raw->>'cluster', '') <> '' AND c.geom IS NULL
              AND (c.last_attempt_at IS NULL OR c.last_attempt_at < $1::timestamptz)
            GROUP BY 1 ORDER BY 2 DESC, 1
            """, [retryBefore.formatted(.iso8601)], purpose: "list clusters without a coordinate") }
        return (0..<r.rowCount).map { ClusterNeed(cluster: r[$0, 0] ?? "", tickets: Int(r[$0, 1] ?? "0") ?? 0) }
    }

    public func placesNeedingGeocode(retryBefore: Date) async throws -> [PlaceNeed] {
        let retry = retryBefore.formatted(.iso8601)
        let r = try await onConnection { db in try db.execute("""
            SELECT t.raw->>'location_name', min(nullif(t.raw->>'cluster', '')), count(*),
                   min(c.latitude), min(c.longitude)
            FROM \(Self.bothDatasets) t
            LEFT JOIN tickets.geo_locations l ON l.location_name = t.raw->>'location_name'
            LEFT JOIN tickets.geo_clusters c ON c.cluster = t.raw->>'cluster'
            WHERE t.is_actionable AND coalesce(t.raw->>'location_name', '') <> ''
              AND (l.location_name IS NULL OR (l.status <> 'hit' AND l.last_attempt_at < $1::timestamptz))
            GROUP BY 1 ORDER BY 1
            """, [retry], purpose: "list places needing a geocode") }
        return (0..<r.rowCount).map { i in
            let centroid = Double(r[i, 3] ?? "").flatMap { lat in Double(r[i, 4] ?? "").map { Coordinate(latitude: lat, longitude: $0) } }
            return PlaceNeed(locationName: r[i, 0] ?? "", cluster: r[i, 1], tickets: Int(r[i, 2] ?? "0") ?? 0, centroid: centroid)
        }
    }

    public func save(clusters: [ClusterAnswer]) async throws {
        guard !clusters.isEmpty else { return }
        try await onConnection { db in try db.transaction(purpose: "save cluster coordinates") {
            for a in clusters {
                try db.execute("""
                    INSERT INTO tickets.geo_clusters AS g (cluster, geom, latitude, longitude, provider, query, verified, attempts, last_attempt_at, updated_at)
                    VALUES ($1, ST_SetSRID(ST_MakePoint($3::float8, $2::float8), 4326), $2::float8, $3::float8, $4, $5, false, 1, now(), now())
                    ON CONFLICT (cluster) DO UPDATE SET geom = excluded.geom, latitude = excluded.latitude, longitude = excluded.longitude,
                        provider = excluded.provider, query = excluded.query, verified = false,
                        attempts = g.attempts + 1, last_attempt_at = now(), updated_at = now()
                    """, [a.cluster, String(a.coordinate.latitude), String(a.coordinate.longitude), a.provider, a.query],
                    purpose: "save the coordinate of cluster \(a.cluster)")
            }
        } }
    }

    public func save(clusterMisses: [ClusterMiss]) async throws {
        guard !clusterMisses.isEmpty else { return }
        try await onConnection { db in
            for m in clusterMisses {
                // Never over a coordinate: a miss only records the attempt of a cluster without one.
                try db.execute("""
                    INSERT INTO tickets.geo_clusters AS g (cluster, provider, query, verified, attempts, last_attempt_at, updated_at)
                    VALUES ($1, $2, $3, false, 1, now(), now())
                    ON CONFLICT (cluster) DO UPDATE SET provider = excluded.provider, query = excluded.query,
                        attempts = g.attempts + 1, last_attempt_at = now(), updated_at = now()
                    WHERE g.geom IS NULL
                    """, [m.cluster, m.provider, m.query], purpose: "cache the miss for cluster \(m.cluster)")
            }
        }
    }

    public func lastGeocoderRequest(provider: String) async throws -> Date? {
        let text = try await onConnection { db in
            try db.scalar("SELECT extract(epoch FROM last_request_at)::float8 FROM tickets.geocoder_requests WHERE provider = $1",
                          [provider], purpose: "read when \(provider) was last asked")
        }
        return text.flatMap(Double.init).map { Date(timeIntervalSince1970: $0) }
    }

    public func recordGeocoderRequest(provider: String, at: Date) async throws {
        let seconds = String(at.timeIntervalSince1970)
        try await onConnection { db in
            try db.execute("""
                INSERT INTO tickets.geocoder_requests AS r (provider, last_request_at, requests) VALUES ($1, to_timestamp($2::float8), 1)
                ON CONFLICT (provider) DO UPDATE SET last_request_at = greatest(r.last_request_at, excluded.last_request_at),
                    requests = r.requests + 1
                """, [provider, seconds], purpose: "record a request to \(provider)")
        }
    }

    public func save(locations: [LocationAnswer]) async throws {
        guard !locations.isEmpty else { return }
        try await onConnection { db in try db.transaction(purpose: "save place answers") {
            for a in locations {
                try db.execute("""
                    INSERT INTO tickets.geo_locations AS g
                        (location_name, cluster, query, status, geom, latitude, longitude, distance_km, provider, verified, attempts, last_attempt_at)
                    VALUES ($1, $2, $3, $4, CASE WHEN $5::float8 IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint($6::float8, $5::float8), 4326) END,
                            $5::float8, $6::float8, $7::float8, $8, false, 1, now())
                    ON CONFLICT (location_name) DO UPDATE SET cluster = excluded.cluster, query = excluded.query, status = excluded.status,
                        geom = excluded.geom, latitude = excluded.latitude, longitude = excluded.longitude,
                        distance_km = excluded.distance_km, provider = excluded.provider, verified = false,
                        attempts = g.attempts + 1, last_attempt_at = now()
                    """, [a.locationName, a.cluster, a.query, a.status.rawValue,
                          a.coordinate.map { String($0.latitude) }, a.coordinate.map { String($0.longitude) },
                          a.distanceKilometres.map { String($0) }, a.provider],
                    purpose: "save the answer for \(a.locationName)")
            }
        } }
    }

    public func resolveGeometries() async throws -> Int {
        let n = try await onConnection { db in try db.scalar("SELECT tickets.resolve_ticket_geoms()", purpose: "re-resolve ticket positions") }
        return Int(n ?? "0") ?? 0
    }

    public func placement() async throws -> [String: Int] {
        let r = try await onConnection { db in
            try db.execute("SELECT geo_source, count(*) FROM \(Self.bothDatasets) t GROUP BY 1", purpose: "count tickets by geo_source")
        }
        return Dictionary(uniqueKeysWithValues: (0..<r.rowCount).map { (r[$0, 0] ?? "none", Int(r[$0, 1] ?? "0") ?? 0) })
    }
}

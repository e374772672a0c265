import FleetTicketsCore
@testable import FleetTicketsPostgres
import FleetTicketsTesting
import Foundation
import Testing

// MARK: - History

@Suite(.enabled(if: Integration.hasDatabase, "FLEETTICKETS_TEST_DATABASE_URL is not set"))
struct HistoryCaptureTests {
    private let snapshotQuery = """
        SELECT snapshot_date::text, open_total, open_breached, open_at_risk, opened_today, closed_today, captures
          FROM tickets.inc_daily_snapshot
        """

    /// The INC post-apply hook captures after every applying run: one snapshot row per EAT day
    /// (values refreshed, captures counted) and each closure recorded once.
    @Test func capturesTwiceADayKeepOneSnapshotAndEachClosureOnce() async throws {
        try await EATText.awayFromMidnight()
        let world = try ReadSchemaWorld()
        let today = EATText.day(0)
        let c1 = closedTicket("C1", closedAt: today + " 00:00:01")
        let first = await world.ingest(.inc, [
            openTicket("O1", created: EATText.hoursAgo(50)),                 // breached
            openTicket("O2", firstSeen: EATText.hoursAgo(40)),                // at risk
            openTicket("O3", created: today + " 00:00:05"),                   // opened today
            c1,                                                               // closed today
            closedTicket("C2", closedAt: EATText.day(1) + " 12:00:00", mttr: "50", sla: "Breached"),
        ])
        #expect(first.hooks == ["capture_history"])
        #expect(try world.sql.rows(snapshotQuery) == [[today, "3", "1", "1", "1", "1", "1"]])
        #expect(try world.sql.rows("SELECT ticket_id FROM tickets.closure_events ORDER BY ticket_id") == [["C1"], ["C2"]])

        // O3 closes and O4 opens; C1 comes again unchanged.
        var o3 = openTicket("O3", created: today + " 00:00:05")
        o3.merge(["is_actionable": "false", "normalized_status": "closed", "closed_at": EATText.text(Date()), "mttr": "2"]) { $1 }
        let second = await world.ingest(.inc, [o3, c1, openTicket("O4", created: today + " 00:00:06")])
        #expect(second.hooks == ["capture_history"])
        #expect(try world.sql.rows(snapshotQuery) == [[today, "3", "1", "1", "2", "2", "2"]],
                "still one row for the day, values refreshed, captures = 2")
        #expect(try world.sql.rows("SELECT ticket_id, count(*) FROM tickets.closure_events GROUP BY 1 ORDER BY 1")
            == [["C1", "1"], ["C2", "1"], ["O3", "1"]], "a closure seen by two captures is recorded once")
        #expect(try world.sql.rows("""
            SELECT mttr_minutes, sla_status, cluster, assigned_team, closed_at = tickets.eat_ts($1)
              FROM tickets.closure_events WHERE ticket_id = 'C2'
            """, [EATText.day(1) + " 12:00:00"]) == [["3000", "Breached", "Kasarani", "FieldOps North", "t"]])

        // Called again directly: nothing new, the same day's row.
        let summary = try world.sql.json("SELECT tickets.capture_history()")
        #expect(summary == .object([
            "snapshot_date": .string(today), "new_closures": .number(0), "open_total": .number(3),
            "open_breached": .number(1), "open_at_risk": .number(1), "opened_today": .number(2),
            "closed_today": .number(2), "captures": .number(3),
        ]))

        // A ticket re-closed with another closed_at is a second closure.
        await world.ingest(.inc, [closedTicket("C2", closedAt: today + " 00:00:09", mttr: "50", sla: "Breached")])
        #expect(try world.sql.scalar("SELECT count(*) FROM tickets.closure_events WHERE ticket_id = 'C2'", purpose: "count C2") == "2")
        #expect(try world.sql.rows("SELECT count(*), max(captures) FROM tickets.inc_daily_snapshot") == [["1", "4"]])
    }

    @Test func aDryRunCapturesNothing() async throws {
        let world = try ReadSchemaWorld()
        world.bucket.put(Fixtures.key(.inc, hour: 9), text: Fixtures.csv([closedTicket("C1", closedAt: EATText.day(0) + " 00:00:01")]))
        let dry = await IngestEngine(source: world.bucket, store: world.store, logger: Integration.logger).run(.inc, options: .init(apply: false))
        #expect(dry.failure == nil && dry.files.count == 1)
        #expect(try world.sql.rows("SELECT (SELECT count(*) FROM tickets.inc_daily_snapshot), (SELECT count(*) FROM tickets.closure_events)")
            == [["0", "0"]])
    }
}

// MARK: - Map

@Suite(.enabled(if: Integration.hasDatabase, "FLEETTICKETS_TEST_DATABASE_URL is not set"))
struct TicketsMapTests {
    /// Cluster centroids (lat, lng), written with geom and latitude/longitude as the doc asks.
    static let centroids: [String: (Double, Double)] = ["Kasarani": (-1.2219, 36.8986), "Roysambu": (-1.2176, 36.8844)]

    func addCentroids(_ world: ReadSchemaWorld) throws {
        for (cluster, (lat, lng)) in Self.centroids {
            try world.sql.execute("""
                INSERT INTO tickets.geo_clusters (cluster, geom, latitude, longitude, provider, query)
                VALUES ($1, ST_SetSRID(ST_MakePoint($3::float8, $2::float8), 4326), $2::float8, $3::float8, 'test', $1 || ', Nairobi')
                """, [cluster, String(lat), String(lng)], purpose: "add a cluster centroid")
        }
    }

    /// Rows with no feed coordinates and location names no gazetteer knows: only clusters can place them.
    func unplacedRow(_ id: String, cluster: String, open: Bool) -> [String: String] {
        open ? openTicket(id, cluster: cluster, created: EATText.hoursAgo(5), extra: ["location_name": "LOC_" + id])
             : closedTicket(id, closedAt: EATText.day(2) + " 10:00:00", cluster: cluster, extra: ["location_name": "LOC_" + id])
    }

    @Test func clusterCentroidsPlaceTicketsOnTheMapOfBothDatasets() async throws {
        try await EATText.awayFromMidnight()
        let world = try ReadSchemaWorld()
        let incReport = await world.ingest(.inc, [
            unplacedRow("I1", cluster: "Kasarani", open: true), unplacedRow("I2", cluster: "Roysambu", open: true),
            unplacedRow("I3", cluster: "Kasarani", open: false), unplacedRow("I4", cluster: "Atlantis", open: true),
        ])
        let crqReport = await world.ingest(.crq, [
            unplacedRow("Q1", cluster: "Kasarani", open: true), unplacedRow("Q2", cluster: "Roysambu", open: false),
        ])

        let before = try world.sql.json("SELECT reporting.fn_tickets_for_map()")
        #expect(before["features"] == .array([]))
        #expect(before["summary"]?["unplaced"] == .number(4))

        try addCentroids(world)
        #expect(try world.sql.scalar("SELECT tickets.resolve_ticket_geoms()", purpose: "resolve") == "5")
        #expect(try world.sql.scalar("SELECT tickets.resolve_ticket_geoms()", purpose: "resolve again") == "0", "a rerun writes nothing")
        #expect(try world.sql.keyed("SELECT ticket_id, geo_source FROM tickets.inc UNION ALL SELECT ticket_id, geo_source FROM tickets.crq")
            == ["I1": ["cluster"], "I2": ["cluster"], "I3": ["cluster"], "I4": ["none"], "Q1": ["cluster"], "Q2": ["cluster"]])
        #expect(try world.sql.rows("SELECT latitude::text, longitude::text FROM tickets.crq WHERE ticket_id = 'Q2'") == [["-1.2176", "36.8844"]])

        let map = try world.sql.json("SELECT reporting.fn_tickets_for_map()")
        #expect(map["type"] == .string("FeatureCollection"))
        #expect(map.featureProperty("ticket_id") == ["Q1", "I1", "I2"], "open only, by dataset then ticket_id")
        #expect(Set(map.featureProperty("dataset")) == ["inc", "crq"])
        expectValidPoints(map)
        #expect(map["summary"]?.object.filter { $0.key != "freshness" } == [
            "open_only": .bool(true), "total": .number(3), "unplaced": .number(1),
            "by_dataset": .object(["inc": .number(2), "crq": .number(1)]),
            "by_geo_source": .object(["feed": .number(0), "location": .number(0), "cluster": .number(3)]),
        ])
        #expect(try world.sql.json("SELECT reporting.fn_tickets_for_map(NULL)") == map, "NULL counts as open only")

        let all = try world.sql.json("SELECT reporting.fn_tickets_for_map(p_open_only := false)")
        #expect(all.featureProperty("ticket_id") == ["Q1", "Q2", "I1", "I2", "I3"])
        #expect(all["summary"]?["open_only"] == .bool(false))
        #expect(all["summary"]?["total"] == .number(5))
        #expect(all["summary"]?["unplaced"] == .number(1))
        #expect(all["summary"]?["by_dataset"] == .object(["inc": .number(3), "crq": .number(2)]))
        expectValidPoints(all)
        let i3 = try #require(all["features"]?.array.first { $0["properties"]?["ticket_id"] == .string("I3") })
        #expect(i3["properties"]?["is_actionable"] == .bool(false))
        #expect(i3["properties"]?["mttr_minutes"] == .number(315))
        #expect(i3["properties"]?["closed_at"] == .string(EATText.day(2) + "T07:00:00+00:00"))

        // Freshness: one entry per dataset ingested, with the watermark.
        let freshness = try #require(map["summary"]?["freshness"])
        #expect(freshness.object.keys.sorted() == ["crq", "inc"])
        #expect(freshness["inc"]?["source_max_key"] == .string(try #require(incReport.files.first?.key)))
        #expect(freshness["crq"]?["source_max_key"] == .string(try #require(crqReport.files.first?.key)))
        #expect(freshness["inc"]?["rows_read"] == .number(4))
        #expect(freshness["crq"]?["updated_at"]?.string?.hasSuffix("+00:00") == true)
    }

    /// Every feature is a GeoJSON Point with two finite coordinates in range, at its cluster's centroid.
    private func expectValidPoints(_ map: JSONValue, sourceLocation: SourceLocation = #_sourceLocation) {
        for feature in map["features"]?.array ?? [] {
            let id = feature["properties"]?["ticket_id"]?.string ?? "?"
            #expect(feature["type"] == .string("Feature"), sourceLocation: sourceLocation)
            #expect(feature["geometry"]?["type"] == .string("Point"), "\(id)", sourceLocation: sourceLocation)
            let xy = (feature["geometry"]?["coordinates"]?.array ?? []).compactMap(\.number)
            #expect(xy.count == 2 && xy.allSatisfy(\.isFinite), "\(id): \(xy)", sourceLocation: sourceLocation)
            guard xy.count == 2 else { continue }
            #expect((-180...180).contains(xy[0]) && (-90...90).contains(xy[1]), "\(id): [lng, lat] = \(xy)", sourceLocation: sourceLocation)
            let centroid = Self.centroids[feature["properties"]?["cluster"]?.string ?? ""]
            #expect(centroid.map { [$0.1, $0.0] } == xy, "\(id) sits on its cluster's centroid", sourceLocation: sourceLocation)
        }
    }

    @Test func geogIsSetAndAnswersRadiusSearches() async throws {
        let world = try ReadSchemaWorld()
        try addCentroids(world)   // before the ingest: the row trigger places the tickets
        await world.ingest(.inc, [
            unplacedRow("I1", cluster: "Kasarani", open: true), unplacedRow("I2", cluster: "Roysambu", open: true),
            unplacedRow("I3", cluster: "Kasarani", open: false), unplacedRow("I4", cluster: "Atlantis", open: true),
        ])
        await world.ingest(.crq, [unplacedRow("Q1", cluster: "Kasarani", open: true)])
        #expect(try world.sql.scalar("SELECT tickets.resolve_ticket_geoms()", purpose: "resolve") == "0", "the trigger already placed them")
        #expect(try world.sql.keyed("SELECT ticket_id, geo_source, (geog IS NOT NULL)::text FROM tickets.inc")
            == ["I1": ["cluster", "true"], "I2": ["cluster", "true"], "I3": ["cluster", "true"], "I4": ["none", "false"]])
        let within = { (table: String, metres: Int) in
            try world.sql.rows("""
                SELECT ticket_id FROM \(table)
                 WHERE ST_DWithin(geog, ST_SetSRID(ST_MakePoint(36.8986, -1.2219), 4326)::geography, $1::float8)
                 ORDER BY ticket_id
                """, [String(metres)]).map { $0[0] ?? "" }
        }
        #expect(try within("tickets.inc", 100) == ["I1", "I3"])
        #expect(try within("tickets.inc", 5000) == ["I1", "I2", "I3"])
        #expect(try within("tickets.crq", 100) == ["Q1"])
        let distance = try world.sql.scalar(
            "SELECT ST_Distance(a.geog, b.geog) FROM tickets.inc a, tickets.inc b WHERE a.ticket_id = 'I1' AND b.ticket_id = 'I2'",
            purpose: "measure")
        let metres = try #require(distance.flatMap(Double.init))
        #expect((1500...1800).contains(metres), "Kasarani–Roysambu centroids are about 1.65 km apart: \(metres)")
    }

    /// First match wins: feed coordinates, then a geocoded location hit, then the cluster.
    @Test func placementPrefersFeedThenLocationThenCluster() async throws {
        let world = try ReadSchemaWorld()
        try addCentroids(world)
        try world.sql.execute("""
            INSERT INTO tickets.geo_locations (location_name, cluster, query, status, geom, latitude, longitude, provider)
            VALUES ('HIT_LOC', 'Kasarani', 'Mwiki', 'hit', ST_SetSRID(ST_MakePoint(36.9367, -1.215), 4326), -1.215, 36.9367, 'test'),
                   ('MISS_LOC', 'Kasarani', 'Nowhere', 'miss', NULL, NULL, NULL, 'test')
            """, purpose: "add geocoded locations")
        await world.ingest(.inc, [
            openTicket("F", extra: ["latitude": "-1.2", "longitude": "36.9", "location_name": "HIT_LOC"]),
            openTicket("L", extra: ["location_name": "HIT_LOC"]),
            openTicket("M", extra: ["location_name": "MISS_LOC"]),
            openTicket("Z", extra: ["latitude": "0", "longitude": "0", "location_name": "MISS_LOC"]),
            openTicket("N", cluster: "Atlantis", extra: ["latitude": "95", "longitude": "36.9", "location_name": "MISS_LOC"]),
        ])
        #expect(try world.sql.keyed("SELECT ticket_id, geo_source, latitude::text, longitude::text FROM tickets.inc") == [
            "F": ["feed", "-1.2", "36.9"], "L": ["location", "-1.215", "36.9367"], "M": ["cluster", "-1.2219", "36.8986"],
            "Z": ["cluster", "-1.2219", "36.8986"], "N": ["none", nil, nil],
        ])
        let map = try world.sql.json("SELECT reporting.fn_tickets_for_map()")
        #expect(map["summary"]?["by_geo_source"] == .object(["feed": .number(1), "location": .number(1), "cluster": .number(2)]))
        #expect(map["summary"]?["unplaced"] == .number(1))
    }

    @Test func anEmptyMapBeforeTheFirstIngest() throws {
        let world = try ReadSchemaWorld()
        let map = try world.sql.json("SELECT reporting.fn_tickets_for_map()")
        #expect(map == .object([
            "type": .string("FeatureCollection"), "features": .array([]),
            "summary": .object([
                "open_only": .bool(true), "total": .number(0), "unplaced": .number(0),
                "by_dataset": .object(["inc": .number(0), "crq": .number(0)]),
                "by_geo_source": .object(["feed": .number(0), "location": .number(0), "cluster": .number(0)]),
                "freshness": .object([:]),
            ]),
        ]))
    }
}

import FleetTicketsCore
@testable import FleetTicketsPostgres
import FleetTicketsTesting
import Foundation
import InMemoryLogging
import Logging
import Testing

/// A migrated database holding one random dispatch fixture (clusters, then tickets of both datasets).
struct DispatchWorld {
    let url: String
    let db: PostgresConnection
    let fixture: DispatchFixture

    init(seed: UInt64, count: Int) throws {
        url = try Integration.freshDatabase()
        db = try PostgresConnection(url: url, logger: Integration.logger)
        fixture = DispatchFixtures.random(seed: seed, count: count, now: Date())
        for (name, c) in fixture.clusters {
            try db.execute("INSERT INTO tickets.geo_clusters (cluster, latitude, longitude) VALUES ($1, $2::float8, $3::float8)",
                           [name, String(c.latitude), String(c.longitude)], purpose: "add a cluster centroid")
        }
        for dataset in ["inc", "crq"] {
            let json = String(decoding: try JSONSerialization.data(withJSONObject: fixture.rawRecords(of: dataset)), as: UTF8.self)
            try db.execute("INSERT INTO tickets.\(dataset) (ticket_id, raw) SELECT x ->> 'ticket_id', x FROM jsonb_array_elements($1::jsonb) x",
                           [json], purpose: "insert the fixture's \(dataset) tickets")
        }
    }

    /// The ticket answer as comparable text: dataset/ticket_id in order.
    static func ids(_ tickets: [DispatchCandidate]) -> [String] { tickets.map { "\($0.dataset)/\($0.ticketID)" } }
}

@Suite(.enabled(if: Integration.hasDatabase, "FLEETTICKETS_TEST_DATABASE_URL is not set"))
struct DispatchIntegrationTests {
    static let shapes: [(Int, Double?, DispatchRank)] = [
        (1, nil, .distance), (10, nil, .distance), (10, nil, .urgency), (40, 5, .distance), (40, 5, .urgency),
        (5, 3, .urgency), (200, nil, .distance), (15, 0.5, .distance),
    ]

    /// The function, brute force over every row, and the in-memory reader agree, ticket by ticket.
    @Test(arguments: [UInt64(11), 12, 13])
    func agreesWithBruteForceAndTheInMemoryReader(_ seed: UInt64) async throws {
        let world = try DispatchWorld(seed: seed, count: 700)
        let reader = PostgresDispatchReader(url: world.url, maxConnections: 2)
        defer { reader.close() }
        var rng = SplitMix64(seed: seed)
        for _ in 0..<6 {
            let fix = Coordinate(latitude: DispatchFixtures.nairobi.latitude + (rng.unit() - 0.5) * 0.3,
                                 longitude: DispatchFixtures.nairobi.longitude + (rng.unit() - 0.5) * 0.3)
            // Brute force in SQL: every open placed row's spheroid distance (a full scan), which
            // must match the Swift geodesic to the centimetre.
            let all = try world.db.rows("""
                SELECT t.ds, t.ticket_id, ST_Distance(t.geog, tickets.dispatch_point($1::float8, $2::float8))
                  FROM (SELECT 'inc' AS ds, ticket_id, geog, is_actionable FROM tickets.inc
                        UNION ALL SELECT 'crq', ticket_id, geog, is_actionable FROM tickets.crq) t
                 WHERE t.is_actionable AND t.geog IS NOT NULL
                """, [String(fix.latitude), String(fix.longitude)])
            let placedOpen = world.fixture.tickets.filter { $0.isActionable && $0.position != nil }
            #expect(all.count == placedOpen.count)
            let swiftMetres = Dictionary(uniqueKeysWithValues: placedOpen.map {
                ("\($0.dataset)/\($0.ticketID)", Geodesic.distanceMetres(from: fix, to: $0.position!))
            })
            for row in all {
                let metres = try #require(swiftMetres["\(row[0]!)/\(row[1]!)"])
                #expect(abs(metres - Double(row[2]!)!) < 0.01, "\(row[0]!)/\(row[1]!)")
            }

            for (limit, km, rank) in Self.shapes {
                let query = try NearbyQuery(near: fix, limit: limit, withinKilometres: km, rank: rank)
                let got = try await reader.nearestOpenTickets(query)
                let expected = DispatchBruteForce.answer(query, tickets: world.fixture.tickets, asOf: got.asOf)
                #expect(DispatchWorld.ids(got.tickets) == expected.map { "\($0.dataset)/\($0.ticketID)" }, "\(query)")
                for (g, e) in zip(got.tickets, expected) {
                    #expect(abs(g.distanceMetres - e.metres) < 0.5)
                    #expect(g.slaState == e.state)
                }
                let memory = try await InMemoryDispatchReader(tickets: world.fixture.tickets, clock: WallClock { got.asOf })
                    .nearestOpenTickets(query)
                #expect(memory.tickets.count == got.tickets.count)
                for (m, g) in zip(memory.tickets, got.tickets) {
                    var m2 = m, g2 = g
                    #expect(abs(m.distanceMetres - g.distanceMetres) <= 0.011)
                    #expect(abs((m.hoursOpen ?? -1) - (g.hoursOpen ?? -1)) <= 0.1001)
                    #expect(abs((m.slaHoursLeft ?? -1) - (g.slaHoursLeft ?? -1)) <= 0.1001)
                    (m2.distanceMetres, m2.hoursOpen, m2.slaHoursLeft) = (0, 0, 0)
                    (g2.distanceMetres, g2.hoursOpen, g2.slaHoursLeft) = (0, 0, 0)
                    #expect(m2 == g2)
                }
            }
        }
    }

    /// The same vans and the same tickets give the same plan from either store.
    @Test func assignmentAgreesAcrossStores() async throws {
        let world = try DispatchWorld(seed: 21, count: 500)
        let postgres = PostgresDispatchReader(url: world.url)
        defer { postgres.close() }
        var vans: [DispatchVehicle] = []
        for i in 0..<4 {
            let lat: Double = -1.2864 + Double(i - 2) * 0.03
            let lng: Double = 36.8172 + Double(i % 2) * 0.04
            vans.append(DispatchVehicle(id: "VAN\(i)", position: Coordinate(latitude: lat, longitude: lng), capacity: i == 3 ? nil : 3))
        }
        let fromPostgres = try await postgres.openTickets(near: vans, limitPerVehicle: 8, withinKilometres: 12)
        let asOf = Date()
        let memory = InMemoryDispatchReader(tickets: world.fixture.tickets, clock: WallClock { asOf })
        let fromMemory = try await memory.openTickets(near: vans, limitPerVehicle: 8, withinKilometres: 12)
        #expect(Set(DispatchWorld.ids(fromPostgres)) == Set(DispatchWorld.ids(fromMemory)))
        #expect(fromPostgres.count > 8)
        let planner = DispatchPlanner(maxDistanceKilometres: 8)
        let a = try planner.assign(fromPostgres, to: vans), b = try planner.assign(fromMemory, to: vans)
        #expect(a.assignments.map { "\($0.vehicleID):\($0.ticket.ticketID)" } == b.assignments.map { "\($0.vehicleID):\($0.ticket.ticketID)" })
        #expect(!a.assignments.isEmpty)
        for (x, y) in zip(a.assignments, b.assignments) { #expect(abs(x.distanceMetres - y.distanceMetres) < 1e-6) }
    }

    /// The real function's plan, as auto_explain logs it, walks the partial geog GiST indexes in
    /// KNN order — on tables large enough and analyzed, with every scan type allowed.
    @Test func knnUsesTheGeogGiSTIndexOnBothTables() async throws {
        let url = try Integration.freshDatabase()
        let handler = InMemoryLogHandler()
        let db = try PostgresConnection(url: url, logger: Logger(label: "explain", factory: { _ in handler }))
        try db.execute("""
            INSERT INTO tickets.inc (ticket_id, raw)
            SELECT 'I' || g, jsonb_build_object('ticket_id', 'I' || g, 'is_actionable', CASE WHEN g % 4 = 0 THEN 'false' ELSE 'true' END,
                   'latitude', (-1.6 + (g * 7919 % 10007) / 10007.0)::text, 'longitude', (36.3 + (g * 104729 % 10009) / 10009.0)::text,
                   'created_at_service', '2026-06-14 08:15:00')
              FROM generate_series(1, 12000) g
            """, purpose: "load 12k INC tickets")
        try db.execute("""
            INSERT INTO tickets.crq (ticket_id, raw)
            SELECT 'Q' || g, jsonb_build_object('ticket_id', 'Q' || g, 'is_actionable', 'true',
                   'latitude', (-1.6 + (g * 6007 % 10007) / 10007.0)::text, 'longitude', (36.3 + (g * 7001 % 10009) / 10009.0)::text)
              FROM generate_series(1, 6000) g
            """, purpose: "load 6k CRQ tickets")
        try db.simpleQuery("ANALYZE tickets.inc; ANALYZE tickets.crq", purpose: "analyze")
        #expect(try db.rows("SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid IN ('tickets.inc'::regclass, 'tickets.crq'::regclass) AND pg_get_indexdef(indexrelid) LIKE '%gist (geog)%' ORDER BY 1")
            .map { $0[0]! } == ["tickets.crq_geog_gist", "tickets.crq_geog_open_gist", "tickets.inc_geog_gist", "tickets.inc_geog_open_gist"])
        try db.simpleQuery("""
            LOAD 'auto_explain';
            SET auto_explain.log_min_duration = 0; SET auto_explain.log_nested_statements = on;
            SET auto_explain.log_level = notice; SET client_min_messages = notice;
            """, purpose: "log plans to the client")
        for call in ["-1.1, 36.8, 10, NULL, 'distance'", "-1.1, 36.8, 10, NULL, 'urgency'", "-1.1, 36.8, 10, 2.5, 'urgency'"] {
            _ = try db.scalar("SELECT reporting.fn_dispatch_nearest(\(call)) IS NOT NULL", purpose: "dispatch")
        }
        let logged = handler.entries.map(\.message.description)
        let knn = logged.filter { $0.contains("FROM tickets.dispatch_knn(p_lat, p_lng, v_limit)") }
        #expect(knn.count == 2, "the k-nearest search ran for both ranks")
        for plan in knn {
            for table in ["inc", "crq"] {
                #expect(plan.contains("Index Scan using \(table)_geog_open_gist on \(table)"), "\(plan)")
            }
            #expect(plan.components(separatedBy: "Order By: (geog <-> ").count - 1 == 2, "KNN order on both tables: \(plan)")
            #expect(!plan.contains("Seq Scan on inc") && !plan.contains("Seq Scan on crq"), "\(plan)")
        }
        let radius = logged.filter { $0.contains("FROM tickets.dispatch_within(") }
        #expect(radius.count == 1, "the radius search ran for urgency within 2.5 km")
        for plan in radius {
            #expect(plan.contains("Index Scan using inc_geog_open_gist on inc") && plan.contains("Index Scan using crq_geog_open_gist on crq"), "\(plan)")
            #expect(plan.contains("Index Cond: (geog && _st_expand("), "\(plan)")
            #expect(!plan.contains("Seq Scan on inc") && !plan.contains("Seq Scan on crq"), "\(plan)")
        }
        db.close()
    }

    /// One reader shared by 64 tasks: every answer is the one a lone caller gets.
    @Test func oneReaderServesManyTasksAtOnce() async throws {
        let world = try DispatchWorld(seed: 31, count: 800)
        let reader = PostgresDispatchReader(url: world.url, maxConnections: 4)
        defer { reader.close() }
        var fixes: [Coordinate] = []
        for i in 0..<64 {
            let lat: Double = -1.2864 + Double(i % 8 - 4) * 0.02
            let lng: Double = 36.8172 + Double(i / 8 - 4) * 0.02
            fixes.append(Coordinate(latitude: lat, longitude: lng))
        }
        var alone: [[String]] = []
        for fix in fixes { alone.append(DispatchWorld.ids(try await reader.nearestOpenTickets(try NearbyQuery(near: fix, limit: 12)).tickets)) }
        let together = try await withThrowingTaskGroup(of: (Int, [String]).self) { group in
            for (i, fix) in fixes.enumerated() {
                group.addTask { (i, DispatchWorld.ids(try await reader.nearestOpenTickets(try NearbyQuery(near: fix, limit: 12)).tickets)) }
            }
            var out = [[String]](repeating: [], count: fixes.count)
            for try await (i, ids) in group { out[i] = ids }
            return out
        }
        #expect(together == alone)
        #expect(alone.allSatisfy { $0.count == 12 })
    }

    /// PostGIS off the search_path and another time zone change nothing.
    @Test func answersAlikeWhateverTheSession() throws {
        let world = try DispatchWorld(seed: 41, count: 200)
        let call = "SELECT reporting.fn_dispatch_nearest(-1.28, 36.82, 25, 8, 'urgency') -> 'tickets'"
        // One transaction: one now(), so the hours open cannot move between the two calls.
        try world.db.execute("BEGIN", purpose: "begin")
        let plain = try world.db.scalar(call, purpose: "dispatch")
        try world.db.execute("SELECT set_config('search_path', 'pg_catalog', true), set_config('TimeZone', 'America/Lima', true)",
                             purpose: "hide PostGIS")
        #expect(try world.db.scalar(call, purpose: "dispatch without PostGIS on the search_path") == plain)
        try world.db.execute("COMMIT", purpose: "commit")
        #expect(plain?.contains("\"ticket_id\"") == true)
    }

    @Test(arguments: [
        ("95, 36.8, 10, NULL, 'distance'", "latitude 95 is out of range [-90, 90]"),
        ("-1.2, -200, 10, NULL, 'distance'", "longitude -200 is out of range [-180, 180]"),
        ("-1.2, 36.8, 0, NULL, 'distance'", "limit 0 is out of range [1, 1000]"),
        ("-1.2, 36.8, 1001, NULL, 'distance'", "limit 1001 is out of range [1, 1000]"),
        ("-1.2, 36.8, 10, 0, 'distance'", "radius 0 km is out of range (0, 20040]"),
        ("-1.2, 36.8, 10, NULL, 'closest'", "unknown rank 'closest'; valid ranks: distance, urgency"),
        ("NULL, 36.8, 10, NULL, 'distance'", "p_lat and p_lng are required"),
    ])
    func badArgumentsRaiseAClearError(_ args: String, _ message: String) throws {
        let db = try PostgresConnection(url: try Integration.freshDatabase(), logger: Integration.logger)
        defer { db.close() }
        let error = #expect(throws: PostgresError.self) {
            try db.execute("SELECT reporting.fn_dispatch_nearest(\(args))", purpose: "dispatch with a bad argument")
        }
        #expect(error?.sqlState == "22023")
        #expect(error?.message.contains("fn_dispatch_nearest: \(message)") == true, "\(error?.message ?? "")")
        #expect(error?.hint?.isEmpty == false)
    }
}

import FleetTicketsCore
@testable import FleetTicketsPostgres
import FleetTicketsTesting
import Foundation
import Testing

/// Taking over the database the Python tool leaves behind (docs/contract.md §5): the fixture
/// Tests/Fixtures/python-tool/database.sql (scripts/python-fixture/make.sh) has its schema —
/// no ingest ledger, no checksums, geo_locations without our columns, eat_ts(ts text) — its
/// tickets, a watermark and a gazetteer. Every migration of this build runs over it.
@Suite(.enabled(if: Integration.hasDatabase, "FLEETTICKETS_TEST_DATABASE_URL is not set"))
struct PythonTakeoverTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/python-tool/database.sql").standardized

    /// A new database holding the Python tool's state.
    func pythonDatabase() throws -> (url: String, db: PostgresConnection) {
        let url = try Integration.freshDatabase(migrated: false)
        let loader = try PostgresConnection(url: url, logger: Integration.logger)
        defer { loader.close() }
        try loader.execute("CREATE EXTENSION IF NOT EXISTS postgis", purpose: "install PostGIS")
        try loader.simpleQuery(try String(contentsOf: Self.fixture, encoding: .utf8), purpose: "load the Python tool's database")
        return (url, try PostgresConnection(url: url, logger: Integration.logger))
    }

    @Test func migrateAdoptsThePythonDatabaseAndAddsOnlyWhatIsMissing() throws {
        let (url, db) = try pythonDatabase()
        defer { db.close() }
        let rawBefore = try db.scalar("SELECT string_agg(ticket_id || raw::text, '|' ORDER BY ticket_id) FROM tickets.inc", purpose: "read")
        let pythonNames = Set(try db.execute("SELECT filename FROM tickets.schema_migrations", purpose: "ledger").column(0).compactMap { $0 })

        let outcomes = try MigrationRunner(url: url, logger: Integration.logger).run()
        for outcome in outcomes {
            if pythonNames.contains(outcome.name) {
                #expect(outcome.action == .adopted, "\(outcome.name) is the Python tool's: adopted by name")
            } else if outcome.name == "15_eat_ts_fast_path.sql" {
                #expect(outcome.action == .skipped, "15 cannot rename eat_ts's parameter; 17 carries it")
            } else {
                #expect(outcome.action == .applied, "\(outcome.name)")
            }
        }
        #expect(try MigrationRunner(url: url, logger: Integration.logger).run().allSatisfy { $0.action == .alreadyApplied },
                "a second migrate has nothing to do")

        #expect(try db.scalar("SELECT string_agg(ticket_id || raw::text, '|' ORDER BY ticket_id) FROM tickets.inc", purpose: "read") == rawBefore,
                "no populated table is rewritten")
        #expect(try db.scalar("SELECT note FROM tickets.schema_migrations WHERE filename = '15_eat_ts_fast_path.sql'", purpose: "read")?
            .hasPrefix("skipped:") == true)
        #expect(try db.scalar("SELECT count(*) FROM tickets.schema_migrations WHERE sha256 IS NULL", purpose: "read") == "0")
        // eat_ts keeps its name and gains the fast path; the generated columns still work.
        #expect(try db.scalar("SELECT proargnames[1] FROM pg_proc WHERE oid = 'tickets.eat_ts(text)'::regprocedure", purpose: "read") == "ts")
        #expect(try db.scalar("SELECT prosrc LIKE '%eat_ts_general%' FROM pg_proc WHERE oid = 'tickets.eat_ts(text)'::regprocedure", purpose: "read") == "t")
        #expect(try db.scalar("SELECT tickets.eat_ts('2026-06-15 12:00:00') = '2026-06-15 09:00:00+00'", purpose: "read") == "t")
        #expect(try db.scalar("SELECT tickets.eat_ts('2026-06-15T12:00:00.5Z') = '2026-06-15 12:00:00.5+00'", purpose: "read") == "t")
        // The gazetteer rows are classified: a row with a point is a hit, one without a miss.
        let statuses = try db.execute("SELECT location_name, status FROM tickets.geo_locations ORDER BY 1", purpose: "read")
        #expect(statuses.column(1) == ["miss", "hit"])
        #expect(try db.scalar("SELECT metadata->>'files_applied' FROM tickets.import_meta WHERE dataset = 'inc'", purpose: "read") == "12")
    }

    @Test func ingestGeocodeAndTheMapCarryOnFromThePythonState() async throws {
        let (url, db) = try pythonDatabase()
        defer { db.close() }
        _ = try MigrationRunner(url: url, logger: Integration.logger).run()
        let store = try PostgresTicketStore(url: url, logger: Integration.logger)
        defer { store.close() }

        // The bucket as the Python tool left it: what it applied is in processed/; a file at
        // the watermark it never applied is late; one newer file has arrived.
        let bucket = InMemoryChangeSource()
        let wot100 = Fixtures.row("WOT100", cluster: "Kasarani", location: "NW_KASARANI_MWIKI_FDT12",
                                  extra: ["owner": "J. Otieno", "first_seen_at": "2026-06-14 08:20:00", "last_seen_at": "2026-06-15 09:00:00"])
        bucket.put("automations/inc/processed/2026-06-15T09-00-00.csv", text: Fixtures.csv([wot100]))
        bucket.put(Fixtures.key(.inc, hour: 8), text: Fixtures.csv([Fixtures.row("WOT050")]))
        bucket.put(Fixtures.key(.inc, hour: 10), text: Fixtures.csv([
            Fixtures.row("WOT101", status: "in_progress", cluster: "Kasarani", location: "NW_KASARANI_CLAY_CITY"),
            Fixtures.row("WOT103", cluster: "Kasarani", location: "NW_KASARANI_SUNTON"),
        ]))
        let before = try await store.tickets(of: .inc)
        let report = await IngestEngine(source: bucket, store: store).run(.inc, options: IngestOptions(apply: true))
        #expect(report.failure == nil, "\(report.failure?.message ?? "")")
        #expect(report.watermarkBefore == "automations/inc/changes/2026-06-15T09-00-00.csv")
        #expect(report.files.map(\.key) == [Fixtures.key(.inc, hour: 10)], "only the file after the watermark")
        #expect(report.late == [Fixtures.key(.inc, hour: 8)], "never silently skipped, never applied unasked")
        #expect(report.files.first?.counts == ApplyCounts(inserted: 1, updated: 1))
        let after = try await store.tickets(of: .inc)
        #expect(after["WOT100"] == before["WOT100"] && after["WOT102"] == before["WOT102"], "the Python tool's rows stay as they were")
        #expect(after["WOT050"] == nil)
        #expect(try db.scalar("SELECT created_at_service IS NOT NULL FROM tickets.inc WHERE ticket_id = 'WOT103'", purpose: "read") == "t")
        #expect(try db.scalar("SELECT metadata->>'source_bucket' FROM tickets.import_meta WHERE dataset = 'inc'", purpose: "read") == "isptickets",
                "the Python tool's own metadata keys survive")

        // Geocoding works on the adopted gazetteer: the cached miss is not asked again, the
        // new place and the Nyali cluster are.
        let geocoder = ScriptedGeocoder(["Kasarani Sunton": .found(lat: -1.2100, lng: 36.9000), "Nyali": .found(lat: -4.0317, lng: 39.7150)])
        let engine = GeocodeEngine(store: store, geocoder: geocoder, settings: GeocodeSettings(budget: 10))
        let clusters = try await engine.geocodeClusters(apply: true)
        #expect(clusters.hits == 1, "Nyali")
        let places = try await engine.geocodeLocations(apply: true)
        #expect(places.hits == 1 && places.failed == 0)
        #expect(geocoder.queries.map(\.text) == ["Nyali", "Kasarani Sunton"], "the Python tool's cached answers are reused")
        #expect(try db.scalar("SELECT geo_source FROM tickets.inc WHERE ticket_id = 'WOT103'", purpose: "read") == "location")
        #expect(try db.scalar("SELECT geo_source FROM tickets.inc WHERE ticket_id = 'WOT100'", purpose: "read") == "location")

        // The map answers for both datasets with their freshness.
        let map = try #require(try db.scalar("SELECT reporting.fn_tickets_for_map(true)::text", purpose: "read"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(map.utf8)) as? [String: Any])
        let features = try #require(object["features"] as? [[String: Any]])
        #expect(features.count >= 3)
        let summary = try #require(object["summary"] as? [String: Any])
        let freshness = try #require(summary["freshness"] as? [String: Any])
        #expect((freshness["inc"] as? [String: Any])?["source_max_key"] as? String == Fixtures.key(.inc, hour: 10))
        #expect(freshness["crq"] != nil)
    }
}

extension PostgresResult {
    /// One column's values, in row order.
    func column(_ index: Int) -> [String?] {
        (0..<rowCount).map { self[$0, index] }
    }
}

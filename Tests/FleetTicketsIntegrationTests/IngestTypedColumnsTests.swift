import FleetTicketsCore
@testable import FleetTicketsPostgres
import FleetTicketsTesting
import Foundation
import Testing

/// The typed columns the ingest writes itself (migration 24) are exactly what the database's
/// reference parsers give for `raw` — `tickets.eat_ts`, `to_bool`, `nz`, `hours_to_minutes` —
/// on every timestamp shape, boolean spelling, number and text, on a freshly migrated
/// database and on one populated while the columns were still generated and then migrated
/// (the takeover path). Rows whose shapes the store leaves to the database are covered too.
@Suite(.enabled(if: Integration.hasDatabase, "FLEETTICKETS_TEST_DATABASE_URL is not set"))
struct IngestTypedColumnsTests {
    static let booleans = ["true", "TRUE", " True ", "t", "T", "yes", "YES", "y", "Y", "1", "false", "FALSE", "f", "F",
                           "no", "No", "n", "N", "0", "", " ", "maybe", "truee", "tr ue", "\ttrue", "true\t", "ＴＲＵＥ",
                           "trué", "é", "YES ", "  0  ", "2", "-1", "on", "off", "falsey", "true true", "falsefalse", "yes please"]
    static let numbers = ["", " ", "1.5", "-0.004", "0.0125", ".5", "5.", "+3.", "1e3", "  2.25 ", "\t7\t", "34999999.99",
                          "35000000", "-34999999.999", "12345678901234567890.5", "-0", "0.00833", "0.0083333", "1,5",
                          "--1", "+-1", "+", ".", "1.2.3", "１", "0.125", "-0.125", "2.5", "-2.5", "000000000000000000012.5",
                          "0.000000000000000000001", "99999999999999999999999", "0.025", "-0.025", "17.999999"]
    static let texts = ["", " ", "  a  ", "a b", "\ta\t", "tab\tinside", "back\\slash", "quo\"te", "ünïcode ", "new\nline",
                        "\u{1}ctl", " \r ", "Kasarani"]
    static let extraTimestamps = ["\t2026-06-15 10:00:00", "2026-06-15 10:00:00\r", "0001-01-01 01:00:00", "0001-01-01 03:00:00",
                                  "0001-01-02 02:59:59", "9999-12-31 23:59:59", " \t", "2026-03-01 00:30:00", "2024-03-01 02:00:00",
                                  "2026-01-01 00:00:00", "2025-12-31 23:59:59", "2026-06-15 10:00:00.5", "2026-06-15T10:00:00+03"]

    /// Latitude/longitude shapes (migration 26: the store computes the feed's point itself).
    static let coordinates: [(String, String)] = [
        ("-1.2921", "36.8219"), (" -1.2921 ", "\t36.8219\r"), ("+.5", "5."), ("0", "0"), ("-0", "0.0"), ("0", "1"),
        ("90", "180"), ("-90", "-180"), ("90.0000001", "10"), ("10", "180.000001"), ("1e1", "2"), ("--1", "2"),
        ("+-1", "2"), ("1.2.3", "2"), (".", "1"), ("-", "1"), ("", "36.8"), ("-1.3", ""), ("１", "2"), ("1,5", "2"),
        ("00000000000000000000000000001.50", "3"), ("000000000000000000000000000001.50", "3"), ("-1.28", "36.82 \n"),
        ("0.1000000000000000055511151231257827", "0.3"), ("NaN", "1"), ("Infinity", "1"), ("  ", " "), ("5", "+"),
        ("-0.000000000000000000000000000001", "0.0000000000000000000000000000001"), ("1 2", "3"), ("\u{A0}1", "2"),
    ]
    /// Positions the gazetteer gives when the feed has none (see `addGazetteer`).
    static let places: [(location: String, cluster: String)] = [
        ("LOC_HIT", "CL_POINT"), ("LOC_HIT", "CL_NOPOINT"), ("LOC_MISS", "CL_POINT"), ("LOC_MISS", "CL_NOPOINT"),
        ("LOC_UNKNOWN", "CL_POINT"), ("LOC_UNKNOWN", "CL_UNKNOWN"), (" LOC_HIT", "CL_POINT "), ("", ""),
    ]

    /// A geocoded location, a cached miss, a cluster with a centroid and one without.
    static func addGazetteer(_ db: PostgresConnection) throws {
        try db.simpleQuery("""
            INSERT INTO tickets.geo_locations (location_name, status, latitude, longitude) VALUES
                ('LOC_HIT', 'hit', -1.2185, 36.8967), ('LOC_MISS', 'miss', NULL, NULL);
            INSERT INTO tickets.geo_clusters (cluster, latitude, longitude) VALUES ('CL_POINT', -1.22, 36.9), ('CL_NOPOINT', NULL, NULL)
            """, purpose: "fill the gazetteer")
    }

    /// One row per sample value, the sample in one column and the fixture's ordinary values in
    /// the others (so a value the store answers is not hidden by a neighbour it leaves to the
    /// database: that makes the whole row server-typed).
    static func rows(prefix: String) -> [[String: String]] {
        var rows: [[String: String]] = []
        func add(_ column: String, _ value: String) {
            rows.append(Fixtures.row(String(format: "\(prefix)%05d", rows.count), extra: [column: value]))
        }
        let timestamps = EATTimestampTests.samples() + extraTimestamps
        for (i, value) in timestamps.enumerated() { add(SourceColumns.timestamps[i % SourceColumns.timestamps.count], value) }
        for value in booleans { add("is_actionable", value) }
        for value in numbers { add("mttr", value) }
        let textColumns = TypedColumns.all.filter { $0.kind == .text }.map(\.name)
        for (i, value) in texts.enumerated() {
            // Half the text columns per value (alternating), every column for the empty string.
            for column in textColumns where (i + column.count) % 2 == 0 || value.isEmpty { add(column, value) }
        }
        for (lat, lng) in coordinates { rows.append(Fixtures.row(String(format: "\(prefix)%05d", rows.count),
                                                                 extra: ["latitude": lat, "longitude": lng])) }
        for place in places { rows.append(Fixtures.row(String(format: "\(prefix)%05d", rows.count), cluster: place.cluster,
                                                       location: place.location)) }
        return rows
    }

    /// Rows of `table` whose typed value differs from the reference parser's, per column.
    static func differences(_ db: PostgresConnection, table: String = "tickets.inc") throws -> [String] {
        // A serial plan: the general parser's subtransactions never run in parallel workers.
        try db.execute("SET max_parallel_workers_per_gather = 0", purpose: "serial plans")
        var out: [String] = []
        for (name, kind) in TypedColumns.all {
            let r = try db.execute("""
                SELECT ticket_id, raw ->> '\(name)', \(name)::text FROM \(table)
                WHERE \(name) IS DISTINCT FROM \(kind.reference(name)) LIMIT 5
                """, purpose: "compare \(name) with its reference parser")
            out += (0..<r.rowCount).map { "\(name) of \(r[$0, 0] ?? ""): '\(r[$0, 1] ?? "NULL")' → \(r[$0, 2] ?? "NULL")" }
        }
        // Where each ticket is placed: tickets.resolve_geo is the reference for geom and
        // geo_source, the generation expressions of migrations 04, 05 and 13 for the rest.
        let r = try db.execute("""
            SELECT t.ticket_id, t.raw ->> 'latitude', t.raw ->> 'longitude', t.geo_source, p.geo_source FROM \(table) t,
                   LATERAL tickets.resolve_geo(t.raw) p
            WHERE t.geom::text IS DISTINCT FROM p.geom::text OR t.geo_source IS DISTINCT FROM p.geo_source
               OR t.latitude IS DISTINCT FROM coalesce(tickets.point_lat(tickets.feed_point(t.raw)), tickets.point_lat(t.geom))
               OR t.longitude IS DISTINCT FROM coalesce(tickets.point_lng(tickets.feed_point(t.raw)), tickets.point_lng(t.geom))
               OR t.geog::text IS DISTINCT FROM (t.geom::geography)::text
            LIMIT 5
            """, purpose: "compare where tickets are placed with tickets.resolve_geo")
        out += (0..<r.rowCount).map { "placement of \(r[$0, 0] ?? ""): '\(r[$0, 1] ?? "NULL")', '\(r[$0, 2] ?? "NULL")' → \(r[$0, 3] ?? "NULL"), reference \(r[$0, 4] ?? "NULL")" }
        return out
    }

    /// How many of the rows the store types itself (no shape left to the database).
    static func typedByTheStore(_ rows: [[String: String]]) -> Int {
        rows.filter { row in
            TypedColumns.all.allSatisfy { column in
                var out: [UInt8] = []
                return TypedColumns.append(column.kind, Fixtures.cleanedRaw(row)[column.name], to: &out)
            }
        }.count
    }

    func ingest(_ rows: [[String: String]], into store: PostgresTicketStore, hour: Int) async -> IngestReport {
        let bucket = InMemoryChangeSource()
        bucket.put(Fixtures.key(.inc, hour: hour), text: Fixtures.csv(rows))
        return await IngestEngine(source: bucket, store: store, logger: Integration.logger)
            .run(.inc, options: IngestOptions(apply: true))
    }

    /// A freshly migrated database with the gazetteer's cases: a store and a connection on it,
    /// both closed after `body`.
    func onFreshDatabase(_ body: (PostgresTicketStore, PostgresConnection) async throws -> Void) async throws {
        let url = try Integration.freshDatabase()
        let store = try PostgresTicketStore(url: url, logger: Integration.logger)
        defer { store.close() }
        let db = try PostgresConnection(url: url, logger: Integration.logger)
        defer { db.close() }
        try Self.addGazetteer(db)
        try await body(store, db)
    }

    @Test func theStoreWritesWhatTheReferenceParsersGiveOnAFreshDatabase() async throws {
        try await onFreshDatabase { store, db in
            let rows = Self.rows(prefix: "TC")
            // Most random timestamp samples are out of range (the database's); the valid ones, the
            // spellings, numbers and texts are the store's.
            #expect(Self.typedByTheStore(rows) > 250, "the store's own path is exercised, not only the database's")
            #expect(Self.typedByTheStore(rows) < rows.count, "and so is the database's")
            let report = await ingest(rows, into: store, hour: 9)
            #expect(report.failure == nil, "\(report.failure?.message ?? "")")
            #expect(report.files.first?.counts.inserted == rows.count)

            // The same tickets again with other values: the UPDATE path writes them too.
            let changed = rows.enumerated().map { i, row in
                var r = row
                r["closed_at"] = i % 3 == 0 ? "2026-06-15 11:00:00" : i % 3 == 1 ? "" : "2026-06-15T11:00:00Z"
                r["is_actionable"] = i % 2 == 0 ? "no" : "Y"
                switch i % 4 {
                case 0: (r["latitude"], r["longitude"]) = ("-1.3", "36.75")
                case 1: (r["latitude"], r["location_name"]) = ("", "LOC_HIT")
                default: break
                }
                return r
            }
            let second = await ingest(changed, into: store, hour: 10)
            #expect(second.failure == nil, "\(second.failure?.message ?? "")")
            #expect((second.files.first?.counts.updated ?? 0) > rows.count / 2)

            let diffs = try Self.differences(db)
            #expect(diffs.isEmpty, "\(diffs.prefix(12))")
            #expect(try db.scalar("SELECT count(*) FROM tickets.inc", purpose: "count") == String(rows.count))
        }
    }

    /// A file of a few rows is staged by prepared INSERTs in the merge's pipeline, a larger one
    /// by COPY: both must write the same tickets, column for column, for every sample shape.
    @Test func aSmallFileStagedByItsPipelineWritesWhatACopyWrites() async throws {
        let rows = Self.rows(prefix: "SP")
        let small = PostgresTicketStore.pipelinedRowsAtMost
        #expect(rows.count > small)
        var written: [[String]] = []
        for chunk in [small, rows.count] {
            try await onFreshDatabase { store, db in
                for (i, start) in stride(from: 0, to: rows.count, by: chunk).enumerated() {
                    let report = await ingest(Array(rows[start..<min(start + chunk, rows.count)]), into: store, hour: 1 + i)
                    #expect(report.failure == nil, "\(report.failure?.message ?? "")")
                }
                let diffs = try Self.differences(db)
                #expect(diffs.isEmpty, "\(diffs.prefix(12))")
                let r = try db.execute("""
                    SELECT ticket_id, (to_jsonb(t) - 'ingested_at' - 'change_key')::text FROM tickets.inc t ORDER BY ticket_id
                    """, purpose: "read every column but the file's own")
                written.append((0..<r.rowCount).map { "\(r[$0, 0] ?? ""): \(r[$0, 1] ?? "")" })
            }
        }
        #expect(written[0].count == rows.count)
        #expect(written[0] == written[1])
    }

    @Test func aDatabasePopulatedWithGeneratedColumnsKeepsItsValuesAndCarriesOn() async throws {
        // The takeover path: tickets written while the columns were generated (as the Python
        // tool's database has them), then migrations 24 and 25, then the ingest and other writers.
        let url = try Integration.freshDatabase(migrated: false)
        let before = Migration.embedded.filter { $0.name < "24" }
        _ = try MigrationRunner(url: url, migrations: before, logger: Integration.logger).run()
        let db = try PostgresConnection(url: url, logger: Integration.logger)
        defer { db.close() }
        try Self.addGazetteer(db)
        let old = Self.rows(prefix: "PY")
        let json = String(decoding: try JSONEncoder().encode(old.map(Fixtures.cleanedRaw)), as: UTF8.self)
        try db.execute("""
            INSERT INTO tickets.inc (ticket_id, raw) SELECT r ->> 'ticket_id', r FROM jsonb_array_elements($1::jsonb) r
            """, [json], purpose: "write tickets the way the Python tool did")
        #expect(try db.scalar("SELECT count(*) FROM pg_attribute WHERE attrelid = 'tickets.inc'::regclass AND attgenerated = 's'",
                              purpose: "generated") == "21")
        let fileBefore = try db.scalar("SELECT pg_relation_filenode('tickets.inc')", purpose: "filenode")
        let valuesBefore = try db.scalar("""
            SELECT md5(string_agg(ticket_id || (to_jsonb(t) - 'ingested_at')::text, '|' ORDER BY ticket_id)) FROM tickets.inc t
            """, purpose: "checksum")

        let outcomes = try MigrationRunner(url: url, logger: Integration.logger).run()
        #expect(outcomes.filter { $0.action == .applied }.map(\.name)
                == Migration.embedded.map(\.name).filter { $0 >= "24_typed_columns_written_by_ingest.sql" })
        #expect(try db.scalar("SELECT pg_relation_filenode('tickets.inc')", purpose: "filenode") == fileBefore,
                "DROP EXPRESSION does not rewrite the table")
        #expect(try db.scalar("""
            SELECT md5(string_agg(ticket_id || (to_jsonb(t) - 'ingested_at')::text, '|' ORDER BY ticket_id)) FROM tickets.inc t
            """, purpose: "checksum") == valuesBefore, "every stored value stays")
        #expect(try db.scalar("SELECT count(*) FROM pg_attribute WHERE attrelid = 'tickets.inc'::regclass AND attgenerated = 's'",
                              purpose: "generated") == "0", "latitude, longitude and geog are plain columns too")

        // The ingest: new tickets and new states of the old ones.
        let store = try PostgresTicketStore(url: url, logger: Integration.logger)
        defer { store.close() }
        let fresh = Self.rows(prefix: "NW")
        let moved = old.enumerated().compactMap { i, row -> [String: String]? in
            guard i % 2 == 0 else { return nil }
            var r = row
            r["closed_at"] = "2026-06-16 07:45:00"
            r["mttr"] = "3.25"
            return r
        }
        let report = await ingest(fresh + moved, into: store, hour: 11)
        #expect(report.failure == nil, "\(report.failure?.message ?? "")")
        #expect(report.files.first?.counts.inserted == fresh.count)
        #expect(report.files.first?.counts.updated == moved.count)

        // Another writer of raw (ad-hoc SQL, the old tool): the trigger computes the values.
        try db.execute("""
            UPDATE tickets.inc SET raw = raw || '{"closed_at": "2026-06-17T09:00:00+01:00", "is_actionable": " YES ", "mttr": "0.0125"}'
            WHERE ticket_id LIKE 'PY%1'
            """, purpose: "another writer")
        try db.execute("""
            INSERT INTO tickets.inc (ticket_id, raw) VALUES ('ADHOC1', '{"ticket_id": "ADHOC1", "owner": " Ann ", "closed_at": "2026-06-17"}')
            """, purpose: "another writer inserts")
        #expect(try db.scalar("SELECT closed_at = '2026-06-17 08:00:00+00' AND is_actionable AND mttr = 1 FROM tickets.inc WHERE ticket_id = 'PY00001'",
                              purpose: "read") == "t")
        #expect(try db.scalar("SELECT owner || (closed_at AT TIME ZONE 'UTC')::date::text FROM tickets.inc WHERE ticket_id = 'ADHOC1'", purpose: "read") == "Ann2026-06-16")

        // A writer of geom alone (the geocoder's tickets.resolve_ticket_geoms does that): the
        // derived columns follow, as the generated ones did; rewriting raw places it again.
        try db.execute("UPDATE tickets.inc SET geom = ST_SetSRID(ST_MakePoint(36.8, -1.25), 4326) WHERE ticket_id = 'PY00002'",
                       purpose: "another writer moves a ticket")
        #expect(try db.scalar("SELECT latitude || ' ' || longitude || ' ' || ST_AsText(geog) FROM tickets.inc WHERE ticket_id = 'PY00002'",
                              purpose: "read") == "-1.25 36.8 POINT(36.8 -1.25)")
        try db.execute("UPDATE tickets.inc SET raw = raw WHERE ticket_id = 'PY00002'", purpose: "another writer rewrites raw")

        let diffs = try Self.differences(db)
        #expect(diffs.isEmpty, "\(diffs.prefix(12))")
    }

    @Test func thePythonToolsDatabaseTakenOverKeepsItsValuesAndCarriesOn() async throws {
        // The takeover fixture (Tests/Fixtures/python-tool/database.sql): the Python tool's own
        // schema and parsers (eat_ts(ts text)), its tickets; then every migration, then the ingest.
        let (url, db) = try PythonTakeoverTests().pythonDatabase()
        defer { db.close() }
        let typedValues = """
            SELECT md5(string_agg(ticket_id || row(\(TypedColumns.names.joined(separator: ", ")))::text, '|' ORDER BY ticket_id))
            FROM tickets.inc
            """
        let valuesBefore = try db.scalar(typedValues, purpose: "checksum the typed values")
        let fileBefore = try db.scalar("SELECT pg_relation_filenode('tickets.inc')", purpose: "filenode")
        let outcomes = try MigrationRunner(url: url, logger: Integration.logger).run()
        #expect(outcomes.contains { $0.name == "24_typed_columns_written_by_ingest.sql" && $0.action == .applied })
        #expect(outcomes.contains { $0.name == "25_eat_ts_blank_and_parallel.sql" && $0.action == .applied })
        #expect(try db.scalar("SELECT pg_relation_filenode('tickets.inc')", purpose: "filenode") == fileBefore,
                "no rewrite of the populated table")
        #expect(try db.scalar(typedValues, purpose: "checksum the typed values") == valuesBefore, "every typed value stays")
        #expect(try db.scalar("SELECT proargnames[1] FROM pg_proc WHERE oid = 'tickets.eat_ts(text)'::regprocedure", purpose: "read") == "ts",
                "eat_ts keeps the Python tool's parameter name")
        #expect(try Self.differences(db).isEmpty, "the Python tool's stored values are what the parsers give")

        let store = try PostgresTicketStore(url: url, logger: Integration.logger)
        defer { store.close() }
        let rows = Self.rows(prefix: "PT")
        let report = await ingest(rows, into: store, hour: 12)
        #expect(report.failure == nil, "\(report.failure?.message ?? "")")
        #expect(report.files.first?.counts.inserted == rows.count)
        let diffs = try Self.differences(db)
        #expect(diffs.isEmpty, "\(diffs.prefix(12))")
    }

    @Test func theStoresOwnValuesForTheFeedsShapes() {
        func value(_ kind: TypedColumns.Kind, _ text: String?) -> String? {
            var out: [UInt8] = []
            guard TypedColumns.append(kind, text, to: &out) else { return nil }
            return String(decoding: out, as: UTF8.self)
        }
        #expect(value(.timestamp, "2026-06-15 17:00:00") == "2026-06-15 14:00:00+00")
        #expect(value(.timestamp, "2026-03-01 01:30:00") == "2026-02-28 22:30:00+00")
        #expect(value(.timestamp, "2024-03-01 02:59:59") == "2024-02-29 23:59:59+00")
        #expect(value(.timestamp, "2026-01-01 00:00:00") == "2025-12-31 21:00:00+00")
        #expect(value(.timestamp, " \t") == "\\N")
        #expect(value(.timestamp, nil) == "\\N")
        #expect(value(.timestamp, "2026-06-15T17:00:00") == nil, "other shapes are the database's")
        #expect(value(.timestamp, "2026-02-29 10:00:00") == nil)
        #expect(value(.boolean, " Yes ") == "t")
        #expect(value(.boolean, "0") == "f")
        #expect(value(.boolean, "maybe") == "\\N")
        #expect(value(.boolean, "trué") == nil)
        #expect(value(.minutes, "1.5") == "90")
        #expect(value(.minutes, "-0.0125") == "-1")
        #expect(value(.minutes, "0.0083") == "0")
        #expect(value(.minutes, "35000000") == "\\N")
        #expect(value(.text, "  a\tb ") == "a\\tb")
        #expect(value(.text, "   ") == "\\N")
    }
}

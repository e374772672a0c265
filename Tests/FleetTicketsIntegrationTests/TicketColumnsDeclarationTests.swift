import FleetTicketsCore
@testable import FleetTicketsPostgres
import FleetTicketsTesting
import Foundation
import Testing

/// The declaration of the typed columns (`TicketColumns`) is what the database holds: every
/// declared column exists in both ticket tables with its kind's type and is a plain column;
/// the row triggers (what other writers get) and the ingest's COPY path write the same value
/// in every declared column; and the in-memory store, which derives its typed values from the
/// same declaration, agrees with both on the feed's shapes.
@Suite(.enabled(if: Integration.hasDatabase, "FLEETTICKETS_TEST_DATABASE_URL is not set"))
struct TicketColumnsDeclarationTests {
    @Test(arguments: [Dataset.inc, .crq])
    func everyDeclaredColumnIsInTheTableWithItsKindsType(dataset: Dataset) throws {
        let url = try Integration.freshDatabase()
        let db = try PostgresConnection(url: url, logger: Integration.logger)
        defer { db.close() }
        let r = try db.execute("""
            SELECT attname, format_type(atttypid, atttypmod), attgenerated <> '' FROM pg_attribute
            WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped
            """, [dataset.table], purpose: "read the table's columns")
        var catalog: [String: (type: String, generated: Bool)] = [:]
        for i in 0..<r.rowCount { catalog[r[i, 0] ?? ""] = (r[i, 1] ?? "", r[i, 2] == "t") }
        for column in TicketColumns.all {
            let found = catalog[column.name]
            #expect(found?.type == column.kind.sqlType, "\(dataset.table).\(column.name): \(found?.type ?? "missing")")
            #expect(found?.generated == false, "\(dataset.table).\(column.name) is written, not generated")
        }
        #expect(Set(TicketColumns.all.map(\.name)).count == TicketColumns.all.count, "each column declared once")
    }

    /// Feed-shaped rows: the fixture's values, the boolean spellings, numbers, blank and
    /// absent timestamps, coordinates that do and do not make a point, and every gazetteer case.
    static func rows(prefix: String) -> [[String: String]] {
        var rows: [[String: String]] = []
        func add(_ extra: [String: String], cluster: String = "CL_POINT", location: String = "LOC_MISS") {
            rows.append(Fixtures.row(String(format: "\(prefix)%04d", rows.count), cluster: cluster, location: location,
                                     closedAt: rows.count % 3 == 0 ? "2026-06-15 01:30:00" : "",
                                     mttr: ["", "1.5", "-0.0125", "0.025", "7", " 2.25 ", "x"][rows.count % 7], extra: extra))
        }
        for spelling in ["true", "FALSE", " Yes ", "n", "1", "0", "", "maybe"] { add(["is_actionable": spelling]) }
        for text in ["", "  ", " padded  ", "Kasarani"] { add(["owner": text, "assigned_team": text, "sla_status": text]) }
        for time in ["", "2026-01-01 00:00:00", "2024-03-01 02:59:59", "2026-06-15 17:00"] {
            add(["scheduled_at": time, "first_seen_at": time, "source_updated_at": time])
        }
        for (lat, lng) in [("-1.2921", "36.8219"), ("0", "0"), ("", ""), ("91", "10"), ("-1.3", "")] {
            add(["latitude": lat, "longitude": lng])
        }
        for (location, cluster) in [("LOC_HIT", "CL_POINT"), ("LOC_MISS", "CL_POINT"), ("LOC_MISS", "CL_NONE"), ("LOC_HIT", "")] {
            add([:], cluster: cluster, location: location)
        }
        return rows
    }

    /// Each declared column of `table`'s ticket `id` as text: SQL that renders a value of the
    /// column's kind the way `rendered` renders the in-memory store's.
    static func renderedColumns(of table: String) -> String {
        TicketColumns.all.map { column in
            let c = "t.\(column.name)"
            return switch column.kind {
            case .timestamp: "(extract(epoch FROM \(c))::bigint)::text"
            case .point: "ST_Y(\(c)) || ' ' || ST_X(\(c))"
            case .geography: "ST_Y(\(c)::geometry) || ' ' || ST_X(\(c)::geometry)"
            case .boolean, .text, .minutes, .pointSource, .latitude, .longitude: "\(c)::text"
            }
        }.joined(separator: ", ")
    }

    static func rendered(_ value: TypedValue?) -> String? {
        switch value {
        case nil: nil
        case let .text(v): v
        case let .boolean(v): v ? "true" : "false"
        case let .integer(v): "\(v)"
        case let .timestamp(v): "\(Int(v.timeIntervalSince1970))"
        case let .number(v): "\(v)"
        case let .point(p): "\(p.latitude) \(p.longitude)"
        }
    }

    /// Rows by ticket id, each the declared columns rendered (`renderedColumns`).
    static func stored(_ db: PostgresConnection, table: String, prefix: String) throws -> [String: [String?]] {
        let r = try db.execute("""
            SELECT t.ticket_id, \(renderedColumns(of: table)) FROM \(table) t WHERE t.ticket_id LIKE $1 ORDER BY 1
            """, [prefix + "%"], purpose: "read the declared columns")
        var out: [String: [String?]] = [:]
        for i in 0..<r.rowCount {
            out[String(r[i, 0]!.dropFirst(prefix.count))] = (1...TicketColumns.all.count).map { r[i, $0] }
        }
        return out
    }

    @Test(arguments: [Dataset.inc, .crq])
    func theTriggerTheCopyPathAndTheInMemoryStoreWriteTheSameValues(dataset: Dataset) async throws {
        let url = try Integration.freshDatabase()
        let db = try PostgresConnection(url: url, logger: Integration.logger)
        defer { db.close() }
        try IngestTypedColumnsTests.addGazetteer(db)

        // Another writer: plain SQL, the triggers fill the typed columns.
        let bySQL = Self.rows(prefix: "SQ")
        try IngestTypedColumnsTests.insertAsAnotherWriter(bySQL, into: dataset.table, db)

        // The same rows through the engine, staged by COPY (more rows than a pipelined file).
        let byEngine = Self.rows(prefix: "EN") + IngestTypedColumnsTests.rows(prefix: "EX")
        #expect(byEngine.count > PostgresTicketStore.pipelinedRowsAtMost)
        let source = InMemoryChangeSource()
        source.put(Fixtures.key(dataset, hour: 9), text: Fixtures.csv(byEngine))
        let store = try PostgresTicketStore(url: url, logger: Integration.logger)
        defer { store.close() }
        let report = await IngestEngine(source: source, store: store, logger: Integration.logger)
            .run(dataset, options: IngestOptions(apply: true))
        #expect(report.failure == nil, "\(report.failure?.message ?? "")")

        let triggered = try Self.stored(db, table: dataset.table, prefix: "SQ")
        let copied = try Self.stored(db, table: dataset.table, prefix: "EN")
        #expect(triggered.count == bySQL.count)
        #expect(copied.keys.sorted() == triggered.keys.sorted())
        for (id, values) in triggered.sorted(by: { $0.key < $1.key }) {
            for (column, (a, b)) in zip(TicketColumns.all, zip(values, copied[id] ?? [])) where a != b {
                Issue.record("\(column.name) of row \(id): trigger \(a ?? "NULL"), COPY \(b ?? "NULL")")
            }
        }

        // The in-memory store, with the same gazetteer, on the same feed-shaped rows.
        let memory = InMemoryTicketStore()
        try await memory.save(clusters: [ClusterAnswer(cluster: "CL_POINT", coordinate: Coordinate(latitude: -1.22, longitude: 36.9),
                                                       query: "CL_POINT", provider: "test")])
        try await memory.save(locations: [
            LocationAnswer(locationName: "LOC_HIT", cluster: nil, query: "LOC_HIT", status: .hit,
                           coordinate: Coordinate(latitude: -1.2185, longitude: 36.8967), distanceKilometres: nil, provider: "test"),
            LocationAnswer(locationName: "LOC_MISS", cluster: nil, query: "LOC_MISS", status: .miss, coordinate: nil,
                           distanceKilometres: nil, provider: "test"),
        ])
        let memorySource = InMemoryChangeSource()
        memorySource.put(Fixtures.key(dataset, hour: 9), text: Fixtures.csv(Self.rows(prefix: "EN")))
        let memoryReport = await IngestEngine(source: memorySource, store: memory).run(dataset, options: IngestOptions(apply: true))
        #expect(memoryReport.failure == nil)
        let typed = memory.typedValues(of: dataset)
        #expect(typed.count == bySQL.count)
        for (id, values) in typed.sorted(by: { $0.key < $1.key }) {
            let stored = copied[String(id.dropFirst(2))] ?? []
            for (column, expected) in zip(TicketColumns.all, stored) where Self.rendered(values[column.name]) != expected {
                Issue.record("\(column.name) of \(id): in memory \(Self.rendered(values[column.name]) ?? "NULL"), database \(expected ?? "NULL")")
            }
        }
    }
}

import FleetTicketsCore
@testable import FleetTicketsPostgres
import FleetTicketsTesting
import Foundation
import Testing

// The read-schema (docs/read-schema.md) seen through the product: rows go in as CSV change
// files drained by the IngestEngine into a PostgresTicketStore, and the contracts are checked
// with SQL on a second connection. This file holds the shared harness and the typed-column
// tests; DashboardTests.swift and MapAndHistoryTests.swift hold the read functions.

// MARK: - Harness

/// One test's world: a migrated database of its own, the product's store on it, a bucket to
/// feed it and a separate connection to look with (whose session settings the test may change).
final class ReadSchemaWorld: @unchecked Sendable {
    let url: String
    let store: PostgresTicketStore
    let sql: PostgresConnection
    let bucket = InMemoryChangeSource()
    private var files = 0

    init() throws {
        url = try Integration.freshDatabase()
        store = try PostgresTicketStore(url: url, logger: Integration.logger)
        sql = try PostgresConnection(url: url, logger: Integration.logger)
    }

    /// Puts `rows` in the next change file of `dataset` and drains it with the engine (applying).
    /// Expects a clean run that applied exactly that file.
    @discardableResult
    func ingest(_ dataset: Dataset, _ rows: [[String: String]],
                sourceLocation: SourceLocation = #_sourceLocation) async -> IngestReport {
        let key = Fixtures.key(dataset, hour: 8 + files / 60, minute: files % 60)
        files += 1
        bucket.put(key, text: Fixtures.csv(rows))
        let report = await IngestEngine(source: bucket, store: store, logger: Integration.logger)
            .run(dataset, options: .init(apply: true))
        #expect(report.failure == nil, "ingest failed: \(report.failure?.message ?? "")", sourceLocation: sourceLocation)
        #expect(report.files.map(\.key) == [key], "the run applies the one new file", sourceLocation: sourceLocation)
        return report
    }

    /// Sets the assertion session's time zone (and optionally DateStyle).
    func session(timeZone: String, dateStyle: String = "ISO, MDY") throws {
        try sql.execute("SELECT set_config('TimeZone', $1, false), set_config('DateStyle', $2, false)",
                        [timeZone, dateStyle], purpose: "set the session time zone")
    }
}

extension PostgresConnection {
    /// Every row, as text.
    func rows(_ query: String, _ params: [String?] = []) throws -> [[String?]] {
        let r = try execute(query, params, purpose: "run a read-schema check")
        return (0..<r.rowCount).map { row in (0..<r.columns.count).map { r[row, $0] } }
    }

    /// The rows as a dictionary from the first column to the rest.
    func keyed(_ query: String, _ params: [String?] = []) throws -> [String: [String?]] {
        var out: [String: [String?]] = [:]
        for row in try rows(query, params) { out[row[0] ?? "NULL"] = Array(row.dropFirst()) }
        return out
    }

    /// The first column of the first row, parsed as JSON.
    func json(_ query: String, _ params: [String?] = []) throws -> JSONValue {
        let text = try #require(try scalar(query, params, purpose: "read a JSON payload"), "the query returned NULL")
        return try JSONValue.parse(text)
    }
}

/// A parsed JSON document, enough to walk the read functions' payloads.
enum JSONValue: Decodable, Equatable, Sendable, CustomStringConvertible {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    static func parse(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    subscript(key: String) -> JSONValue? {
        if case let .object(o) = self { o[key] } else { nil }
    }

    subscript(index: Int) -> JSONValue? {
        if case let .array(a) = self, a.indices.contains(index) { a[index] } else { nil }
    }

    var string: String? { if case let .string(s) = self { s } else { nil } }
    var number: Double? { if case let .number(n) = self { n } else { nil } }
    var bool: Bool? { if case let .bool(b) = self { b } else { nil } }
    var array: [JSONValue] { if case let .array(a) = self { a } else { [] } }
    var object: [String: JSONValue] { if case let .object(o) = self { o } else { [:] } }
    var isNull: Bool { self == .null }

    /// `features[*].properties.<key>` of a FeatureCollection, as text ("<null>" when absent).
    func featureProperty(_ key: String) -> [String] {
        (self["features"]?.array ?? []).map { $0["properties"]?[key]?.string ?? "<null>" }
    }

    var description: String {
        switch self {
        case .null: "null"
        case let .bool(b): "\(b)"
        case let .number(n): "\(n)"
        case let .string(s): "\"\(s)\""
        case let .array(a): "[" + a.map(\.description).joined(separator: ", ") + "]"
        case let .object(o): "{" + o.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ") + "}"
        }
    }
}

/// Feed timestamps (EAT wall-clock text) relative to the real now, so tests do not depend on
/// the date they run.
enum EATText {
    /// `2026-06-15 17:00:00` for an instant.
    static func text(_ date: Date) -> String {
        EATMoment(date).feedTimestamp
    }

    /// The feed text of now − `hours`.
    static func hoursAgo(_ hours: Double, now: Date = Date()) -> String {
        text(now.addingTimeInterval(-hours * 3600))
    }

    /// The EAT calendar date `daysAgo` days before today, `YYYY-MM-DD`.
    static func day(_ daysAgo: Int, now: Date = Date()) -> String {
        EATDay(containing: now).adding(days: -daysAgo).description
    }

    /// An instant as the read functions write it in JSON: `2026-06-15T14:00:00+00:00` (whole seconds).
    static func json(_ date: Date) -> String {
        // EAT.components adds +03:00; taking 3 h off first gives the UTC wall clock.
        let c = EAT.components(of: date.addingTimeInterval(-Double(EAT.offset)))
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d+00:00", c.year, c.month, c.day, c.hour, c.minute, c.second)
    }

    /// Today's EAT day of the month (1…31).
    static var dayOfMonth: Int { EAT.components(of: Date()).day }

    /// Calendar-window tests compare what SQL's now() and Swift's Date() call "today": keep
    /// them off an EAT midnight by waiting it out when it is less than 90 s away.
    static func awayFromMidnight() async throws {
        let c = EAT.components(of: Date())
        let left = 86_400 - (c.hour * 3600 + c.minute * 60 + c.second)
        if left < 90 { try await Task.sleep(for: .seconds(left + 2)) }
    }
}

// MARK: - Rows

/// Feed coordinates that place a ticket (geo_source `feed`) without any gazetteer.
let feedPosition = ["latitude": "-1.2219", "longitude": "36.8986"]

/// An open ticket with these SLA clock fields (feed text; empty = unknown), placed by `extra`.
func openTicket(_ id: String, cluster: String = "Kasarani", status: String = "open", created: String = "",
                firstSeen: String = "", extra: [String: String] = feedPosition) -> [String: String] {
    var row = Fixtures.row(id, cluster: cluster, createdAt: created, extra: extra)
    row["normalized_status"] = status
    row["first_seen_at"] = firstSeen
    return row
}

/// A closed ticket (created 60 days ago) closed at `closedAt` (feed text).
func closedTicket(_ id: String, closedAt: String, cluster: String = "Kasarani", mttr: String = "5.25",
                  sla: String = "Compliant", extra: [String: String] = feedPosition) -> [String: String] {
    Fixtures.row(id, status: "closed", actionable: false, cluster: cluster, createdAt: EATText.hoursAgo(24 * 60),
                 closedAt: closedAt, mttr: mttr, extra: extra.merging(["sla_status": sla]) { $1 })
}

// MARK: - Typed columns

@Suite(.enabled(if: Integration.hasDatabase, "FLEETTICKETS_TEST_DATABASE_URL is not set"))
struct TypedColumnsTests {
    static let timestampColumns = SourceColumns.timestamps

    /// Feed text → the UTC instant (microseconds) its typed column must hold; nil = NULL.
    static let timestampShapes: [(String, String?)] = [
        ("2026-06-15 17:00:00", "2026-06-15T14:00:00.000000"),           // EAT → UTC
        ("2026-06-15T17:00:00", "2026-06-15T14:00:00.000000"),           // T separator
        ("2026-06-15t17:00:00", "2026-06-15T14:00:00.000000"),
        ("2026-06-15 17:00:00.123", "2026-06-15T14:00:00.123000"),       // fractional seconds
        ("2026-06-15T17:00:00,5", "2026-06-15T14:00:00.500000"),
        ("2026-06-15 17:00:00.1234567", "2026-06-15T14:00:00.123456"),   // truncated to µs
        ("2026-06-15 17:00", "2026-06-15T14:00:00.000000"),              // no seconds
        ("2026-06-15T17:00", "2026-06-15T14:00:00.000000"),
        ("2026-06-15T17:00:00Z", "2026-06-15T17:00:00.000000"),          // Z wins over EAT
        ("2026-06-15 17:00:00.25z", "2026-06-15T17:00:00.250000"),
        ("2026-06-15 17:00:00+01:00", "2026-06-15T16:00:00.000000"),     // explicit offsets win
        ("2026-06-15 17:00:00 +0100", "2026-06-15T16:00:00.000000"),
        ("2026-06-15 17:00:00-05", "2026-06-15T22:00:00.000000"),
        ("2026-06-15 17:00+03:00", "2026-06-15T14:00:00.000000"),
        ("2026-06-15 02:00:00", "2026-06-14T23:00:00.000000"),           // the UTC day before
        ("2026-06-15", "2026-06-14T21:00:00.000000"),                    // midnight EAT
        ("2026-06-15 24:00", "2026-06-15T21:00:00.000000"),              // rolls over as PostgreSQL does
        ("2026-06-15 23:59:60", "2026-06-15T21:00:00.000000"),
        ("", nil),                                                       // empty → NULL
        ("   ", nil),
        ("garbage", nil),                                                // never fails the ingest
        ("2026-02-30 10:00:00", nil),
        ("2026-06-15 17:00:00 EAT", nil),
    ]

    /// Every timestamp shape in every timestamp column, ingested by a writer in an odd session
    /// zone, read under UTC and under America/New_York: the same instants.
    @Test(arguments: [Dataset.inc, .crq])
    func timestampShapesBecomeUTCInstantsWhateverTheSessionZone(dataset: Dataset) async throws {
        let world = try ReadSchemaWorld()
        // The store's one connection (no concurrent calls here, so the pool reuses it).
        _ = try await world.store.onConnection { db in try db.execute("SET TimeZone = 'Pacific/Kiritimati'", purpose: "give the writer an odd zone") }
        let rows = Self.timestampShapes.enumerated().map { i, shape in
            Fixtures.row(String(format: "TS%02d", i), extra: Dictionary(uniqueKeysWithValues: Self.timestampColumns.map { ($0, shape.0) }))
        }
        let report = await world.ingest(dataset, rows)
        #expect(report.files.first?.counts.inserted == rows.count, "no shape fails the ingest")

        let select = "SELECT ticket_id, " + Self.timestampColumns
            .map { "to_char(\($0) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')" }
            .joined(separator: ", ") + " FROM \(dataset.table)"
        for zone in ["UTC", "America/New_York"] {
            try world.session(timeZone: zone)
            let got = try world.sql.keyed(select)
            for (i, (input, want)) in Self.timestampShapes.enumerated() {
                let id = String(format: "TS%02d", i)
                #expect(got[id] == Array(repeating: want, count: Self.timestampColumns.count),
                        "\(dataset) '\(input)' under \(zone)")
            }
            // The stored instant, compared as an instant and as the session renders it.
            let instant = try world.sql.rows(
                "SELECT closed_at = '2026-06-15T14:00:00Z'::timestamptz, closed_at::text FROM \(dataset.table) WHERE ticket_id = 'TS00'")
            #expect(instant.first?[0] == "t")
            #expect(instant.first?[1] == (zone == "UTC" ? "2026-06-15 14:00:00+00" : "2026-06-15 10:00:00-04"),
                    "the session zone only changes how the instant is shown")
        }
    }

    /// Feed text → is_actionable; nil = NULL.
    static let booleanSpellings: [(String, Bool?)] = [
        ("true", true), ("TRUE", true), ("True", true), ("1", true), ("yes", true), ("t", true), ("Y", true),
        (" yes ", true),
        ("false", false), ("FALSE", false), ("0", false), ("no", false), ("f", false), ("N", false),
        ("", nil), ("  ", nil), ("maybe", nil), ("on", nil),
    ]

    @Test(arguments: [Dataset.inc, .crq])
    func isActionableAcceptsEveryBooleanSpelling(dataset: Dataset) async throws {
        let world = try ReadSchemaWorld()
        let rows = Self.booleanSpellings.enumerated().map { i, s in
            Fixtures.row(String(format: "B%02d", i), extra: ["is_actionable": s.0])
        }
        await world.ingest(dataset, rows)
        let got = try world.sql.keyed("SELECT ticket_id, is_actionable::text, raw->>'is_actionable' FROM \(dataset.table)")
        for (i, (input, want)) in Self.booleanSpellings.enumerated() {
            let row = got[String(format: "B%02d", i)]
            #expect(row?[0] == want.map { $0 ? "true" : "false" }, "is_actionable '\(input)'")
            #expect(row?[1] == input, "raw keeps the text as received")
        }
    }

    /// Feed mttr (decimal hours) → whole minutes; nil = NULL.
    static let mttrCases: [(String, Int?)] = [
        ("26.45", 1587), ("5.25", 315), ("2", 120), (".5", 30), ("0.01", 1), ("0.0083", 0), (" 1.5 ", 90),
        ("-1.5", -90), ("", nil), ("n/a", nil), ("1,5", nil), ("1e3", nil), ("NaN", nil), ("35000000", nil),
    ]

    @Test(arguments: [Dataset.inc, .crq])
    func mttrBecomesWholeMinutes(dataset: Dataset) async throws {
        let world = try ReadSchemaWorld()
        let rows = Self.mttrCases.enumerated().map { i, c in
            Fixtures.row(String(format: "M%02d", i), status: "closed", actionable: false, mttr: c.0)
        }
        await world.ingest(dataset, rows)
        #expect(try world.sql.scalar(
            "SELECT data_type FROM information_schema.columns WHERE table_schema = 'tickets' AND table_name = $1 AND column_name = 'mttr'",
            [String(dataset.table.dropFirst("tickets.".count))], purpose: "read mttr's type") == "integer")
        let got = try world.sql.keyed("SELECT ticket_id, mttr::text FROM \(dataset.table)")
        for (i, (input, want)) in Self.mttrCases.enumerated() {
            #expect(got[String(format: "M%02d", i)] == [want.map(String.init)], "mttr '\(input)'")
        }
    }

    @Test(arguments: [Dataset.inc, .crq])
    func textColumnsFollowTheCaseRulesAndBlanksAreNull(dataset: Dataset) async throws {
        let world = try ReadSchemaWorld()
        await world.ingest(dataset, [
            Fixtures.row("T1", status: "in_progress", region: "Nairobi West",
                         extra: ["raw_status": "In Progress", "owner": "", "assigned_team": "   ", "sla_status": "Compliant"]),
            Fixtures.row("T2", cluster: "", region: "", location: "  ", extra: ["raw_status": "assigned", "bucket": ""]),
        ])
        let got = try world.sql.keyed("""
            SELECT ticket_id, region, raw_status, raw->>'region', raw->>'raw_status', normalized_status, owner,
                   assigned_team, sla_status, cluster, location_name, bucket
              FROM \(dataset.table)
            """)
        #expect(got["T1"] == ["nairobi west", "IN PROGRESS", "nairobi west", "IN PROGRESS", "in_progress", nil, nil,
                              "Compliant", "Kasarani", "NW_KASARANI_MWIKI_FDT12", "pending"])
        #expect(got["T2"] == [nil, "ASSIGNED", "", "ASSIGNED", "open", "J. Otieno", "FieldOps North",
                              "Compliant", nil, nil, nil])
    }

    /// raw is the source of truth: a re-emitted ticket with new values moves every typed column;
    /// an identical re-emission changes nothing.
    @Test func typedColumnsFollowRawOnUpdate() async throws {
        let world = try ReadSchemaWorld()
        await world.ingest(.inc, [Fixtures.row("U1", createdAt: "2026-06-14 08:15:00")])
        let closed = Fixtures.row("U1", status: "closed", actionable: false, createdAt: "2026-06-14 08:15:00",
                                  closedAt: "2026-06-15 17:00:00", mttr: "32.75")
        let second = await world.ingest(.inc, [closed])
        #expect(second.files.first?.counts.updated == 1)
        #expect(try world.sql.rows("""
            SELECT normalized_status, is_actionable::text, to_char(closed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'),
                   mttr::text, raw_status
              FROM tickets.inc WHERE ticket_id = 'U1'
            """) == [["closed", "false", "2026-06-15 14:00", "1965", "CLOSED"]])
        let third = await world.ingest(.inc, [closed])
        #expect(third.files.first?.counts.unchanged == 1)
        #expect(third.files.first?.counts.updated == 0)
    }

    @Test func incAndCrqLineUpColumnForColumn() throws {
        let world = try ReadSchemaWorld()
        let columns = { (table: String) in
            try world.sql.rows("""
                SELECT column_name, data_type, is_generated FROM information_schema.columns
                 WHERE table_schema = 'tickets' AND table_name = $1 ORDER BY ordinal_position
                """, [table])
        }
        let inc = try columns("inc")
        #expect(try columns("crq") == inc)
        let names = inc.compactMap { $0[0] }
        #expect(Set(SourceColumns.timestamps).isSubset(of: names))
        #expect(names.contains("mttr") && names.contains("geog") && names.contains("is_actionable"))
        #expect(!names.contains("is_alarm") && !names.contains("service_type") && !names.contains("is_auto_closed"))
    }
}

import FleetTicketsCore
@testable import FleetTicketsPostgres
import FleetTicketsTesting
import Foundation
import Testing

/// `PostgresTicketMapReader` hands on `reporting.fn_tickets_for_map`, and the in-memory reader
/// gives the same features and counts for the same change file (freshness aside: its values
/// are the in-memory store's text metadata).
@Suite(.enabled(if: Integration.hasDatabase, "FLEETTICKETS_TEST_DATABASE_URL is not set"))
struct TicketMapReaderTests {
    static let rows = [
        Fixtures.row("OPEN1", extra: ["latitude": "-1.2864", "longitude": "36.8172", "mttr": "1.5"]),
        Fixtures.row("OPEN2", extra: ["latitude": "-0.0917", "longitude": "34.7680"]),
        Fixtures.row("SHUT1", status: "closed", actionable: false, closedAt: "2026-06-15 07:00:00", mttr: "22.75",
                     extra: ["latitude": "-4.0435", "longitude": "39.6682"]),
        Fixtures.row("NOWHERE1"),
        Fixtures.row("NOWHERE2", status: "closed", actionable: false),
    ]

    @Test func theInMemoryReaderGivesTheFunctionsFeaturesAndCounts() async throws {
        let url = try Integration.freshDatabase()
        let postgres = try PostgresTicketStore(url: url, logger: Integration.logger)
        defer { postgres.close() }
        let memory = InMemoryTicketStore()
        let key = Fixtures.key(.inc, hour: 9)
        for store in [postgres, memory] as [any TicketStore] {
            let bucket = InMemoryChangeSource()
            bucket.put(key, text: Fixtures.csv(Self.rows))
            let report = await IngestEngine(source: bucket, store: store).run(.inc, options: IngestOptions(apply: true))
            try #require(report.failure == nil, "\(report.failure?.message ?? "")")
        }
        let reader = PostgresTicketMapReader(url: url, maxConnections: 1)
        defer { reader.close() }
        for openOnly in [true, false] {
            let fromDatabase = try Self.object(try await reader.ticketMapGeoJSON(openOnly: openOnly))
            let fromMemory = try Self.object(try await InMemoryTicketMapReader(store: memory).ticketMapGeoJSON(openOnly: openOnly))
            #expect(fromDatabase["type"] as? String == "FeatureCollection")
            let expectedIDs = openOnly ? ["OPEN1", "OPEN2"] : ["OPEN1", "OPEN2", "SHUT1"]
            for document in [fromDatabase, fromMemory] {
                #expect(Self.features(document).map { Self.properties($0)["ticket_id"] as? String } == expectedIDs)
            }
            for (db, mem) in zip(Self.features(fromDatabase), Self.features(fromMemory)) {
                #expect(try Self.canonical(Self.properties(db)) == Self.canonical(Self.properties(mem)))
                let a = try #require((db["geometry"] as? [String: Any])?["coordinates"] as? [Double])
                let b = try #require((mem["geometry"] as? [String: Any])?["coordinates"] as? [Double])
                #expect(a.count == 2 && zip(a, b).allSatisfy { abs($0 - $1) < 1e-9 }, "\(a) vs \(b)")
            }
            var dbSummary = try #require(fromDatabase["summary"] as? [String: Any])
            var memSummary = try #require(fromMemory["summary"] as? [String: Any])
            #expect(dbSummary["unplaced"] as? Int == (openOnly ? 1 : 2))
            let dbFreshness = dbSummary.removeValue(forKey: "freshness") as? [String: Any]
            let memFreshness = memSummary.removeValue(forKey: "freshness") as? [String: Any]
            #expect(try Self.canonical(dbSummary) == Self.canonical(memSummary))
            #expect(dbFreshness?.keys.sorted() == ["inc"] && memFreshness?.keys.sorted() == ["inc"])
        }
    }

    static func object(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// The JSON text with sorted keys: equal values give equal texts.
    static func canonical(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    static func features(_ document: [String: Any]) -> [[String: Any]] { document["features"] as? [[String: Any]] ?? [] }

    static func properties(_ feature: [String: Any]) -> [String: Any] { feature["properties"] as? [String: Any] ?? [:] }
}

import FleetTicketsCore
@testable import FleetTicketsPostgres
import FleetTicketsTesting
import Foundation
import Testing

@Suite(.enabled(if: Integration.hasDatabase, "FLEETTICKETS_TEST_DATABASE_URL is not set"))
struct GeocodeIntegrationTests {
    @Test func aGazetteerRunPlacesEveryKnownPlaceWithinItsClusterRadius() async throws {
        let store = try PostgresTicketStore(url: try Integration.freshDatabase(), logger: Integration.logger)
        let bucket = InMemoryChangeSource()
        StreamSimulator(.init(tickets: 200, days: 1, seed: 12)).load(into: bucket)
        for dataset in Dataset.all {
            let r = await IngestEngine(source: bucket, store: store, logger: Integration.logger).run(dataset, options: .init(apply: true))
            #expect(r.failure == nil)
        }
        // One place the gazetteer does not know, in a known cluster.
        let extra = InMemoryChangeSource()
        extra.put(Fixtures.key(.inc, day: 20, hour: 9), text: Fixtures.csv([Fixtures.row("WOT-UNKNOWN", cluster: "Kasarani", location: "NW_KASARANI_NOWHERE_FDT1")]))
        _ = await IngestEngine(source: extra, store: store, logger: Integration.logger).run(.inc, options: .init(apply: true))

        let gazetteer = try GazetteerGeocoder(csv: Array(SimulationCatalog.gazetteerCSV.utf8))
        let counting = CountingGeocoder(base: gazetteer)
        let engine = GeocodeEngine(store: store, geocoder: counting, settings: GeocodeSettings(budget: 1000), logger: Integration.logger)
        let clusters = try await engine.geocodeClusters(apply: true)
        #expect(clusters.hits == SimulationCatalog.clusters.count)
        let places = try await engine.geocodeLocations(apply: true)
        #expect(places.hits > 0 && places.misses == 1 && places.rejected == 0)

        // Every actionable ticket whose place the gazetteer knows is placed by location, within 25 km of its cluster.
        let r = try await store.onConnection { db in try db.execute("""
            SELECT t.ticket_id, t.geo_source, ST_Distance(t.geog, c.geom::geography) / 1000, t.raw->>'location_name'
            FROM (SELECT ticket_id, raw, geo_source, geog, is_actionable FROM tickets.inc
                  UNION ALL SELECT ticket_id, raw, geo_source, geog, is_actionable FROM tickets.crq) t
            JOIN tickets.geo_clusters c ON c.cluster = t.raw->>'cluster'
            WHERE t.is_actionable
            """, purpose: "check placements") }
        #expect(r.rowCount > 100)
        for i in 0..<r.rowCount {
            let id = r[i, 0] ?? "", source = r[i, 1] ?? "", km = Double(r[i, 2] ?? "") ?? .infinity
            if id == "WOT-UNKNOWN" {
                #expect(source == "cluster", "an unknown place falls back to its cluster")
            } else {
                #expect(source == "location", "\(id) at \(r[i, 3] ?? "")")
                #expect(km <= 25, "\(id) is \(km) km from its cluster")
            }
        }
        let unverified = try await store.onConnection { db in try db.scalar("SELECT count(*) FROM tickets.geo_locations WHERE verified", purpose: "check") }
        #expect(unverified == "0", "answers are saved for review, verified = false")

        let asked = counting.count
        let again = try await engine.geocodeLocations(apply: true)
        #expect(again.asked == 0 && counting.count == asked, "a second run asks nothing")

        let map = try await store.onConnection { db in try db.scalar("SELECT reporting.fn_tickets_for_map()::text", purpose: "map") }
        let json = try JSONSerialization.jsonObject(with: Data((map ?? "{}").utf8)) as? [String: Any]
        let features = json?["features"] as? [[String: Any]] ?? []
        #expect(features.count == r.rowCount, "every open ticket is on the map")
    }
}

/// Counts the requests that reach the wrapped geocoder.
final class CountingGeocoder: Geocoder, @unchecked Sendable {
    let base: any Geocoder
    private let lock = NSLock()
    private var n = 0
    init(base: any Geocoder) { self.base = base }
    var provider: String { base.provider }
    var count: Int { lock.withLock { n } }
    func candidates(for query: PlaceQuery) async throws -> [GeocodeCandidate] {
        lock.withLock { n += 1 }
        return try await base.candidates(for: query)
    }
}

import FleetTicketsCore
import FleetTicketsGeocode
import FleetTicketsTesting
import Foundation
import Testing

/// The engine driving the HTTP providers against the stub: the 25 km guard, quota and
/// credentials as the engine sees them.
@Suite struct GeocodeEngineOverHTTPTests {
    let store = InMemoryTicketStore()

    /// Actionable INC tickets at these places, and the Kasarani cluster located.
    func seed(_ rows: [(id: String, location: String)]) async throws {
        let bucket = InMemoryChangeSource()
        bucket.put(Fixtures.key(.inc, hour: 9), text: Fixtures.csv(rows.map { Fixtures.row($0.id, cluster: "Kasarani", location: $0.location) }))
        _ = await IngestEngine(source: bucket, store: store).run(.inc, options: .init(apply: true))
        try await store.save(clusters: [ClusterAnswer(cluster: "Kasarani", coordinate: ProviderStubs.kasarani, query: "Kasarani", provider: "t")])
    }

    func engine(_ geocoder: any Geocoder) -> GeocodeEngine {
        GeocodeEngine(store: store, geocoder: geocoder, settings: GeocodeSettings(budget: 100))
    }

    @Test func aHitNearTheClusterPlacesItsTickets() async throws {
        try await seed([("WOT1", "NW_KASARANI_MWIKI_FDT12")])
        let server = try StubGeocoderServer(ProviderStubs.hit(.locationiq))
        defer { server.stop() }
        let report = try await engine(ProviderStubs.geocoder(try ProviderStubs.configuration(.locationiq, server: server)))
            .geocodeLocations(apply: true)
        #expect(report.hits == 1 && report.rejected == 0 && report.provider == "locationiq")
        let cached = try #require(store.cachedLocations()["NW_KASARANI_MWIKI_FDT12"])
        #expect(cached.status == .hit && cached.coordinate == ProviderStubs.mwiki, "the near candidate, not the Kisumu namesake")
        #expect(report.newlyPlaced["location"] == 1)
        #expect(server.requests.first?.query["viewbox"] == "36.6473,-0.9719,37.1473,-1.4719")
    }

    @Test func aMissIsCachedAndNotAskedAgain() async throws {
        try await seed([("WOT1", "NW_KASARANI_CLAY_CITY")])
        let server = try StubGeocoderServer(ProviderStubs.miss(.opencage))
        defer { server.stop() }
        let geocoder = ProviderStubs.geocoder(try ProviderStubs.configuration(.opencage, server: server))
        let report = try await engine(geocoder).geocodeLocations(apply: true)
        #expect(report.misses == 1 && report.failed == 0)
        #expect(store.cachedLocations()["NW_KASARANI_CLAY_CITY"]?.status == .miss)
        #expect(try await engine(geocoder).geocodeLocations(apply: true).asked == 0)
        #expect(server.requests.count == 1)
    }

    @Test func aFarAwayAnswerIsRejected() async throws {
        try await seed([("WOT1", "NW_KASARANI_MILIMANI")])
        // Only a Kisumu "Milimani", 240 km from the Kasarani cluster.
        let server = try StubGeocoderServer(.json(200, """
            [{"place_id":"1","lat":"-0.0917","lon":"34.7680","display_name":"Milimani, Kisumu, Kenya","class":"place","type":"suburb","importance":0.4}]
            """))
        defer { server.stop() }
        let report = try await engine(ProviderStubs.geocoder(try ProviderStubs.configuration(.nominatim, server: server)))
            .geocodeLocations(apply: true)
        #expect(report.rejected == 1 && report.hits == 0)
        let cached = try #require(store.cachedLocations()["NW_KASARANI_MILIMANI"])
        #expect(cached.status == .rejected && (cached.distanceKilometres ?? 0) > 200)
        #expect(report.placementAfter["cluster"] == 1, "the ticket stays on its cluster centroid")
    }

    @Test func theQuotaStopsTheRunAndSaysSo() async throws {
        try await seed([("WOT1", "NW_KASARANI_MWIKI"), ("WOT2", "NW_KASARANI_MWIKI_FDT2"), ("WOT3", "NW_KASARANI_SUNTON"),
                        ("WOT4", "NW_KASARANI_CLAY_CITY")])
        let server = try StubGeocoderServer(ProviderStubs.openCageQuota)
        defer { server.stop() }
        let report = try await engine(ProviderStubs.geocoder(try ProviderStubs.configuration(.opencage, server: server)))
            .geocodeLocations(apply: true)
        #expect(server.requests.count == 1, "nothing more asked of an exhausted provider")
        #expect(report.stoppedEarly?.contains("opencage quota is exhausted (HTTP 402: quota exceeded)") == true, "\(report.stoppedEarly ?? "-")")
        #expect(report.failed == 0 && report.hits == 0)
        #expect(store.cachedLocations().isEmpty, "a quota failure is not cached as an answer")
    }

    @Test func aRefusedKeyIsAConfigurationErrorNamingTheVariable() async throws {
        try await seed([("WOT1", "NW_KASARANI_MWIKI"), ("WOT2", "NW_KASARANI_SUNTON")])
        let server = try StubGeocoderServer(ProviderStubs.unauthorized(.locationiq))
        defer { server.stop() }
        let engine = engine(ProviderStubs.geocoder(try ProviderStubs.configuration(.locationiq, server: server)))
        let error = await #expect(throws: GeocoderError.self) { try await engine.geocodeLocations(apply: true) }
        #expect(error == .unauthorized(provider: "locationiq", variable: "GEOCODER_API_KEY"))
        #expect("\(error!)" == "locationiq refused our credentials (401/403) from GEOCODER_API_KEY")
        #expect(server.requests.count == 1)
    }

    @Test func anOutageCountsAFailureAndTheRunGoesOn() async throws {
        try await seed([("WOT1", "NW_KASARANI_MWIKI"), ("WOT2", "NW_KASARANI_MWIKI_FDT4"), ("WOT3", "NW_KASARANI_SUNTON")])
        // Mwiki (asked first, most tickets) fails twice; Sunton is then found.
        let server = try StubGeocoderServer(ProviderStubs.serverError(.locationiq), ProviderStubs.serverError(.locationiq),
                                            ProviderStubs.hit(.locationiq))
        defer { server.stop() }
        let configuration = try ProviderStubs.configuration(.locationiq, server: server, maxRetries: 1)
        let report = try await engine(ProviderStubs.geocoder(configuration)).geocodeLocations(apply: true)
        #expect(report.failed == 1 && report.hits == 1)
        #expect(store.cachedLocations()["NW_KASARANI_MWIKI"] == nil, "a failure is asked again next run")
    }
}

import FleetTicketsCore
import FleetTicketsGeocode
import FleetTicketsTesting
import Foundation
import Testing

/// The budget and the rate as the provider sees them, against the loopback stub provider.
@Suite struct GeocodeBudgetAndPacingTests {
    let store = InMemoryTicketStore()

    func seed(_ rows: [(id: String, cluster: String, location: String)]) async throws {
        let bucket = InMemoryChangeSource()
        bucket.put(Fixtures.key(.inc, hour: 9), text: Fixtures.csv(rows.map { Fixtures.row($0.id, cluster: $0.cluster, location: $0.location) }))
        _ = await IngestEngine(source: bucket, store: store).run(.inc, options: .init(apply: true))
    }

    @Test func retriesCountAgainstTheBudget() async throws {
        try await seed([("WOT1", "Kasarani", "NW_KASARANI_MWIKI"), ("WOT2", "Nyali", "NW_NYALI_BAMBURI")])
        let server = try StubGeocoderServer(ProviderStubs.serverError(.locationiq))
        defer { server.stop() }
        let geocoder = ProviderStubs.geocoder(try ProviderStubs.configuration(.locationiq, server: server, maxRetries: 5))
        let report = try await GeocodeEngine(store: store, geocoder: geocoder, settings: GeocodeSettings(budget: 3))
            .geocodeClusters(apply: true)
        #expect(server.requests.count == 3, "a budget of 3 sends 3 requests, retries included")
        #expect(report.requests == 3 && report.budgetLeft == 0)
        #expect(report.stoppedEarly?.contains("budget") == true, "\(report.stoppedEarly ?? "-")")
        #expect(report.deferred == 2, "neither cluster was answered: both wait for the next run")
    }

    @Test func backToBackRunsKeepTheProvidersRateAsItSeesIt() async throws {
        try await seed([("WOT1", "Kasarani", "NW_KASARANI_MWIKI"), ("WOT2", "Kasarani", "NW_KASARANI_SUNTON"),
                        ("WOT3", "Nyali", "NW_NYALI_BAMBURI")])
        let server = try StubGeocoderServer(ProviderStubs.hit(.locationiq))
        defer { server.stop() }
        // LocationIQ's published free tier, as configured by default.
        let configuration = try ProviderStubs.configuration(.locationiq, server: server, rate: GeocoderProvider.locationiq.defaultRateLimit)
        // Each run builds its own geocoder (a new process would): only the store links them.
        let clusters = try await GeocodeEngine(store: store, geocoder: ProviderStubs.geocoder(configuration)).geocodeClusters(apply: true)
        let places = try await GeocodeEngine(store: store, geocoder: ProviderStubs.geocoder(configuration)).geocodeLocations(apply: true)
        #expect(clusters.requests == 2 && places.requests >= 1)
        let arrivals = server.requests.map(\.arrived)
        #expect(arrivals.count == clusters.requests + places.requests)
        let gaps = zip(arrivals, arrivals.dropFirst()).map { $0.duration(to: $1) }
        // What the provider must never see is two arrivals closer than its published 500 ms. The
        // limiter spaces sends 625 ms apart (25 % margin), and each send at least 500 ms after
        // the previous answer: a request delayed on the way (a slow connect on a busy machine)
        // once arrived 39 ms before the next one, on time, when only the sends were spaced.
        #expect(gaps.allSatisfy { $0 >= .milliseconds(500) }, "every gap, across the two runs too: \(gaps)")
        for i in 0..<max(0, arrivals.count - 2) {
            #expect(arrivals[i].duration(to: arrivals[i + 2]) > .seconds(1), "never three requests within one second")
        }
    }
}

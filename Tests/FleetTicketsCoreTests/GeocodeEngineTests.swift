import FleetTicketsCore
import FleetTicketsTesting
import Foundation
import Testing

@Suite struct GeocodeEngineTests {
    let store = InMemoryTicketStore()

    /// Actionable tickets at `location` in `cluster` (and one closed one, never geocoded).
    func seed(_ rows: [(id: String, cluster: String, location: String)], closed: [String] = [], into dataset: Dataset = .inc) async {
        var all = rows.map { Fixtures.row($0.id, cluster: $0.cluster, location: $0.location) }
        all += closed.map { Fixtures.row($0, status: "closed", actionable: false, cluster: "Kasarani", location: "NW_KASARANI_SUNTON") }
        let bucket = InMemoryChangeSource()
        bucket.put(Fixtures.key(dataset, hour: 9), text: Fixtures.csv(all))
        _ = await IngestEngine(source: bucket, store: store).run(dataset, options: .init(apply: true))
    }

    func engine(_ geocoder: any Geocoder, budget: Int = 100) -> GeocodeEngine {
        GeocodeEngine(store: store, geocoder: geocoder, settings: GeocodeSettings(budget: budget))
    }

    @Test func clustersGetOneCoordinateEach() async throws {
        await seed([("WOT1", "Kasarani", "NW_KASARANI_MWIKI"), ("WOT2", "Kasarani", "NW_KASARANI_MWIKI_FDT2"), ("WOT3", "Nyali", "NW_NYALI_BAMBURI")])
        let geocoder = ScriptedGeocoder(["Kasarani": .found(lat: -1.2219, lng: 36.8973), "Nyali": .found(lat: -4.0317, lng: 39.7150)])
        let report = try await engine(geocoder).geocodeClusters(apply: true)
        #expect(report.asked == 2 && report.hits == 2)
        #expect(geocoder.queries.map(\.text) == ["Kasarani", "Nyali"], "most tickets first")
        #expect(report.placementAfter["cluster"] == 3)
        #expect(try await store.clustersNeedingCoordinates(retryBefore: .distantPast).isEmpty)
    }

    @Test func placesAreAskedOncePerCleanNameNearTheirClusterAndCached() async throws {
        await seed([("WOT1", "Kasarani", "NW_KASARANI_MWIKI_FDT12"), ("WOT2", "Kasarani", "ADR_MNT_KASARANI_MWIKI_SDUS"),
                    ("WOT3", "Kasarani", "NW_KASARANI_CLAY_CITY")], closed: ["WOT9"])
        await seed([("CRQ1", "Kasarani", "NW_KASARANI_MWIKI_FDT12")], into: .crq)
        try await store.save(clusters: [ClusterAnswer(cluster: "Kasarani", coordinate: Coordinate(latitude: -1.2219, longitude: 36.8973), query: "Kasarani", provider: "t")])
        let geocoder = ScriptedGeocoder(["Kasarani Mwiki": .found(lat: -1.2149, lng: 36.9236), "Kasarani Clay City": .nothing])
        let report = try await engine(geocoder).geocodeLocations(apply: true)
        #expect(geocoder.queries.map(\.text) == ["Kasarani Mwiki", "Kasarani Clay City"], "one request per place, busiest first")
        #expect(geocoder.queries.first?.near == Coordinate(latitude: -1.2219, longitude: 36.8973))
        #expect(report.hits == 1 && report.misses == 1 && report.asked == 2)
        let cached = store.cachedLocations()
        #expect(cached["NW_KASARANI_MWIKI_FDT12"]?.status == .hit && cached["ADR_MNT_KASARANI_MWIKI_SDUS"]?.status == .hit)
        #expect(cached["NW_KASARANI_CLAY_CITY"]?.status == .miss)
        #expect(cached["NW_KASARANI_SUNTON"] == nil, "closed tickets are not geocoded")
        #expect(report.newlyPlaced["location"] == 3, "two INC and one CRQ ticket placed precisely")

        let again = try await engine(geocoder).geocodeLocations(apply: true)
        #expect(again.asked == 0, "everything cached")
        #expect(geocoder.queries.count == 2)
    }

    @Test func aFarAnswerIsRejectedAndCachedWithItsDistance() async throws {
        await seed([("WOT1", "Nyali", "NW_NYALI_MILIMANI")])
        try await store.save(clusters: [ClusterAnswer(cluster: "Nyali", coordinate: Coordinate(latitude: -4.0317, longitude: 39.7150), query: "Nyali", provider: "t")])
        // "Milimani" exists in Kisumu too: the provider's answer is 700 km from the cluster.
        let geocoder = ScriptedGeocoder(["Nyali Milimani": .found(lat: -0.1000, lng: 34.7600)])
        let report = try await engine(geocoder).geocodeLocations(apply: true)
        #expect(report.rejected == 1 && report.hits == 0)
        let cached = try #require(store.cachedLocations()["NW_NYALI_MILIMANI"])
        #expect(cached.status == .rejected)
        #expect((cached.distanceKilometres ?? 0) > 600)
        #expect(report.placementAfter["cluster"] == 1, "falls back to the cluster centroid")
    }

    @Test func theBudgetCutsThePlanBusiestFirstAndTheRestWaits() async throws {
        await seed([("WOT1", "Kasarani", "NW_KASARANI_MWIKI"), ("WOT2", "Kasarani", "NW_KASARANI_MWIKI_FDT1"),
                    ("WOT3", "Kasarani", "NW_KASARANI_SUNTON"), ("WOT4", "Kasarani", "NW_KASARANI_CLAY_CITY")])
        try await store.save(clusters: [ClusterAnswer(cluster: "Kasarani", coordinate: Coordinate(latitude: -1.2219, longitude: 36.8973), query: "Kasarani", provider: "t")])
        let geocoder = ScriptedGeocoder([String: ScriptedGeocoder.Answer]())
        let dry = try await engine(geocoder, budget: 1).geocodeLocations(apply: false)
        #expect(dry.asked == 1 && dry.deferred == 2 && geocoder.queries.isEmpty, "a dry run asks nothing")
        #expect(dry.sample.first?.hasPrefix("Kasarani Mwiki") == true)
        let real = try await engine(geocoder, budget: 1).geocodeLocations(apply: true)
        #expect(real.asked == 1 && real.budgetLeft == 0)
        #expect(geocoder.queries.map(\.text) == ["Kasarani Mwiki"])
    }

    @Test func placesOfAnUnlocatedClusterWaitForIt() async throws {
        await seed([("WOT1", "Rongai", "NW_RONGAI_TUALA")])
        let geocoder = ScriptedGeocoder([String: ScriptedGeocoder.Answer]())
        let report = try await engine(geocoder).geocodeLocations(apply: true)
        #expect(report.withoutCentroid == 1 && report.asked == 0)
    }

    @Test func quotaStopsAskingAndCredentialsAreAConfigurationError() async throws {
        await seed([("WOT1", "Kasarani", "NW_KASARANI_MWIKI"), ("WOT2", "Kasarani", "NW_KASARANI_MWIKI_FDT3"), ("WOT3", "Kasarani", "NW_KASARANI_SUNTON")])
        try await store.save(clusters: [ClusterAnswer(cluster: "Kasarani", coordinate: Coordinate(latitude: -1.2219, longitude: 36.8973), query: "Kasarani", provider: "t")])
        let quota = ScriptedGeocoder(["Kasarani Mwiki": .fail(.quotaExhausted(provider: "opencage", message: "402"))])
        let report = try await engine(quota).geocodeLocations(apply: true)
        #expect(report.stoppedEarly?.contains("quota") == true)
        #expect(quota.queries.count == 1, "nothing more asked of an exhausted provider")
        #expect(store.cachedLocations().isEmpty, "a failure is not cached as an answer")

        let flaky = ScriptedGeocoder(["Kasarani Mwiki": .fail(.unavailable(provider: "x", message: "500")), "Kasarani Sunton": .found(lat: -1.2283, lng: 36.8897)])
        let partial = try await engine(flaky).geocodeLocations(apply: true)
        #expect(partial.failed == 1 && partial.hits == 1, "an outage on one place does not stop the others")

        let denied = ScriptedGeocoder(["Kasarani Mwiki": .fail(.unauthorized(provider: "locationiq", variable: "GEOCODER_API_KEY"))])
        await #expect(throws: GeocoderError.self) { try await engine(denied).geocodeLocations(apply: true) }
    }

    @Test func theShippedGazetteerPlacesTheSimulatedStream() async throws {
        let gazetteer = try GazetteerGeocoder(csv: Array(SimulationCatalog.gazetteerCSV.utf8))
        let bucket = InMemoryChangeSource()
        StreamSimulator(.init(tickets: 120, days: 1, seed: 2)).load(into: bucket)
        for d in Dataset.all { _ = await IngestEngine(source: bucket, store: store).run(d, options: .init(apply: true)) }
        let clusters = try await engine(gazetteer).geocodeClusters(apply: true)
        #expect(clusters.misses == 0 && clusters.hits == SimulationCatalog.clusters.count)
        let places = try await engine(gazetteer, budget: 1000).geocodeLocations(apply: true)
        #expect(places.misses == 0 && places.rejected == 0 && places.hits > 0)
        #expect(try await store.placesNeedingGeocode(retryBefore: Date()).isEmpty)
        #expect((places.placementAfter["location"] ?? 0) > 0)
    }

    @Test func theCommittedGazetteerMatchesTheCatalog() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../data/gazetteer-kenya.csv")
        #expect(try String(contentsOf: file, encoding: .utf8) == SimulationCatalog.gazetteerCSV)
    }
}

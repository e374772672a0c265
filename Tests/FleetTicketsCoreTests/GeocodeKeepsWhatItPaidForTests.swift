import FleetTicketsCore
import FleetTicketsTesting
import Foundation
import Synchronization
import Testing

/// Geocoding keeps what it paid for (docs/contract.md §4): answers saved as they arrive, every request
/// against the budget, cluster misses cached, the provider's pacing kept across runs.
@Suite struct GeocodeKeepsWhatItPaidForTests {
    let store = InMemoryTicketStore()
    let kasarani = Coordinate(latitude: -1.2219, longitude: 36.8973)

    func seed(_ rows: [(id: String, cluster: String, location: String)]) async {
        let bucket = InMemoryChangeSource()
        bucket.put(Fixtures.key(.inc, hour: 9), text: Fixtures.csv(rows.map { Fixtures.row($0.id, cluster: $0.cluster, location: $0.location) }))
        _ = await IngestEngine(source: bucket, store: store).run(.inc, options: .init(apply: true))
    }

    @Test func answersBeforeARefusedKeyAreKept() async throws {
        await seed([("WOT1", "Kasarani", "NW_KASARANI_MWIKI"), ("WOT2", "Kasarani", "NW_KASARANI_MWIKI_FDT2"),
                    ("WOT3", "Kasarani", "NW_KASARANI_SUNTON"), ("WOT4", "Kasarani", "NW_KASARANI_CLAY_CITY")])
        try await store.save(clusters: [ClusterAnswer(cluster: "Kasarani", coordinate: kasarani, query: "Kasarani", provider: "t")])
        let geocoder = ScriptedGeocoder([
            "Kasarani Mwiki": .found(lat: -1.2149, lng: 36.9236), "Kasarani Clay City": .nothing,
            "Kasarani Sunton": .fail(.unauthorized(provider: "scripted", variable: "GEOCODER_API_KEY")),
        ])
        let engine = GeocodeEngine(store: store, geocoder: geocoder, settings: GeocodeSettings(budget: 10))
        await #expect(throws: GeocoderError.unauthorized(provider: "scripted", variable: "GEOCODER_API_KEY")) {
            try await engine.geocodeLocations(apply: true)
        }
        let cached = store.cachedLocations()
        #expect(geocoder.queries.map(\.text) == ["Kasarani Mwiki", "Kasarani Clay City", "Kasarani Sunton"])
        #expect(cached["NW_KASARANI_MWIKI"]?.status == .hit && cached["NW_KASARANI_MWIKI_FDT2"]?.status == .hit)
        #expect(cached["NW_KASARANI_CLAY_CITY"]?.status == .miss)
        #expect(cached["NW_KASARANI_SUNTON"] == nil)
        #expect(try await store.placement()["location"] == 2, "geometries resolved over what was kept")
    }

    @Test func eachAnswerIsSavedBeforeTheNextRequest() async throws {
        await seed([("WOT1", "Kasarani", "NW_KASARANI_MWIKI"), ("WOT2", "Kasarani", "NW_KASARANI_SUNTON")])
        try await store.save(clusters: [ClusterAnswer(cluster: "Kasarani", coordinate: kasarani, query: "Kasarani", provider: "t")])
        let probe = SavedWhenAsked(store: store, answer: GeocodeCandidate(coordinate: Coordinate(latitude: -1.215, longitude: 36.92), provider: "probe"))
        _ = try await GeocodeEngine(store: store, geocoder: probe, settings: GeocodeSettings(budget: 10)).geocodeLocations(apply: true)
        #expect(probe.cachedAtEachAsk == [0, 1], "the first answer was in the store when the second request went out")
    }

    @Test func clusterMissesAreCachedLikePlaceMisses() async throws {
        await seed([("WOT1", "Atlantis", "NW_ATLANTIS_X"), ("WOT2", "Kasarani", "NW_KASARANI_MWIKI")])
        let geocoder = ScriptedGeocoder(["Kasarani": .found(lat: -1.2219, lng: 36.8973)])
        let first = try await GeocodeEngine(store: store, geocoder: geocoder).geocodeClusters(apply: true)
        #expect(first.hits == 1 && first.misses == 1)
        #expect(store.cachedClusterMisses() == ["Atlantis"])
        let again = try await GeocodeEngine(store: store, geocoder: geocoder).geocodeClusters(apply: true)
        #expect(again.asked == 0 && geocoder.queries.count == 2, "the miss is not asked again within the retry period")
        let later = GeocodeEngine(store: store, geocoder: geocoder, clock: WallClock { Date().addingTimeInterval(31 * 86_400) })
        #expect(try await later.geocodeClusters(apply: true).asked == 1, "asked again once the retry period has passed")
    }

    @Test func theBudgetStopsTheRunAndTheRestIsDeferred() async throws {
        await seed([("WOT1", "A", "X"), ("WOT2", "B", "Y"), ("WOT3", "C", "Z")])
        let report = try await GeocodeEngine(store: store, geocoder: ScriptedGeocoder([String: ScriptedGeocoder.Answer]()), settings: GeocodeSettings(budget: 2))
            .geocodeClusters(apply: true)
        #expect(report.asked == 2 && report.requests == 2 && report.deferred == 1 && report.budgetLeft == 0)
    }

    @Test func anInvalidBudgetIsRefused() throws {
        #expect(try GeocodeSettings.budget(" 25 ", from: "GEOCODER_BUDGET") == 25)
        #expect(try GeocodeSettings.budget("0", from: "GEOCODER_BUDGET") == 0)
        for bad in ["abc", "-1", "1.5", "", "10k"] {
            let error = #expect(throws: GeocodeSettingsError.self) { try GeocodeSettings.budget(bad, from: "GEOCODER_BUDGET") }
            #expect(error?.message.contains("GEOCODER_BUDGET") == true)
        }
    }

    @Test func aRunWaitsOutThePacingLeftByTheRunBefore() async throws {
        await seed([("WOT1", "Kasarani", "NW_KASARANI_MWIKI")])
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        try await store.recordGeocoderRequest(provider: "paced", at: now.addingTimeInterval(-0.2))
        let slept = Mutex<[Duration]>([])
        let engine = GeocodeEngine(store: store, geocoder: PacedGeocoder(), clock: WallClock { now },
                                   sleep: { d in slept.withLock { $0.append(d) } })
        _ = try await engine.geocodeClusters(apply: true)
        let waits = slept.withLock { $0 }
        #expect(waits.count == 1)
        #expect(waits.first.map { $0 > .milliseconds(420) && $0 <= .milliseconds(430) } == true, "0.625 s pacing − 0.2 s already passed: \(waits)")
        #expect(try await store.lastGeocoderRequest(provider: "paced") == now, "the request this run sent is remembered")
    }
}

/// Records, at each request, how many place answers the store already holds.
private final class SavedWhenAsked: Geocoder {
    let provider = "probe"
    let store: InMemoryTicketStore
    let answer: GeocodeCandidate
    private let seen = Mutex<[Int]>([])
    init(store: InMemoryTicketStore, answer: GeocodeCandidate) {
        self.store = store
        self.answer = answer
    }
    var cachedAtEachAsk: [Int] { seen.withLock { $0 } }
    func candidates(for query: PlaceQuery) async throws -> [GeocodeCandidate] {
        let count = store.cachedLocations().count
        seen.withLock { $0.append(count) }
        return [answer]
    }
}

/// A provider with LocationIQ's pacing (2/s plus margin) that knows every place.
private struct PacedGeocoder: Geocoder {
    let provider = "paced"
    var pacing: Duration { .milliseconds(625) }
    func candidates(for query: PlaceQuery) async throws -> [GeocodeCandidate] {
        [GeocodeCandidate(coordinate: Coordinate(latitude: -1.2, longitude: 36.9), provider: provider)]
    }
}

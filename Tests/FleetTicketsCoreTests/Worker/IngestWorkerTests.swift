import FleetTicketsCore
import FleetTicketsTesting
import Foundation
import Synchronization
import Testing

/// The worker of docs/contract.md §9 driven tick by tick on a clock whose time moves only when it sleeps.
@Suite struct IngestWorkerTests {
    let bucket = InMemoryChangeSource()
    let store = InMemoryTicketStore()
    let clock = VirtualClock()

    func put(_ dataset: Dataset, hour: Int, _ ids: [String]) {
        bucket.put(Fixtures.key(dataset, hour: hour), text: Fixtures.csv(ids.map { Fixtures.row($0) }))
    }

    /// A worker over the shared bucket and store that stops after `ticks` ticks; `each` runs
    /// after every tick (on the worker's task, before it sleeps).
    func worker(ticks: Int, settings: WorkerSettings = WorkerSettings(), store: (any TicketStore)? = nil,
                connect: (@Sendable () async throws -> WorkerServices)? = nil, source: (any ChangeSource)? = nil,
                geocoder: (any Geocoder)? = nil,
                each: @escaping @Sendable (WorkerTick) -> Void = { _ in }) -> (IngestWorker<VirtualClock>, StopSignal, Recorder) {
        let stop = StopSignal()
        let recorder = Recorder()
        let mine = self.store
        let used = store ?? mine
        var worker = IngestWorker(source: source ?? bucket,
                                  connect: connect ?? { WorkerServices(store: used, runs: mine, gazetteer: mine) },
                                  geocoder: geocoder, settings: settings, sleepClock: clock)
        worker.onTick = { tick in
            recorder.append(tick)
            each(tick)
            if tick.number >= ticks { stop.request() }
        }
        return (worker, stop, recorder)
    }

    @Test func aFileThatLandsBetweenTicksIsAppliedAtTheNextTick() async throws {
        put(.inc, hour: 9, ["WOT1"])
        let bucket = self.bucket
        let (worker, stop, ticks) = worker(ticks: 3, each: { tick in
            if tick.number == 1 { bucket.put(Fixtures.key(.inc, hour: 10), text: Fixtures.csv([Fixtures.row("WOT2")])) }
        })
        let ran = await worker.run(until: stop)
        #expect(ran == 3)
        let applied = ticks.all.map { $0.reports.filter { $0.dataset == "inc" }.flatMap(\.files).map(\.key) }
        #expect(applied == [[Fixtures.key(.inc, hour: 9)], [Fixtures.key(.inc, hour: 10)], []])
        #expect(store.tickets(of: .inc).keys.sorted() == ["WOT1", "WOT2"])
        // Two sleeps of one interval each; the stop ends the third tick.
        #expect(clock.sleeps == [.seconds(60), .seconds(60)])
    }

    @Test func anIdleTickRecordsNothingAndCommitsNothing() async throws {
        put(.inc, hour: 9, ["WOT1"])
        let (worker, stop, _) = worker(ticks: 4)
        await worker.run(until: stop)
        #expect(store.commits == 1)
        #expect(store.recordedRuns.map(\.outcome) == [.ok])
        #expect(store.recordedRuns.first?.mode == .worker && store.recordedRuns.first?.filesApplied == 1)
        #expect(store.hookRuns(of: .inc) == [.captureHistory], "hooks run only after a tick that applied files")
    }

    @Test func aStopBetweenFilesFinishesAndArchivesTheFileInFlightAndLeavesTheRest() async throws {
        for hour in 9...11 { put(.inc, hour: hour, ["WOT\(hour)"]) }
        let stop = StopSignal()
        // The stop arrives while the first file is being read.
        let source = StopOnRead(base: bucket, stop: stop, key: Fixtures.key(.inc, hour: 9))
        var worker = IngestWorker(source: source, connect: { [store] in WorkerServices(store: store, runs: store, gazetteer: nil) },
                                  settings: WorkerSettings(datasets: [.inc]), sleepClock: clock)
        let reports = Recorder()
        worker.onTick = { reports.append($0) }
        let ran = await worker.run(until: stop)
        #expect(ran == 1)
        let report = try #require(reports.all.first?.reports.first)
        #expect(report.stopped)
        #expect(report.files.map(\.key) == [Fixtures.key(.inc, hour: 9)])
        #expect(report.files.first?.archived == true)
        #expect(bucket.keys.filter { $0.contains("/changes/") } == [Fixtures.key(.inc, hour: 10), Fixtures.key(.inc, hour: 11)])
        #expect(try await store.watermark(of: .inc) == Fixtures.key(.inc, hour: 9))
        #expect(try await store.withExclusiveAccess(to: .inc) { true } == true, "the lock is released")
        #expect(clock.sleeps.isEmpty, "no sleep after a stop")
    }

    @Test func dependencyFailuresBackOffDoublingToTheCapAndResetOnSuccess() async throws {
        put(.inc, hour: 9, ["WOT1"])
        let attempts = Mutex(0)
        let store = self.store
        let (worker, stop, ticks) = worker(ticks: 6, settings: WorkerSettings(datasets: [.inc], maxBackoff: .seconds(300)), connect: {
            let n = attempts.withLock { $0 += 1; return $0 }
            if n <= 4 { throw Unreachable() }
            return WorkerServices(store: store, runs: store, gazetteer: nil)
        })
        await worker.run(until: stop)
        #expect(clock.sleeps == [120, 240, 300, 300, 60].map { Duration.seconds($0) })
        let settings = WorkerSettings(every: .seconds(60), maxBackoff: .seconds(600))
        #expect((0...5).map { settings.delay(afterFailures: $0) } == [60, 120, 240, 480, 600, 600].map { Duration.seconds($0) })
        #expect(ticks.all.map { $0.failures["inc"] ?? -1 } == [1, 2, 3, 4, 0, 0])
        #expect(store.tickets(of: .inc).keys.sorted() == ["WOT1"], "applied once the database answered")
        // The failures the database could not take were kept and written once it answered.
        #expect(store.recordedRuns.map(\.outcome) == [.dependencyError, .dependencyError, .dependencyError, .dependencyError, .ok])
        #expect(store.recordedRuns.first?.error?.contains("could not open the database") == true)
    }

    @Test func aDataErrorParksOnlyItsDatasetUntilTheFileChanges() async throws {
        put(.inc, hour: 9, ["WOT1"])
        bucket.put(Fixtures.key(.inc, hour: 10), text: "ticket_id,region\n\"WOT2,nairobi\n")  // an unterminated quote
        put(.crq, hour: 9, ["CRQ1"])
        let bucket = self.bucket
        let (worker, stop, ticks) = worker(ticks: 4, each: { tick in
            if tick.number == 1 { bucket.put(Fixtures.key(.crq, hour: 10), text: Fixtures.csv([Fixtures.row("CRQ2")])) }
            if tick.number == 2 { bucket.put(Fixtures.key(.inc, hour: 10), text: Fixtures.csv([Fixtures.row("WOT2"), Fixtures.row("WOT3")])) }
        })
        await worker.run(until: stop)
        let t = ticks.all
        #expect(t[0].parked["inc"]?.key == Fixtures.key(.inc, hour: 10))
        #expect(t[0].reports.first { $0.dataset == "crq" }?.files.count == 1, "crq goes on")
        #expect(t[1].reports.map(\.dataset) == ["crq"], "a parked dataset is not drained while its file is unchanged")
        #expect(t[1].parked["inc"] != nil)
        #expect(t[2].parked.isEmpty, "a new upload of the file unparks the dataset")
        #expect(t[2].reports.first { $0.dataset == "inc" }?.files.map(\.key) == [Fixtures.key(.inc, hour: 10)])
        #expect(t[0].failures["inc"] == 0, "a data error is not a reason to back off")
        #expect(store.tickets(of: .inc).keys.sorted() == ["WOT1", "WOT2", "WOT3"])
        #expect(store.tickets(of: .crq).keys.sorted() == ["CRQ1", "CRQ2"])
        let inc = store.recordedRuns.filter { $0.dataset == "inc" }.map(\.outcome)
        #expect(inc == [.dataError, .ok])
        #expect(store.recordedRuns.first { $0.outcome == .dataError }?.errorKey == Fixtures.key(.inc, hour: 10))
    }

    @Test func aBusyDatasetIsRecordedWhenTheBusySpellStartsNotEveryTick() async throws {
        put(.inc, hour: 9, ["WOT1"])
        let busy = BusyStore(base: store)
        let (worker, stop, _) = worker(ticks: 3, settings: WorkerSettings(datasets: [.inc]), store: busy)
        await worker.run(until: stop)
        #expect(store.recordedRuns.map(\.outcome) == [.busy])
        #expect(store.commits == 0)
        #expect(clock.sleeps == [.seconds(60), .seconds(60)], "busy is not a failure: no backoff")
    }

    @Test func geocodesNewPlacesWithinTheBudgetAfterATickThatApplied() async throws {
        bucket.put(Fixtures.key(.inc, hour: 9), text: Fixtures.csv([
            Fixtures.row("WOT1", cluster: "Kasarani", location: "NW_KASARANI_MWIKI"),
            Fixtures.row("WOT2", cluster: "Kasarani", location: "NW_KASARANI_CLAY_CITY"),
            Fixtures.row("WOT3", cluster: "Kasarani", location: "NW_KASARANI_SUNTON"),
        ]))
        let geocoder = ScriptedGeocoder(["Kasarani": .found(lat: -1.2219, lng: 36.8973), "Kasarani Mwiki": .found(lat: -1.2149, lng: 36.9236)])
        let (worker, stop, ticks) = worker(ticks: 2, settings: WorkerSettings(datasets: [.inc], geocodeBudget: 2), geocoder: geocoder)
        await worker.run(until: stop)
        let first = ticks.all[0].geocode
        #expect(first.map(\.kind) == [.clusters, .locations])
        #expect(first.reduce(0) { $0 + $1.asked } == 2, "one budget for clusters and places")
        #expect(ticks.all[1].geocode.map { $0.asked } == [0, 2], "deferred places are asked at the next tick")
        #expect(geocoder.queries.count == 4, "one cluster and three places, each asked once")
    }
}

struct Unreachable: Error, CustomStringConvertible {
    var description: String { "connection refused" }
}

/// Collects ticks across tasks.
final class Recorder: Sendable {
    private let ticks = Mutex<[WorkerTick]>([])
    func append(_ tick: WorkerTick) { ticks.withLock { $0.append(tick) } }
    var all: [WorkerTick] { ticks.withLock { $0 } }
}

/// Requests a stop when a chosen key is read: a SIGTERM in the middle of a file.
struct StopOnRead: ChangeSource {
    let base: any ChangeSource
    let stop: StopSignal
    let key: String
    var location: String { base.location }
    func list(prefix: String) async throws -> [SourceObject] { try await base.list(prefix: prefix) }
    func read(_ key: String) async throws -> ByteChunks {
        if key == self.key { stop.request() }
        return try await base.read(key)
    }
    func move(_ key: String, to destination: String) async throws { try await base.move(key, to: destination) }
}

/// A store whose dataset lock is always held by someone else.
struct BusyStore: ForwardingTicketStore {
    let base: any TicketStore
    func withExclusiveAccess<T: Sendable>(to dataset: Dataset, _ body: () async throws -> T) async throws -> T? { nil }
}

extension IngestWorkerTests {
    @Test func aStopDuringGeocodingWaitsForOneRoundNotTheWholeBudget() async throws {
        let places = (1...6).map { Fixtures.row("WOT\($0)", cluster: "Kasarani", location: "NW_KASARANI_PLACE\($0)_FDT1") }
        bucket.put(Fixtures.key(.inc, hour: 9), text: Fixtures.csv(places))
        let geocoder = ScriptedGeocoder(["Kasarani": .found(lat: -1.2219, lng: 36.8973)])
        let stop = StopSignal()
        // The stop arrives while the first round asks its questions.
        let stopping = StopAfterQueries(base: geocoder, count: 1, stop: stop)
        var worker = IngestWorker(source: bucket, connect: { [store] in WorkerServices(store: store, runs: store, gazetteer: store) },
                                  geocoder: stopping, settings: WorkerSettings(datasets: [.inc], geocodeBudget: 100, geocodeRound: 2),
                                  sleepClock: clock)
        let ticks = Recorder()
        worker.onTick = { ticks.append($0) }
        await worker.run(until: stop)
        #expect(geocoder.queries.count == 2, "one round of two requests, then the stop")
        #expect(ticks.all.first?.geocode.map(\.asked) == [1, 1])
        #expect(try await store.clustersNeedingCoordinates(retryBefore: Date()).isEmpty, "the round's answers were saved")
    }
}

/// Requests a stop once `count` questions were asked.
struct StopAfterQueries: Geocoder {
    let base: ScriptedGeocoder
    let count: Int
    let stop: StopSignal
    var provider: String { base.provider }
    func candidates(for query: PlaceQuery) async throws -> [GeocodeCandidate] {
        defer { if base.queries.count >= count { stop.request() } }
        return try await base.candidates(for: query)
    }
}

import FleetTicketsCore
import FleetTicketsTesting
import Foundation
import MetricsTestKit
import Synchronization
import Testing

/// The SDK's metrics over the in-memory implementations, each test with its own recording
/// factory: the counters equal the reports' figures, gauges say where things stand.
@Suite struct FleetTicketsMetricsTests {
    typealias M = FleetTicketsMetrics
    let bucket = InMemoryChangeSource()
    let store = InMemoryTicketStore()
    let recorded = TestMetrics()
    let inc = (M.Label.dataset, "inc")
    /// The engines' wall clock: noon UTC on the fixtures' export day.
    let now = Date(timeIntervalSince1970: 1_781_524_800)

    func engine() -> IngestEngine {
        var engine = IngestEngine(source: bucket, store: store, clock: WallClock { [now] in now })
        engine.metrics = FleetTicketsMetrics(factory: recorded)
        return engine
    }

    func total(_ name: String, _ labels: (String, String)...) -> Int {
        Int(recorded.counterTotal(label: name, dimensions: labels))
    }

    func gauge(_ name: String, _ labels: (String, String)...) throws -> Double? {
        try recorded.expectGauge(name, labels).lastValue
    }

    @Test func afterADrainTheCountersEqualTheReportsFigures() async throws {
        bucket.put(Fixtures.key(.inc, hour: 9), text: Fixtures.csv([
            Fixtures.row("WOT1"), Fixtures.row("WOT2"), Fixtures.row("WOT3"), Fixtures.row("WOT4", alarm: true),
            Fixtures.row(""), Fixtures.row("WOT3", status: "closed", actionable: false),
        ]))
        bucket.put(Fixtures.key(.inc, hour: 10), text: Fixtures.csv([
            Fixtures.row("WOT1", status: "closed", actionable: false), Fixtures.row("WOT2"), Fixtures.row("WOT5"),
        ]))
        let report = await engine().run(.inc, options: IngestOptions(apply: true))
        try #require(report.failure == nil && report.files.count == 2)
        // The fixture reaches every outcome and drop reason it names, so a missed one shows.
        #expect(report.counts.updated == 1 && report.counts.unchanged == 1 && report.counts.inserted == 4)
        #expect(report.dropped == [.alarm: 1, .missingTicketID: 1, .superseded: 1])

        #expect(total(M.filesApplied, inc) == report.files.count)
        let byOutcome: [(M.RowOutcome, Int)] = [
            (.inserted, report.counts.inserted), (.updated, report.counts.updated), (.unchanged, report.counts.unchanged),
            (.stale, report.counts.stale), (.dropped, report.dropped.values.reduce(0, +)),
        ]
        for (outcome, rows) in byOutcome {
            #expect(total(M.rows, inc, (M.Label.outcome, outcome.rawValue)) == rows, "\(outcome)")
        }
        #expect(total(M.rows, inc) == report.rowsRead, "every row read has one outcome")
        for (reason, rows) in report.dropped {
            #expect(total(M.rowsDropped, inc, (M.Label.reason, reason.rawValue)) == rows, "\(reason)")
        }
        #expect(try recorded.expectTimer(M.fileApplySeconds, [inc]).values.count == 2, "one apply time per file")
        #expect(try gauge(M.filesWaiting, inc) == 0)
        let exported = try #require(ChangeKey(Fixtures.key(.inc, hour: 10))).exportedAt
        #expect(try gauge(M.newestExportTimestamp, inc) == exported.timeIntervalSince1970)
        #expect(try gauge(M.freshnessLagSeconds, inc) == now.timeIntervalSince(exported))
        #expect(total(M.failures, inc) == 0)
        #expect(recorded.counters(label: M.failures).count == M.FailureKind.allCases.count, "each kind's series exists, at 0")
    }

    @Test func aDataErrorCountsAFailureAndLeavesTheRestWaiting() async throws {
        bucket.put(Fixtures.key(.inc, hour: 9), text: Fixtures.csv([Fixtures.row("WOT1")]))
        bucket.put(Fixtures.key(.inc, hour: 10), text: "ticket_id,region\n\"WOT2,nairobi\n")  // an unterminated quote
        bucket.put(Fixtures.key(.inc, hour: 11), text: Fixtures.csv([Fixtures.row("WOT3")]))
        let report = await engine().run(.inc, options: IngestOptions(apply: true))
        #expect(report.failure?.kind == .data)
        #expect(total(M.filesApplied, inc) == 1)
        #expect(total(M.failures, inc, (M.Label.kind, M.FailureKind.data.rawValue)) == 1)
        #expect(total(M.failures, inc) == 1)
        #expect(try gauge(M.filesWaiting, inc) == 2, "the bad file and the one after it")
    }

    @Test func aDryRunEmitsNothing() async throws {
        bucket.put(Fixtures.key(.inc, hour: 9), text: Fixtures.csv([Fixtures.row("WOT1")]))
        let report = await engine().run(.inc, options: IngestOptions(apply: false))
        #expect(report.files.count == 1)
        #expect(recorded.counters.isEmpty && recorded.recorders.isEmpty && recorded.timers.isEmpty)
    }

    @Test func geocoderAnswersAreCountedByOutcomeAndEachQuestionTimed() async throws {
        bucket.put(Fixtures.key(.inc, hour: 9), text: Fixtures.csv([
            Fixtures.row("WOT1", cluster: "Kasarani"), Fixtures.row("WOT2", cluster: "Nyali", location: "NW_NYALI_BAMBURI"),
            Fixtures.row("WOT3", cluster: "Atlantis", location: "NW_ATLANTIS_X"),
        ]))
        _ = await IngestEngine(source: bucket, store: store).run(.inc, options: IngestOptions(apply: true))
        let geocoder = ScriptedGeocoder(["Kasarani": .found(lat: -1.2219, lng: 36.8973), "Nyali": .nothing,
                                         "Atlantis": .fail(.unavailable(provider: "scripted", message: "502"))])
        let report = try await GeocodeEngine(store: store, geocoder: geocoder, metrics: FleetTicketsMetrics(factory: recorded))
            .geocodeClusters(apply: true)
        #expect(report.hits == 1 && report.misses == 1 && report.failed == 1)
        let provider = (M.Label.provider, "scripted")
        for (outcome, n) in [(M.GeocodeOutcome.hit, 1), (.miss, 1), (.failed, 1)] {
            #expect(total(M.geocoderRequests, provider, (M.Label.outcome, outcome.rawValue)) == n, "\(outcome)")
        }
        #expect(total(M.geocoderRequests, provider) == report.asked)
        #expect(try recorded.expectTimer(M.geocoderRequestSeconds, [provider]).values.count == report.asked)
    }

    @Test func theWorkerSaysWhichDatasetIsParkedHowOldItsContentIsAndWhatBudgetIsLeft() async throws {
        bucket.put(Fixtures.key(.crq, hour: 9), text: Fixtures.csv([Fixtures.row("CRQ1", cluster: "Kasarani")]))
        bucket.put(Fixtures.key(.inc, hour: 9), text: "ticket_id,region\n\"WOT2,nairobi\n")  // parks inc
        let minutes = Mutex(0)
        let start = now
        let stop = StopSignal()
        let geocoder = ScriptedGeocoder(["Kasarani": .found(lat: -1.2219, lng: 36.8973)])
        let store = self.store
        var worker = IngestWorker(source: bucket, connect: { WorkerServices(store: store, runs: store, gazetteer: store) },
                                  geocoder: geocoder, settings: WorkerSettings(geocodeBudget: 5),
                                  clock: WallClock { start.addingTimeInterval(Double(minutes.withLock { $0 }) * 60) },
                                  sleepClock: VirtualClock())
        worker.metrics = FleetTicketsMetrics(factory: recorded)
        let ticks = Mutex<[WorkerTick]>([])
        let recorded = self.recorded
        let lags = Mutex<[Double]>([])
        worker.onTick = { tick in
            ticks.withLock { $0.append(tick) }
            lags.withLock { $0.append((try? recorded.expectGauge(M.freshnessLagSeconds, [(M.Label.dataset, "crq")]).lastValue) ?? -1) }
            minutes.withLock { $0 += 10 }
            if tick.number == 2 { stop.request() }
        }
        await worker.run(until: stop)
        let all = ticks.withLock { $0 }
        try #require(all.count == 2 && all[0].parked["inc"] != nil)
        #expect(try gauge(M.datasetParked, inc) == 1)
        #expect(try gauge(M.datasetParked, (M.Label.dataset, "crq")) == 0)
        let exported = try #require(ChangeKey(Fixtures.key(.crq, hour: 9))).exportedAt
        let first = start.timeIntervalSince(exported)
        #expect(lags.withLock { $0 } == [first, first + 600], "refreshed at every tick, also when nothing new was applied")
        let left = all.map { tick in Double(5 - tick.geocode.reduce(0) { $0 + $1.requests }) }
        #expect(left[0] < 5, "the first tick asked the provider")
        #expect(try recorded.expectGauge(M.geocodeBudgetLeft, [(M.Label.provider, "scripted")]).values == left)
        #expect(total(M.failures, inc, (M.Label.kind, M.FailureKind.data.rawValue)) == 1, "the parked dataset is not drained again")
    }
}

@testable import FleetTicketsCore
import FleetTicketsTesting
import Foundation
import Synchronization
import Testing

/// Runs are recorded where they happen — the engine hands each one to its recorder — by one
/// policy for the command line and the worker.
@Suite struct RunRecorderTests {
    let store = InMemoryTicketStore()
    let bucket = InMemoryChangeSource()
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func report(_ dataset: String = "inc", files: Int = 0, busy: Bool = false, failed: Bool = false, dryRun: Bool = false) -> IngestReport {
        var r = IngestReport(dataset: dataset, mode: dryRun ? .dryRun : .apply, source: "memory", reseed: false, startedAt: now)
        r.busy = busy
        r.files = (0..<files).map { FileReport(key: Fixtures.key(.inc, hour: 9 + $0), bytes: 1) }
        if failed { r.failure = IngestFailure(kind: .dependency, key: nil, line: nil, message: "The database went away.") }
        return r
    }

    @Test func theEngineRecordsAnApplyingRunOnceAndADryRunNever() async throws {
        bucket.put(Fixtures.key(.inc, hour: 9), text: Fixtures.csv([Fixtures.row("WOT1"), Fixtures.row("WOT2")]))
        var engine = IngestEngine(source: bucket, store: store, clock: WallClock { now })
        engine.recorder = RunRecorder(mode: .cli, log: store)
        _ = await engine.run(.crq, options: IngestOptions())
        #expect(store.recordedRuns.isEmpty, "a dry run writes nothing anywhere")
        _ = await engine.run(.inc, options: IngestOptions(apply: true))
        _ = await engine.run(.inc, options: IngestOptions(apply: true))
        let runs = store.recordedRuns
        #expect(runs.count == 1, "the second run had nothing new")
        #expect(runs.first?.mode == .cli && runs.first?.outcome == .ok && runs.first?.rowsRead == 2 && runs.first?.finishedAt == now)
    }

    @Test func aBusySpellIsRecordedWhenItStarts() async throws {
        let recorder = RunRecorder(mode: .worker, log: store)
        for busy in [true, true, false, true] { await recorder.record(report(busy: busy), finishedAt: now) }
        #expect(store.recordedRuns.map(\.outcome) == [.busy, .busy], "a new spell after a run that got the lock")
        await recorder.record(report("crq", busy: true), finishedAt: now)
        #expect(store.recordedRuns.count == 3, "spells are per dataset")
    }

    @Test func recordsTheLogRefusesAreKeptAndWrittenInOrderLater() async throws {
        let log = FlakyRunLog(base: store)
        log.down(true)
        let recorder = RunRecorder(mode: .worker, log: log, pendingLimit: 2)
        for n in 1...3 { await recorder.record(report(files: n), finishedAt: now) }
        #expect(store.recordedRuns.isEmpty)
        #expect(await recorder.unwritten.map(\.filesApplied) == [2, 3], "the oldest is dropped past the limit")
        log.down(false)
        await recorder.use(log)
        #expect(store.recordedRuns.map(\.filesApplied) == [2, 3])
        #expect(await recorder.unwritten.isEmpty)
    }

    @Test func withoutALogRecordsWaitForOne() async throws {
        let recorder = RunRecorder(mode: .worker)
        let run = await recorder.record(report(failed: true), finishedAt: now)
        #expect(run?.outcome == .dependencyError)
        #expect(await recorder.record(report(), finishedAt: now) == nil, "nothing new: no record")
        await recorder.use(store)
        #expect(store.recordedRuns.map(\.outcome) == [.dependencyError])
    }
}

/// A run log that refuses records while down.
final class FlakyRunLog: IngestRunLog {
    let base: InMemoryTicketStore
    private let isDown = Mutex(false)
    struct Down: Error {}

    init(base: InMemoryTicketStore) { self.base = base }
    func down(_ value: Bool) { isDown.withLock { $0 = value } }

    func record(_ run: IngestRun) async throws {
        if isDown.withLock({ $0 }) { throw Down() }
        try await base.record(run)
    }
    func recentRuns(of dataset: Dataset, limit: Int) async throws -> [IngestRun] { try await base.recentRuns(of: dataset, limit: limit) }
    func lastFailedRun(of dataset: Dataset) async throws -> IngestRun? { try await base.lastFailedRun(of: dataset) }
    func lockHolder(of dataset: Dataset) async throws -> LockHolder? { try await base.lockHolder(of: dataset) }
}

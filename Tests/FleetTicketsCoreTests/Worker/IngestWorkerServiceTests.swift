import FleetTicketsCore
import FleetTicketsTesting
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// The worker as a swift-service-lifecycle `Service` in a `ServiceGroup`: a graceful shutdown
/// in the middle of a large file finishes and archives that file and nothing after it; a
/// cancellation abandons the file at once and leaves nothing of it.
@Suite struct IngestWorkerServiceTests {
    let bucket = InMemoryChangeSource(chunkSize: 16 * 1024)
    let store = InMemoryTicketStore()
    let large = Fixtures.key(.inc, hour: 9)
    let next = Fixtures.key(.inc, hour: 10)
    static let largeRows = 20_000
    /// Chunks in the large file: the interruption comes near its middle, well past its first batch.
    let largeChunks: Int

    init() {
        let text = Fixtures.csv((1...Self.largeRows).map { Fixtures.row("WOT\($0)") })
        bucket.put(large, text: text)
        bucket.put(next, text: Fixtures.csv([Fixtures.row("WOTNEXT")]))
        largeChunks = (text.utf8.count + 16 * 1024 - 1) / (16 * 1024)
    }

    func group(_ source: any ChangeSource) -> ServiceGroup {
        let worker = IngestWorker(source: source, connect: { [store] in WorkerServices(store: store, runs: store, gazetteer: nil) },
                                  settings: WorkerSettings(datasets: [.inc]), sleepClock: VirtualClock())
        return ServiceGroup(services: [worker], gracefulShutdownSignals: [], cancellationSignals: [],
                            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    @Test func aGracefulShutdownInTheMiddleOfALargeFileAppliesAndArchivesItAndLeavesTheNext() async throws {
        let holder = Mutex<ServiceGroup?>(nil)
        let source = InterruptingChangeSource(wrapping: bucket, key: large, atChunk: largeChunks / 2) {
            await holder.withLock { $0 }?.triggerGracefulShutdown()
            // The reading task is the service's: wait until the shutdown has reached it.
            await waitUntil { Task.isShuttingDownGracefully }
        }
        let group = group(source)
        holder.withLock { $0 = group }
        try await group.run()

        #expect(source.chunksServed > largeChunks / 2, "the shutdown came in the middle of the file")
        let tickets = store.tickets(of: .inc)
        #expect(tickets.count == Self.largeRows, "all of the file in flight, not part of it")
        #expect(tickets["WOTNEXT"] == nil, "the next file untouched")
        #expect(try await store.appliedKeys(of: .inc, among: [large, next]) == [large])
        #expect(bucket.keys.filter { $0.hasPrefix(Dataset.inc.changesPrefix) } == [next], "the next file left in changes/")
        #expect(bucket.keys.contains { $0.hasPrefix(Dataset.inc.processedPrefix) && $0.hasSuffix(large.split(separator: "/").last!) },
                "the file in flight archived")
        #expect(try await store.withExclusiveAccess(to: .inc) { true } == true, "the lock is released")
        #expect(store.recordedRuns.map(\.outcome) == [.ok])
        #expect(store.recordedRuns.first?.filesApplied == 1)
    }

    @Test func aCancellationInTheMiddleOfALargeFileStopsAtOnceAndLeavesNothingOfIt() async throws {
        let holder = Mutex<Task<Void, any Error>?>(nil)
        let source = InterruptingChangeSource(wrapping: bucket, key: large, atChunk: largeChunks / 2) {
            // Cancelling the group's task reaches the worker's at once (a child task of it).
            await waitUntil { holder.withLock { $0 } != nil }
            holder.withLock { $0 }?.cancel()
        }
        let group = group(source)
        let running = Task { try await group.run() }
        holder.withLock { $0 = running }
        _ = await running.result

        #expect(source.chunksServed < largeChunks, "the rest of the file was never read: \(source.chunksServed) of \(largeChunks)")
        #expect(store.tickets(of: .inc).isEmpty, "nothing of the file in flight")
        #expect(try await store.appliedKeys(of: .inc, among: [large, next]).isEmpty)
        #expect(try await store.watermark(of: .inc) == nil)
        #expect(bucket.keys.filter { $0.hasPrefix(Dataset.inc.changesPrefix) } == [large, next], "nothing archived")
        #expect(try await store.withExclusiveAccess(to: .inc) { true } == true, "the lock is released")
        let run = try #require(store.recordedRuns.last)
        #expect(run.outcome == .dependencyError)
        #expect(run.error?.contains("cancelled while applying \(large)") == true, "\(run.error ?? "")")
    }

    @Test func runUntilAStopSignalEndsLikeAGracefulShutdown() async throws {
        let stop = StopSignal()
        let source = InterruptingChangeSource(wrapping: bucket, key: large, atChunk: largeChunks / 2) { stop.request() }
        let worker = IngestWorker(source: source, connect: { [store] in WorkerServices(store: store, runs: store, gazetteer: nil) },
                                  settings: WorkerSettings(datasets: [.inc]), sleepClock: VirtualClock())
        #expect(await worker.run(until: stop) == 1)
        #expect(store.tickets(of: .inc).count == Self.largeRows)
        #expect(bucket.keys.filter { $0.hasPrefix(Dataset.inc.changesPrefix) } == [next])
    }
}

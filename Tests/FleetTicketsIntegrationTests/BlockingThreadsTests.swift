@testable import FleetTicketsPostgres
import Foundation
import Synchronization
import Testing

/// `BlockingThreads` from many tasks at once: hermetic (no database), so it runs in every
/// `swift test`. Its unchecked `Sendable` rests on one lock guarding every stored var; these
/// tests hammer that.
@Suite struct BlockingThreadsTests {
    /// How many jobs run now, and the most that ever ran at once.
    final class Running: Sendable {
        let state = Mutex((now: 0, most: 0))
    }

    /// Never more than `limit` jobs at once, every job run exactly once, each result to its caller.
    @Test func manyTasksAtOnceGetTheirOwnResultsWithinTheLimit() async throws {
        let threads = BlockingThreads(limit: 3, name: "test.blocking")
        defer { threads.stop() }
        let running = Running()
        let results = await withTaskGroup(of: Int.self, returning: [Int].self) { group in
            for n in 0..<400 {
                group.addTask {
                    let result = await threads.result {
                        running.state.withLock { $0.now += 1; $0.most = max($0.most, $0.now) }
                        if n % 50 == 0 { Thread.sleep(forTimeInterval: 0.002) }  // some jobs hold a thread a while
                        running.state.withLock { $0.now -= 1 }
                        return n * 2
                    }
                    return try! result.get()
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.sorted() == (0..<400).map { $0 * 2 })
        let seen = running.state.withLock { $0 }
        #expect(seen.now == 0)
        #expect(seen.most <= 3 && seen.most >= 1, "at most the limit ran at once: \(seen.most)")
    }

    /// A job's error reaches its caller; a stopped pool still runs what is sent to it.
    @Test func errorsReachTheCallerAndJobsAfterStopStillRun() async throws {
        struct Boom: Error {}
        let threads = BlockingThreads(limit: 2, name: "test.blocking")
        let failed = await threads.result { () throws -> Int in throw Boom() }
        #expect(throws: Boom.self) { try failed.get() }
        threads.stop()
        let after = await withTaskGroup(of: Int.self, returning: Int.self) { group in
            for n in 0..<50 { group.addTask { (try? await threads.result { n }.get()) ?? -1 } }
            return await group.reduce(0, +)
        }
        #expect(after == (0..<50).reduce(0, +))
    }
}

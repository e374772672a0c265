import Dispatch
import Foundation
import Synchronization
import Testing
@testable import FleetTicketsHTTP

/// The threads blocking transfers run on: never a wait for another transfer, and reuse.
@Suite("HTTP transfer threads")
struct TransferThreadsTests {
    final class Counter: Sendable { let value = Atomic<Int>(0) }

    @Test func transfersBeyondTheKeptThreadsAllRunAtOnceThenThreadsAreKept() async throws {
        let threads = TransferThreads(keeping: 4)
        let count = 24
        let started = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        for _ in 0..<count {
            threads.run {
                started.signal()
                release.wait()
            }
        }
        // Every job is running at the same time: none waits for a thread to come free.
        for index in 0..<count {
            #expect(started.wait(timeout: .now() + 10) == .success, "job \(index + 1) of \(count) never started")
        }
        for _ in 0..<count { release.signal() }
        // The threads park, up to the number kept; the others end.
        for _ in 0..<200 where threads.idleCount < 4 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(threads.idleCount == 4)

        // A parked thread takes the next job.
        let done = DispatchSemaphore(value: 0)
        threads.run { done.signal() }
        #expect(done.wait(timeout: .now() + 10) == .success)
        for _ in 0..<200 where threads.idleCount < 4 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(threads.idleCount == 4, "the thread that ran it parked again")
    }

    @Test func jobsHandedInFromManyTasksAtOnceEachRunOnce() async throws {
        let threads = TransferThreads(keeping: 3)
        let (tasks, each) = (16, 125)
        let ran = Counter()
        let done = DispatchSemaphore(value: 0)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<tasks {
                group.addTask {
                    for _ in 0..<each {
                        threads.run {
                            ran.value.add(1, ordering: .relaxed)
                            done.signal()
                        }
                    }
                }
            }
        }
        for index in 0..<(tasks * each) {
            guard done.wait(timeout: .now() + 10) == .success else {
                Issue.record("job \(index + 1) of \(tasks * each) never ran")
                return
            }
        }
        try await Task.sleep(for: .milliseconds(50))
        #expect(ran.value.load(ordering: .relaxed) == tasks * each, "each job ran exactly once")
        #expect(threads.idleCount <= 3)
    }
}

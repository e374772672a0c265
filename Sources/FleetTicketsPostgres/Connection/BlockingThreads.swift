import Foundation

/// Threads of a connection pool's own, for the blocking libpq calls of its connections.
///
/// Not a dispatch queue: on Linux, Swift's default executor runs tasks on libdispatch's global
/// worker threads (as many as there are cores), and work sent to a concurrent dispatch queue
/// runs on those same threads. A connect waiting ten seconds for an unreachable server there
/// stalls the process's async work as surely as a call on the cooperative pool would; these
/// threads are outside libdispatch, so it never does.
///
/// At most `limit` threads, started as work arrives and kept parked while the owner lives; a
/// job waits for a thread only when `limit` jobs are already running. A pool never runs more
/// blocking jobs at once than it has connections, so with `limit` set to that, none waits.
final class BlockingThreads: @unchecked Sendable {  // every stored var is guarded by `condition`
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []
    private var threads = 0
    private var idle = 0
    private var stopping = false
    private let limit: Int
    private let name: String

    init(limit: Int, name: String) {
        self.limit = max(1, limit)
        self.name = name
    }

    deinit { stop() }

    /// Runs `body` on one of the threads; the calling task is suspended, not blocked, meanwhile.
    func result<T: Sendable>(of body: @escaping @Sendable () throws -> T) async -> Result<T, any Error> {
        await withCheckedContinuation { continuation in
            submit { continuation.resume(returning: Result { try body() }) }
        }
    }

    /// Lets idle threads end; jobs already sent (and any sent later) still run.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    private func submit(_ job: @escaping () -> Void) {
        condition.lock()
        defer { condition.unlock() }
        jobs.append(job)
        // Idle threads take waiting jobs one each; a job beyond them gets a new thread.
        if jobs.count > idle && threads < limit {
            threads += 1
            let thread = Thread { [self] in work() }
            thread.name = name
            thread.start()
        } else {
            condition.signal()
        }
    }

    private func work() {
        condition.lock()
        while true {
            while jobs.isEmpty {
                if stopping {
                    threads -= 1
                    condition.unlock()
                    return
                }
                idle += 1
                condition.wait()
                idle -= 1
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
            condition.lock()
        }
    }
}

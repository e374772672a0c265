import Synchronization

/// One pooled connection held across several steps (a transaction, a session advisory lock),
/// possibly shared by a task and its child tasks.
///
/// Every step runs on the pool's own threads, never on Swift's cooperative thread pool.
/// Tasks sharing a session take turns through `exclusively`, so one task's transaction is
/// never interleaved with another's statements. Once the holder gives the connection back,
/// the session is released and `exclusively` refuses (the caller then takes a connection
/// of its own), so a task that outlived the holder cannot reach a connection now lent to
/// someone else.
package final class PostgresSession: Sendable {
    /// The connection; use it only inside `run`.
    package let connection: PostgresConnection
    private let threads: BlockingThreads
    private let gate = AsyncGate()
    private let released = Mutex(false)

    init(connection: PostgresConnection, threads: BlockingThreads) {
        self.connection = connection
        self.threads = threads
    }

    /// Runs one blocking step with the connection on the pool's threads.
    package func run<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T {
        let conn = connection
        return try await threads.result { try body(conn) }.get()
    }

    /// Runs `body` as the session's only user, waiting (suspended) for others to finish;
    /// `.released` without running it once the holder has given the connection back.
    package func exclusively<T>(_ body: () async throws -> T) async throws -> Turn<T> {
        await gate.lock()
        defer { gate.unlock() }
        if released.withLock({ $0 }) { return .released }
        return .done(try await body())
    }

    /// What `exclusively` did.
    package enum Turn<T> {
        /// `body` ran and returned this.
        case done(T)
        /// The session was already given back; `body` did not run.
        case released
    }

    /// Marks the session released, after any turn in progress ends.
    func release() async {
        await gate.lock()
        released.withLock { $0 = true }
        gate.unlock()
    }
}

/// A lock for async code: waiters suspend instead of blocking a thread; first come, first served.
final class AsyncGate: Sendable {
    private struct State {
        var locked = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }
    private let state = Mutex(State())

    /// Waits (suspended) until the lock is free, then takes it.
    func lock() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let acquired = state.withLock { s -> Bool in
                if !s.locked { s.locked = true; return true }
                s.waiters.append(continuation)
                return false
            }
            if acquired { continuation.resume() }
        }
    }

    /// Hands the lock to the next waiter, or frees it.
    func unlock() {
        let next = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if s.waiters.isEmpty { s.locked = false; return nil }
            return s.waiters.removeFirst()
        }
        next?.resume()
    }
}

import Dispatch
import Logging
import Synchronization

/// A few libpq connections shared safely by many tasks.
///
/// A libpq connection is blocking and not thread-safe. The pool hands each connection to one
/// caller at a time, and runs the caller's blocking work on a dispatch queue of its own, never
/// on Swift's cooperative thread pool (whose few threads a slow query would otherwise stall).
/// A caller that finds every connection busy waits (suspended, not blocking) for the next one
/// released. A connection whose server went away is dropped and a new one opened on the next
/// checkout, so a pool outlives a database restart.
///
/// ```swift
/// let pool = PostgresConnectionPool(url: databaseURL, maxConnections: 4, logger: logger)
/// let open = try await pool.withConnection { db in
///     try db.scalar("SELECT count(*) FROM tickets.inc WHERE is_actionable", purpose: "count open incidents")
/// }
/// ```
package final class PostgresConnectionPool: Sendable {
    private struct State {
        var idle: [PostgresConnection] = []
        var open = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
        var closed = false
    }

    private let url: String
    private let maxConnections: Int
    private let logger: Logger
    private let prepare: @Sendable (PostgresConnection) throws -> Void
    private let state = Mutex(State())
    /// Where blocking libpq calls run: off the cooperative pool, at most `maxConnections` at once.
    private let queue = DispatchQueue(label: "fleettickets.postgres.pool", attributes: .concurrent)

    /// A pool of at most `maxConnections` connections to `url`, opened lazily.
    /// `prepare` runs once on each new connection (session settings, temp tables).
    /// `initial` connections (already prepared) start the pool idle, e.g. one opened eagerly so
    /// a bad URL fails at once.
    package init(
        url: String, maxConnections: Int = 4, logger: Logger, initial: [PostgresConnection] = [],
        prepare: @escaping @Sendable (PostgresConnection) throws -> Void = { _ in }
    ) {
        precondition(maxConnections > 0, "a pool needs at least one connection")
        precondition(initial.count <= maxConnections, "more initial connections than the pool holds")
        self.url = url
        self.maxConnections = maxConnections
        self.logger = logger
        self.prepare = prepare
        state.withLock { $0.idle = initial; $0.open = initial.count }
    }

    deinit { close() }

    /// Runs `body` with a connection of its own, off the cooperative pool.
    ///
    /// The connection is returned to the pool afterwards, or dropped when it is no longer alive
    /// or left inside a transaction. Throws what `body` or connecting throws.
    package func withConnection<T: Sendable>(
        file: String = #fileID, line: Int = #line,
        _ body: @escaping @Sendable (PostgresConnection) throws -> T
    ) async throws -> T {
        let conn = try await checkOut(file: file, line: line)
        let result: Result<T, any Error> = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: Result { try body(conn) })
            }
        }
        checkIn(conn)
        return try result.get()
    }

    /// Runs `body` holding one connection for several steps (a transaction, a session lock):
    /// each step goes through `PostgresSession.run`, off the cooperative pool. The connection
    /// is returned afterwards (dropped when dead or left inside a transaction), and the
    /// session marked released, so a task that kept a reference cannot use it any more.
    package func withSession<T>(
        file: String = #fileID, line: Int = #line,
        _ body: (PostgresSession) async throws -> T
    ) async throws -> T {
        let session = PostgresSession(connection: try await checkOut(file: file, line: line), queue: queue)
        let result: Result<T, any Error>
        do { result = .success(try await body(session)) } catch { result = .failure(error) }
        await session.release()
        checkIn(session.connection)
        return try result.get()
    }

    /// Closes idle connections and refuses new checkouts; connections in use close when returned.
    package func close() {
        let (idle, waiters) = state.withLock { state -> ([PostgresConnection], [CheckedContinuation<Void, Never>]) in
            state.closed = true
            defer { state.idle = []; state.waiters = [] }
            return (state.idle, state.waiters)
        }
        idle.forEach { $0.close() }
        waiters.forEach { $0.resume() }
    }

    private enum Slot { case reuse(PostgresConnection), openNew, wait, closed }

    private func checkOut(file: String, line: Int) async throws -> PostgresConnection {
        while true {
            let slot = state.withLock { state -> Slot in
                if state.closed { return .closed }
                if let conn = state.idle.popLast() { return .reuse(conn) }
                if state.open < maxConnections { state.open += 1; return .openNew }
                return .wait
            }
            switch slot {
            case .reuse(let conn):
                return conn
            case .closed:
                throw PostgresError(code: .closed, purpose: "check out a pooled connection",
                                    message: "the connection pool is closed", endpoint: PostgresURL(url)?.endpoint ?? "the configured server",
                                    file: file, line: line)
            case .openNew:
                do {
                    let url = self.url, logger = self.logger, prepare = self.prepare
                    let conn: PostgresConnection = try await withCheckedThrowingContinuation { continuation in
                        queue.async {
                            continuation.resume(with: Result {
                                let conn = try PostgresConnection(url: url, logger: logger, file: file, line: line)
                                try prepare(conn)
                                return conn
                            })
                        }
                    }
                    return conn
                } catch {
                    release(slotOf: nil)
                    throw error
                }
            case .wait:
                await withCheckedContinuation { continuation in
                    let resumeNow = state.withLock { state -> Bool in
                        // Re-check under the lock: a connection may have come back meanwhile.
                        if state.closed || !state.idle.isEmpty || state.open < maxConnections { return true }
                        state.waiters.append(continuation)
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            }
        }
    }

    private func checkIn(_ conn: PostgresConnection) {
        let healthy = conn.isAlive && !conn.isInTransaction
        if !healthy {
            logger.debug("dropping a pooled connection", metadata: ["endpoint": "\(conn.endpoint)"])
            conn.close()
        }
        release(slotOf: healthy ? conn : nil)
    }

    /// Gives a connection (or, with nil, its slot) back and wakes one waiter.
    private func release(slotOf conn: PostgresConnection?) {
        let (waiter, closeIt) = state.withLock { state -> (CheckedContinuation<Void, Never>?, Bool) in
            if let conn, !state.closed {
                state.idle.append(conn)
            } else {
                state.open -= 1
            }
            let waiter = state.waiters.isEmpty ? nil : state.waiters.removeFirst()
            return (waiter, conn != nil && state.closed)
        }
        if closeIt, let conn { conn.close() }
        waiter?.resume()
    }
}

import FleetTicketsCore
import CoreMetrics
import Logging
import Synchronization

/// A few libpq connections shared safely by many tasks: one budget of connections for the
/// store and every reader of a process.
///
/// A libpq connection is blocking and not thread-safe. The pool hands each connection to one
/// caller at a time, and runs the caller's blocking work (connecting included) on threads of
/// its own (one per connection at most), never on Swift's cooperative thread pool, whose few
/// threads a slow query or an unreachable server would otherwise stall. A caller that finds every connection busy
/// waits (suspended, not blocking) for the next one released. A connection whose server went
/// away is dropped and a new one opened on the next checkout, so a pool outlives a database
/// restart.
///
/// Share one pool between the store and the readers (`PostgresTicketStore(pool:)`,
/// `PostgresAnalyticsReader(pool:)`, `PostgresDispatchReader(pool:)`, `PostgresReportSource(pool:)`):
/// together they never hold more than `maxConnections` connections. `statistics` tells how many are open,
/// in use and waited for; the same figures go to swift-metrics as gauges, labelled with the
/// pool's `name` (dimension `pool`), whatever backend the process bootstrapped:
/// `fleettickets_pool_connections_open`, `_in_use` and `_waiting` (declared in `FleetTicketsMetrics`).
///
/// ```swift
/// let pool = try await PostgresConnectionPool.connect(url: databaseURL, maxConnections: 6, logger: logger)
/// let store = PostgresTicketStore(pool: pool)
/// let dispatch = PostgresDispatchReader(pool: pool)
/// print(pool.statistics)  // "2 of 3 open connections in use (at most 6), 0 waiting"
/// ```
public final class PostgresConnectionPool: Sendable {
    private struct State {
        var idle: [PostgresConnection] = []
        var open = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
        var closed = false
        var endpoint: String

        func statistics(maxConnections: Int) -> PostgresPoolStatistics {
            PostgresPoolStatistics(maxConnections: maxConnections, open: open, inUse: open - idle.count, waiting: waiters.count, isClosed: closed)
        }
    }

    /// The most connections the pool opens at once.
    public let maxConnections: Int
    /// Labels the pool's gauges (dimension `pool`) and its log lines.
    public let name: String
    private let url: String
    private let applicationName: String?
    private let logger: Logger
    private let gauges: Gauges
    private let state: Mutex<State>
    /// Where blocking libpq calls run: off the cooperative pool, at most `maxConnections` at once.
    private let threads: BlockingThreads

    /// A pool of at most `maxConnections` connections to `url` (a libpq URI or keyword string; its password
    /// never reaches logs or errors), opened when calls first need them: this never blocks and
    /// never fails, a bad URL or an unreachable server fails the first call. Use
    /// `connect(url:maxConnections:applicationName:name:metrics:logger:)` to find out at once.
    ///
    /// `applicationName`, when given, names every connection in `pg_stat_activity` (and so in
    /// `status`'s lock holder) over what the URL says, e.g. `fleettickets run HOST:PID`;
    /// PostgreSQL keeps its first 63 bytes. `metrics` receives the pool's gauges (by default the
    /// factory the process bootstrapped, none otherwise).
    public init(url: String, maxConnections: Int = 4, applicationName: String? = nil, name: String = "shared",
                metrics: any MetricsFactory = MetricsSystem.factory,
                logger: Logger = Logger(label: "fleettickets.postgres", factory: { _ in SwiftLogNoOpLogHandler() })) {
        precondition(maxConnections > 0, "a pool needs at least one connection")
        self.url = url
        self.maxConnections = maxConnections
        self.applicationName = applicationName
        self.name = name
        self.logger = logger
        self.gauges = Gauges(pool: name, factory: metrics)
        self.threads = BlockingThreads(limit: maxConnections, name: "fleettickets.postgres.\(name)")
        self.state = Mutex(State(endpoint: PostgresURL(url)?.endpoint ?? "the configured server"))
        gauges.record(state.withLock { $0.statistics(maxConnections: maxConnections) })
    }

    /// A pool with one connection opened now, on the pool's own threads, so a bad URL or
    /// an unreachable server fails here (after at most `connect_timeout` seconds, 10 unless the
    /// URL sets one) while other tasks go on. The rest open as calls need them; see
    /// `init(url:maxConnections:applicationName:name:metrics:logger:)` for the parameters.
    ///
    /// - Throws: `PostgresError` with code `.connect`; its text never contains the password.
    public static func connect(url: String, maxConnections: Int = 4, applicationName: String? = nil, name: String = "shared",
                               metrics: any MetricsFactory = MetricsSystem.factory,
                               logger: Logger = Logger(label: "fleettickets.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
    ) async throws -> PostgresConnectionPool {
        let pool = PostgresConnectionPool(url: url, maxConnections: maxConnections, applicationName: applicationName, name: name,
                                          metrics: metrics, logger: logger)
        do {
            try await pool.withConnection { _ in }
        } catch {
            pool.close()
            throw error
        }
        return pool
    }

    /// Opens one connection on the calling thread, blocking it while it connects: for
    /// synchronous callers only (`PostgresTicketStore.init(url:maxConnections:applicationName:logger:)`).
    package func connectBlocking(file: String = #fileID, line: Int = #line) throws {
        switch reserve() {
        case .reuse(let conn):
            release(slotOf: conn)
        case .openNew:
            do {
                release(slotOf: try open(file: file, line: line))
            } catch {
                release(slotOf: nil)
                throw error
            }
        case .wait, .closed:
            return
        }
    }

    deinit { close() }

    /// How many connections are open, in use and waited for, now.
    public var statistics: PostgresPoolStatistics { state.withLock { $0.statistics(maxConnections: maxConnections) } }

    /// Where the pool connects, `host:port/db` (never credentials): as the server's first
    /// connection resolved it, or as the URL says before any.
    public var endpoint: String { state.withLock { $0.endpoint } }

    /// Closes idle connections and refuses new checkouts (calls then fail with a `.closed`
    /// `PostgresError`); connections in use close when returned. Calling it twice is harmless.
    public func close() {
        let (idle, waiters) = state.withLock { state -> ([PostgresConnection], [CheckedContinuation<Void, Never>]) in
            guard !state.closed else { return ([], []) }
            state.closed = true
            state.open -= state.idle.count
            defer { state.idle = []; state.waiters = []; gauges.record(state.statistics(maxConnections: maxConnections)) }
            return (state.idle, state.waiters)
        }
        idle.forEach { $0.close() }
        waiters.forEach { $0.resume() }
        threads.stop()
    }

    /// Runs `body` with a connection of its own, off the cooperative pool.
    ///
    /// The connection is returned to the pool afterwards, or dropped when it is no longer alive
    /// or left inside a transaction. Throws what `body` or connecting throws.
    package func withConnection<T: Sendable>(
        file: String = #fileID, line: Int = #line,
        _ body: @escaping @Sendable (PostgresConnection) throws -> T
    ) async throws -> T {
        let conn = try await checkOut(file: file, line: line)
        let result = await threads.result { try body(conn) }
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
        let session = PostgresSession(connection: try await checkOut(file: file, line: line), threads: threads)
        let result: Result<T, any Error>
        do { result = .success(try await body(session)) } catch { result = .failure(error) }
        await session.release()
        checkIn(session.connection)
        return try result.get()
    }

    private enum Slot { case reuse(PostgresConnection), openNew, wait, closed }

    /// An idle connection, or the right to open one, or nothing yet.
    private func reserve() -> Slot {
        state.withLock { state -> Slot in
            if state.closed { return .closed }
            if let conn = state.idle.popLast() {
                gauges.record(state.statistics(maxConnections: maxConnections))
                return .reuse(conn)
            }
            if state.open < maxConnections {
                state.open += 1
                gauges.record(state.statistics(maxConnections: maxConnections))
                return .openNew
            }
            return .wait
        }
    }

    private func checkOut(file: String, line: Int) async throws -> PostgresConnection {
        while true {
            switch reserve() {
            case .reuse(let conn):
                return conn
            case .closed:
                throw PostgresError(code: .closed, purpose: "check out a pooled connection",
                                    message: "the connection pool is closed", endpoint: endpoint, file: file, line: line)
            case .openNew:
                do {
                    return try await threads.result { try self.open(file: file, line: line) }.get()
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
                        gauges.record(state.statistics(maxConnections: maxConnections))
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            }
        }
    }

    /// A new connection, named; blocking (call it on `threads` from async code).
    private func open(file: String, line: Int) throws -> PostgresConnection {
        let conn = try PostgresConnection(url: url, logger: logger, file: file, line: line)
        if let applicationName { try Self.name(conn, applicationName) }
        state.withLock { $0.endpoint = conn.endpoint }
        return conn
    }

    /// Sets a connection's `application_name` over what the URL says.
    private static func name(_ db: PostgresConnection, _ applicationName: String) throws {
        let name = String(applicationName.utf8.prefix(63)) ?? String(applicationName.prefix(63 / 4))
        try db.execute("SELECT set_config('application_name', $1, false)", [name], purpose: "set the application name")
    }

    private func checkIn(_ conn: PostgresConnection) {
        let healthy = conn.isAlive && !conn.isInTransaction
        if !healthy {
            logger.debug("dropping a pooled connection", metadata: ["endpoint": "\(conn.endpoint)", "pool": "\(name)"])
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
            gauges.record(state.statistics(maxConnections: maxConnections))
            return (waiter, conn != nil && state.closed)
        }
        if closeIt, let conn { conn.close() }
        waiter?.resume()
    }
}

/// What a `PostgresConnectionPool` holds at one moment.
public struct PostgresPoolStatistics: Sendable, Hashable, CustomStringConvertible {
    /// The most connections the pool opens at once.
    public var maxConnections: Int
    /// Connections open or being opened.
    public var open: Int
    /// Of the open connections, those lent to a caller (the rest are idle).
    public var inUse: Int
    /// Callers waiting for a connection because all `maxConnections` are in use.
    public var waiting: Int
    /// The pool was closed: no new checkouts.
    public var isClosed: Bool

    /// Open connections nobody is using.
    public var idle: Int { open - inUse }

    public var description: String {
        "\(inUse) of \(open) open connections in use (at most \(maxConnections)), \(waiting) waiting\(isClosed ? ", closed" : "")"
    }
}

/// The pool's gauges, recorded under the pool's lock so that they never go back in time.
private struct Gauges: Sendable {
    let open: Gauge
    let inUse: Gauge
    let waiting: Gauge

    init(pool: String, factory: any MetricsFactory) {
        let dimensions = [(FleetTicketsMetrics.Label.pool, pool)]
        open = Gauge(label: FleetTicketsMetrics.poolConnectionsOpen, dimensions: dimensions, factory: factory)
        inUse = Gauge(label: FleetTicketsMetrics.poolConnectionsInUse, dimensions: dimensions, factory: factory)
        waiting = Gauge(label: FleetTicketsMetrics.poolConnectionsWaiting, dimensions: dimensions, factory: factory)
    }

    func record(_ statistics: PostgresPoolStatistics) {
        open.record(statistics.open)
        inUse.record(statistics.inUse)
        waiting.record(statistics.waiting)
    }
}

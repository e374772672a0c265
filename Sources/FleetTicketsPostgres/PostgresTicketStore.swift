import FleetTicketsCore
import Foundation
import Logging

/// The `TicketStore` seam on PostgreSQL + PostGIS: the product's real home.
///
/// Safe to share between many tasks: it borrows libpq connections from a
/// `PostgresConnectionPool` (its own, or one shared with the readers), gives each call a
/// connection of its own for its duration, and runs every blocking libpq call on the pool's
/// own threads, never on Swift's cooperative threads. Calls made inside
/// `withExclusiveAccess` (on that task and its child tasks) use the connection that holds the
/// dataset lock, one call at a time, so the lock and the writes it guards share a session: if
/// that session dies, the lock goes and the write fails with it.
///
/// Applying a file is one transaction: rows streamed with `COPY` into a session staging
/// table, the last row per ticket kept, changed tickets updated and new ones inserted (an
/// identical `raw` is never rewritten, a row a newer file wrote is never replaced), then the
/// ledger row, the watermark and the freshness metadata. The dataset lock is a session
/// advisory lock, so it holds across processes and dies with the connection. A rehearsal (dry
/// run) is one transaction that is always rolled back, with a savepoint per file, so its
/// counts are exact.
///
/// ```swift
/// let store = try await PostgresTicketStore.connect(url: databaseURL, logger: logger)
/// let report = await IngestEngine(source: folder, store: store).run(.inc, options: .init(apply: true))
/// ```
public final class PostgresTicketStore: TicketStore, Sendable {
    let pool: PostgresConnectionPool
    /// The store opened `pool` (URL constructors) and closes it; a shared one is its owner's.
    private let ownsPool: Bool
    let logger: Logger
    /// Set on the scratch view handed to a rehearsal: every call runs on the rehearsal's
    /// session (inside its transaction); files use savepoints and never commit.
    let pinned: PostgresSession?
    /// Where the store is, `host:port/db` (never credentials).
    public var endpoint: String { pool.endpoint }
    /// True for the scratch view handed to a rehearsal.
    var rehearsing: Bool { pinned != nil }

    /// The sessions that `withExclusiveAccess` calls up the task tree hold, by store.
    @TaskLocal static var held: [ObjectIdentifier: PostgresSession] = [:]

    /// A store on connections of `pool`, which it may share with readers and other stores
    /// (their calls together never hold more than the pool's `maxConnections`). Never blocks;
    /// `close()` leaves the pool open, for its owner to close.
    public convenience init(pool: PostgresConnectionPool,
                            logger: Logger = Logger(label: "fleettickets.postgres", factory: { _ in SwiftLogNoOpLogHandler() })) {
        self.init(pool: pool, owned: false, logger: logger)
    }

    private init(pool: PostgresConnectionPool, owned: Bool, logger: Logger) {
        self.pool = pool
        self.ownsPool = owned
        self.logger = logger
        self.pinned = nil
    }

    /// Connects to the database at `url` (a libpq URI; its password never reaches logs or
    /// errors) with a pool of its own: one connection opens now, off the cooperative thread
    /// pool, so a bad URL or an unreachable server fails here while other tasks go on; up to
    /// `maxConnections` open as concurrent calls need them. `applicationName`, when given,
    /// names every connection in `pg_stat_activity` (and so in `status`'s lock holder), e.g.
    /// `fleettickets run HOST:PID`; PostgreSQL keeps its first 63 bytes.
    ///
    /// - Throws: `PostgresError` with code `.connect`; its text never contains the password.
    public static func connect(url: String, maxConnections: Int = 4, applicationName: String? = nil,
                               logger: Logger = Logger(label: "fleettickets.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
    ) async throws -> PostgresTicketStore {
        let pool = try await PostgresConnectionPool.connect(url: url, maxConnections: max(1, maxConnections),
                                                            applicationName: applicationName, name: "store", logger: logger)
        return PostgresTicketStore(pool: pool, owned: true, logger: logger)
    }

    /// Like `connect(url:maxConnections:applicationName:logger:)`, but **blocks the calling
    /// thread** while the first connection opens (up to `connect_timeout`, 10 seconds unless the
    /// URL sets one). For synchronous code only: from async code call `connect`, or a stalled
    /// server stalls one of Swift's few cooperative threads with it.
    public convenience init(url: String, maxConnections: Int = 4, applicationName: String? = nil,
                            logger: Logger = Logger(label: "fleettickets.postgres", factory: { _ in SwiftLogNoOpLogHandler() })) throws {
        let pool = PostgresConnectionPool(url: url, maxConnections: max(1, maxConnections), applicationName: applicationName,
                                          name: "store", logger: logger)
        try pool.connectBlocking()
        self.init(pool: pool, owned: true, logger: logger)
    }

    private init(rehearsalOn other: PostgresTicketStore, session: PostgresSession) {
        self.pool = other.pool
        self.ownsPool = false
        self.logger = other.logger
        self.pinned = session
    }

    /// Creates the session staging table on the connection, once per session: a pooled
    /// connection may have served only readers so far. Created inside a transaction (a
    /// rehearsal's), the table goes when that transaction rolls back, so it is remembered only
    /// when created outside one.
    static func prepareStaging(_ db: PostgresConnection) throws {
        guard !db.sessionObjects.contains("ft_stage") else { return }
        // raw is jsonb's own text for the object (StagedRowEncoder), parsed into jsonb only for
        // the rows written: an unchanged ticket is told by comparing texts. The typed columns
        // come computed (or, where typed is false, are computed by the database before the rows
        // are written).
        let columns = StagedRowEncoder.columnDefinitions.map { "\($0.name) \($0.type)" }.joined(separator: ", ")
        // A large file's merge is planned after ANALYZE of ticket_id (PostgresTicketStore+Apply):
        // what the plan needs is the row count and that the ids are distinct (they are, after
        // the de-duplication). A sample of 3,000 rows tells that as well as the default 30,000,
        // at a tenth of the cost on a large file. Both statements in one round trip.
        try db.simpleQuery("""
            CREATE TEMP TABLE IF NOT EXISTS ft_stage (\(columns)) ON COMMIT DELETE ROWS;
            ALTER TABLE ft_stage ALTER COLUMN ticket_id SET STATISTICS 10
            """, purpose: "create the session staging table")
        if !db.isInTransaction { db.sessionObjects.insert("ft_stage") }
    }

    /// Closes the store's own pool (also done when the store is released); calls in flight
    /// finish first. A store on a shared pool (`init(pool:)`) leaves it open.
    public func close() { if ownsPool { pool.close() } }

    /// The session this task already holds for the store, if any: a rehearsal's, or the one
    /// an enclosing `withExclusiveAccess` locked the dataset on.
    private var currentSession: PostgresSession? { pinned ?? Self.held[ObjectIdentifier(self)] }

    /// Runs one store call on a session for its whole duration: the task's current session
    /// (taking turns with the task's other users of it) or a pooled connection of its own.
    func operation<T>(_ body: (PostgresSession) async throws -> T) async throws -> T {
        if let session = currentSession, case let .done(value) = try await session.exclusively({ try await body(session) }) {
            return value
        }
        return try await pool.withSession(body)
    }

    /// One blocking step as a store call (see `operation`). Steps run for their effect may
    /// drop the statement's result.
    @discardableResult
    func onConnection<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T {
        try await operation { try await $0.run(body) }
    }

    /// Runs `body` holding a session without taking a turn on it: the calls inside take theirs.
    private func holdingSession<T>(_ body: (PostgresSession) async throws -> T) async throws -> T {
        if let session = currentSession { return try await body(session) }
        return try await pool.withSession(body)
    }

    public func watermark(of dataset: Dataset) async throws -> String? {
        try await onConnection { db in
            try db.scalar("SELECT metadata->>'source_max_key' FROM tickets.import_meta WHERE dataset = $1",
                          [dataset.name], purpose: "read the \(dataset) watermark")
        }
    }

    public func appliedKeys(of dataset: Dataset, among keys: [String]) async throws -> Set<String> {
        Set(try await appliedFingerprints(of: dataset, among: keys).keys)
    }

    public func appliedFingerprints(of dataset: Dataset, among keys: [String]) async throws -> [String: FileFingerprint] {
        guard !keys.isEmpty else { return [:] }
        let list = try jsonArray(keys)
        return try await onConnection { db in
            let result = try db.execute("""
                SELECT key, etag, bytes FROM tickets.ingest_ledger
                WHERE dataset = $1 AND key IN (SELECT jsonb_array_elements_text($2::jsonb))
                """, [dataset.name, list], purpose: "look up \(dataset) file fingerprints in the ledger")
            return (0..<result.rowCount).reduce(into: [:]) { out, i in
                guard let key = result[i, 0] else { return }
                out[key] = FileFingerprint(etag: result[i, 1], bytes: result[i, 2].flatMap { Int64($0) })
            }
        }
    }

    public func runHook(_ hook: PostApplyHook, for dataset: Dataset) async throws {
        let call = switch hook {
        case .captureHistory: "SELECT tickets.capture_history()::text"
        case .captureCRQHistory: "SELECT tickets.capture_crq_history()::text"
        }
        let summary = try await onConnection { db in try db.scalar(call, purpose: "capture the daily \(dataset) history") }
        logger.debug("captured history", metadata: ["dataset": "\(dataset)", "hook": "\(hook.rawValue)", "summary": "\(summary ?? "")"])
    }

    public func withExclusiveAccess<T: Sendable>(to dataset: Dataset, _ body: () async throws -> T) async throws -> T? {
        let key = PostgresConnection.advisoryLockKey(named: "ingest:\(dataset.name)")
        return try await holdingSession { session in
            guard try await step(on: session, { try $0.tryAdvisoryLock(key: key) }) == true else { return nil }
            do {
                var held = Self.held
                held[ObjectIdentifier(self)] = session
                let value = try await Self.$held.withValue(held) { try await body() }
                _ = try? await step(on: session) { try $0.advisoryUnlock(key: key) }
                return value
            } catch {
                // A dead session has lost the lock with it; the pool drops the connection.
                _ = try? await step(on: session) { try $0.advisoryUnlock(key: key) }
                throw error
            }
        }
    }

    public func rehearse<T: Sendable>(_ body: (any TicketStore) async throws -> T) async throws -> T {
        try await holdingSession { session in
            try await step(on: session) { db in
                try Self.prepareStaging(db)
                try db.begin(purpose: "begin a dry run")
            }
            do {
                let value = try await body(PostgresTicketStore(rehearsalOn: self, session: session))
                _ = try? await step(on: session) { try $0.rollback(purpose: "discard the dry run") }
                return value
            } catch {
                _ = try? await step(on: session) { try $0.rollback(purpose: "discard the dry run") }
                throw error
            }
        }
    }

    /// One blocking step on a held session, taking its turn; nil once the session is released.
    @discardableResult
    private func step<T: Sendable>(on session: PostgresSession, _ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T? {
        guard case let .done(value) = try await session.exclusively({ try await session.run(body) }) else { return nil }
        return value
    }

    func jsonArray(_ values: [String]) throws -> String {
        String(decoding: try JSONEncoder().encode(values), as: UTF8.self)
    }
}

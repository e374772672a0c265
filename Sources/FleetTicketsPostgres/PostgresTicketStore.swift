import FleetTicketsCore
import Foundation
import Logging

/// The `TicketStore` seam on PostgreSQL + PostGIS: the product's real home.
///
/// One connection, used by one run at a time. Applying a file is one transaction: rows
/// streamed with `COPY` into a session staging table, the last row per ticket kept, changed
/// tickets updated and new ones inserted (an identical `raw` is never rewritten), then the
/// ledger row, the watermark and the freshness metadata. The dataset lock is a session
/// advisory lock, so it holds across processes and dies with the connection. A rehearsal
/// (dry run) is one transaction that is always rolled back, with a savepoint per file, so its
/// counts are exact.
///
/// ```swift
/// let store = try PostgresTicketStore(url: databaseURL, logger: logger)
/// let report = await IngestEngine(source: folder, store: store).run(.inc, options: .init(apply: true))
/// ```
public final class PostgresTicketStore: TicketStore, @unchecked Sendable {
    let db: PostgresConnection
    let logger: Logger
    /// True for the scratch view handed to a rehearsal: files use savepoints, never commit.
    let rehearsing: Bool

    /// Connects to the database at `url` (a libpq URI; its password never reaches logs or errors).
    public init(url: String, logger: Logger = Logger(label: "fleettickets.postgres", factory: { _ in SwiftLogNoOpLogHandler() })) throws {
        self.db = try PostgresConnection(url: url, logger: logger)
        self.logger = logger
        self.rehearsing = false
        try db.execute("""
            CREATE TEMP TABLE IF NOT EXISTS ft_stage (ord bigint NOT NULL, ticket_id text NOT NULL, raw text NOT NULL)
            """, purpose: "create the session staging table")
    }

    private init(rehearsalOn other: PostgresTicketStore) {
        self.db = other.db
        self.logger = other.logger
        self.rehearsing = true
    }

    /// Where the store is, `host:port/db` (never credentials).
    public var endpoint: String { db.endpoint }

    /// Closes the connection (also done when the store is released).
    public func close() { db.close() }

    public func watermark(of dataset: Dataset) async throws -> String? {
        try db.scalar("SELECT metadata->>'source_max_key' FROM tickets.import_meta WHERE dataset = $1",
                      [dataset.name], purpose: "read the \(dataset) watermark")
    }

    public func appliedKeys(of dataset: Dataset, among keys: [String]) async throws -> Set<String> {
        guard !keys.isEmpty else { return [] }
        let result = try db.execute("""
            SELECT key FROM tickets.ingest_ledger
            WHERE dataset = $1 AND key IN (SELECT jsonb_array_elements_text($2::jsonb))
            """, [dataset.name, try jsonArray(keys)], purpose: "look up \(dataset) files in the ledger")
        return Set((0..<result.rowCount).compactMap { result[$0, 0] })
    }

    public func runHook(_ hook: PostApplyHook, for dataset: Dataset) async throws {
        let call = switch hook {
        case .captureHistory: "SELECT tickets.capture_history()::text"
        case .captureCRQHistory: "SELECT tickets.capture_crq_history()::text"
        }
        let summary = try db.scalar(call, purpose: "capture the daily \(dataset) history")
        logger.debug("captured history", metadata: ["dataset": "\(dataset)", "hook": "\(hook.rawValue)", "summary": "\(summary ?? "")"])
    }

    public func withExclusiveAccess<T: Sendable>(to dataset: Dataset, _ body: () async throws -> T) async throws -> T? {
        let key = PostgresConnection.advisoryLockKey(named: "ingest:\(dataset.name)")
        guard try db.tryAdvisoryLock(key: key) else { return nil }
        do {
            let value = try await body()
            _ = try? db.advisoryUnlock(key: key)
            return value
        } catch {
            _ = try? db.advisoryUnlock(key: key)
            throw error
        }
    }

    public func rehearse<T: Sendable>(_ body: (any TicketStore) async throws -> T) async throws -> T {
        try db.begin(purpose: "begin a dry run")
        defer { try? db.rollback(purpose: "discard the dry run") }
        return try await body(PostgresTicketStore(rehearsalOn: self))
    }

    func jsonArray(_ values: [String]) throws -> String {
        String(decoding: try JSONEncoder().encode(values), as: UTF8.self)
    }
}

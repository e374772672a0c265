import FleetTicketsCore
import Foundation
import Logging

/// The `AnalyticsReader` seam on PostgreSQL: trend figures and team closure attribution,
/// answered by the same SQL functions the dashboard calls (`reporting.fn_trends`,
/// `reporting.fn_team_closures`), decoded into the typed values.
///
/// Safe to call from many tasks at once: each call borrows a connection of a pool (its own,
/// or one shared with the store and the other readers) and runs its query off Swift's
/// cooperative threads.
///
/// ```swift
/// let reader = PostgresAnalyticsReader(pool: pool)  // or PostgresAnalyticsReader(url: databaseURL)
/// let week = try await reader.trends(TrendQuery(dataset: "inc", from: "2026-06-08", to: "2026-06-14"))
/// for point in week.points { print(point.period, point.opened, point.closed, point.backlogAtEnd ?? 0) }
/// ```
public final class PostgresAnalyticsReader: AnalyticsReader {
    private let pool: PostgresConnectionPool
    /// The reader opened `pool` (`init(url:)`) and closes it; a shared one is its owner's.
    private let ownsPool: Bool

    /// A reader of the database at `url` (a libpq URI; its password never reaches logs or
    /// errors) with a pool of its own of at most `maxConnections` connections, opened when
    /// first needed: this never blocks, a bad URL fails the first call.
    public init(
        url: String, maxConnections: Int = 2,
        logger: Logger = Logger(label: "fleettickets.analytics", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        pool = PostgresConnectionPool(url: url, maxConnections: maxConnections, name: "analytics", logger: logger)
        ownsPool = true
    }

    /// A reader on connections of `pool`, shared with the store and other readers; never blocks.
    /// `close()` leaves the pool open, for its owner to close.
    public init(pool: PostgresConnectionPool) {
        self.pool = pool
        ownsPool = false
    }

    /// Closes the reader's own pool (also done when the reader is released); a shared pool stays open.
    public func close() { if ownsPool { pool.close() } }

    public func trends(_ query: TrendQuery) async throws -> TrendReport {
        try await call(
            "SELECT reporting.fn_trends($1, $2::date, $3::date, $4, $5)::text",
            [query.dataset, query.from, query.to, query.grain.rawValue, query.split.rawValue],
            function: "reporting.fn_trends", purpose: "read the \(query.dataset) trends from \(query.from) to \(query.to)")
    }

    public func teamClosures(_ query: TeamClosureQuery) async throws -> TeamClosureReport {
        try await call(
            "SELECT reporting.fn_team_closures($1, $2::date, $3::date, $4::boolean)::text",
            [query.dataset, query.from, query.to, query.byOwner ? "true" : "false"],
            function: "reporting.fn_team_closures",
            purpose: "read the \(query.dataset) team closures from \(query.from) to \(query.to)")
    }

    /// Runs one reporting function and decodes its JSON.
    private func call<T: Decodable & Sendable>(
        _ sql: String, _ params: [String?], function: String, purpose: String
    ) async throws -> T {
        let (text, endpoint) = try await pool.withConnection { db in (try db.scalar(sql, params, purpose: purpose), db.endpoint) }
        return try PostgresError.decodingAnswer(text, of: function, purpose: purpose, endpoint: endpoint) {
            try JSONDecoder().decode(T.self, from: $0)
        }
    }
}

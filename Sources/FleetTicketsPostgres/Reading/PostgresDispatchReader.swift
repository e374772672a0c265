import FleetTicketsCore
import Foundation
import Logging

/// The `DispatchReader` on PostgreSQL + PostGIS: every question is one call of
/// `reporting.fn_dispatch_nearest` (migration 22), the function the dashboard calls, so the
/// SDK and the dashboard always agree.
///
/// Safe to share between many tasks: calls run on a pool of connections (its own of at most
/// `maxConnections`, or one shared with the store and the other readers), off Swift's
/// cooperative threads; a caller finding every connection busy waits for one. Connections
/// open lazily; a connection the server dropped is replaced on the next call.
///
/// ```swift
/// let reader = PostgresDispatchReader(pool: pool)  // or PostgresDispatchReader(url: databaseURL, maxConnections: 8)
/// let near = try await reader.nearestOpenTickets(try NearbyQuery(near: fix, limit: 5, withinKilometres: 10))
/// ```
public final class PostgresDispatchReader: DispatchReader {
    private let pool: PostgresConnectionPool
    /// The reader opened `pool` (`init(url:)`) and closes it; a shared one is its owner's.
    private let ownsPool: Bool

    /// A reader on the database at `url` (a libpq URI; its password never appears in errors)
    /// with a pool of its own, opened when first needed: this never blocks, a bad URL fails
    /// the first call.
    public init(url: String, maxConnections: Int = 4,
                logger: Logger = Logger(label: "fleettickets.dispatch", factory: { _ in SwiftLogNoOpLogHandler() })) {
        pool = PostgresConnectionPool(url: url, maxConnections: maxConnections, name: "dispatch", logger: logger)
        ownsPool = true
    }

    /// A reader on connections of `pool`, shared with the store and other readers; never blocks.
    /// `close()` leaves the pool open, for its owner to close.
    public init(pool: PostgresConnectionPool) {
        self.pool = pool
        ownsPool = false
    }

    /// Closes the reader's own pool (later calls fail); a shared pool stays open.
    public func close() { if ownsPool { pool.close() } }

    /// One call of `reporting.fn_dispatch_nearest` on a pooled connection, decoded.
    public func nearestOpenTickets(_ query: NearbyQuery) async throws -> NearbyTickets {
        let params: [String?] = [
            String(query.position.latitude), String(query.position.longitude), String(query.limit),
            query.withinKilometres.map { String($0) }, query.rank.rawValue,
        ]
        let purpose = "find the open tickets nearest to a fix"
        let (text, endpoint) = try await pool.withConnection { db in
            (try db.scalar("SELECT reporting.fn_dispatch_nearest($1::float8, $2::float8, $3::int, $4::float8, $5::text)::text",
                           params, purpose: purpose), db.endpoint)
        }
        return try PostgresError.decodingAnswer(text, of: "reporting.fn_dispatch_nearest", purpose: purpose, endpoint: endpoint) {
            try DispatchJSON.decodeNearby($0)
        }
    }
}

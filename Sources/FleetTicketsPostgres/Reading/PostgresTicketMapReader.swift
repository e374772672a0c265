import FleetTicketsCore
import Foundation
import Logging

/// The `TicketMapReader` on PostgreSQL + PostGIS: each question is one call of
/// `reporting.fn_tickets_for_map`, the function the dashboard's map calls, and its answer is
/// handed on as the function wrote it.
///
/// Safe to share between many tasks: calls run on a pool of connections (its own of at most
/// `maxConnections`, or one shared with the store and the other readers), off Swift's
/// cooperative threads; a caller finding every connection busy waits for one. Connections
/// open lazily; a connection the server dropped is replaced on the next call.
///
/// ```swift
/// let map = PostgresTicketMapReader(pool: pool)  // or PostgresTicketMapReader(url: databaseURL, maxConnections: 2)
/// let geojson = try await map.ticketMapGeoJSON(openOnly: true)
/// ```
public final class PostgresTicketMapReader: TicketMapReader {
    private let pool: PostgresConnectionPool
    /// The reader opened `pool` (`init(url:)`) and closes it; a shared one is its owner's.
    private let ownsPool: Bool

    /// A reader on the database at `url` (a libpq URI; its password never appears in errors)
    /// with a pool of its own, opened when first needed: this never blocks, a bad URL fails
    /// the first call.
    public init(url: String, maxConnections: Int = 2,
                logger: Logger = Logger(label: "fleettickets.map", factory: { _ in SwiftLogNoOpLogHandler() })) {
        pool = PostgresConnectionPool(url: url, maxConnections: maxConnections, name: "map", logger: logger)
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

    /// One call of `reporting.fn_tickets_for_map` on a pooled connection.
    /// - Throws: `PostgresError` when the database cannot answer, or answers NULL.
    public func ticketMapGeoJSON(openOnly: Bool) async throws -> Data {
        let purpose = "read the placed tickets for the map"
        let (text, endpoint) = try await pool.withConnection { db in
            (try db.scalar("SELECT reporting.fn_tickets_for_map($1::boolean)::text", [openOnly ? "true" : "false"], purpose: purpose), db.endpoint)
        }
        return try PostgresError.decodingAnswer(text, of: "reporting.fn_tickets_for_map", purpose: purpose, endpoint: endpoint) { $0 }
    }
}

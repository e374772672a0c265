import FleetTicketsCore
import FleetTicketsPostgres
import Logging

/// The service's one way into PostgreSQL: one pool, shared by the store, the dispatch reader
/// and the map reader, so the service holds at most `maxConnections` connections in all.
public enum Database {
    /// The three, on one pool of the database at `url`, closed together by `close`.
    /// - Throws: the pool's connection error when the database cannot be reached (one
    ///   connection opens now, off the cooperative threads, so a bad URL fails at start, not at
    ///   the first request).
    public static func open(url: String, maxConnections: Int = 6, applicationName: String, logger: Logger) async throws -> (
        store: PostgresTicketStore, dispatch: PostgresDispatchReader, map: PostgresTicketMapReader, pool: PostgresConnectionPool
    ) {
        let pool = try await PostgresConnectionPool.connect(
            url: url, maxConnections: maxConnections, applicationName: applicationName, name: "dispatch-service", logger: logger)
        return (PostgresTicketStore(pool: pool, logger: logger), PostgresDispatchReader(pool: pool), PostgresTicketMapReader(pool: pool), pool)
    }
}

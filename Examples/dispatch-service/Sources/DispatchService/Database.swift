import FleetTicketsCore
import FleetTicketsPostgres
import Logging

/// The service's one way into PostgreSQL: the store, the dispatch reader and the map reader.
///
/// SEAM (one shared pool): today each of the three opens its own pool (4 + 4 + 2 connections
/// at most). Once the SDK has a public shared pool with async construction, this function
/// opens that pool once (awaiting its first connection) and hands it to all three; nothing
/// else in the service changes.
public enum Database {
    /// The three, on the database at `url`, closed together by `close`.
    /// - Throws: the store's connection error when the database cannot be reached (one
    ///   connection opens now, so a bad URL fails at start, not at the first request).
    public static func open(url: String, applicationName: String, logger: Logger) throws -> (
        store: PostgresTicketStore, dispatch: PostgresDispatchReader, map: PostgresTicketMapReader, close: @Sendable () -> Void
    ) {
        let store = try PostgresTicketStore(url: url, maxConnections: 4, applicationName: applicationName, logger: logger)
        let dispatch = PostgresDispatchReader(url: url, maxConnections: 4, logger: logger)
        let map = PostgresTicketMapReader(url: url, maxConnections: 2, logger: logger)
        return (store, dispatch, map, {
            store.close()
            dispatch.close()
            map.close()
        })
    }
}

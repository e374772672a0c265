import FleetTicketsCore

/// Everything the routes and the worker read and write, through the SDK's seams only: the
/// service runs over PostgreSQL (``Database/open(url:maxConnections:applicationName:logger:)``) and its tests
/// over the SDK's in-memory implementations, with the same routes.
public struct Backends: Sendable {
    /// Where the worker applies change files; also the status `/healthz` judges (store and run log).
    public var store: any TicketStore & TicketStoreStatus & IngestRunLog
    /// `GET /dispatch/nearest` and `POST /dispatch/plan`.
    public var dispatch: any DispatchReader
    /// `GET /tickets.geojson`.
    public var map: any TicketMapReader
    /// Where change files come from (the worker drains it, `/healthz` lists it).
    public var source: any ChangeSource

    /// Backends from their parts.
    public init(store: any TicketStore & TicketStoreStatus & IngestRunLog, dispatch: any DispatchReader, map: any TicketMapReader,
                source: any ChangeSource) {
        self.store = store
        self.dispatch = dispatch
        self.map = map
        self.source = source
    }
}

import Foundation

/// The live map's question: every placed ticket of both datasets as a GeoJSON
/// `FeatureCollection`, with summary counts (placed, unplaced, by dataset, by how the position
/// was obtained) and each dataset's freshness.
///
/// The answer is the document itself (UTF-8 JSON), in the shape of
/// `reporting.fn_tickets_for_map`: a service hands it on to a map as it is, with no decoding.
/// Implementations must be safe to call from many tasks at once. `PostgresTicketMapReader`
/// answers from that function (the one the dashboard's map calls); ``InMemoryTicketMapReader``
/// builds the same keys from an ``InMemoryTicketStore``, for tests and demos.
///
/// ```swift
/// let map: any TicketMapReader = InMemoryTicketMapReader(store: store)
/// let geojson = try await map.ticketMapGeoJSON(openOnly: true)
/// ```
public protocol TicketMapReader: Sendable {
    /// The placed tickets (only the open, actionable ones when `openOnly`), ordered by dataset
    /// then ticket id, as a GeoJSON `FeatureCollection` with a `summary` object.
    func ticketMapGeoJSON(openOnly: Bool) async throws -> Data
}

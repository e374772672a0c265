import Foundation

/// A ``TicketMapReader`` over an ``InMemoryTicketStore``: the keys, order, counts and
/// placement rules of `reporting.fn_tickets_for_map`, so a service's tests see the map the
/// database would give for the same tickets.
///
/// Two differences, both in `summary.freshness`: its values are the store's metadata as text,
/// and it has no `updated_at`. Coordinates are not rounded (PostGIS writes at most 9 decimals).
/// Each call reads the whole store under its lock: for tests and demos, not a national backlog.
/// Safe to call from many tasks at once (it holds no mutable state).
public struct InMemoryTicketMapReader: TicketMapReader {
    private let store: InMemoryTicketStore

    /// A reader over whatever `store` holds when each question is asked.
    public init(store: InMemoryTicketStore) {
        self.store = store
    }

    public func ticketMapGeoJSON(openOnly: Bool) async throws -> Data {
        var features: [MapFeature] = []
        var summary = MapSummary(openOnly: openOnly)
        for dataset in Dataset.all {
            let tickets = store.typedValues(of: dataset)
            for id in tickets.keys.sorted() {
                let values = tickets[id]!
                guard !openOnly || values["is_actionable"] == .boolean(true) else { continue }
                guard case let .point(position) = values["geom"] else {
                    summary.unplaced += 1
                    continue
                }
                let properties = MapProperties(dataset: dataset.name, ticketID: id, values: values)
                summary.count(properties)
                features.append(MapFeature(geometry: .init(coordinates: [position.longitude, position.latitude]), properties: properties))
            }
            summary.freshness[dataset.name] = store.metadata(of: dataset).nilIfEmpty
        }
        return try DispatchJSON.encode(MapDocument(features: features, summary: summary))
    }
}

private struct MapDocument: Encodable {
    let type = "FeatureCollection"
    var features: [MapFeature]
    var summary: MapSummary
}

private struct MapFeature: Encodable {
    struct Point: Encodable {
        let type = "Point"
        /// Longitude first, as GeoJSON orders them.
        var coordinates: [Double]
    }

    let type = "Feature"
    var geometry: Point
    var properties: MapProperties
}

/// One feature's properties, every key present (absent values as `null`), as the function writes them.
private struct MapProperties: Encodable {
    var values: [String: TypedValue]
    var dataset: String
    var ticketID: String

    init(dataset: String, ticketID: String, values: [String: TypedValue]) {
        self.dataset = dataset
        self.ticketID = ticketID
        self.values = values
    }

    var geoSource: String { if case let .text(s) = values["geo_source"] { s } else { "none" } }

    private enum Key: String, CodingKey {
        case dataset, ticket_id, normalized_status, raw_status, bucket, is_actionable, cluster, region, location_name
        case assigned_team, owner, sla_status, created_at_service, closed_at, mttr_minutes, geo_source
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(dataset, forKey: .dataset)
        try c.encode(ticketID, forKey: .ticket_id)
        for key in [Key.normalized_status, .raw_status, .bucket, .cluster, .region, .location_name, .assigned_team, .owner, .sla_status] {
            if case let .text(s) = values[key.rawValue] { try c.encode(s, forKey: key) } else { try c.encodeNil(forKey: key) }
        }
        if case let .boolean(b) = values["is_actionable"] { try c.encode(b, forKey: .is_actionable) } else { try c.encodeNil(forKey: .is_actionable) }
        for key in [Key.created_at_service, .closed_at] {
            if case let .timestamp(t) = values[key.rawValue] { try c.encode(t, forKey: key) } else { try c.encodeNil(forKey: key) }
        }
        if case let .integer(m) = values["mttr"] { try c.encode(m, forKey: .mttr_minutes) } else { try c.encodeNil(forKey: .mttr_minutes) }
        try c.encode(geoSource, forKey: .geo_source)
    }
}

private struct MapSummary: Encodable {
    var openOnly: Bool
    var total = 0
    var unplaced = 0
    var byDataset = ["inc": 0, "crq": 0]
    var byGeoSource = ["feed": 0, "location": 0, "cluster": 0]
    var freshness: [String: [String: String]] = [:]

    init(openOnly: Bool) { self.openOnly = openOnly }

    mutating func count(_ p: MapProperties) {
        total += 1
        byDataset[p.dataset, default: 0] += 1
        byGeoSource[p.geoSource, default: 0] += 1
    }

    enum CodingKeys: String, CodingKey {
        case total, unplaced, freshness
        case openOnly = "open_only"
        case byDataset = "by_dataset"
        case byGeoSource = "by_geo_source"
    }
}

extension Dictionary {
    fileprivate var nilIfEmpty: Self? { isEmpty ? nil : self }
}

import Foundation

extension InMemoryTicketStore {
    /// Every ticket of both datasets as ``DispatchTicket`` snapshots, placed as the database
    /// places them (feed coordinates → geocoded location → cluster centroid → none) and with
    /// its typed values (`typedValues(of:)`): the SLA clock timestamps read from the feed's EAT
    /// text (`YYYY-MM-DD HH:MM[:SS]`).
    public func dispatchTickets() -> [DispatchTicket] {
        state.withLock { s in
            var out: [DispatchTicket] = []
            for dataset in s.tables.keys.sorted() {
                for (id, stored) in s.tables[dataset]! {
                    let values = s.typedValues(of: stored.raw)
                    func text(_ column: String) -> String? {
                        if case let .text(v) = values[column] { v } else { nil }
                    }
                    func time(_ column: String) -> Date? {
                        if case let .timestamp(v) = values[column] { v } else { nil }
                    }
                    let position: Coordinate? = if case let .point(p) = values["geom"] { p } else { nil }
                    out.append(DispatchTicket(
                        dataset: dataset, ticketID: id,
                        isActionable: values["is_actionable"] == .boolean(true),
                        position: position, geoSource: text("geo_source") ?? "none",
                        createdAtService: time("created_at_service"), firstSeenAt: time("first_seen_at"),
                        normalizedStatus: text("normalized_status"), cluster: text("cluster"), region: text("region"),
                        locationName: text("location_name"), assignedTeam: text("assigned_team"), owner: text("owner")))
                }
            }
            return out
        }
    }
}

extension InMemoryTicketStore.State {
    /// The position and `geo_source` the database trigger would give this record.
    func placement(of raw: RawRecord) -> (Coordinate?, String) {
        let fields = TicketColumns.PlacementFields.self
        if let lat = Double(raw[fields.latitude] ?? ""), let lng = Double(raw[fields.longitude] ?? "") {
            let c = Coordinate(latitude: lat, longitude: lng)
            if c.isPlausible { return (c, "feed") }
        }
        if let name = raw[fields.locationName], let hit = locations[name]?.answer, hit.status == .hit, let c = hit.coordinate {
            return (c, "location")
        }
        if let cluster = raw[fields.cluster], let c = clusters[cluster]?.coordinate { return (c, "cluster") }
        return (nil, "none")
    }
}

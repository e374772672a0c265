import Foundation

extension InMemoryTicketStore {
    /// Every ticket of both datasets as ``DispatchTicket`` snapshots, placed as the database
    /// places them (feed coordinates → geocoded location → cluster centroid → none) and with
    /// the SLA clock timestamps read from the feed's EAT text (`YYYY-MM-DD HH:MM[:SS]`).
    public func dispatchTickets() -> [DispatchTicket] {
        state.withLock { s in
            var out: [DispatchTicket] = []
            for dataset in s.tables.keys.sorted() {
                for (id, stored) in s.tables[dataset]! {
                    let raw = stored.raw
                    let (position, source) = s.placement(of: raw)
                    func text(_ key: String) -> String? {
                        guard let v = raw[key]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
                        return v
                    }
                    out.append(DispatchTicket(
                        dataset: dataset, ticketID: id,
                        isActionable: SourceColumns.boolean(raw["is_actionable"] ?? "") == true,
                        position: position, geoSource: source,
                        createdAtService: text("created_at_service").flatMap { EATMoment(feedTimestamp: $0)?.date },
                        firstSeenAt: text("first_seen_at").flatMap { EATMoment(feedTimestamp: $0)?.date },
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
        if let lat = Double(raw["latitude"] ?? ""), let lng = Double(raw["longitude"] ?? "") {
            let c = Coordinate(latitude: lat, longitude: lng)
            if c.isPlausible { return (c, "feed") }
        }
        if let name = raw["location_name"], let hit = locations[name]?.answer, hit.status == .hit, let c = hit.coordinate {
            return (c, "location")
        }
        if let cluster = raw["cluster"], let c = clusters[cluster]?.coordinate { return (c, "cluster") }
        return (nil, "none")
    }
}

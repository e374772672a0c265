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

extension EAT {
    /// The moment of a feed timestamp in EAT, `YYYY-MM-DD HH:MM[:SS]` (space or `T`); nil for
    /// any other shape.
    public static func parseFeedTimestamp(_ text: String) -> Date? {
        let b = Array(text.utf8)
        guard b.count == 16 || b.count == 19, b[4] == 45, b[7] == 45, b[10] == 32 || b[10] == 84, b[13] == 58,
              b.count == 16 || b[16] == 58 else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r { guard (48...57).contains(b[i]) else { return nil }; v = v * 10 + Int(b[i] - 48) }
            return v
        }
        guard let y = num(0..<4), let mo = num(5..<7), let d = num(8..<10), let h = num(11..<13), let mi = num(14..<16),
              (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60 else { return nil }
        let s = b.count == 19 ? num(17..<19) : 0
        guard let s, s < 60 else { return nil }
        return date(year: y, month: mo, day: d, hour: h, minute: mi, second: s)
    }
}

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
                        createdAtService: text("created_at_service").flatMap(EAT.parseFeedTimestamp),
                        firstSeenAt: text("first_seen_at").flatMap(EAT.parseFeedTimestamp),
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

import FleetTicketsCore
import Foundation

/// Random but reproducible dispatch worlds: open and closed tickets of both datasets around a
/// centre, placed by feed coordinates or at shared cluster centroids (so distance ties occur),
/// some unplaced, with SLA clocks spread across every state. The same fixture feeds the
/// in-memory reader (``tickets``) and a database (``rawRecords(of:)`` + ``clusters``).
public struct DispatchFixture: Sendable {
    /// The tickets as the in-memory reader takes them.
    public var tickets: [DispatchTicket]
    /// Cluster centroids (for `tickets.geo_clusters`): tickets without feed coordinates sit there.
    public var clusters: [String: Coordinate]
    /// Feed rows per ticket (`ticket_id`, `is_actionable`, `latitude`, `longitude`, clocks in
    /// EAT text, labels), keyed by dataset.
    public var raw: [String: [[String: String]]]

    /// The feed rows of one dataset.
    public func rawRecords(of dataset: String) -> [[String: String]] { raw[dataset] ?? [] }
}

/// Builds ``DispatchFixture``s.
public enum DispatchFixtures {
    /// Nairobi CBD.
    public static let nairobi = Coordinate(latitude: -1.2864, longitude: 36.8172)

    /// `count` tickets within about `spreadKm` of `center`, clocks up to 200 h before `now`.
    public static func random(seed: UInt64, count: Int, center: Coordinate = nairobi, spreadKm: Double = 30, now: Date) -> DispatchFixture {
        var rng = SplitMix64(seed: seed)
        let degrees = spreadKm / 111.0
        func text(_ v: Double) -> String { String(format: "%.6f", v) }
        var clusters: [String: Coordinate] = [:]
        for c in 0..<5 {
            let lat = text(center.latitude + (rng.unit() - 0.5) * degrees), lng = text(center.longitude + (rng.unit() - 0.5) * degrees)
            clusters["CL\(c)"] = Coordinate(latitude: Double(lat)!, longitude: Double(lng)!)
        }
        let base = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        var tickets: [DispatchTicket] = []
        var raw: [String: [[String: String]]] = [:]
        for i in 0..<count {
            let dataset = rng.unit() < 0.7 ? "inc" : "crq"
            // Some ids repeat across datasets, so the dataset tie-break is exercised.
            let id = rng.unit() < 0.1 ? "T\(i % 7)" : "\(dataset.uppercased())\(String(format: "%05d", i))"
            if tickets.contains(where: { $0.dataset == dataset && $0.ticketID == id }) { continue }
            let open = rng.unit() < 0.75
            let placement = rng.unit()
            var row: [String: String] = ["ticket_id": id, "is_actionable": open ? "true" : "false", "latitude": "", "longitude": "",
                                         "normalized_status": open ? "in_progress" : "closed", "region": "nairobi",
                                         "assigned_team": "Team \(i % 4)", "owner": "owner\(i % 9)"]
            var position: Coordinate?
            var source = "none"
            let cluster = "CL\(Int(rng.unit() * 5))"
            if placement < 0.6 {
                let lat = text(center.latitude + (rng.unit() - 0.5) * degrees), lng = text(center.longitude + (rng.unit() - 0.5) * degrees)
                row["latitude"] = lat
                row["longitude"] = lng
                position = Coordinate(latitude: Double(lat)!, longitude: Double(lng)!)
                source = "feed"
                row["cluster"] = cluster
            } else if placement < 0.95 {
                row["cluster"] = cluster
                position = clusters[cluster]
                source = "cluster"
            } else {
                row["cluster"] = "UNMAPPED"
            }
            let clockDraw = rng.unit()
            let hoursAgo = (rng.unit() * 200 * 3600).rounded(.down)
            let start = base.addingTimeInterval(-hoursAgo)
            var created: Date?, firstSeen: Date?
            if clockDraw < 0.8 { created = start } else if clockDraw < 0.93 { firstSeen = start }
            // A few tickets share one clock, so deadline ties fall to distance.
            if rng.unit() < 0.05 { created = base.addingTimeInterval(-50 * 3600); firstSeen = nil }
            row["created_at_service"] = created.map(eatText) ?? ""
            row["first_seen_at"] = firstSeen.map(eatText) ?? ""
            tickets.append(DispatchTicket(
                dataset: dataset, ticketID: id, isActionable: open, position: position, geoSource: source,
                createdAtService: created, firstSeenAt: firstSeen, normalizedStatus: row["normalized_status"],
                cluster: row["cluster"], region: "nairobi", assignedTeam: row["assigned_team"], owner: row["owner"]))
            raw[dataset, default: []].append(row)
        }
        return DispatchFixture(tickets: tickets, clusters: clusters, raw: raw)
    }

    /// A moment as the feed writes it: `YYYY-MM-DD HH:MM:SS` in EAT.
    public static func eatText(_ date: Date) -> String {
        EATMoment(date).feedTimestamp
    }
}

/// The dispatch answer worked out the slow, obvious way: every open placed ticket's distance,
/// the whole list sorted, the candidate rule applied. Readers are checked against it.
public enum DispatchBruteForce {
    /// (dataset, ticket id, metres, state) in answer order for `query` over `tickets` at `asOf`.
    public static func answer(_ query: NearbyQuery, tickets: [DispatchTicket], asOf: Date,
                              targets: SLATargets = .standard) -> [(dataset: String, ticketID: String, metres: Double, state: SLAState)] {
        struct Row { var dataset: String; var id: String; var metres: Double; var state: SLAState; var deadline: Date? }
        var rows: [Row] = []
        for t in tickets where t.isActionable {
            guard let p = t.position else { continue }
            let metres = Geodesic.distanceMetres(from: query.position, to: p)
            let target = targets.target(for: t.dataset)
            let hours = t.slaClockStart.map { asOf.timeIntervalSince($0) / 3600 }
            let state: SLAState = hours == nil ? .unknown : hours! > target.targetHours ? .breached
                : hours! >= target.atRiskHours ? .atRisk : .within
            rows.append(Row(dataset: t.dataset, id: t.ticketID, metres: metres, state: state,
                            deadline: t.slaClockStart?.addingTimeInterval(target.targetHours * 3600)))
        }
        func byDistance(_ a: Row, _ b: Row) -> Bool {
            if a.metres != b.metres { return a.metres < b.metres }
            if a.dataset != b.dataset { return Array(a.dataset.utf8).lexicographicallyPrecedes(Array(b.dataset.utf8)) }
            return Array(a.id.utf8).lexicographicallyPrecedes(Array(b.id.utf8))
        }
        func stateRank(_ s: SLAState) -> Int { [SLAState.breached, .atRisk, .within, .unknown].firstIndex(of: s)! }
        func byUrgency(_ a: Row, _ b: Row) -> Bool {
            if stateRank(a.state) != stateRank(b.state) { return stateRank(a.state) < stateRank(b.state) }
            let da = a.deadline ?? .distantFuture, db = b.deadline ?? .distantFuture
            if da != db { return da < db }
            return byDistance(a, b)
        }
        if let km = query.withinKilometres { rows = rows.filter { $0.metres <= km * 1000 } }
        rows.sort(by: byDistance)
        if query.withinKilometres == nil || query.rank == .distance { rows = Array(rows.prefix(query.limit)) }
        if query.rank == .urgency { rows.sort(by: byUrgency) }
        return rows.prefix(query.limit).map { ($0.dataset, $0.id, $0.metres, $0.state) }
    }
}

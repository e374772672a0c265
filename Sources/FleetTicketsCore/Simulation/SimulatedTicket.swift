import Foundation

/// One simulated ticket's life: created, maybe worked, resolved and closed (or cancelled),
/// each step at a time drawn from its own seeded generator.
struct SimulatedTicket: Sendable {
    enum Status: String, Sendable {
        case open, inProgress = "in_progress", pending, resolved, closed, cancelled

        var rawText: String {
            switch self {
            case .open: "Assigned"
            case .inProgress: "Work In Progress"
            case .pending: "Pending Customer"
            case .resolved: "Resolved"
            case .closed: "Closed"
            case .cancelled: "Cancelled"
            }
        }
        var isOpen: Bool { self == .open || self == .inProgress || self == .pending }
    }

    struct Event: Sendable {
        var at: TimeInterval  // seconds since 1970
        var status: Status
    }

    let id: String
    let dataset: String
    let cluster: Int
    let place: Int
    let locationName: String
    let team: String
    let owner: String
    let createdAt: TimeInterval
    let hasCreatedAt: Bool
    let autoCreated: Bool
    let events: [Event]
    let mttrHours: Double?

    init(index: Int, dataset: String, seed: UInt64, window: ClosedRange<TimeInterval>) {
        var rng = SplitMix64.forItem(UInt64(index), seed: seed, stream: dataset == "inc" ? 1 : 2)
        id = dataset == "inc" ? String(format: "WOT%07d", 700_000 + index) : String(format: "CRQ%012d", 100_000 + index)
        self.dataset = dataset
        cluster = Int(rng.next() % UInt64(SimulationCatalog.clusters.count))
        let c = SimulationCatalog.clusters[cluster]
        place = Int(rng.next() % UInt64(c.places.count))
        locationName = SimulatedTicket.locationName(cluster: c.name, place: c.places[place].name, rng: &rng)
        team = SimulationCatalog.teams[cluster % SimulationCatalog.teams.count]
        owner = SimulationCatalog.owners[Int(rng.next() % UInt64(SimulationCatalog.owners.count))]
        createdAt = (window.lowerBound + rng.unit() * (window.upperBound - window.lowerBound)).rounded()
        hasCreatedAt = rng.unit() >= 0.3
        autoCreated = rng.unit() < 0.05
        var events = [Event(at: createdAt, status: .open)]
        var t = createdAt
        if rng.unit() < 0.7 {
            t += 1800 + rng.unit() * 6 * 3600
            events.append(Event(at: t.rounded(), status: .inProgress))
        }
        if rng.unit() < 0.15 {
            t += 3600 + rng.unit() * 12 * 3600
            events.append(Event(at: t.rounded(), status: .pending))
        }
        if rng.unit() < 0.05 {
            t += 600 + rng.unit() * 3600
            events.append(Event(at: t.rounded(), status: .cancelled))
            mttrHours = nil
        } else {
            // Mostly within a day or two, with a long tail past the 48 h SLA.
            let hours = 1 + pow(rng.unit(), 2.2) * 110
            let resolved = max(t + 600, createdAt + hours * 3600).rounded()
            events.append(Event(at: resolved, status: .resolved))
            events.append(Event(at: (resolved + 1800 + rng.unit() * 10 * 3600).rounded(), status: .closed))
            mttrHours = (resolved - createdAt) / 3600 * (0.8 + rng.unit() * 0.3)
        }
        self.events = events
    }

    static func locationName(cluster: String, place: String, rng: inout SplitMix64) -> String {
        let token = { (s: String) in s.uppercased().replacingOccurrences(of: " ", with: "_") }
        let prefix = ["NW_", "ADR_MNT_", "NW_", ""][Int(rng.next() % 4)]
        let suffix = ["_FDT\(1 + rng.next() % 24)", "_SDUS", "_FDT\(1 + rng.next() % 9)", ""][Int(rng.next() % 4)]
        return prefix + token(cluster) + "_" + token(place) + suffix
    }

    /// The status in force at a moment, or nil before the ticket exists.
    func status(at time: TimeInterval) -> Event? {
        events.last { $0.at <= time }
    }

    /// The export's 32 fields for this ticket as seen at `time`, in `SourceColumns.all` order.
    func fields(at time: TimeInterval, snapshot: String, firstSeen: TimeInterval) -> [String] {
        let event = status(at: time) ?? events[0]
        let c = SimulationCatalog.clusters[cluster]
        let closed = !event.status.isOpen
        let closedAt = closed ? event.at : nil
        var sla = "Compliant"
        var mttr = ""
        if event.status == .closed || event.status == .resolved, let h = mttrHours {
            mttr = String(format: "%.2f", h)
            sla = h > 48 ? "Breached" : "Compliant"
        }
        let day = EATDay(containing: Date(timeIntervalSince1970: time)).description
        return [
            id, dataset, event.status.rawText, event.status.rawValue, closed ? "closed" : "pending",
            closed ? "false" : "true", "false", autoCreated ? "true" : "false", event.status == .cancelled ? "true" : "false",
            c.name, c.region, locationName, "", "", team, owner, "Operations", "wm_task",
            sla, mttr, hasCreatedAt ? stamp(createdAt) : "", dataset == "crq" ? stamp(createdAt + 86_400) : "",
            closedAt.map(stamp) ?? "", stamp(firstSeen), stamp(max(event.at, firstSeen)), stamp(createdAt), stamp(event.at),
            day, day,
            "n8n-exports", "wm_task.xlsx", snapshot,
        ]
    }

    /// As the export writes a timestamp: EAT, `YYYY-MM-DD HH:MM:SS`.
    private func stamp(_ t: TimeInterval) -> String {
        EATMoment(Date(timeIntervalSince1970: t)).feedTimestamp
    }
}

import Foundation

/// A ``DispatchReader`` over ticket snapshots in memory, with the rules of
/// `reporting.fn_dispatch_nearest`: the same spheroid distance (``Geodesic``), the same SLA
/// targets and states, the same candidate set and ``DispatchOrder``. A dispatch service tests
/// against it; `DispatchAgreementTests` check it against PostgreSQL on random fixtures.
///
/// Each question scans every snapshot (linear, no spatial index): meant for tests, demos and
/// tens of thousands of tickets, not for a national backlog. Safe to call from many tasks at
/// once (it holds no mutable state; a store-backed reader reads the store under its lock).
///
/// ```swift
/// let reader = InMemoryDispatchReader(tickets: [
///     DispatchTicket(dataset: "inc", ticketID: "INC1", position: Coordinate(latitude: -1.29, longitude: 36.82),
///                    createdAtService: Date().addingTimeInterval(-50 * 3600)),
/// ])
/// let near = try await reader.nearestOpenTickets(try NearbyQuery(near: Coordinate(latitude: -1.3, longitude: 36.8)))
/// ```
public struct InMemoryDispatchReader: DispatchReader {
    private let snapshot: @Sendable () -> [DispatchTicket]
    private let targets: SLATargets
    private let clock: WallClock

    /// A reader over a fixed list of tickets.
    public init(tickets: [DispatchTicket], targets: SLATargets = .standard, clock: WallClock = .system) {
        self.snapshot = { tickets }
        self.targets = targets
        self.clock = clock
    }

    /// A reader over whatever `store` holds when each question is asked.
    public init(store: InMemoryTicketStore, targets: SLATargets = .standard, clock: WallClock = .system) {
        self.snapshot = { store.dispatchTickets() }
        self.targets = targets
        self.clock = clock
    }

    /// The answer at the clock's current moment, by the rules of `reporting.fn_dispatch_nearest`.
    public func nearestOpenTickets(_ query: NearbyQuery) async throws -> NearbyTickets {
        let asOf = clock.now
        var pool: [DispatchCandidate] = []
        for t in snapshot() where t.isActionable {
            guard let position = t.position, position.isPlausible else { continue }
            let metres = Geodesic.distanceMetres(from: query.position, to: position)
            if let km = query.withinKilometres, metres > km * 1000 { continue }
            pool.append(candidate(t, at: position, metres: metres, asOf: asOf))
        }
        pool.sort { DispatchOrder.precedes($0, $1, by: .distance) }
        // Without a radius only the `limit` nearest compete (also for urgency); with one, every
        // ticket inside it does.
        if query.withinKilometres == nil || query.rank == .distance { pool = Array(pool.prefix(query.limit)) }
        if query.rank == .urgency { pool.sort { DispatchOrder.precedes($0, $1, by: .urgency) } }
        var answer = Array(pool.prefix(query.limit))
        for i in answer.indices {
            answer[i].rank = i + 1
            // Rounded only now, as the SQL function rounds only in its output.
            answer[i].distanceMetres = Self.round(answer[i].distanceMetres, 2)
        }
        return NearbyTickets(asOf: asOf, tickets: answer)
    }

    private func candidate(_ t: DispatchTicket, at position: Coordinate, metres: Double, asOf: Date) -> DispatchCandidate {
        let target = targets.target(for: t.dataset).targetHours
        let hours = t.slaClockStart.map { asOf.timeIntervalSince($0) / 3600 }
        return DispatchCandidate(
            rank: 0, dataset: t.dataset, ticketID: t.ticketID, distanceMetres: metres,
            hoursOpen: hours.map { Self.round($0, 1) },
            slaState: targets.state(of: t.dataset, hoursOpen: hours),
            slaTargetHours: target,
            slaHoursLeft: hours.map { Self.round(target - $0, 1) },
            slaClockStart: t.slaClockStart, slaClockSource: t.slaClockSource,
            slaDeadline: t.slaClockStart.map { $0.addingTimeInterval(target * 3600) },
            normalizedStatus: t.normalizedStatus, cluster: t.cluster, region: t.region, locationName: t.locationName,
            assignedTeam: t.assignedTeam, owner: t.owner,
            latitude: position.latitude, longitude: position.longitude, geoSource: t.geoSource)
    }

    /// Half away from zero, as PostgreSQL's `round(numeric, n)`.
    static func round(_ value: Double, _ places: Int) -> Double {
        let scale = places == 1 ? 10.0 : places == 2 ? 100.0 : pow(10, Double(places))
        return (value * scale).rounded(.toNearestOrAwayFromZero) / scale
    }
}

import Foundation

/// Assigns open tickets to vehicles so that the most urgent are served first and no ticket
/// gets two vehicles. Pure logic: no I/O, deterministic, safe to share between tasks.
///
/// The rule, in two steps over the tickets in urgency order (``DispatchOrder/moreUrgent(_:_:)``):
/// 1. **Who is served.** Each ticket in turn is served if it can be, together with every more
///    urgent ticket already chosen, by some vehicle within the maximum distance that still has
///    capacity (earlier choices may be moved to another vehicle to make room, never dropped).
///    So a less urgent ticket is never served in place of a more urgent one that could have
///    been, and a vehicle's capacity is never wasted on a near ticket that strands an urgent
///    one only that vehicle reaches.
/// 2. **By whom.** Each served ticket in turn gets the nearest vehicle (ties: the vehicle
///    listed first) that still leaves every other chosen ticket served.
///
/// The result is the lexicographically best plan: first by which tickets are served (in
/// urgency order), then by each one's distance to its vehicle (in urgency order).
/// `DispatchPlannerTests` check it against an exhaustive search on random fixtures.
///
/// ```swift
/// let tickets = try await reader.openTickets(near: vans, limitPerVehicle: 20)
/// let plan = try DispatchPlanner(maxDistanceKilometres: 30).assign(tickets, to: vans)
/// for a in plan.assignments { print(a.vehicleID, a.ticket.ticketID, Int(a.distanceMetres)) }
/// ```
public struct DispatchPlanner: Sendable, Hashable {
    /// A vehicle is only sent to tickets within this many kilometres of it; nil for no limit.
    public var maxDistanceKilometres: Double?

    /// A planner sending vehicles at most `maxDistanceKilometres` (nil: any distance).
    public init(maxDistanceKilometres: Double? = nil) {
        self.maxDistanceKilometres = maxDistanceKilometres
    }

    /// The plan for `tickets` and `vehicles`. A ticket listed twice (same dataset and id) is
    /// planned once. Costs O(tickets × vehicles) distances plus augmenting-path searches.
    /// - Throws: ``DispatchPlanError`` for duplicate vehicle ids, a negative capacity or a
    ///   maximum distance that is not positive.
    public func assign(_ tickets: [DispatchCandidate], to vehicles: [DispatchVehicle]) throws -> DispatchPlan {
        try validate(vehicles)
        var seen = Set<String>()
        let order = tickets.filter { seen.insert($0.dataset + "\u{1F}" + $0.ticketID).inserted }
            .sorted(by: DispatchOrder.moreUrgent)
        var matcher = Matcher(order: order, vehicles: vehicles, maxMetres: maxDistanceKilometres.map { $0 * 1000 })
        matcher.chooseServed()
        matcher.chooseNearest()

        var assignments: [DispatchPlan.Assignment] = []
        var unassigned: [DispatchPlan.Unassigned] = []
        for (i, ticket) in order.enumerated() {
            if let j = matcher.match[i] {
                assignments.append(.init(vehicleID: vehicles[j].id, ticket: ticket, distanceMetres: matcher.metres[i][j]))
            } else {
                unassigned.append(.init(ticket: ticket, reason: matcher.eligible[i].isEmpty ? .outOfRange : .noCapacity))
            }
        }
        return DispatchPlan(assignments: assignments, unassigned: unassigned)
    }

    private func validate(_ vehicles: [DispatchVehicle]) throws {
        if let km = maxDistanceKilometres, !(km > 0) {
            throw DispatchPlanError(message: "the maximum distance must be a positive number of kilometres, got \(km)")
        }
        var ids = Set<String>()
        for v in vehicles {
            guard ids.insert(v.id).inserted else { throw DispatchPlanError(message: "vehicle id '\(v.id)' is listed twice") }
            if let c = v.capacity, c < 0 { throw DispatchPlanError(message: "vehicle '\(v.id)' has a negative capacity (\(c))") }
            guard v.position.latitude.isFinite, v.position.longitude.isFinite, abs(v.position.latitude) <= 90,
                  abs(v.position.longitude) <= 180 else {
                throw DispatchPlanError(message: "vehicle '\(v.id)' has no valid position (\(v.position.latitude), \(v.position.longitude))")
            }
        }
    }
}

/// Bipartite matching of tickets to vehicle capacity (Kuhn's augmenting paths).
private struct Matcher {
    let metres: [[Double]]
    /// Vehicles in reach of each ticket, nearest first (ties: listed first).
    let eligible: [[Int]]
    let capacity: [Int]
    var match: [Int?]
    var holders: [[Int]]
    var fixed: [Bool]

    init(order: [DispatchCandidate], vehicles: [DispatchVehicle], maxMetres: Double?) {
        let metres = order.map { t in vehicles.map { Geodesic.distanceMetres(from: $0.position, to: t.position) } }
        self.metres = metres
        eligible = metres.map { row in
            row.indices.filter { maxMetres == nil || row[$0] <= maxMetres! }.sorted { (row[$0], $0) < (row[$1], $1) }
        }
        capacity = vehicles.map { $0.capacity ?? Int.max }
        match = Array(repeating: nil, count: order.count)
        holders = Array(repeating: [], count: vehicles.count)
        fixed = Array(repeating: false, count: order.count)
    }

    mutating func place(_ t: Int, _ j: Int?) {
        if let old = match[t] { holders[old].removeAll { $0 == t } }
        match[t] = j
        if let j { holders[j].append(t) }
    }

    /// Finds room for ticket `t` at some unvisited vehicle, moving unfixed tickets along an
    /// augmenting path; changes nothing when it fails.
    mutating func augment(_ t: Int, _ visited: inout [Bool]) -> Bool {
        for j in eligible[t] where !visited[j] {
            visited[j] = true
            if holders[j].count < capacity[j] { place(t, j); return true }
            for u in holders[j] where !fixed[u] && u != t {
                if augment(u, &visited) { place(t, j); return true }
            }
        }
        return false
    }

    /// Step 1: in urgency order, keep each ticket that can be served along with those kept.
    mutating func chooseServed() {
        for t in match.indices {
            var visited = Array(repeating: false, count: capacity.count)
            _ = augment(t, &visited)
        }
    }

    /// Step 2: in urgency order, move each served ticket to the nearest vehicle that keeps
    /// every other served ticket served, then fix it there.
    mutating func chooseNearest() {
        for t in match.indices {
            guard let current = match[t] else { continue }
            fixed[t] = true
            for j in eligible[t] {
                if j == current { break }
                if holders[j].count < capacity[j] { place(t, j); break }
                // Free a place at j by moving an unfixed ticket there elsewhere, using the
                // place t leaves at `current`.
                place(t, nil)
                var visited = Array(repeating: false, count: capacity.count)
                visited[j] = true
                var moved = false
                for u in holders[j] where !fixed[u] {
                    if augment(u, &visited) { moved = true; break }
                }
                place(t, moved ? j : current)
                if moved { break }
            }
        }
    }
}

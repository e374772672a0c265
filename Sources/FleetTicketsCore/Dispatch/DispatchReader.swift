import Foundation

/// The dispatcher's question: which open, actionable tickets of either dataset are near a GPS
/// fix, by metre-accurate (WGS84 spheroid) distance, optionally within a radius, ranked by
/// distance or by SLA urgency.
///
/// Implementations must be safe to call from many tasks at once, must judge SLA with the
/// dataset's targets (clock = `created_at_service`, else `first_seen_at`), and must follow
/// ``NearbyQuery``'s candidate rules and ``DispatchOrder``, so that every implementation gives
/// the same answer for the same tickets. `PostgresDispatchReader` answers from
/// `reporting.fn_dispatch_nearest` (the dashboard's function); ``InMemoryDispatchReader``
/// answers from ticket snapshots, for tests and embedders.
///
/// ```swift
/// let reader: any DispatchReader = InMemoryDispatchReader(tickets: snapshots)
/// let near = try await reader.nearestOpenTickets(try NearbyQuery(near: fix, limit: 5, rank: .urgency))
/// for t in near.tickets { print(t.ticketID, Int(t.distanceMetres), t.slaState) }
/// ```
public protocol DispatchReader: Sendable {
    /// The open tickets near `query.position`, in `query.rank` order, at most `query.limit`.
    func nearestOpenTickets(_ query: NearbyQuery) async throws -> NearbyTickets
}

extension DispatchReader {
    /// The open tickets near any of several vehicles (the first `limitPerVehicle` around each
    /// in `rank` order, within the radius when given), each ticket once: the input
    /// ``DispatchPlanner`` assigns. With a radius, `.urgency` brings the most urgent tickets in
    /// reach of each vehicle rather than merely the nearest.
    /// A ticket's `distanceMetres` and `rank` are those of the first vehicle (in the given
    /// order) whose query found it.
    public func openTickets(
        near vehicles: [DispatchVehicle], limitPerVehicle: Int = 10, withinKilometres: Double? = nil, rank: DispatchRank = .distance
    ) async throws -> [DispatchCandidate] {
        var seen = Set<String>()
        var merged: [DispatchCandidate] = []
        for vehicle in vehicles {
            let query = try NearbyQuery(near: vehicle.position, limit: limitPerVehicle, withinKilometres: withinKilometres, rank: rank)
            for ticket in try await nearestOpenTickets(query).tickets where seen.insert(ticket.dataset + "\u{1F}" + ticket.ticketID).inserted {
                merged.append(ticket)
            }
        }
        return merged
    }
}

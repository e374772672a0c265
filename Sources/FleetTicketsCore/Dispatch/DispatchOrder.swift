import Foundation

/// The orders dispatch answers are sorted in, shared by every reader and the planner (and
/// written the same way in `reporting.fn_dispatch_nearest`).
///
/// - distance: nearest first; ties by dataset, then ticket id (byte order, as `COLLATE "C"`).
/// - urgency: SLA state (breached, at risk, within, unknown); within a state the SLA deadline,
///   soonest first (so a breached ticket overdue longest comes first, and an at-risk or within
///   ticket with the fewest hours left); then nearest first; then dataset, ticket id.
///   Ordering by deadline rather than by hours left keeps the order the same across datasets
///   with different targets and independent of when the question is asked.
public enum DispatchOrder {
    /// Whether `a` comes before `b` in `rank` order.
    public static func precedes(_ a: DispatchCandidate, _ b: DispatchCandidate, by rank: DispatchRank) -> Bool {
        if rank == .urgency {
            if a.slaState.urgencyRank != b.slaState.urgencyRank { return a.slaState.urgencyRank < b.slaState.urgencyRank }
            if let o = compare(a.slaDeadline, b.slaDeadline) { return o }
        }
        if a.distanceMetres != b.distanceMetres { return a.distanceMetres < b.distanceMetres }
        return precedesByIdentity(a.dataset, a.ticketID, b.dataset, b.ticketID)
    }

    /// Urgency alone (state, deadline), no distance: the order the planner serves tickets in.
    /// Ties by dataset, ticket id.
    public static func moreUrgent(_ a: DispatchCandidate, _ b: DispatchCandidate) -> Bool {
        if a.slaState.urgencyRank != b.slaState.urgencyRank { return a.slaState.urgencyRank < b.slaState.urgencyRank }
        if let o = compare(a.slaDeadline, b.slaDeadline) { return o }
        return precedesByIdentity(a.dataset, a.ticketID, b.dataset, b.ticketID)
    }

    /// Byte order of dataset, then ticket id: the same whatever the database's collation.
    static func precedesByIdentity(_ d1: String, _ t1: String, _ d2: String, _ t2: String) -> Bool {
        if d1 != d2 { return d1.utf8.lexicographicallyPrecedes(d2.utf8) }
        return t1.utf8.lexicographicallyPrecedes(t2.utf8)
    }

    /// Ascending with nil last; nil when equal.
    private static func compare(_ a: Date?, _ b: Date?) -> Bool? {
        switch (a, b) {
        case let (x?, y?): x == y ? nil : x < y
        case (.some, nil): true
        case (nil, .some): false
        case (nil, nil): nil
        }
    }
}

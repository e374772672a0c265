import Foundation

/// What a geocode run did (or, dry, would do).
public struct GeocodeReport: Sendable, Codable, Hashable {
    public enum Kind: String, Sendable, Codable { case clusters, locations }
    public var kind: Kind
    public var dryRun: Bool
    public var provider: String
    /// Places (or clusters) that needed an answer.
    public var needed = 0
    /// Places (or clusters) asked (dry: that would be asked).
    public var asked = 0
    /// Requests sent, retries included: what the budget counts (dry: one per place asked).
    public var requests = 0
    public var hits = 0
    public var misses = 0
    /// Answers further than the radius from the cluster centroid, cached as rejected.
    public var rejected = 0
    /// Requests that failed after retries (not cached; the next run asks again).
    public var failed = 0
    /// Names that clean to nothing (cached as misses without a request).
    public var unusable = 0
    /// Places skipped because their cluster has no coordinate yet.
    public var withoutCentroid = 0
    /// Requests the budget left for a later run.
    public var deferred = 0
    public var budget: Int
    public var budgetLeft: Int { max(0, budget - requests) }
    /// Tickets by `geo_source` before and after (both datasets).
    public var placementBefore: [String: Int] = [:]
    public var placementAfter: [String: Int] = [:]
    /// Ticket geometries that changed.
    public var geometriesChanged = 0
    /// Why the run stopped asking early (quota, credentials), if it did.
    public var stoppedEarly: String?
    /// The first few requests (dry run: the plan), for the operator.
    public var sample: [String] = []
    public var seconds: Double = 0

    public init(kind: Kind, dryRun: Bool, provider: String, budget: Int) {
        self.kind = kind
        self.dryRun = dryRun
        self.provider = provider
        self.budget = budget
    }

    /// Tickets newly placed by each source (after − before, positive changes only).
    public var newlyPlaced: [String: Int] {
        placementAfter.compactMapValues { $0 }.reduce(into: [:]) { acc, kv in
            let delta = kv.value - (placementBefore[kv.key] ?? 0)
            if delta > 0 && kv.key != "none" { acc[kv.key] = delta }
        }
    }
}

import Foundation

/// The SLA target of one dataset: how many hours an open ticket has, and when it is at risk.
public struct SLATarget: Sendable, Hashable, Codable {
    /// Hours from the SLA clock's start to the deadline (`tickets.sla_targets.target_hours`).
    public var targetHours: Double
    /// Hours open from which a ticket is `at_risk` (`tickets.sla_targets.at_risk_hours`).
    public var atRiskHours: Double

    /// A target of `targetHours`, at risk from `atRiskHours`.
    public init(targetHours: Double, atRiskHours: Double) {
        self.targetHours = targetHours
        self.atRiskHours = atRiskHours
    }
}

/// SLA targets per dataset, mirroring `tickets.sla_targets` (migration 19) for the in-memory
/// readers: `inc` 48 h (at risk from 36 h), `crq` 120 h (at risk from 90 h); a dataset
/// without an entry gets 48 h / 36 h, as `tickets.sla_state` does.
public struct SLATargets: Sendable, Hashable {
    /// Targets by dataset name (lowercase).
    public var byDataset: [String: SLATarget]

    /// Targets by dataset name (as in `tickets.sla_targets`).
    public init(_ byDataset: [String: SLATarget]) {
        self.byDataset = byDataset
    }

    /// The shipped defaults (the rows migration 19 inserts).
    public static let standard = SLATargets([
        "inc": SLATarget(targetHours: 48, atRiskHours: 36),
        "crq": SLATarget(targetHours: 120, atRiskHours: 90),
    ])

    /// What `tickets.sla_state` falls back to for a dataset without a row.
    public static let fallback = SLATarget(targetHours: 48, atRiskHours: 36)

    /// The target of a dataset.
    public func target(for dataset: String) -> SLATarget {
        byDataset[dataset.lowercased()] ?? Self.fallback
    }

    /// The state of an open ticket that has been open `hoursOpen` hours (nil: clock unknown),
    /// by the rules of `tickets.sla_state`: breached above the target, at risk from the
    /// at-risk hours, else within.
    public func state(of dataset: String, hoursOpen: Double?) -> SLAState {
        guard let hoursOpen else { return .unknown }
        let t = target(for: dataset)
        if hoursOpen > t.targetHours { return .breached }
        if hoursOpen >= t.atRiskHours { return .atRisk }
        return .within
    }
}

/// Where an open ticket stands against its SLA target.
public enum SLAState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Open longer than the target.
    case breached
    /// Open at least the at-risk hours, not yet past the target.
    case atRisk = "at_risk"
    /// Open less than the at-risk hours.
    case within
    /// No SLA clock (neither `created_at_service` nor `first_seen_at` is known).
    case unknown

    /// Position in the urgency order: breached first, unknown last.
    public var urgencyRank: Int {
        switch self {
        case .breached: 0
        case .atRisk: 1
        case .within: 2
        case .unknown: 3
        }
    }
}

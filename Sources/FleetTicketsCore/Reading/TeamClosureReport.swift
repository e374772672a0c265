import Foundation

/// A question for team closure attribution: one dataset and an inclusive range of EAT days.
public struct TeamClosureQuery: Sendable, Hashable, Codable {
    /// `inc` or `crq`.
    public var dataset: String
    /// First EAT day, inclusive (`YYYY-MM-DD`).
    public var from: String
    /// Last EAT day, inclusive.
    public var to: String
    /// Split each team's figures by owner as well.
    public var byOwner: Bool

    public init(dataset: String, from: String, to: String, byOwner: Bool = false) {
        self.dataset = dataset
        self.from = from
        self.to = to
        self.byOwner = byOwner
    }

    enum CodingKeys: String, CodingKey {
        case dataset, from, to
        case byOwner = "by_owner"
    }
}

/// What one team (or one owner in a team) closed in the period.
///
/// A closure is attributed to the team (and owner) assigned when it was observed closed.
public struct TeamClosureRow: Sendable, Hashable, Codable {
    /// The assigned team at the observed closure (`(none)` when the feed had none).
    public var team: String
    /// The owner at the observed closure; nil when the query is not split by owner.
    public var owner: String?
    /// Closures observed in the period.
    public var closed: Int
    /// Median hours from opening to closing of those closures.
    public var medianHoursToClose: Double?
    /// Share (0…1) of those closures within the dataset's SLA target.
    public var withinSLAShare: Double?
    /// Tickets this team closed in the period that were later seen open again.
    public var reopened: Int

    public init(team: String, owner: String? = nil, closed: Int, medianHoursToClose: Double?, withinSLAShare: Double?, reopened: Int) {
        self.team = team
        self.owner = owner
        self.closed = closed
        self.medianHoursToClose = medianHoursToClose
        self.withinSLAShare = withinSLAShare
        self.reopened = reopened
    }

    enum CodingKeys: String, CodingKey {
        case team, owner, closed, reopened
        case medianHoursToClose = "median_hours_to_close"
        case withinSLAShare = "within_sla_share"
    }
}

/// Team closure attribution as `reporting.fn_team_closures` returns it.
public struct TeamClosureReport: Sendable, Hashable, Codable {
    public var query: TeamClosureQuery
    /// The dataset's SLA target in hours when the figures were computed.
    public var slaHours: Double
    /// One row per team (and owner), most closures first, then by name.
    public var rows: [TeamClosureRow]

    public init(query: TeamClosureQuery, slaHours: Double, rows: [TeamClosureRow]) {
        self.query = query
        self.slaHours = slaHours
        self.rows = rows
    }

    enum CodingKeys: String, CodingKey {
        case query
        case slaHours = "sla_hours"
        case rows
    }
}

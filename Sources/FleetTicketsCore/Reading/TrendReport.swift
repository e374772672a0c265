import Foundation

/// The calendar step of a trend series, on the EAT calendar.
public enum TrendGrain: String, Sendable, Hashable, Codable, CaseIterable {
    /// One EAT calendar day per period.
    case day
    /// One ISO week per period (Monday to Sunday, EAT).
    case week
}

/// What a trend series is split by. `none` gives one series for the whole dataset.
public enum TrendSplit: String, Sendable, Hashable, Codable, CaseIterable {
    case none, region, cluster, team
}

/// A question for the trend figures: one dataset, an inclusive range of EAT days, a grain and a split.
///
/// Days are `YYYY-MM-DD` strings on the EAT calendar, as the dashboard passes them.
public struct TrendQuery: Sendable, Hashable, Codable {
    /// `inc` or `crq`.
    public var dataset: String
    /// First EAT day, inclusive.
    public var from: String
    /// Last EAT day, inclusive.
    public var to: String
    public var grain: TrendGrain
    public var split: TrendSplit

    public init(dataset: String, from: String, to: String, grain: TrendGrain = .day, split: TrendSplit = .none) {
        self.dataset = dataset
        self.from = from
        self.to = to
        self.grain = grain
        self.split = split
    }
}

/// Open tickets by how long they have been open, at a moment (a period's end).
public struct BacklogAgeBuckets: Sendable, Hashable, Codable {
    /// Open for less than 24 hours.
    public var under24h: Int
    /// Open for 24 hours up to 48 hours.
    public var from24hTo48h: Int
    /// Open for 48 hours up to 7 days.
    public var from48hTo7d: Int
    /// Open for 7 days or more.
    public var over7d: Int

    public init(under24h: Int = 0, from24hTo48h: Int = 0, from48hTo7d: Int = 0, over7d: Int = 0) {
        self.under24h = under24h
        self.from24hTo48h = from24hTo48h
        self.from48hTo7d = from48hTo7d
        self.over7d = over7d
    }

    /// Every open ticket counted in the buckets.
    public var total: Int { under24h + from24hTo48h + from48hTo7d + over7d }

    enum CodingKeys: String, CodingKey {
        case under24h = "under_24h"
        case from24hTo48h = "h24_to_48"
        case from48hTo7d = "h48_to_7d"
        case over7d = "over_7d"
    }
}

/// The figures of one period, for one group when the series is split.
public struct TrendPoint: Sendable, Hashable, Codable {
    /// The period's first EAT day (`YYYY-MM-DD`; a Monday for weeks).
    public var period: String
    /// The region, cluster or team this point is about; nil when the series is not split.
    public var group: String?
    /// Tickets first opened in the period.
    public var opened: Int
    /// Tickets closed in the period.
    public var closed: Int
    /// `closed / opened` in the period; nil when nothing opened.
    public var closureRate: Double?
    /// Open tickets at the end of the period's last day; nil when neither history nor tickets can say.
    public var backlogAtEnd: Int?
    /// Median hours to close of the tickets closed in the period.
    public var mttrMedianHours: Double?
    /// 90th percentile hours to close of the tickets closed in the period.
    public var mttrP90Hours: Double?
    /// Share (0…1) of the tickets closed in the period that closed within the dataset's SLA target.
    public var withinSLAShare: Double?
    /// The open backlog at the period's end by age; nil where it cannot be known.
    public var backlogAge: BacklogAgeBuckets?

    public init(
        period: String, group: String? = nil, opened: Int, closed: Int, closureRate: Double?,
        backlogAtEnd: Int?, mttrMedianHours: Double?, mttrP90Hours: Double?, withinSLAShare: Double?,
        backlogAge: BacklogAgeBuckets?
    ) {
        self.period = period
        self.group = group
        self.opened = opened
        self.closed = closed
        self.closureRate = closureRate
        self.backlogAtEnd = backlogAtEnd
        self.mttrMedianHours = mttrMedianHours
        self.mttrP90Hours = mttrP90Hours
        self.withinSLAShare = withinSLAShare
        self.backlogAge = backlogAge
    }

    enum CodingKeys: String, CodingKey {
        case period, group, opened, closed
        case closureRate = "closure_rate"
        case backlogAtEnd = "backlog_at_end"
        case mttrMedianHours = "mttr_median_hours"
        case mttrP90Hours = "mttr_p90_hours"
        case withinSLAShare = "within_sla_share"
        case backlogAge = "backlog_age"
    }
}

/// A trend series as `reporting.fn_trends` returns it (the JSON keys are the SQL function's).
public struct TrendReport: Sendable, Hashable, Codable {
    public var query: TrendQuery
    /// The dataset's SLA target in hours when the figures were computed.
    public var slaHours: Double
    /// One point per period (and group), oldest first; groups in name order within a period.
    public var points: [TrendPoint]

    public init(query: TrendQuery, slaHours: Double, points: [TrendPoint]) {
        self.query = query
        self.slaHours = slaHours
        self.points = points
    }

    enum CodingKeys: String, CodingKey {
        case query
        case slaHours = "sla_hours"
        case points
    }
}

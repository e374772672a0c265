import Foundation

/// Everything the one-page report shows, as values: the renderer reads nothing else.
///
/// A loader fills it (the PostgreSQL one from `reporting.fn_report_snapshot` and the analytics
/// functions); tests build it by hand. The value is the whole contract between data and page.
public struct ReportInput: Sendable, Hashable {
    /// The EAT days the range figures, trends and team table cover.
    public var range: ReportRange
    /// When the figures were read (shown in EAT); "open now" means open at this instant.
    public var generatedAt: Date
    /// One block of headline figures per dataset shown, in display order.
    public var headlines: [HeadlineFigures]
    /// One trend series per dataset (not split by group), oldest period first.
    public var trends: [TrendReport]
    /// One team closure table per dataset.
    public var teams: [TeamClosureReport]
    /// Open tickets with a position, and the cluster labels drawn over them.
    public var map: ReportMap
    /// Set when the range holds none of the newest data (see ``ReportRangeChoice``).
    public var notice: ReportRangeNotice?
    /// The quality figures by dataset name, their content lag measured at `generatedAt`;
    /// empty when the loader reads none (the page then has no quality section).
    public var quality: [String: DatasetQuality]

    /// A report's values, as a loader or a test assembles them.
    public init(
        range: ReportRange, generatedAt: Date, headlines: [HeadlineFigures], trends: [TrendReport],
        teams: [TeamClosureReport], map: ReportMap, notice: ReportRangeNotice? = nil, quality: [String: DatasetQuality] = [:]
    ) {
        self.notice = notice
        self.quality = quality
        self.range = range
        self.generatedAt = generatedAt
        self.headlines = headlines
        self.trends = trends
        self.teams = teams
        self.map = map
    }
}

/// An inclusive range of EAT calendar days and the step of the trend charts over it.
public struct ReportRange: Sendable, Hashable, Codable {
    /// First EAT day, inclusive (`YYYY-MM-DD`).
    public var from: String
    /// Last EAT day, inclusive (`YYYY-MM-DD`).
    public var to: String
    /// Day or week periods in the trend charts.
    public var grain: TrendGrain

    /// The days `from`…`to` (EAT, inclusive) in periods of `grain`.
    public init(from: String, to: String, grain: TrendGrain) {
        self.from = from
        self.to = to
        self.grain = grain
    }
}

/// The headline figures of one dataset: the state now, and the flow over the range.
///
/// The JSON keys are those of one element of `datasets` in `reporting.fn_report_snapshot`.
public struct HeadlineFigures: Sendable, Hashable, Codable {
    /// `inc` or `crq`.
    public var dataset: String
    /// The dataset's SLA target in hours (tickets.sla_targets) when the figures were read.
    public var slaHours: Double
    /// Open (actionable) tickets now.
    public var openNow: Int
    /// Open tickets past the SLA target now.
    public var breachedNow: Int
    /// Open tickets in the at-risk band now (past the at-risk hours, not yet breached).
    public var atRiskNow: Int
    /// Open tickets whose SLA clock is unknown (no creation or first-seen time).
    public var unknownNow: Int
    /// Open tickets with no position (not on the map).
    public var unplacedNow: Int
    /// Tickets whose SLA clock started in the range.
    public var openedInRange: Int
    /// Tickets closed in the range.
    public var closedInRange: Int
    /// `closedInRange / openedInRange`; nil when nothing opened.
    public var closureRate: Double?
    /// Median hours from clock start to closing, of the tickets closed in the range.
    public var mttrMedianHours: Double?
    /// 90th percentile of the same.
    public var mttrP90Hours: Double?
    /// Share (0…1) of the tickets closed in the range that closed within the SLA target.
    public var withinSLAShare: Double?
    /// Export time of the newest file applied (the content's age); nil before the first ingest.
    public var lastExportedAt: Date?
    /// When the newest file was applied; nil before the first ingest.
    public var lastAppliedAt: Date?

    /// One dataset's figures (see each property for its meaning).
    public init(
        dataset: String, slaHours: Double, openNow: Int, breachedNow: Int, atRiskNow: Int, unknownNow: Int,
        unplacedNow: Int, openedInRange: Int, closedInRange: Int, closureRate: Double?, mttrMedianHours: Double?,
        mttrP90Hours: Double?, withinSLAShare: Double?, lastExportedAt: Date?, lastAppliedAt: Date?
    ) {
        self.dataset = dataset
        self.slaHours = slaHours
        self.openNow = openNow
        self.breachedNow = breachedNow
        self.atRiskNow = atRiskNow
        self.unknownNow = unknownNow
        self.unplacedNow = unplacedNow
        self.openedInRange = openedInRange
        self.closedInRange = closedInRange
        self.closureRate = closureRate
        self.mttrMedianHours = mttrMedianHours
        self.mttrP90Hours = mttrP90Hours
        self.withinSLAShare = withinSLAShare
        self.lastExportedAt = lastExportedAt
        self.lastAppliedAt = lastAppliedAt
    }

    enum CodingKeys: String, CodingKey {
        case dataset
        case slaHours = "sla_hours"
        case openNow = "open_now"
        case breachedNow = "breached_now"
        case atRiskNow = "at_risk_now"
        case unknownNow = "unknown_now"
        case unplacedNow = "unplaced_now"
        case openedInRange = "opened_in_range"
        case closedInRange = "closed_in_range"
        case closureRate = "closure_rate"
        case mttrMedianHours = "mttr_median_hours"
        case mttrP90Hours = "mttr_p90_hours"
        case withinSLAShare = "within_sla_share"
        case lastExportedAt = "last_exported_at"
        case lastAppliedAt = "last_applied_at"
    }
}

/// The map of open tickets: one mark per placed open ticket, and labels for their clusters.
public struct ReportMap: Sendable, Hashable, Codable {
    /// One per open ticket that has a position.
    public var marks: [MapMark]
    /// One per cluster that has a mark, at the cluster's centroid.
    public var clusters: [ClusterLabel]

    /// The marks and the labels drawn over them.
    public init(marks: [MapMark], clusters: [ClusterLabel]) {
        self.marks = marks
        self.clusters = clusters
    }
}

/// One open ticket on the map.
public struct MapMark: Sendable, Hashable, Codable {
    /// The ticket's id in its dataset.
    public var ticketID: String
    /// `inc` or `crq`.
    public var dataset: String
    /// WGS84 latitude of the ticket's resolved position.
    public var latitude: Double
    /// WGS84 longitude of the ticket's resolved position.
    public var longitude: Double
    /// The ticket's SLA state now.
    public var slaState: SLAState
    /// Hours since the SLA clock started; nil when the clock is unknown.
    public var hoursOpen: Double?
    /// The network cluster, when the feed names one.
    public var cluster: String?
    /// The assigned team, when the feed names one.
    public var team: String?

    /// One open ticket at a position.
    public init(
        ticketID: String, dataset: String, latitude: Double, longitude: Double, slaState: SLAState,
        hoursOpen: Double?, cluster: String? = nil, team: String? = nil
    ) {
        self.ticketID = ticketID
        self.dataset = dataset
        self.latitude = latitude
        self.longitude = longitude
        self.slaState = slaState
        self.hoursOpen = hoursOpen
        self.cluster = cluster
        self.team = team
    }

    enum CodingKeys: String, CodingKey {
        case ticketID = "ticket_id"
        case dataset, latitude, longitude
        case slaState = "sla_state"
        case hoursOpen = "hours_open"
        case cluster
        case team = "assigned_team"
    }
}

/// A cluster's name drawn at its centroid, with its open-ticket count.
public struct ClusterLabel: Sendable, Hashable, Codable {
    /// The cluster as the feed spells it.
    public var name: String
    /// WGS84 latitude of the centroid.
    public var latitude: Double
    /// WGS84 longitude of the centroid.
    public var longitude: Double
    /// Open tickets of the cluster on the map.
    public var openCount: Int

    /// A label for cluster `name` at its centroid.
    public init(name: String, latitude: Double, longitude: Double, openCount: Int) {
        self.name = name
        self.latitude = latitude
        self.longitude = longitude
        self.openCount = openCount
    }

    enum CodingKeys: String, CodingKey {
        case name = "cluster"
        case latitude, longitude
        case openCount = "open"
    }
}

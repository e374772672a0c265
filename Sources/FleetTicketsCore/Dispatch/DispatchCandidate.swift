import Foundation

/// One open ticket near a fix, as a dispatcher needs it: where, how far, how urgent.
///
/// The coding keys are the JSON keys of one entry of `reporting.fn_dispatch_nearest`'s
/// `tickets` array. Hours are rounded to 0.1 h (as the dashboard shows them); `slaDeadline`
/// is exact, and the urgency order uses it.
public struct DispatchCandidate: Sendable, Hashable, Codable {
    /// 1-based position in the answer's order.
    public var rank: Int
    /// `inc` or `crq`.
    public var dataset: String
    /// The ticket's key.
    public var ticketID: String
    /// Spheroid distance from the fix, metres (0.01 m).
    public var distanceMetres: Double
    /// Hours since the SLA clock started (0.1 h); nil without a clock.
    public var hoursOpen: Double?
    /// Where the ticket stands against its dataset's SLA target.
    public var slaState: SLAState
    /// The dataset's SLA target, hours.
    public var slaTargetHours: Double
    /// Target minus hours open (0.1 h; negative once breached); nil without a clock.
    public var slaHoursLeft: Double?
    /// When the SLA clock started: `created_at_service`, else `first_seen_at`.
    public var slaClockStart: Date?
    /// Which timestamp started the clock: `created_at_service`, `first_seen_at` or `none`.
    public var slaClockSource: String
    /// Clock start plus the target: when the ticket is (or was) due.
    public var slaDeadline: Date?
    /// The ticket's normalised status.
    public var normalizedStatus: String?
    /// Network cluster.
    public var cluster: String?
    /// Region.
    public var region: String?
    /// The feed's location text.
    public var locationName: String?
    /// Team assigned.
    public var assignedTeam: String?
    /// Owner assigned.
    public var owner: String?
    /// Position, decimal degrees.
    public var latitude: Double
    /// Position, decimal degrees.
    public var longitude: Double
    /// How the position was obtained: `feed`, `location` (geocoded place) or `cluster` (centroid).
    public var geoSource: String

    /// A candidate with every field given (readers build these; tests may too).
    public init(
        rank: Int, dataset: String, ticketID: String, distanceMetres: Double, hoursOpen: Double?, slaState: SLAState,
        slaTargetHours: Double, slaHoursLeft: Double?, slaClockStart: Date?, slaClockSource: String, slaDeadline: Date?,
        normalizedStatus: String? = nil, cluster: String? = nil, region: String? = nil, locationName: String? = nil,
        assignedTeam: String? = nil, owner: String? = nil, latitude: Double, longitude: Double, geoSource: String
    ) {
        self.rank = rank
        self.dataset = dataset
        self.ticketID = ticketID
        self.distanceMetres = distanceMetres
        self.hoursOpen = hoursOpen
        self.slaState = slaState
        self.slaTargetHours = slaTargetHours
        self.slaHoursLeft = slaHoursLeft
        self.slaClockStart = slaClockStart
        self.slaClockSource = slaClockSource
        self.slaDeadline = slaDeadline
        self.normalizedStatus = normalizedStatus
        self.cluster = cluster
        self.region = region
        self.locationName = locationName
        self.assignedTeam = assignedTeam
        self.owner = owner
        self.latitude = latitude
        self.longitude = longitude
        self.geoSource = geoSource
    }

    /// The ticket's position.
    public var position: Coordinate { Coordinate(latitude: latitude, longitude: longitude) }

    enum CodingKeys: String, CodingKey {
        case rank, dataset, cluster, region, owner, latitude, longitude
        case ticketID = "ticket_id"
        case distanceMetres = "distance_m"
        case hoursOpen = "hours_open"
        case slaState = "sla_state"
        case slaTargetHours = "sla_target_hours"
        case slaHoursLeft = "sla_hours_left"
        case slaClockStart = "sla_clock_start"
        case slaClockSource = "sla_clock_source"
        case slaDeadline = "sla_deadline"
        case normalizedStatus = "normalized_status"
        case locationName = "location_name"
        case assignedTeam = "assigned_team"
        case geoSource = "geo_source"
    }

    /// Encodes every key, absent values as `null`, as the SQL function writes them.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rank, forKey: .rank)
        try c.encode(dataset, forKey: .dataset)
        try c.encode(ticketID, forKey: .ticketID)
        try c.encode(distanceMetres, forKey: .distanceMetres)
        try c.encode(hoursOpen, forKey: .hoursOpen)
        try c.encode(slaState, forKey: .slaState)
        try c.encode(slaTargetHours, forKey: .slaTargetHours)
        try c.encode(slaHoursLeft, forKey: .slaHoursLeft)
        try c.encode(slaClockStart, forKey: .slaClockStart)
        try c.encode(slaClockSource, forKey: .slaClockSource)
        try c.encode(slaDeadline, forKey: .slaDeadline)
        try c.encode(normalizedStatus, forKey: .normalizedStatus)
        try c.encode(cluster, forKey: .cluster)
        try c.encode(region, forKey: .region)
        try c.encode(locationName, forKey: .locationName)
        try c.encode(assignedTeam, forKey: .assignedTeam)
        try c.encode(owner, forKey: .owner)
        try c.encode(latitude, forKey: .latitude)
        try c.encode(longitude, forKey: .longitude)
        try c.encode(geoSource, forKey: .geoSource)
    }
}

/// The answer to a ``NearbyQuery``: the tickets in order and the moment SLA was judged at.
public struct NearbyTickets: Sendable, Hashable, Codable {
    /// The moment hours open were measured at (`generated_at`: the database transaction's
    /// `now()`, or the in-memory reader's clock).
    public var asOf: Date
    /// The tickets, in the query's order (`rank` 1, 2, …).
    public var tickets: [DispatchCandidate]

    /// An answer measured at `asOf`.
    public init(asOf: Date, tickets: [DispatchCandidate]) {
        self.asOf = asOf
        self.tickets = tickets
    }

    enum CodingKeys: String, CodingKey {
        case asOf = "generated_at"
        case tickets
    }
}

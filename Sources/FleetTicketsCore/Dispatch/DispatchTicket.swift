import Foundation

/// What dispatch needs to know of one ticket: the in-memory reader's input.
///
/// The fields mirror the typed columns of `tickets.inc` / `tickets.crq`: `is_actionable`, the
/// resolved position and `geo_source`, the two SLA clock timestamps and the labels a
/// dispatcher reads.
public struct DispatchTicket: Sendable, Hashable {
    /// `inc` or `crq`.
    public var dataset: String
    /// The ticket's key.
    public var ticketID: String
    /// Open and actionable (the open flag); closed tickets are never dispatched.
    public var isActionable: Bool
    /// The resolved position; nil when the ticket could not be placed (never dispatched).
    public var position: Coordinate?
    /// How the position was obtained: `feed`, `location`, `cluster` (or `none`).
    public var geoSource: String
    /// `created_at_service`: starts the SLA clock when known.
    public var createdAtService: Date?
    /// `first_seen_at`: starts the SLA clock when `createdAtService` is unknown.
    public var firstSeenAt: Date?
    /// Normalised status.
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

    /// A snapshot; only dataset, id and position are required (open by default).
    public init(
        dataset: String, ticketID: String, isActionable: Bool = true, position: Coordinate?, geoSource: String = "feed",
        createdAtService: Date? = nil, firstSeenAt: Date? = nil, normalizedStatus: String? = nil, cluster: String? = nil,
        region: String? = nil, locationName: String? = nil, assignedTeam: String? = nil, owner: String? = nil
    ) {
        self.dataset = dataset
        self.ticketID = ticketID
        self.isActionable = isActionable
        self.position = position
        self.geoSource = geoSource
        self.createdAtService = createdAtService
        self.firstSeenAt = firstSeenAt
        self.normalizedStatus = normalizedStatus
        self.cluster = cluster
        self.region = region
        self.locationName = locationName
        self.assignedTeam = assignedTeam
        self.owner = owner
    }

    /// When the SLA clock started: `created_at_service`, else `first_seen_at`.
    public var slaClockStart: Date? { createdAtService ?? firstSeenAt }

    /// Which timestamp started the clock (`created_at_service` / `first_seen_at` / `none`).
    public var slaClockSource: String {
        createdAtService != nil ? "created_at_service" : firstSeenAt != nil ? "first_seen_at" : "none"
    }
}

/// One typed column of a dataset's table: a value the read side queries without parsing `raw`.
///
/// The table `TicketColumns.all` is the single declaration every writer derives from: the
/// PostgreSQL store's staging table, COPY encoder and apply statements, and the in-memory
/// store's typed values. The database's row triggers fill the same columns for other writers;
/// an integration test holds the declaration, the table catalog and the triggers together.
public struct TicketColumn: Sendable, Hashable, CustomStringConvertible {
    /// How the value is computed, which also fixes the column's SQL type.
    public enum Kind: Sendable, Hashable {
        /// `field` trimmed of spaces; empty is NULL. `text`.
        case text
        /// `field` read as a boolean (`true t yes y 1` / `false f no n 0`, any case, trimmed);
        /// anything else is NULL. `boolean`.
        case boolean
        /// `field` read as decimal hours, rounded to whole minutes (half away from zero); NULL
        /// when not a plain decimal or 35,000,000 hours or more. `integer`.
        case minutes
        /// `field` read as EAT wall-clock time (UTC+03:00); blank is NULL. `timestamptz`.
        case timestamp
        /// Where the ticket is placed: the feed's point (`PlacementFields.latitude`/`longitude`),
        /// else its geocoded location (`locationName`), else its cluster's centroid (`cluster`),
        /// else none. `geometry(Point,4326)`.
        case point
        /// Which of those placed it: `feed`, `location`, `cluster` or `none`. `text`.
        case pointSource
        /// The feed's latitude when it makes a point, else the placed point's. `double precision`.
        case latitude
        /// The feed's longitude when it makes a point, else the placed point's. `double precision`.
        case longitude
        /// The placed point as a geography. `geography(Point,4326)`.
        case geography

        /// Whether the value comes from the ticket's own `field` alone (not from its placement).
        public var isFromField: Bool {
            switch self {
            case .text, .boolean, .minutes, .timestamp: true
            case .point, .pointSource, .latitude, .longitude, .geography: false
            }
        }
    }

    /// The column's name in the table.
    public let name: String
    /// The key of `raw` the value comes from; nil for the placement kinds, which read the keys
    /// of `TicketColumns.PlacementFields` and the gazetteer.
    public let field: String?
    /// How the value is computed, and so its SQL type.
    public let kind: Kind

    /// A column computed from `field` (`kind.isFromField`).
    public init(_ name: String, from field: String, _ kind: Kind) {
        precondition(kind.isFromField, "\(name): a placement column has no single field")
        self.name = name
        self.field = field
        self.kind = kind
    }

    /// A column of the ticket's placement.
    public init(placement name: String, _ kind: Kind) {
        precondition(!kind.isFromField, "\(name): a column from a field names it")
        self.name = name
        self.field = nil
        self.kind = kind
    }

    public var description: String { name }
}

/// The typed columns of the ticket tables (`tickets.inc` and `tickets.crq` carry the same ones),
/// in table order. Adding one is an entry here and a migration that adds the column to both
/// tables and to the row trigger that fills it for other writers (`tickets.set_typed_columns`
/// or `tickets.set_point_columns`); `docs/decisions.md` says how.
public enum TicketColumns {
    /// The columns computed from one field of `raw` each.
    public static let fromFields: [TicketColumn] = [
        TicketColumn("normalized_status", from: "normalized_status", .text),
        TicketColumn("raw_status", from: "raw_status", .text),
        TicketColumn("bucket", from: "bucket", .text),
        TicketColumn("is_actionable", from: "is_actionable", .boolean),
        TicketColumn("cluster", from: "cluster", .text),
        TicketColumn("region", from: "region", .text),
        TicketColumn("location_name", from: "location_name", .text),
        TicketColumn("assigned_team", from: "assigned_team", .text),
        TicketColumn("owner", from: "owner", .text),
        TicketColumn("sla_status", from: "sla_status", .text),
        TicketColumn("created_at_service", from: "created_at_service", .timestamp),
        TicketColumn("scheduled_at", from: "scheduled_at", .timestamp),
        TicketColumn("closed_at", from: "closed_at", .timestamp),
        TicketColumn("first_seen_at", from: "first_seen_at", .timestamp),
        TicketColumn("last_seen_at", from: "last_seen_at", .timestamp),
        TicketColumn("source_created_at", from: "source_created_at", .timestamp),
        TicketColumn("source_updated_at", from: "source_updated_at", .timestamp),
        TicketColumn("mttr", from: "mttr", .minutes),
    ]

    /// The columns of where the ticket is placed.
    public static let placement: [TicketColumn] = [
        TicketColumn(placement: "geom", .point),
        TicketColumn(placement: "geo_source", .pointSource),
        TicketColumn(placement: "latitude", .latitude),
        TicketColumn(placement: "longitude", .longitude),
        TicketColumn(placement: "geog", .geography),
    ]

    /// Every typed column.
    public static let all = fromFields + placement

    /// The keys of `raw` a ticket's placement reads.
    public enum PlacementFields {
        /// The feed's own coordinate, used when the two make a point.
        public static let latitude = "latitude"
        public static let longitude = "longitude"
        /// The gazetteer's keys: a geocoded location, else a cluster's centroid.
        public static let locationName = "location_name"
        public static let cluster = "cluster"
    }
}

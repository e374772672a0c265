import Foundation

/// How nearby tickets are ordered.
public enum DispatchRank: String, Sendable, Hashable, Codable, CaseIterable {
    /// Nearest first (ties: dataset, then ticket id).
    case distance
    /// Most urgent first: breached (longest overdue first), at risk, within (each by the SLA
    /// deadline, soonest first), unknown clock last; ties nearest first.
    case urgency
}

/// A dispatch question: the open tickets near a GPS fix.
///
/// Without a radius, the `limit` nearest open tickets are the candidates (ranked by distance
/// or urgency). With a radius, every open ticket within it is a candidate; the first `limit`
/// of them in the chosen order are returned. The same rules and bounds hold in every
/// ``DispatchReader`` and in `reporting.fn_dispatch_nearest`.
///
/// ```swift
/// let query = try NearbyQuery(near: Coordinate(latitude: -1.2921, longitude: 36.8219),
///                             limit: 5, withinKilometres: 10, rank: .urgency)
/// ```
public struct NearbyQuery: Sendable, Hashable {
    /// The largest `limit` accepted.
    public static let maxLimit = 1000
    /// The largest radius accepted, in kilometres (half the Earth's circumference).
    public static let maxKilometres = 20_040.0

    /// The vehicle's position.
    public var position: Coordinate
    /// How many tickets to return, 1…1000.
    public var limit: Int
    /// Only tickets within this many kilometres (spheroid distance), when set.
    public var withinKilometres: Double?
    /// The order of the answer.
    public var rank: DispatchRank

    /// A validated query.
    /// - Throws: ``DispatchQueryError`` naming the bad argument and the accepted range.
    public init(near position: Coordinate, limit: Int = 10, withinKilometres: Double? = nil, rank: DispatchRank = .distance) throws {
        guard position.latitude.isFinite, (-90...90).contains(position.latitude) else {
            throw DispatchQueryError(.latitude, "latitude \(position.latitude) is out of range [-90, 90]",
                                     hint: "give the fix as LAT,LNG in decimal degrees, latitude first (e.g. -1.2921,36.8219)")
        }
        guard position.longitude.isFinite, (-180...180).contains(position.longitude) else {
            throw DispatchQueryError(.longitude, "longitude \(position.longitude) is out of range [-180, 180]",
                                     hint: "give the fix as LAT,LNG in decimal degrees, latitude first (e.g. -1.2921,36.8219)")
        }
        guard (1...Self.maxLimit).contains(limit) else {
            throw DispatchQueryError(.limit, "limit \(limit) is out of range [1, \(Self.maxLimit)]", hint: "ask for between 1 and \(Self.maxLimit) tickets")
        }
        if let km = withinKilometres, !(km > 0 && km <= Self.maxKilometres) {
            throw DispatchQueryError(.radius, "radius \(km) km is out of range (0, \(Int(Self.maxKilometres))]",
                                     hint: "give a positive radius in kilometres, or none")
        }
        self.position = position
        self.limit = limit
        self.withinKilometres = withinKilometres
        self.rank = rank
    }
}

/// A dispatch question that cannot be asked: what is wrong and what to do.
public struct DispatchQueryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The argument a query is built from, so a caller can name its own spelling of it
    /// (a flag, a query parameter).
    public enum Argument: String, Sendable, Hashable {
        /// The position's latitude.
        case latitude
        /// The position's longitude.
        case longitude
        /// How many tickets to return.
        case limit
        /// The radius in kilometres.
        case radius
        /// The position as one `LAT,LNG` text.
        case position
    }

    /// The argument that cannot be used.
    public var argument: Argument
    /// What is wrong with the argument.
    public var message: String
    /// What to pass instead.
    public var hint: String

    /// An error about `argument` saying `message`, with `hint` on what to pass instead.
    public init(_ argument: Argument, _ message: String, hint: String) {
        self.argument = argument
        self.message = message
        self.hint = hint
    }

    /// One sentence: what is wrong and what to do.
    public var description: String { "Bad dispatch query: \(message); \(hint)." }
}

extension Coordinate {
    /// Parses `LAT,LNG` (decimal degrees, latitude first), as the CLI's `--near` takes it.
    /// - Throws: ``DispatchQueryError`` when the text is not two decimal numbers.
    public init(parsingFix text: String) throws {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let lat = Double(parts[0]), let lng = Double(parts[1]) else {
            throw DispatchQueryError(.position, "'\(text)' is not a position", hint: "give it as LAT,LNG in decimal degrees, e.g. -1.2921,36.8219")
        }
        self.init(latitude: lat, longitude: lng)
    }
}

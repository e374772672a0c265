import Synchronization

/// A place to find: the cleaned place name and, when known, the point it should be near.
public struct PlaceQuery: Sendable, Hashable {
    /// The place name with network codes removed, e.g. `Kasarani Mwiki`.
    public var text: String
    /// The cluster centroid to bias the search to (latitude, longitude).
    public var near: Coordinate?
    /// ISO 3166-1 alpha-2 country codes to restrict to, e.g. `["ke"]`.
    public var countryCodes: [String]

    public init(text: String, near: Coordinate? = nil, countryCodes: [String] = ["ke"]) {
        self.text = text
        self.near = near
        self.countryCodes = countryCodes
    }
}

/// A WGS 84 position in decimal degrees.
public struct Coordinate: Sendable, Hashable, Codable {
    public var latitude: Double
    public var longitude: Double

    public init(latitude: Double, longitude: Double) {
        self.latitude = latitude
        self.longitude = longitude
    }
}

/// One answer from a geocoder.
public struct GeocodeCandidate: Sendable, Hashable {
    public var coordinate: Coordinate
    /// The provider's display name for the match.
    public var label: String?
    /// The provider's own quality signal (importance, confidence), when it gives one.
    public var quality: Double?
    /// Which provider answered (`locationiq`, `opencage`, `nominatim`, `gazetteer`).
    public var provider: String

    public init(coordinate: Coordinate, label: String? = nil, quality: Double? = nil, provider: String) {
        self.coordinate = coordinate
        self.label = label
        self.quality = quality
        self.provider = provider
    }
}

/// The requests a run may still send to a provider (`GEOCODER_BUDGET`). Every request sent
/// spends one, retries included, so the budget bounds what a run can cost. Shared by the
/// engine and the geocoder's retry loop; safe to use from many tasks.
public final class GeocodeBudget: Sendable {
    /// The most requests the run may send.
    public let limit: Int
    private let used = Mutex(0)

    public init(limit: Int) {
        self.limit = max(0, limit)
    }

    /// Requests sent so far.
    public var spent: Int { used.withLock { $0 } }
    /// Requests the run may still send.
    public var remaining: Int { limit - spent }

    /// Takes one request from the budget; false (taking nothing) when it is spent.
    public func spend() -> Bool {
        used.withLock { used in
            guard used < limit else { return false }
            used += 1
            return true
        }
    }
}

/// Turns a place name into candidate positions.
///
/// An empty array means the provider knows no such place (a miss, to be cached). Errors are
/// for failures worth retrying or reporting (rate limits, quota, credentials, outages) and must
/// never contain an API key.
public protocol Geocoder: Sendable {
    /// Candidates for the place, best first.
    func candidates(for query: PlaceQuery) async throws -> [GeocodeCandidate]
    /// Candidates for the place, spending one unit of `budget` per request sent (retries
    /// included); throws `GeocoderError.budgetSpent` when a request is due and none is left.
    /// The default spends one and asks `candidates(for:)` (geocoders that never retry).
    func candidates(for query: PlaceQuery, budget: GeocodeBudget) async throws -> [GeocodeCandidate]
    /// The least time between two requests as the provider should see them, margin included
    /// (zero for an offline geocoder). The engine also keeps it between the last request of
    /// one run and the first of the next.
    var pacing: Duration { get }
    /// The provider's name for reports.
    var provider: String { get }
}

extension Geocoder {
    public func candidates(for query: PlaceQuery, budget: GeocodeBudget) async throws -> [GeocodeCandidate] {
        guard budget.spend() else { throw GeocoderError.budgetSpent(provider: provider) }
        return try await candidates(for: query)
    }

    public var pacing: Duration { .zero }
}

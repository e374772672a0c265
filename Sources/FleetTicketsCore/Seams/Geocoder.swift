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

/// Turns a place name into candidate positions.
///
/// An empty array means the provider knows no such place (a miss, to be cached). Errors are
/// for failures worth retrying or reporting (rate limits, quota, credentials, outages) and must
/// never contain an API key.
public protocol Geocoder: Sendable {
    /// Candidates for the place, best first.
    func candidates(for query: PlaceQuery) async throws -> [GeocodeCandidate]
    /// The provider's name for reports.
    var provider: String { get }
}

import Foundation

/// A cluster with tickets but no coordinate yet.
public struct ClusterNeed: Sendable, Hashable {
    public var cluster: String
    public var tickets: Int
    public init(cluster: String, tickets: Int) {
        self.cluster = cluster
        self.tickets = tickets
    }
}

/// A `location_name` of actionable tickets (INC and CRQ together) with no usable cached answer.
public struct PlaceNeed: Sendable, Hashable {
    public var locationName: String
    public var cluster: String?
    /// Actionable tickets at this place, both datasets.
    public var tickets: Int
    /// The cluster's centroid, when the cluster has been located.
    public var centroid: Coordinate?
    public init(locationName: String, cluster: String?, tickets: Int, centroid: Coordinate?) {
        self.locationName = locationName
        self.cluster = cluster
        self.tickets = tickets
        self.centroid = centroid
    }
}

/// What a geocode run learnt about a place: cached whatever it was, so it is asked once.
public struct LocationAnswer: Sendable, Hashable {
    public enum Status: String, Sendable, Codable { case hit, miss, rejected }
    public var locationName: String
    public var cluster: String?
    /// The cleaned place name that was asked.
    public var query: String
    public var status: Status
    /// The position (for a rejection: the one that was too far away).
    public var coordinate: Coordinate?
    /// Distance from the cluster centroid, when known.
    public var distanceKilometres: Double?
    public var provider: String
    public init(locationName: String, cluster: String?, query: String, status: Status, coordinate: Coordinate?,
                distanceKilometres: Double?, provider: String) {
        self.locationName = locationName
        self.cluster = cluster
        self.query = query
        self.status = status
        self.coordinate = coordinate
        self.distanceKilometres = distanceKilometres
        self.provider = provider
    }
}

/// A cluster's coordinate, as found.
public struct ClusterAnswer: Sendable, Hashable {
    public var cluster: String
    public var coordinate: Coordinate
    public var query: String
    public var provider: String
    public init(cluster: String, coordinate: Coordinate, query: String, provider: String) {
        self.cluster = cluster
        self.coordinate = coordinate
        self.query = query
        self.provider = provider
    }
}

/// A cluster the provider did not know, cached so it is not asked every run.
public struct ClusterMiss: Sendable, Hashable {
    public var cluster: String
    public var query: String
    public var provider: String
    public init(cluster: String, query: String, provider: String) {
        self.cluster = cluster
        self.query = query
        self.provider = provider
    }
}

/// The gazetteer side of a store: what needs geocoding, the cached answers, and the ticket
/// geometries resolved from them (feed → location → cluster → none, both datasets).
///
/// Implementations must save answers with `verified = false`, count a place's attempts, and
/// keep misses and rejections so `placesNeedingGeocode` leaves them out until `retryBefore`.
public protocol GazetteerStore: Sendable {
    /// Clusters of tickets (both datasets) that have no coordinate and no miss cached after
    /// `retryBefore`, most tickets first.
    func clustersNeedingCoordinates(retryBefore: Date) async throws -> [ClusterNeed]
    /// Places of actionable tickets (both datasets) with no hit cached, and no miss or
    /// rejection cached after `retryBefore`.
    func placesNeedingGeocode(retryBefore: Date) async throws -> [PlaceNeed]
    /// Saves cluster coordinates.
    func save(clusters: [ClusterAnswer]) async throws
    /// Records clusters the provider did not know (asked again after the retry period).
    func save(clusterMisses: [ClusterMiss]) async throws
    /// Saves place answers: hits, misses and rejections.
    func save(locations: [LocationAnswer]) async throws
    /// When the provider was last sent a request, by any run (nil: never).
    func lastGeocoderRequest(provider: String) async throws -> Date?
    /// Records that a request was just sent to the provider, for the next run's spacing.
    func recordGeocoderRequest(provider: String, at: Date) async throws
    /// Re-resolves every ticket's position; returns how many tickets changed.
    func resolveGeometries() async throws -> Int
    /// Tickets of both datasets by `geo_source`.
    func placement() async throws -> [String: Int]
}

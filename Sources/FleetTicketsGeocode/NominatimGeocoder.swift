import FleetTicketsCore
import FleetTicketsHTTP
import Logging

/// Asks a self-hosted Nominatim server (`GEOCODER_URL`) — no key — restricted to the
/// configured countries and preferring a box of ±0.25° around the cluster.
///
/// The public nominatim.openstreetmap.org allows at most one request per second and no bulk
/// geocoding, hence a self-hosted server; its rate limit defaults to that same 1/s and may be
/// raised in the configuration. Answers: 200 with places (`[]` is a miss); 429 is waited out
/// and retried; 401/403 are `unauthorized` (check `GEOCODER_URL`, e.g. a proxy's access
/// rules); 5xx and timeouts are retried, then `unavailable`.
public struct NominatimGeocoder: Geocoder {
    public let provider = GeocoderProvider.nominatim.rawValue
    public let configuration: GeocoderConfiguration
    let transport: ProviderTransport

    /// The default logger drops everything: pass the service's own to see retries.
    public init(configuration: GeocoderConfiguration, logger: Logger = Logger(label: "fleettickets.geocode", factory: { _ in SwiftLogNoOpLogHandler() })) {
        self.init(configuration: configuration, logger: logger, clock: ContinuousClock(), retryPolicy: nil)
    }

    /// A geocoder whose waits run on `clock` and whose retries follow `retryPolicy` (tests).
    package init(configuration: GeocoderConfiguration, logger: Logger, clock: some Clock<Duration>, retryPolicy: HTTPRetryPolicy?) {
        precondition(configuration.provider == .nominatim, "a NominatimGeocoder needs a nominatim configuration")
        self.configuration = configuration
        transport = ProviderTransport(configuration: configuration, logger: logger, clock: clock, retryPolicy: retryPolicy)
    }

    public func candidates(for query: PlaceQuery) async throws -> [GeocodeCandidate] {
        try await search(query, budget: nil)
    }

    /// Every attempt (retries included) spends one unit of `budget` before it is sent.
    public func candidates(for query: PlaceQuery, budget: GeocodeBudget) async throws -> [GeocodeCandidate] {
        try await search(query, budget: budget)
    }

    /// The configured rate's spacing, margin included.
    public var pacing: Duration { configuration.rateLimit.spacing }

    private func search(_ query: PlaceQuery, budget: GeocodeBudget?) async throws -> [GeocodeCandidate] {
        let url = transport.url(NominatimStyleSearch.parameters(
            query, key: nil, countryCodes: transport.countryCodes(query), limit: configuration.resultLimit))
        return try await transport.send(url, budget: budget) { response in
            response.isSuccess ? NominatimStyleSearch.candidates(response, transport: transport) : transport.verdict(forError: response)
        }
    }
}

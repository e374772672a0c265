import FleetTicketsCore
import FleetTicketsHTTP
import Logging

/// Asks LocationIQ's forward-geocoding search (`/v1/search`), restricted to the configured
/// countries and preferring a box of ±0.25° around the cluster.
///
/// The key travels as the `key` query parameter, as LocationIQ documents it; it never
/// appears in logs or errors. Answers: 200 with places; 404 `Unable to geocode` is a miss;
/// 429 `Rate Limited Second`/`Minute` is waited out and retried, `Rate Limited Day` is
/// `quotaExhausted`; 401/403 are `unauthorized` (check `GEOCODER_API_KEY`); 5xx and timeouts
/// are retried, then `unavailable`.
///
/// ```swift
/// let configuration = try GeocoderConfiguration(provider: .locationiq, apiKey: key)
/// let candidates = try await LocationIQGeocoder(configuration: configuration, logger: logger)
///     .candidates(for: PlaceQuery(text: "Kasarani Mwiki", near: centroid))
/// ```
public struct LocationIQGeocoder: Geocoder {
    public let provider = GeocoderProvider.locationiq.rawValue
    public let configuration: GeocoderConfiguration
    let transport: ProviderTransport

    /// The default logger drops everything: pass the service's own to see retries.
    public init(configuration: GeocoderConfiguration, logger: Logger = Logger(label: "fleettickets.geocode", factory: { _ in SwiftLogNoOpLogHandler() })) {
        self.init(configuration: configuration, logger: logger, clock: ContinuousClock(), retryPolicy: nil)
    }

    /// A geocoder whose waits run on `clock` and whose retries follow `retryPolicy` (tests).
    package init(configuration: GeocoderConfiguration, logger: Logger, clock: some Clock<Duration>, retryPolicy: HTTPRetryPolicy?) {
        precondition(configuration.provider == .locationiq, "a LocationIQGeocoder needs a locationiq configuration")
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
            query, key: configuration.apiKey, countryCodes: transport.countryCodes(query), limit: configuration.resultLimit))
        return try await transport.send(url, budget: budget) { response in
            if response.isSuccess { return NominatimStyleSearch.candidates(response, transport: transport) }
            if response.status == 404, transport.errorMessage(response).lowercased().contains("unable to geocode") {
                return .answer([])
            }
            return transport.verdict(forError: response)
        }
    }
}

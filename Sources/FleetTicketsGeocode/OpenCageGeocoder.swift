import FleetTicketsCore
import FleetTicketsHTTP
import Foundation
import Logging

/// Asks the OpenCage geocoding API (`/geocode/v1/json`), restricted to the configured
/// countries (`countrycode`) and biased to the cluster (`proximity=lat,lng`).
///
/// The key travels as the `key` query parameter, as OpenCage documents it; it never appears
/// in logs or errors. Answers: 200 with `results` (`[]` is a miss); 402 is `quotaExhausted`;
/// 429 (too many requests per second) is waited out and retried; 401/403 are `unauthorized`
/// (check `GEOCODER_API_KEY`); 5xx and timeouts are retried, then `unavailable`. Quality is
/// OpenCage's `confidence` (1–10) divided by 10.
public struct OpenCageGeocoder: Geocoder {
    public let provider = GeocoderProvider.opencage.rawValue
    public let configuration: GeocoderConfiguration
    let transport: ProviderTransport

    struct Answer: Decodable {
        struct Result: Decodable {
            struct Geometry: Decodable {
                var lat: LenientDouble?
                var lng: LenientDouble?
            }
            var geometry: Geometry?
            var formatted: String?
            var confidence: LenientDouble?
        }
        var results: [Result]
    }

    /// The default logger drops everything: pass the service's own to see retries.
    public init(configuration: GeocoderConfiguration, logger: Logger = Logger(label: "fleettickets.geocode", factory: { _ in SwiftLogNoOpLogHandler() })) {
        self.init(configuration: configuration, logger: logger, clock: ContinuousClock(), retryPolicy: nil)
    }

    /// A geocoder whose waits run on `clock` and whose retries follow `retryPolicy` (tests).
    package init(configuration: GeocoderConfiguration, logger: Logger, clock: some Clock<Duration>, retryPolicy: HTTPRetryPolicy?) {
        precondition(configuration.provider == .opencage, "an OpenCageGeocoder needs an opencage configuration")
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
        let proximity = query.near.map { QueryEncoding.decimal($0.latitude) + "," + QueryEncoding.decimal($0.longitude) }
        let url = transport.url([
            "q": query.text,
            "key": configuration.apiKey,
            "countrycode": transport.countryCodes(query),
            "proximity": proximity,
            "limit": String(configuration.resultLimit),
            "no_annotations": "1",
        ])
        return try await transport.send(url, budget: budget) { response in
            switch response.status {
            case 200..<300: candidates(response)
            case 402: .fail(.quotaExhausted(provider: provider, message: "HTTP 402: \(transport.errorMessage(response))"))
            default: transport.verdict(forError: response)
            }
        }
    }

    private func candidates(_ response: HTTPResponse) -> ProviderVerdict {
        let answer: Answer
        do {
            answer = try JSONDecoder().decode(Answer.self, from: Data(response.body))
        } catch {
            return transport.unreadable(response, "expected an object with results")
        }
        let candidates = answer.results.compactMap { result -> GeocodeCandidate? in
            guard let lat = result.geometry?.lat?.value, let lng = result.geometry?.lng?.value else { return nil }
            return GeocodeCandidate(coordinate: Coordinate(latitude: lat, longitude: lng), label: result.formatted,
                                    quality: result.confidence?.value.map { $0 / 10 }, provider: provider)
        }
        if candidates.isEmpty && !answer.results.isEmpty { return transport.unreadable(response, "results without geometry") }
        return .answer(candidates)
    }
}

import FleetTicketsCore
import FleetTicketsGeocode
import FleetTicketsHTTP
import Foundation
import Logging

/// The providers' documented response shapes, and geocoders pointed at a stub server.
enum ProviderStubs {
    /// A made-up key, distinctive enough to search for in every error and log line.
    static let key = "pk.7f3a9c51e2d84b06TESTKEY"

    /// Kasarani cluster centroid, and Mwiki 3 km away.
    static let kasarani = Coordinate(latitude: -1.2219, longitude: 36.8973)
    static let mwiki = Coordinate(latitude: -1.2149, longitude: 36.9236)

    /// Where each provider's endpoint lives on the stub (GEOCODER_URL).
    static func endpoint(_ provider: GeocoderProvider, on server: StubGeocoderServer) -> String {
        switch provider {
        case .locationiq: server.url + "/v1/search"
        case .opencage: server.url + "/geocode/v1/json"
        case .nominatim: server.url  // a server root: /search is appended
        }
    }

    /// A configuration from the environment, as the CLI builds it, pointed at the stub, with a
    /// high rate limit and short timeouts unless told otherwise.
    static func configuration(_ provider: GeocoderProvider, server: StubGeocoderServer,
                              rate: GeocoderRateLimit = GeocoderRateLimit(perSecond: 1000),
                              timeout: Duration = .seconds(5), maxRetries: Int = 2) throws -> GeocoderConfiguration {
        var env = ["GEOCODER_PROVIDER": provider.rawValue, "GEOCODER_URL": endpoint(provider, on: server)]
        if provider.needsKey { env["GEOCODER_API_KEY"] = key }
        var configuration = try GeocoderConfiguration(environment: env)
        configuration.rateLimit = rate
        configuration.timeout = timeout
        configuration.maxRetries = maxRetries
        return configuration
    }

    /// Backoff of a millisecond or two: retries without waiting.
    static func fastRetries(_ maxRetries: Int = 2) -> HTTPRetryPolicy {
        HTTPRetryPolicy(maxRetries: maxRetries, baseDelay: .milliseconds(2), maxDelay: .milliseconds(5))
    }

    /// Retries are logged at notice; the tests that care pass their own logger.
    static let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    static func geocoder(_ configuration: GeocoderConfiguration, clock: some Clock<Duration> = ContinuousClock(),
                         retryPolicy: HTTPRetryPolicy? = nil, logger: Logger = quiet) -> any Geocoder {
        let policy = retryPolicy ?? fastRetries(configuration.maxRetries)
        return switch configuration.provider {
        case .locationiq: LocationIQGeocoder(configuration: configuration, logger: logger, clock: clock, retryPolicy: policy)
        case .opencage: OpenCageGeocoder(configuration: configuration, logger: logger, clock: clock, retryPolicy: policy)
        case .nominatim: NominatimGeocoder(configuration: configuration, logger: logger, clock: clock, retryPolicy: policy)
        }
    }

    // MARK: - Answers

    /// A found place (Mwiki) and a namesake far away, in the provider's shape.
    static func hit(_ provider: GeocoderProvider) -> StubGeocoderServer.Reply {
        switch provider {
        case .locationiq:
            .json(200, """
            [{"place_id":"331237869","licence":"https://locationiq.com/attribution","osm_type":"node","osm_id":"5449651721",\
            "boundingbox":["-1.2349","-1.1949","36.9036","36.9436"],"lat":"-1.2149","lon":"36.9236",\
            "display_name":"Mwiki, Kasarani, Nairobi, Kenya","class":"place","type":"suburb","importance":0.45},\
            {"place_id":"331237870","licence":"https://locationiq.com/attribution","osm_type":"way","osm_id":"1000",\
            "boundingbox":["-0.2","0.0","34.7","34.8"],"lat":"-0.1000","lon":"34.7600",\
            "display_name":"Mwiki Road, Kisumu, Kenya","class":"highway","type":"residential","importance":0.2}]
            """)
        case .nominatim:
            .json(200, """
            [{"place_id":12345,"licence":"Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright",\
            "osm_type":"node","osm_id":5449651721,"lat":"-1.2149","lon":"36.9236","class":"place","type":"suburb",\
            "place_rank":19,"importance":0.3,"addresstype":"suburb","name":"Mwiki",\
            "display_name":"Mwiki, Kasarani, Nairobi, Kenya","boundingbox":["-1.2349","-1.1949","36.9036","36.9436"]}]
            """)
        case .opencage:
            .json(200, """
            {"documentation":"https://opencagedata.com/api","licenses":[{"name":"see attribution guide","url":"https://opencagedata.com/credits"}],\
            "rate":{"limit":2500,"remaining":2499,"reset":1750032000},"results":[{"bounds":{"northeast":{"lat":-1.1949,"lng":36.9436},\
            "southwest":{"lat":-1.2349,"lng":36.9036}},"components":{"ISO_3166-1_alpha-2":"KE","_category":"place","_type":"neighbourhood",\
            "country":"Kenya","country_code":"ke","suburb":"Mwiki"},"confidence":7,"formatted":"Mwiki, Nairobi, Kenya",\
            "geometry":{"lat":-1.2149,"lng":36.9236}}],"status":{"code":200,"message":"OK"},\
            "stay_informed":{"blog":"https://blog.opencagedata.com"},"thanks":"For using an OpenCage API",\
            "timestamp":{"created_http":"Mon, 15 Jun 2026 09:00:00 GMT","created_unix":1781514000},"total_results":1}
            """)
        }
    }

    /// The provider's "no such place".
    static func miss(_ provider: GeocoderProvider) -> StubGeocoderServer.Reply {
        switch provider {
        case .locationiq: .json(404, #"{"error":"Unable to geocode"}"#)
        case .nominatim: .json(200, "[]")
        case .opencage:
            .json(200, #"{"rate":{"limit":2500,"remaining":2498,"reset":1750032000},"results":[],"status":{"code":200,"message":"OK"},"total_results":0}"#)
        }
    }

    /// A per-second rate limit.
    static func rateLimited(_ provider: GeocoderProvider, retryAfter: String? = nil) -> StubGeocoderServer.Reply {
        let headers = retryAfter.map { ["Retry-After": $0] } ?? [:]
        return switch provider {
        case .locationiq: .json(429, #"{"error":"Rate Limited Second"}"#, headers: headers)
        case .nominatim: .json(429, #"{"error":{"code":429,"message":"Too Many Requests"}}"#, headers: headers)
        case .opencage: .json(429, #"{"results":[],"status":{"code":429,"message":"too many requests"},"total_results":0}"#, headers: headers)
        }
    }

    /// A refused key.
    static func unauthorized(_ provider: GeocoderProvider) -> StubGeocoderServer.Reply {
        switch provider {
        case .locationiq: .json(401, #"{"error":"Invalid key"}"#)
        case .nominatim: .json(403, "<html><body>Forbidden</body></html>")
        case .opencage: .json(401, #"{"results":[],"status":{"code":401,"message":"invalid API key"},"total_results":0}"#)
        }
    }

    static let openCageQuota = StubGeocoderServer.Reply.json(
        402, #"{"rate":{"limit":2500,"remaining":0,"reset":1750032000},"results":[],"status":{"code":402,"message":"quota exceeded"},"total_results":0}"#)

    static let locationIQDailyLimit = StubGeocoderServer.Reply.json(429, #"{"error":"Rate Limited Day"}"#)

    static func serverError(_ provider: GeocoderProvider) -> StubGeocoderServer.Reply {
        switch provider {
        case .locationiq: .json(500, #"{"error":"Unknown error - Please try again after some time"}"#)
        case .nominatim: .json(500, "<html><body>Internal Server Error</body></html>")
        case .opencage: .json(503, #"{"results":[],"status":{"code":503,"message":"internal server error"},"total_results":0}"#)
        }
    }
}

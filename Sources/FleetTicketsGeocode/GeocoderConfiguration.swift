import FleetTicketsCore
import FleetTicketsHTTP
import Foundation
import Logging

/// The HTTP geocoding services fleettickets can ask.
public enum GeocoderProvider: String, Sendable, Hashable, CaseIterable {
    /// LocationIQ (keyed; Nominatim-compatible search API).
    case locationiq
    /// OpenCage (keyed).
    case opencage
    /// A self-hosted Nominatim server (no key; `GEOCODER_URL` required).
    case nominatim

    /// The provider's public search endpoint; nil for Nominatim, which must be self-hosted.
    public var defaultBaseURL: String? {
        switch self {
        case .locationiq: "https://us1.locationiq.com/v1/search"
        case .opencage: "https://api.opencagedata.com/geocode/v1/json"
        case .nominatim: nil
        }
    }

    /// True when requests carry an API key (`GEOCODER_API_KEY`).
    public var needsKey: Bool { self != .nominatim }

    /// The published free-tier limits: LocationIQ 2/s and 60/min, OpenCage 1/s, and the
    /// public Nominatim usage policy's 1/s (a self-hosted server may allow more).
    public var defaultRateLimit: GeocoderRateLimit {
        switch self {
        case .locationiq: GeocoderRateLimit(perSecond: 2, perMinute: 60)
        case .opencage: GeocoderRateLimit(perSecond: 1)
        case .nominatim: GeocoderRateLimit(perSecond: 1)
        }
    }

    /// The variable to check when the provider refuses a request (401/403).
    var credentialVariable: String { needsKey ? "GEOCODER_API_KEY" : "GEOCODER_URL" }
}

/// How fast a provider may be asked.
///
/// `perSecond` is enforced as an even spacing of `(1 + margin) / perSecond` seconds between
/// requests (no bursts); `perMinute`, when set, as a sliding window of 60 seconds plus a
/// second. The margin is for the provider's view: requests leave evenly spaced but arrive
/// with network jitter, and at exactly `1 / perSecond` three of them can land inside one
/// second at the provider (requests sent 0.5 s apart can arrive closer). With 25 % margin,
/// LocationIQ's 2/s becomes one request every 0.625 s: any three span 1.25 s.
public struct GeocoderRateLimit: Sendable, Hashable, CustomStringConvertible {
    public var perSecond: Double
    public var perMinute: Int?

    public init(perSecond: Double, perMinute: Int? = nil) {
        precondition(perSecond > 0 && perSecond.isFinite, "a rate limit needs a positive, finite requests-per-second")
        precondition(perMinute.map { $0 > 0 } ?? true, "a per-minute limit must be positive")
        self.perSecond = perSecond
        self.perMinute = perMinute
    }

    /// The share added to the published spacing so jitter never makes it look exceeded.
    public static let margin = 0.25

    /// The least time between two requests, margin included.
    public var spacing: Duration { .seconds((1 + Self.margin) / perSecond) }

    /// The published least time between two requests as the provider counts them, no margin.
    public var publishedSpacing: Duration { .seconds(1 / perSecond) }

    /// The sliding window `perMinute` is counted over, a second of margin included.
    public var window: Duration { .seconds(61) }

    public var description: String {
        "\(perSecond < 1e9 && perSecond == perSecond.rounded() ? String(Int(perSecond)) : String(perSecond))/s" + (perMinute.map { ", \($0)/min" } ?? "")
    }
}

/// A setting that is missing or malformed, naming the variable to fix.
public struct GeocoderConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The environment variable, e.g. `GEOCODER_API_KEY`.
    public var variable: String
    /// What is wrong with it, e.g. `is not set (the LocationIQ access token)`.
    public var problem: String

    public init(variable: String, problem: String) {
        self.variable = variable
        self.problem = problem
    }

    public var description: String { "\(variable) \(problem)" }
}

/// Which HTTP geocoder to ask, where, with which key, and how politely.
///
/// Build it from the settings (docs/settings.md) with ``init(settings:provider:)``, from bare
/// environment variables with ``init(environment:provider:)``, or field by field.
/// `description` and `debugDescription` never show the API key.
///
/// ```swift
/// let configuration = try GeocoderConfiguration(settings: try FleetTicketsSettings())
/// let geocoder = configuration.makeGeocoder(logger: logger)
/// ```
public struct GeocoderConfiguration: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The version sent in the User-Agent.
    public static let clientVersion = "0.1.0"
    /// An honest User-Agent (the Nominatim usage policy asks for one that identifies the application).
    public static let defaultUserAgent = "fleettickets/\(clientVersion) (+field-ops ticket geocoder)"

    public var provider: GeocoderProvider
    /// The API key (`GEOCODER_API_KEY`); nil for Nominatim, which is never sent one. Never printed.
    public var apiKey: String?
    /// The search endpoint: the provider's public one, or `GEOCODER_URL`. For Nominatim a
    /// server root (`http://host:8080`) gets `/search` appended.
    public var baseURL: String
    /// ISO 3166-1 alpha-2 codes the search is restricted to when a query names none.
    public var countryCodes: [String]
    public var userAgent: String
    public var rateLimit: GeocoderRateLimit
    /// Candidates asked for per request.
    public var resultLimit = 5
    /// A request that takes longer than this is abandoned (and retried).
    public var timeout: Duration = .seconds(20)
    /// How long to wait for a connection.
    public var connectTimeout: Duration = .seconds(10)
    /// How often one query is retried after a rate limit (429), a 5xx or a timeout.
    public var maxRetries = 3
    /// A 429 asking to wait longer than this (`Retry-After`) is not waited for: the query
    /// fails as unavailable and the next run asks again.
    public var maxRetryAfter: Duration = .seconds(60)

    /// A configuration from explicit values.
    /// - Throws: `GeocoderConfigurationError` when a keyed provider has no key, Nominatim has
    ///   no URL, the URL is not http(s), or a country code is not two letters.
    public init(provider: GeocoderProvider, apiKey: String?, baseURL: String? = nil, countryCodes: [String] = SettingDefaults.geocoderCountryCodes,
                userAgent: String = GeocoderConfiguration.defaultUserAgent,
                rateLimit: GeocoderRateLimit? = nil) throws(GeocoderConfigurationError) {
        self.provider = provider
        let key = apiKey?.trimmingCharacters(in: .whitespacesAndNewlines)
        if provider.needsKey {
            guard let key, !key.isEmpty else {
                throw GeocoderConfigurationError(variable: "GEOCODER_API_KEY", problem: "is not set (the \(provider.displayName) API key)")
            }
            self.apiKey = key
        } else {
            self.apiKey = nil
        }
        let url = baseURL?.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let url = (url?.isEmpty == false ? url : nil) ?? provider.defaultBaseURL else {
            throw GeocoderConfigurationError(
                variable: "GEOCODER_URL",
                problem: "is not set (the self-hosted Nominatim server, e.g. http://nominatim.internal:8080; the public server is not for bulk use)")
        }
        self.baseURL = try Self.validated(url: url, provider: provider)
        self.countryCodes = try Self.validated(countryCodes: countryCodes)
        self.userAgent = userAgent
        self.rateLimit = rateLimit ?? provider.defaultRateLimit
    }

    /// A configuration from the settings: the provider (`provider`, e.g. from a flag, else
    /// `GEOCODER_PROVIDER`), `GEOCODER_API_KEY` and `GEOCODER_URL` from `settings.values`, the
    /// country codes as `settings.geocode` parsed them.
    /// - Throws: `GeocoderConfigurationError` naming the first missing or malformed variable.
    public init(settings: FleetTicketsSettings, provider name: String? = nil) throws(GeocoderConfigurationError) {
        try self.init(values: settings.values, provider: name, countryCodes: settings.geocode.countryCodes)
    }

    /// A configuration from environment variables alone (no `.env`, no flags): as
    /// ``init(settings:provider:)``, with `GEOCODER_COUNTRY_CODES` (comma-separated, default
    /// `ke`). Empty values count as unset.
    /// - Throws: `GeocoderConfigurationError` naming the first missing or malformed variable.
    public init(environment: [String: String], provider name: String? = nil) throws(GeocoderConfigurationError) {
        let values = SettingValues(environment: environment)
        let codes = values[.geocoderCountryCodes].map { $0.text.split(separator: ",").map(String.init) } ?? SettingDefaults.geocoderCountryCodes
        try self.init(values: values, provider: name, countryCodes: codes)
    }

    private init(values: SettingValues, provider name: String?, countryCodes: [String]) throws(GeocoderConfigurationError) {
        let choices = GeocoderProvider.allCases.map(\.rawValue).joined(separator: ", ")
        let variable = Setting.geocoderProvider.variable
        guard let name = (name?.isEmpty == false ? name : nil) ?? values[.geocoderProvider]?.text else {
            throw GeocoderConfigurationError(variable: variable, problem: "is not set (one of \(choices))")
        }
        guard let provider = GeocoderProvider(rawValue: name.lowercased()) else {
            throw GeocoderConfigurationError(variable: variable, problem: "must be one of \(choices), got '\(name)'")
        }
        try self.init(provider: provider, apiKey: values[.geocoderAPIKey]?.text, baseURL: values[.geocoderURL]?.text,
                      countryCodes: countryCodes)
    }

    /// The geocoder this configuration describes (the default logger drops everything).
    public func makeGeocoder(logger: Logger = Logger(label: "fleettickets.geocode", factory: { _ in SwiftLogNoOpLogHandler() })) -> any Geocoder {
        switch provider {
        case .locationiq: LocationIQGeocoder(configuration: self, logger: logger)
        case .opencage: OpenCageGeocoder(configuration: self, logger: logger)
        case .nominatim: NominatimGeocoder(configuration: self, logger: logger)
        }
    }

    /// Everything but the key.
    public var description: String {
        "\(provider.rawValue) at \(HTTPRequest.redacting(baseURL)) (key \(apiKey == nil ? "none" : "set"), "
            + "countries \(countryCodes.joined(separator: ",")), \(rateLimit))"
    }

    public var debugDescription: String { "GeocoderConfiguration(\(description))" }

    // MARK: - Validation

    private static func validated(url: String, provider: GeocoderProvider) throws(GeocoderConfigurationError) -> String {
        let lowered = url.lowercased()
        let shown = HTTPRequest.redacting(url)
        guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://"),
              let parsed = URLComponents(string: url), let host = parsed.host, !host.isEmpty else {
            throw GeocoderConfigurationError(variable: "GEOCODER_URL", problem: "must be an http(s) URL, got '\(shown)'")
        }
        guard provider == .nominatim else { return url }
        // A Nominatim server root gets its search endpoint.
        var components = parsed
        let path = components.path
        if !(path.hasSuffix("/search") || path.hasSuffix("/search.php")) {
            components.path = (path.hasSuffix("/") ? String(path.dropLast()) : path) + "/search"
        }
        return components.string ?? url
    }

    private static func validated(countryCodes: [String]) throws(GeocoderConfigurationError) -> [String] {
        let checked = GeocodeSettings.checkCountryCodes(countryCodes)
        if let problem = checked.problem {
            throw GeocoderConfigurationError(variable: Setting.geocoderCountryCodes.variable, problem: problem)
        }
        return checked.codes
    }
}

extension GeocoderProvider {
    var displayName: String {
        switch self {
        case .locationiq: "LocationIQ"
        case .opencage: "OpenCage"
        case .nominatim: "Nominatim"
        }
    }
}

import Foundation

/// One setting the product reads: the environment variable that carries it, the flags that
/// override it, its default and what it means.
///
/// `Setting.all` is the catalog docs/settings.md lists (a test keeps the two in step).
/// Settings are identified by their variable.
public struct Setting: Sendable, Hashable, Identifiable, CustomStringConvertible {
    /// The environment variable (and `.env` key), e.g. `GEOCODER_BUDGET`.
    public let variable: String
    /// Variables read when `variable` is set nowhere, in order (`AWS_ACCESS_KEY_ID`).
    public let fallbacks: [String]
    /// The command-line flags that override it (each command has at most one of them).
    public let flags: [String]
    /// The default as text; nil when there is none (unset means "not configured").
    public let defaultText: String?
    /// A secret: its value is never shown.
    public let isSecret: Bool
    /// What it means, one line.
    public let meaning: String

    /// A setting of the catalog.
    public init(_ variable: String, fallbacks: [String] = [], flags: [String] = [], default defaultText: String? = nil,
                secret: Bool = false, meaning: String) {
        self.variable = variable
        self.fallbacks = fallbacks
        self.flags = flags
        self.defaultText = defaultText
        self.isSecret = secret
        self.meaning = meaning
    }

    public var id: String { variable }
    public var description: String { variable }

    public static func == (a: Setting, b: Setting) -> Bool { a.variable == b.variable }
    public func hash(into hasher: inout Hasher) { hasher.combine(variable) }
}

extension Setting {
    /// The PostgreSQL connection URI.
    public static let databaseURL = Setting("DATABASE_URL", flags: ["--database-url"], secret: true,
                                            meaning: "libpq connection URI of the database; its password is never shown")
    /// The S3 endpoint.
    public static let bucketEndpoint = Setting("RUSTFS_ENDPOINT", meaning: "S3 endpoint URL (path-style addressing)")
    /// The S3 access key id.
    public static let bucketAccessKey = Setting("RUSTFS_ACCESS_KEY", fallbacks: ["AWS_ACCESS_KEY_ID"], meaning: "S3 access key id")
    /// The S3 secret key.
    public static let bucketSecretKey = Setting("RUSTFS_SECRET_KEY", fallbacks: ["AWS_SECRET_ACCESS_KEY"], secret: true, meaning: "S3 secret key")
    /// The S3 signing region.
    public static let bucketRegion = Setting("RUSTFS_REGION", default: SettingDefaults.bucketRegion, meaning: "S3 signing region")
    /// The bucket.
    public static let bucketName = Setting("TICKETS_BUCKET", default: SettingDefaults.bucketName, meaning: "the bucket holding automations/<dataset>/changes/")
    /// CA certificates for the endpoint.
    public static let bucketCABundle = Setting("RUSTFS_CA_BUNDLE",
                                               meaning: "PEM file of CA certificates to trust for the endpoint instead of the system's")
    /// The geocoding provider.
    public static let geocoderProvider = Setting("GEOCODER_PROVIDER", flags: ["--provider"],
                                                 meaning: "locationiq, opencage, nominatim or gazetteer; unset: `run` does not geocode")
    /// The provider's API key.
    public static let geocoderAPIKey = Setting("GEOCODER_API_KEY", secret: true, meaning: "the keyed provider's API key")
    /// The provider's endpoint.
    public static let geocoderURL = Setting("GEOCODER_URL", meaning: "the provider's search endpoint (required for nominatim; default: the provider's public one)")
    /// The gazetteer file.
    public static let geocoderGazetteer = Setting("GEOCODER_GAZETTEER", flags: ["--gazetteer"],
                                                  meaning: "CSV file (name, latitude, longitude) for the offline gazetteer provider")
    /// Provider requests per run or tick.
    public static let geocodeBudget = Setting("GEOCODER_BUDGET", flags: ["--budget", "--geocode-budget"],
                                              default: String(SettingDefaults.geocodeBudget),
                                              meaning: "provider requests per `geocode` run and per `run` tick (0: none)")
    /// Countries searches are restricted to.
    public static let geocoderCountryCodes = Setting("GEOCODER_COUNTRY_CODES", default: SettingDefaults.geocoderCountryCodes.joined(separator: ","),
                                                     meaning: "ISO 3166-1 alpha-2 codes searches are restricted to, comma-separated")
    /// The wrong-city guard.
    public static let geocodeRadius = Setting("GEOCODER_RADIUS_KM", flags: ["--radius"], default: Self.number(SettingDefaults.geocodeRadiusKilometres),
                                              meaning: "answers further than this many km from their cluster's centroid are rejected")
    /// The worker's interval.
    public static let workerInterval = Setting("FLEETTICKETS_EVERY", flags: ["--every"], default: Self.duration(SettingDefaults.workerInterval),
                                               meaning: "`run`: time between ticks (at least 0.1s)")
    /// The datasets worked on.
    public static let datasets = Setting("FLEETTICKETS_DATASETS", flags: ["--datasets"],
                                         default: SettingDefaults.datasets.map(\.name).joined(separator: ","),
                                         meaning: "`run` and `status`: the datasets drained, shown and checked, comma-separated")
    /// How old files and exports may get.
    public static let statusMaxAge = Setting("FLEETTICKETS_MAX_AGE", flags: ["--max-age"],
                                             default: Self.duration(.milliseconds(Int64(SettingDefaults.statusMaxAge * 1000))),
                                             meaning: "`status --check`: how old waiting files and the newest applied export may get")
    /// The port of the worker's metrics and health endpoint.
    public static let metricsPort = Setting("METRICS_PORT", flags: ["--metrics-port"],
                                            meaning: "`run`: serve GET /metrics (Prometheus) and GET /healthz on this TCP port; unset: no endpoint")

    /// Every setting the product reads, in the order docs/settings.md lists them.
    public static let all: [Setting] = [
        .databaseURL, .bucketEndpoint, .bucketAccessKey, .bucketSecretKey, .bucketRegion, .bucketName, .bucketCABundle,
        .geocoderProvider, .geocoderAPIKey, .geocoderURL, .geocoderGazetteer, .geocodeBudget, .geocoderCountryCodes,
        .geocodeRadius, .workerInterval, .datasets, .statusMaxAge, .metricsPort,
    ] + quality

    /// `60s`, `45m`, `2h`: as the duration settings are written (seconds up to two minutes).
    static func duration(_ duration: Duration) -> String {
        let ms = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        if ms % 1000 != 0 { return "\(Double(ms) / 1000)s" }
        if ms < 120_000 || ms % 60_000 != 0 { return "\(ms / 1000)s" }
        return ms % 3_600_000 == 0 ? "\(ms / 3_600_000)h" : "\(ms / 60_000)m"
    }

    /// `25`, not `25.0`.
    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}

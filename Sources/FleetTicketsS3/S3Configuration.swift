import FleetTicketsCore
import Foundation

/// Where the bucket is and how to sign for it.
///
/// Build it from the settings (docs/settings.md) with ``init(settings:)``, from bare
/// environment variables with ``init(environment:)``, or field by field.
/// `description` and `debugDescription` never show the secret key.
///
/// ```swift
/// let configuration = try S3Configuration(settings: try FleetTicketsSettings())
/// let source = S3ChangeSource(configuration: configuration, logger: logger)
/// ```
public struct S3Configuration: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The endpoint URL without a trailing slash, e.g. `https://rustfs.example:9000`.
    /// Objects are addressed path-style: `<endpoint>/<bucket>/<key>`.
    public var endpoint: String
    /// The access key id (`RUSTFS_ACCESS_KEY`).
    public var accessKey: String
    /// The secret key (`RUSTFS_SECRET_KEY`); never printed.
    public var secretKey: String
    /// The SigV4 signing region.
    public var region: String
    /// The bucket holding the change files (`TICKETS_BUCKET`).
    public var bucket: String
    /// A PEM file of CA certificates to trust instead of the system's (a private CA).
    public var caBundlePath: String?
    /// How often a request is retried after a 5xx, a reset connection or a timeout.
    public var maxRetries = 4
    /// How long to wait for a connection.
    public var connectTimeout: Duration = .seconds(10)
    /// A transfer that receives nothing for this long is abandoned (and retried).
    public var stallTimeout: Duration = .seconds(60)
    /// The environment variables the credentials came from, named in error hints.
    public var accessKeyVariable = "RUSTFS_ACCESS_KEY"
    public var secretKeyVariable = "RUSTFS_SECRET_KEY"

    /// A configuration from explicit values.
    /// - Throws: `S3ConfigurationError` when the endpoint is not an http(s) URL or a value is empty.
    public init(endpoint: String, accessKey: String, secretKey: String, region: String = SettingDefaults.bucketRegion,
                bucket: String = SettingDefaults.bucketName, caBundlePath: String? = nil) throws(S3ConfigurationError) {
        self.endpoint = try Self.validated(endpoint: endpoint)
        guard !accessKey.isEmpty else { throw S3ConfigurationError(variable: "RUSTFS_ACCESS_KEY", problem: "is empty") }
        guard !secretKey.isEmpty else { throw S3ConfigurationError(variable: "RUSTFS_SECRET_KEY", problem: "is empty") }
        guard !region.isEmpty else { throw S3ConfigurationError(variable: "RUSTFS_REGION", problem: "is empty") }
        guard !bucket.isEmpty, !bucket.contains("/") else {
            throw S3ConfigurationError(variable: "TICKETS_BUCKET", problem: "must be a bucket name, got '\(bucket)'")
        }
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.region = region
        self.bucket = bucket
        self.caBundlePath = caBundlePath
    }

    /// A configuration from the settings: `RUSTFS_ENDPOINT`, `RUSTFS_ACCESS_KEY` /
    /// `RUSTFS_SECRET_KEY` (falling back to `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY`),
    /// `RUSTFS_REGION`, `TICKETS_BUCKET` and `RUSTFS_CA_BUNDLE` (optional), as
    /// `settings.values` resolves them (flags, environment, `.env`, defaults).
    /// - Throws: `S3ConfigurationError` naming the first missing or malformed variable.
    public init(settings: FleetTicketsSettings) throws(S3ConfigurationError) {
        try self.init(values: settings.values)
    }

    /// A configuration from environment variables alone (no `.env`): as ``init(settings:)``.
    /// Empty values count as unset.
    /// - Throws: `S3ConfigurationError` naming the first missing or malformed variable.
    public init(environment: [String: String]) throws(S3ConfigurationError) {
        try self.init(values: SettingValues(environment: environment))
    }

    private init(values: SettingValues) throws(S3ConfigurationError) {
        guard let endpoint = values[.bucketEndpoint]?.text else {
            throw S3ConfigurationError(variable: Setting.bucketEndpoint.variable,
                                       problem: "is not set (the S3 endpoint URL, e.g. https://rustfs.example:9000)")
        }
        _ = try Self.validated(endpoint: endpoint)
        guard let access = values[.bucketAccessKey] else {
            throw S3ConfigurationError(variable: Setting.bucketAccessKey.variable, problem: "is not set (nor AWS_ACCESS_KEY_ID)")
        }
        guard let secret = values[.bucketSecretKey] else {
            throw S3ConfigurationError(variable: Setting.bucketSecretKey.variable, problem: "is not set (nor AWS_SECRET_ACCESS_KEY)")
        }
        try self.init(endpoint: endpoint, accessKey: access.text, secretKey: secret.text,
                      region: values[.bucketRegion]?.text ?? SettingDefaults.bucketRegion,
                      bucket: values[.bucketName]?.text ?? SettingDefaults.bucketName,
                      caBundlePath: values[.bucketCABundle]?.text)
        accessKeyVariable = access.origin.variable ?? Setting.bucketAccessKey.variable
        secretKeyVariable = secret.origin.variable ?? Setting.bucketSecretKey.variable
        if let bundle = caBundlePath, !FileManager.default.isReadableFile(atPath: bundle) {
            throw S3ConfigurationError(variable: Setting.bucketCABundle.variable, problem: "names '\(bundle)', which is not a readable file")
        }
    }

    /// The endpoint's host and port, e.g. `rustfs.example:9000`.
    public var endpointHost: String {
        guard let url = URLComponents(string: endpoint), let host = url.host else { return endpoint }
        return url.port.map { "\(host):\($0)" } ?? host
    }

    /// Every setting except the secret (shown as `<redacted>`) and most of the access key.
    public var description: String {
        "S3Configuration(endpoint: \(endpoint), bucket: \(bucket), region: \(region), accessKey: \(Self.masked(accessKey)), secretKey: <redacted>\(caBundlePath.map { ", caBundle: \($0)" } ?? ""))"
    }

    public var debugDescription: String { description }

    /// The first four characters of a key id, enough to tell keys apart.
    static func masked(_ key: String) -> String {
        key.count <= 4 ? "****" : "\(key.prefix(4))…"
    }

    private static func validated(endpoint raw: String) throws(S3ConfigurationError) -> String {
        var endpoint = raw.trimmingCharacters(in: .whitespaces)
        while endpoint.hasSuffix("/") { endpoint.removeLast() }
        guard let url = URLComponents(string: endpoint), let scheme = url.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty else {
            throw S3ConfigurationError(variable: "RUSTFS_ENDPOINT", problem: "must be an http:// or https:// URL, got '\(raw)'")
        }
        guard url.query == nil, url.fragment == nil, url.user == nil, url.password == nil else {
            throw S3ConfigurationError(variable: "RUSTFS_ENDPOINT", problem: "must be a plain URL without credentials, query or fragment")
        }
        return endpoint
    }
}

/// A missing or malformed S3 setting; names the environment variable to fix.
public struct S3ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The environment variable, e.g. `RUSTFS_ENDPOINT`.
    public var variable: String
    /// What is wrong with it.
    public var problem: String

    public init(variable: String, problem: String) {
        self.variable = variable
        self.problem = problem
    }

    public var description: String { "S3 configuration: \(variable) \(problem)" }
}

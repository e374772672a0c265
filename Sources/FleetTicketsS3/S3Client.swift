import FleetTicketsHTTP
import FleetTicketsCore
import Logging

/// A small S3 client for one bucket: list, get (streamed), head, put, copy, delete.
///
/// Path-style addressing (`<endpoint>/<bucket>/<key>`), AWS SigV4 signing by libcurl,
/// retries with capped exponential backoff on 5xx (including 503 SlowDown), connection
/// resets and timeouts. Failures are thrown as ``S3Error``; cancellation as `CancellationError`.
///
/// ```swift
/// let client = S3Client(configuration: try S3Configuration(environment: env), logger: logger)
/// try await client.putObject("automations/inc/changes/2026-06-15T17-00-00.csv", bytes: csv)
/// for object in try await client.listObjects(prefix: "automations/inc/changes/") { print(object.key) }
/// ```
public struct S3Client: Sendable {
    /// The bucket, endpoint and credentials this client uses.
    public let configuration: S3Configuration
    let http: HTTPClient
    let logger: Logger

    /// A client for `configuration.bucket`. Retries follow `configuration.maxRetries`.
    public init(configuration: S3Configuration, logger: Logger) {
        self.init(configuration: configuration, logger: logger, clock: ContinuousClock())
    }

    /// A client whose backoff sleeps on `clock` and, if given, follows `retryPolicy`.
    package init(configuration: S3Configuration, logger: Logger, clock: some Clock<Duration>,
                 retryPolicy: HTTPRetryPolicy? = nil) {
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "s3"] = "\(configuration.bucket)@\(configuration.endpointHost)"
        self.logger = logger
        self.http = HTTPClient(retryPolicy: retryPolicy ?? HTTPRetryPolicy(maxRetries: configuration.maxRetries),
                               tls: HTTPTLSOptions(caBundlePath: configuration.caBundlePath),
                               clock: clock, logger: logger)
    }

    // MARK: - Requests

    /// A signed request for an object (or, with `key` nil, the bucket).
    func request(_ method: String, key: String?, query: [String: String] = [:], headers extra: HTTPHeaders = [:],
                 body: [UInt8] = []) -> HTTPRequest {
        var url = "\(configuration.endpoint)/\(S3URLEncoding.path(configuration.bucket))"
        if let key { url += "/\(S3URLEncoding.path(key))" }
        if !query.isEmpty { url += "?\(S3URLEncoding.queryString(query))" }
        var headers: HTTPHeaders = ["x-amz-content-sha256": "UNSIGNED-PAYLOAD"]
        for field in extra { headers.add(field.name, field.value) }
        let timeouts = HTTPTimeouts(connect: configuration.connectTimeout, lowSpeedBytesPerSecond: 1,
                                    lowSpeedTime: configuration.stallTimeout)
        let signing = HTTPRequestSigning.awsSigV4(scope: "aws:amz:\(configuration.region):s3",
                                                  accessKey: configuration.accessKey, secretKey: configuration.secretKey)
        return HTTPRequest(method: method, url: url, headers: headers, body: body, timeouts: timeouts, signing: signing)
    }

    /// Sends a request and returns its successful response, or throws an `S3Error`.
    func send(_ operation: S3Error.Operation, key: String?, _ request: HTTPRequest) async throws -> HTTPResponse {
        let response: HTTPResponse
        do {
            response = try await http.execute(request)
        } catch let failure as HTTPError {
            throw S3Error.boundary(operation, key: key, transport: failure, configuration: configuration)
        }
        guard response.isSuccess else {
            throw S3Error(operation, key: key, response: response, configuration: configuration)
        }
        logger.trace("S3 request done", metadata: ["operation": "\(operation.rawValue)", "key": "\(key ?? "-")",
                                                   "status": "\(response.status)", "retries": "\(response.retries)"])
        return response
    }
}

/// What HeadObject (and the head of GetObject) tells about an object.
public struct S3ObjectInfo: Sendable, Hashable {
    /// The object's key.
    public var key: String
    /// Bytes; -1 when the server did not say.
    public var size: Int64
    /// The ETag without quotes.
    public var etag: String?
    /// The `Content-Type` the object was stored with.
    public var contentType: String?
    /// The `Last-Modified` header as sent (an HTTP date).
    public var lastModified: String?
    /// The user metadata (`x-amz-meta-<name>` headers), by name in lowercase.
    public var metadata: [String: String]

    init(key: String, headers: HTTPHeaders) {
        self.key = key
        self.size = headers["Content-Length"].flatMap { Int64($0) } ?? -1
        self.etag = headers["ETag"].map(unquotedETag)
        self.contentType = headers["Content-Type"]
        self.lastModified = headers["Last-Modified"]
        self.metadata = [:]
        self.otherStoredAttributes = []
        for field in headers {
            let name = field.name.lowercased()
            if name.hasPrefix(Self.metadataPrefix) {
                metadata[String(name.dropFirst(Self.metadataPrefix.count))] = field.value
            } else if Self.storedAttributeHeaders.contains(name) {
                otherStoredAttributes.append(name)
            }
        }
    }

    /// The headers a GetObject answer names a stored attribute in, besides the content type
    /// and user metadata: attributes that a CopyObject carries over and a PutObject of the
    /// bytes with their type and metadata would not.
    package var otherStoredAttributes: [String]

    private static let metadataPrefix = "x-amz-meta-"
    private static let storedAttributeHeaders: Set<String> = [
        "content-encoding", "content-disposition", "content-language", "cache-control", "expires",
        "x-amz-tagging-count", "x-amz-storage-class", "x-amz-website-redirect-location",
        "x-amz-server-side-encryption-aws-kms-key-id", "x-amz-server-side-encryption-customer-algorithm",
        "x-amz-object-lock-mode", "x-amz-object-lock-legal-hold",
    ]
}

/// An object being downloaded: its head, and its bytes as they arrive.
public struct S3ObjectStream: Sendable {
    /// Size, ETag and content type, from the response head.
    public var info: S3ObjectInfo
    /// The bytes in chunks; a failure mid-body is thrown from here as an ``S3Error``.
    /// Dropping the stream aborts the download.
    public var body: ByteChunks
}

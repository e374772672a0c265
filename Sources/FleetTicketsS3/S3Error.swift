import FleetTicketsHTTP

/// Every failure the S3 adapter reports: which operation on which bucket and key, what the
/// server answered (HTTP status, S3's own error code and message) or how the connection failed,
/// after how many retries. Public APIs of `FleetTicketsS3` throw this type (or
/// `CancellationError`); `S3ChangeSource` turns a missing object into the core's
/// `ChangeSourceError.notFound`.
///
/// Catch it by `code` (`.noSuchKey`, `.accessDenied`, `.unreachable`, …). `description` says what
/// failed and where; `hint` names the setting the failure points at, for the caller to show as
/// advice (the CLI does). Never holds credentials: request headers (and so the `Authorization`
/// signature) are not kept, and the secret key is scrubbed from anything the server sent back.
public struct S3Error: Error, Sendable, CustomStringConvertible {
    /// What kind of failure. A struct over a private enum so new codes can be added without
    /// breaking exhaustive switches in callers: compare with `==` or `switch` with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case noSuchKey, noSuchBucket, accessDenied, wrongRegion, throttled, serverError, rejected
            case unreachable, timeout, malformedResponse
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The object does not exist (HTTP 404 other than `NoSuchBucket`).
        public static let noSuchKey = Code(.noSuchKey)
        /// The bucket does not exist (HTTP 404 `NoSuchBucket`).
        public static let noSuchBucket = Code(.noSuchBucket)
        /// The credentials were refused or may not use the bucket (HTTP 401/403).
        public static let accessDenied = Code(.accessDenied)
        /// The request went to the wrong region or endpoint (HTTP 301, `PermanentRedirect`,
        /// `AuthorizationHeaderMalformed`).
        public static let wrongRegion = Code(.wrongRegion)
        /// Still throttled after the retries (HTTP 429 or 503 `SlowDown`).
        public static let throttled = Code(.throttled)
        /// The server failed (another 5xx) after the retries.
        public static let serverError = Code(.serverError)
        /// Another refusal of the request (another 4xx or 3xx).
        public static let rejected = Code(.rejected)
        /// No usable response: the connection or TLS failed (`curlCode` says how).
        public static let unreachable = Code(.unreachable)
        /// No response in time: a connect, stall or total timeout.
        public static let timeout = Code(.timeout)
        /// The server answered success with a body this client cannot read.
        public static let malformedResponse = Code(.malformedResponse)

        /// The code's name, e.g. "noSuchKey".
        public var description: String { base.rawValue }
    }

    /// The S3 API operation.
    public enum Operation: String, Sendable {
        case listObjects = "ListObjectsV2"
        case getObject = "GetObject"
        case headObject = "HeadObject"
        case putObject = "PutObject"
        case copyObject = "CopyObject"
        case deleteObject = "DeleteObject"
        case deleteObjects = "DeleteObjects"
        case createBucket = "CreateBucket"
    }

    /// The operation that failed.
    public var operation: Operation
    /// The bucket it addressed.
    public var bucket: String
    /// The object key (or list prefix); nil for bucket operations.
    public var key: String?
    /// The endpoint's host and port.
    public var endpointHost: String
    /// The HTTP status; nil when no response came.
    public var status: Int?
    /// S3's own error code from the response body, e.g. `NoSuchKey`, `SignatureDoesNotMatch`.
    public var serverCode: String?
    /// S3's error message, scrubbed.
    public var message: String?
    /// The server's request id, for its logs.
    public var requestID: String?
    /// How many attempts were retried before this failure.
    public var retries: Int
    /// How the transfer failed when there was no usable response (connection, TLS, timeout).
    public var transportFailure: String?
    /// libcurl's result code when there was no usable response, e.g. 7 (could not connect).
    public var curlCode: Int?
    /// The setting the failure points at, as a sentence naming its environment variable
    /// ("Check TICKETS_BUCKET: …"); nil when none does. Not part of `description`.
    public var hint: String?
    /// Set when the server answered success with a body the client cannot read.
    var isMalformedResponse = false

    /// What kind of failure, from the status, S3's code and the transport failure.
    public var code: Code {
        if isMalformedResponse { return .malformedResponse }
        guard let status else { return curlCode == 28 ? .timeout : .unreachable }
        switch (status, serverCode) {
        case (404, "NoSuchBucket"?): return .noSuchBucket
        case (404, _): return .noSuchKey
        case (401, _), (403, _): return .accessDenied
        case (301, _), (_, "PermanentRedirect"?), (_, "AuthorizationHeaderMalformed"?): return .wrongRegion
        case (429, _), (503, "SlowDown"?): return .throttled
        case (500..., _): return .serverError
        default: return .rejected
        }
    }

    /// True when the object (not the bucket) does not exist.
    public var isNoSuchKey: Bool { code == .noSuchKey }

    /// One line: operation, key, bucket, endpoint, status and S3's code (or the transport
    /// failure), and the retries.
    public var description: String {
        var text = "S3 \(operation.rawValue)"
        if let key { text += " of '\(key)'" }
        text += " in bucket \(bucket) at \(endpointHost) failed: "
        if let status {
            text += "HTTP \(status)"
            if let serverCode { text += " \(serverCode)" }
            if let message, !message.isEmpty { text += " (\(message))" }
        } else {
            text += transportFailure ?? "no response"
        }
        if retries > 0 { text += " after \(retries) \(retries == 1 ? "retry" : "retries")" }
        return text
    }
}

extension S3Error {
    /// An error from a response the server sent.
    init(_ operation: Operation, key: String?, response: HTTPResponse, configuration: S3Configuration) {
        let document = S3ErrorDocument.parse(response.body)
        self.init(operation: operation, bucket: configuration.bucket, key: key, endpointHost: configuration.endpointHost,
                  status: response.status, serverCode: document?.code,
                  message: document?.message.map { Self.scrubbed($0, secret: configuration.secretKey) },
                  requestID: document?.requestID ?? response.headers["x-amz-request-id"], retries: response.retries,
                  transportFailure: nil, curlCode: nil, hint: nil)
        hint = Self.hint(status: response.status, code: serverCode, configuration: configuration)
    }

    /// What a transfer that got no usable response becomes at the module's boundary:
    /// `CancellationError` when the caller's task was cancelled, an `S3Error` otherwise.
    static func boundary(_ operation: Operation, key: String?, transport: HTTPError, configuration: S3Configuration) -> any Error {
        transport.isCancellation ? CancellationError()
            : S3Error(operation, key: key, transport: transport, configuration: configuration)
    }

    /// An error from a transfer that got no usable response.
    init(_ operation: Operation, key: String?, transport: HTTPError, configuration: S3Configuration) {
        self.init(operation: operation, bucket: configuration.bucket, key: key, endpointHost: configuration.endpointHost,
                  status: nil, serverCode: nil, message: nil, requestID: nil, retries: transport.retries,
                  transportFailure: Self.scrubbed("\(transport.message) (curl error \(transport.curlCode))", secret: configuration.secretKey)
                      + (transport.lastStatus.map { "; last HTTP status \($0)" } ?? ""),
                  curlCode: transport.curlCode, hint: nil)
        hint = Self.hint(curlCode: transport.curlCode, configuration: configuration)
    }

    static func hint(status: Int, code: String?, configuration: S3Configuration) -> String? {
        let (access, secret) = (configuration.accessKeyVariable, configuration.secretKeyVariable)
        switch (status, code) {
        case (403, "SignatureDoesNotMatch"?):
            return "Check \(secret): the server computed a different signature for access key \(S3Configuration.masked(configuration.accessKey))"
        case (403, "InvalidAccessKeyId"?):
            return "Check \(access): the server does not know access key \(S3Configuration.masked(configuration.accessKey))"
        case (403, _):
            return "Check \(access) and \(secret), and that this key may use bucket \(configuration.bucket)"
        case (404, "NoSuchBucket"?):
            return "Check TICKETS_BUCKET: bucket \(configuration.bucket) does not exist at \(configuration.endpointHost)"
        case (400, "AuthorizationHeaderMalformed"?), (301, _), (_, "PermanentRedirect"?):
            return "Check RUSTFS_REGION (now \(configuration.region)) and RUSTFS_ENDPOINT"
        default:
            return nil
        }
    }

    static func hint(curlCode: Int, configuration: S3Configuration) -> String? {
        switch curlCode {
        case 1, 3, 6, 7:  // unsupported protocol, malformed URL, unresolvable host, refused connection
            "Check RUSTFS_ENDPOINT (\(configuration.endpoint)) and that the server is running"
        case 35, 51, 53, 54, 58, 59, 60, 77, 80, 83, 90, 91:  // TLS handshake and certificate problems
            "Check RUSTFS_ENDPOINT's certificate, or point RUSTFS_CA_BUNDLE at the CA that signed it"
        default:
            nil
        }
    }

    /// Removes the secret and anything shaped like a SigV4 signature.
    static func scrubbed(_ text: String, secret: String) -> String {
        var text = String(text.prefix(500))
        if !secret.isEmpty { text = text.replacingOccurrences(of: secret, with: "<redacted>") }
        if let range = text.range(of: "Signature=") {
            let end = text[range.upperBound...].firstIndex { !$0.isHexDigit } ?? text.endIndex
            text.replaceSubrange(range.upperBound..<end, with: "<redacted>")
        }
        return text
    }
}

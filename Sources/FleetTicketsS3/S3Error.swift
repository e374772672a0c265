import FleetTicketsHTTP

/// A failed S3 request: which operation on which bucket and key, what the server answered
/// (HTTP status, S3 error code and message) or how the connection failed, after how many
/// retries, and which setting to check.
///
/// Never holds credentials: request headers (and so the `Authorization` signature) are not
/// kept, and the secret key is scrubbed from anything the server sent back.
public struct S3Error: Error, Sendable, CustomStringConvertible {
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
    /// S3's error code from the response body, e.g. `NoSuchKey`, `SignatureDoesNotMatch`.
    public var code: String?
    /// S3's error message, scrubbed.
    public var message: String?
    /// The server's request id, for its logs.
    public var requestID: String?
    /// How many attempts were retried before this failure.
    public var retries: Int
    /// How the transfer failed when there was no usable response (connection, TLS, timeout).
    public var transportFailure: String?
    /// What to check, naming the environment variable, when the failure points at a setting.
    public var hint: String?

    /// True when the object (not the bucket) does not exist.
    public var isNoSuchKey: Bool { status == 404 && code != "NoSuchBucket" }

    /// One line: operation, key, bucket, endpoint, status and code (or the transport failure),
    /// retries, and the hint.
    public var description: String {
        var text = "S3 \(operation.rawValue)"
        if let key { text += " of '\(key)'" }
        text += " in bucket \(bucket) at \(endpointHost) failed: "
        if let status {
            text += "HTTP \(status)"
            if let code { text += " \(code)" }
            if let message, !message.isEmpty { text += " (\(message))" }
        } else {
            text += transportFailure ?? "no response"
        }
        if retries > 0 { text += " after \(retries) \(retries == 1 ? "retry" : "retries")" }
        if let hint { text += ". \(hint)" }
        return text
    }
}

extension S3Error {
    /// An error from a response the server sent.
    init(_ operation: Operation, key: String?, response: HTTPResponse, configuration: S3Configuration) {
        let document = S3ErrorDocument.parse(response.body)
        self.init(operation: operation, bucket: configuration.bucket, key: key, endpointHost: configuration.endpointHost,
                  status: response.status, code: document?.code,
                  message: document?.message.map { Self.scrubbed($0, secret: configuration.secretKey) },
                  requestID: document?.requestID ?? response.headers["x-amz-request-id"], retries: response.retries,
                  transportFailure: nil, hint: nil)
        hint = Self.hint(status: response.status, code: code, configuration: configuration)
    }

    /// An error from a transfer that got no usable response.
    init(_ operation: Operation, key: String?, transport: HTTPError, configuration: S3Configuration) {
        self.init(operation: operation, bucket: configuration.bucket, key: key, endpointHost: configuration.endpointHost,
                  status: nil, code: nil, message: nil, requestID: nil, retries: transport.retries,
                  transportFailure: Self.scrubbed("\(transport.message) (curl error \(transport.curlCode))", secret: configuration.secretKey)
                      + (transport.lastStatus.map { "; last HTTP status \($0)" } ?? ""),
                  hint: nil)
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

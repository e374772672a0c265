/// One HTTP request: what `HTTPClient` sends, possibly several times (retries).
///
/// The body is held in memory. Header names are sent as given.
package struct HTTPRequest: Sendable {
    /// `GET`, `HEAD`, `PUT`, `POST`, `DELETE`, …
    package var method: String
    /// The full URL, already percent-encoded (`HTTPClient` sends it as is).
    package var url: String
    package var headers: HTTPHeaders
    package var body: [UInt8]
    package var timeouts: HTTPTimeouts
    /// How to sign the request, if at all; applied by libcurl on every attempt.
    package var signing: HTTPRequestSigning?

    package init(method: String = "GET", url: String, headers: HTTPHeaders = [:], body: [UInt8] = [],
                 timeouts: HTTPTimeouts = .init(), signing: HTTPRequestSigning? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeouts = timeouts
        self.signing = signing
    }

    /// The URL without its query string, for logs and errors (query strings may hold API keys).
    package var redactedURL: String { HTTPRequest.redacting(url) }

    package static func redacting(_ url: String) -> String {
        guard let query = url.firstIndex(where: { $0 == "?" || $0 == "#" }) else { return url }
        return String(url[..<query]) + "?…"
    }
}

/// Limits for one attempt. A transfer is abandoned when it cannot connect in time or when
/// fewer than `lowSpeedBytesPerSecond` arrive for `lowSpeedTime` (a stalled peer).
package struct HTTPTimeouts: Sendable, Hashable {
    package var connect: Duration
    package var lowSpeedBytesPerSecond: Int
    package var lowSpeedTime: Duration
    /// A cap on the whole attempt; `nil` for none (streamed bodies of any size).
    package var total: Duration?

    package init(connect: Duration = .seconds(10), lowSpeedBytesPerSecond: Int = 1,
                 lowSpeedTime: Duration = .seconds(60), total: Duration? = nil) {
        self.connect = connect
        self.lowSpeedBytesPerSecond = lowSpeedBytesPerSecond
        self.lowSpeedTime = lowSpeedTime
        self.total = total
    }
}

/// Request signing done by libcurl itself.
package enum HTTPRequestSigning: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// AWS Signature Version 4 (`CURLOPT_AWS_SIGV4`), e.g. scope `aws:amz:us-east-1:s3`.
    case awsSigV4(scope: String, accessKey: String, secretKey: String)

    /// Never shows the secret.
    package var description: String {
        switch self {
        case let .awsSigV4(scope, _, _): "awsSigV4(\(scope))"
        }
    }

    package var debugDescription: String { description }
}

/// Header fields in order; lookups ignore the case of names.
package struct HTTPHeaders: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    package struct Field: Sendable, Hashable {
        package var name: String
        package var value: String
    }

    package private(set) var fields: [Field] = []

    package init() {}

    package init(dictionaryLiteral elements: (String, String)...) {
        for (name, value) in elements { add(name, value) }
    }

    package mutating func add(_ name: String, _ value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// The first value of the named field.
    package subscript(_ name: String) -> String? {
        fields.first { $0.name.caseInsensitiveEquals(name) }?.value
    }

    package func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }
}

extension String {
    func caseInsensitiveEquals(_ other: String) -> Bool {
        utf8.count == other.utf8.count && lowercased() == other.lowercased()
    }
}

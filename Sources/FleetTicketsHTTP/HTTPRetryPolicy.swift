import CCurl

/// When and how long `HTTPClient` waits before trying a request again.
///
/// Retried: the statuses in `retryableStatuses` (by default 5xx except 501 and 505, which
/// includes S3's 503 SlowDown), connection failures and resets, and timeouts. Not retried:
/// every other status (4xx answers are final), TLS and URL errors, cancellation.
/// The wait before retry *n* (0-based) is a random duration between half and all of
/// `min(maxDelay, baseDelay * 2ⁿ)` ("equal jitter"), so clients that failed together do
/// not retry together.
package struct HTTPRetryPolicy: Sendable {
    package var maxRetries: Int
    package var baseDelay: Duration
    package var maxDelay: Duration
    package var retryableStatuses: Set<Int>

    package init(maxRetries: Int = 4, baseDelay: Duration = .milliseconds(200), maxDelay: Duration = .seconds(5),
                 retryableStatuses: Set<Int> = HTTPRetryPolicy.serverErrors) {
        self.maxRetries = max(0, maxRetries)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.retryableStatuses = retryableStatuses
    }

    /// No retries at all.
    package static let never = HTTPRetryPolicy(maxRetries: 0)

    /// 500–599 except 501 Not Implemented and 505 HTTP Version Not Supported.
    package static let serverErrors: Set<Int> = Set(500...599).subtracting([501, 505])

    package func shouldRetry(status: Int) -> Bool { retryableStatuses.contains(status) }

    /// Transport failures worth another attempt: the server was unreachable for a moment,
    /// reset the connection, sent nothing or half a body, or was too slow.
    package func shouldRetry(curlCode: Int) -> Bool {
        Self.transientCurlCodes.contains(curlCode)
    }

    /// The wait before retry number `retry` (0-based).
    package func delay(beforeRetry retry: Int) -> Duration {
        let exponent = min(retry, 30)
        var ceiling = baseDelay * (1 << exponent)
        if ceiling > maxDelay || ceiling < .zero { ceiling = maxDelay }
        let ceilingSeconds = Double(ceiling.components.seconds) + Double(ceiling.components.attoseconds) * 1e-18
        return .seconds(ceilingSeconds * Double.random(in: 0.5...1.0))
    }

    private static let transientCurlCodes: Set<Int> = [
        CURLE_COULDNT_CONNECT, CURLE_PARTIAL_FILE, CURLE_OPERATION_TIMEDOUT, CURLE_GOT_NOTHING,
        CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_HTTP2, CURLE_HTTP2_STREAM,
    ].reduce(into: []) { $0.insert(Int($1.rawValue)) }
}

import CCurl

/// A request that got no usable HTTP response: the connection, TLS or a timeout failed
/// (after any retries), or the transfer broke off mid-body.
///
/// Names the method and the URL without its query string; never headers, so never credentials.
package struct HTTPError: Error, Sendable, CustomStringConvertible {
    package var method: String
    /// The URL without its query string.
    package var url: String
    /// libcurl's result code (`CURLcode`), e.g. 7 (could not connect), 28 (timed out).
    package var curlCode: Int
    /// libcurl's explanation.
    package var message: String
    /// How many attempts were retried before giving up.
    package var retries: Int
    /// The status of the last attempt that got one, if any did.
    package var lastStatus: Int?

    package var description: String {
        var text = "\(method) \(url) failed: \(message) (curl error \(curlCode))"
        if retries > 0 { text += " after \(retries) \(retries == 1 ? "retry" : "retries")" }
        if let lastStatus { text += "; last HTTP status \(lastStatus)" }
        return text
    }

    /// True for a timeout (connect, stall or total).
    package var isTimeout: Bool { curlCode == Int(CURLE_OPERATION_TIMEDOUT.rawValue) }

    /// True when the caller's task was cancelled.
    package var isCancellation: Bool { curlCode == Int(CURLE_ABORTED_BY_CALLBACK.rawValue) }
}

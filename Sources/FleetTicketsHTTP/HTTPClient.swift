import Logging

/// TLS settings. Verification is on unless turned off explicitly.
package struct HTTPTLSOptions: Sendable, Hashable {
    /// Verify the server's certificate and host name.
    package var verifyPeer: Bool
    /// A PEM file of CA certificates to trust instead of the system's.
    package var caBundlePath: String?

    package init(verifyPeer: Bool = true, caBundlePath: String? = nil) {
        self.verifyPeer = verifyPeer
        self.caBundlePath = caBundlePath
    }
}

/// A small HTTP client on libcurl, with retries.
///
/// Every attempt runs `curl_easy_perform` on a thread of its own (parked for later attempts
/// when it is done), so a slow server never blocks the Swift concurrency pool. Responses
/// with any status are returned (callers decide what a 404 means); a retryable status (see
/// `HTTPRetryPolicy`) is retried first, and when retries run out the last response is
/// returned with its `retries` count. A transport failure that outlasts the retries is
/// thrown as an `HTTPError`; cancelling the calling task aborts the transfer and throws
/// `CancellationError`.
///
/// ```swift
/// let client = HTTPClient(logger: logger)
/// let response = try await client.execute(HTTPRequest(url: "https://example.org/search?q=Nairobi"))
/// ```
package struct HTTPClient: Sendable {
    package var retryPolicy: HTTPRetryPolicy
    package var tls: HTTPTLSOptions
    /// Bytes per streamed chunk, and how many chunks may wait for a slow consumer.
    package var streamChunkSize = 256 * 1024
    package var streamBufferedChunks = 4
    private let clock: any Clock<Duration>
    private let logger: Logger

    /// - Parameter clock: what backoff sleeps on; tests pass a fast or manual clock.
    package init(retryPolicy: HTTPRetryPolicy = .init(), tls: HTTPTLSOptions = .init(),
                 clock: some Clock<Duration> = ContinuousClock(), logger: Logger) {
        self.retryPolicy = retryPolicy
        self.tls = tls
        self.clock = clock
        self.logger = logger
    }

    /// Sends the request and reads the whole response.
    package func execute(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await withRetries(request) {
            switch await CurlTransfer.perform(request, tls: tls) {
            case let .response(response): .response(response, response)
            case let .failure(code, message, status): .failure(code, message, status)
            }
        }
    }

    /// Sends the request and returns once the response head is in; the body then streams.
    /// Retries happen only before the body starts; a failure mid-body is thrown from `body`.
    package func stream(_ request: HTTPRequest) async throws -> HTTPStreamingResponse {
        let (chunkSize, buffered) = (streamChunkSize, streamBufferedChunks)
        return try await withRetries(request) {
            switch await CurlTransfer.start(request, tls: tls, chunkSize: chunkSize, bufferedChunks: buffered) {
            case let .streaming(status, headers, channel):
                .response(HTTPStreamingResponse(status: status, headers: headers, body: channel.stream, retries: 0),
                          HTTPResponse(status: status, headers: headers))
            case let .completed(.response(response)):
                .response(HTTPStreamingResponse(replaying: response), response)
            case let .completed(.failure(code, message, status)):
                .failure(code, message, status)
            }
        }
    }

    private enum Attempt<Result: Sendable>: Sendable {
        /// A response: the result to return and its head (to decide on a retry).
        case response(Result, HTTPResponse)
        case failure(Int, String, Int?)
    }

    private func withRetries<Result: Sendable & RetryCounting>(
        _ request: HTTPRequest, attempt: () async -> Attempt<Result>
    ) async throws -> Result {
        var retries = 0
        var lastStatus: Int?
        while true {
            try Task.checkCancellation()
            let reason: String
            switch await attempt() {
            case .response(var result, let head):
                lastStatus = head.status
                guard retryPolicy.shouldRetry(status: head.status), retries < retryPolicy.maxRetries else {
                    result.retries = retries
                    return result
                }
                reason = "HTTP \(head.status)"
            case let .failure(code, message, status):
                lastStatus = status ?? lastStatus
                try Task.checkCancellation()
                guard retryPolicy.shouldRetry(curlCode: code), retries < retryPolicy.maxRetries else {
                    throw HTTPError(method: request.method, url: request.redactedURL, curlCode: code,
                                    message: message, retries: retries, lastStatus: lastStatus)
                }
                reason = "\(message) (curl error \(code))"
            }
            let delay = retryPolicy.delay(beforeRetry: retries)
            retries += 1
            logger.notice("retrying an HTTP request", metadata: [
                "method": "\(request.method)", "url": "\(request.redactedURL)", "reason": "\(reason)",
                "retry": "\(retries)/\(retryPolicy.maxRetries)", "delay": "\(delay)",
            ])
            try await clock.sleep(for: delay)
        }
    }
}

/// Results that report how many attempts were retried.
protocol RetryCounting {
    var retries: Int { get set }
}

extension HTTPResponse: RetryCounting {}
extension HTTPStreamingResponse: RetryCounting {}

/// A complete HTTP response, body in memory.
package struct HTTPResponse: Sendable {
    package var status: Int
    package var headers: HTTPHeaders
    package var body: [UInt8]
    /// How many failed attempts came before this one.
    package var retries: Int

    package init(status: Int, headers: HTTPHeaders = [:], body: [UInt8] = [], retries: Int = 0) {
        self.status = status
        self.headers = headers
        self.body = body
        self.retries = retries
    }

    /// 200–299.
    package var isSuccess: Bool { (200..<300).contains(status) }

    /// The body as UTF-8 text (invalid bytes replaced).
    package var text: String { String(decoding: body, as: UTF8.self) }
}

/// An HTTP response whose body arrives in chunks while the transfer runs.
///
/// For a success (2xx) the body streams from the network with bounded buffering; a transfer
/// failure mid-body is thrown from the stream as an `HTTPError`. For any other status the
/// body (an error document) has already been read in full and `body` replays it.
/// Dropping the stream or cancelling the consuming task aborts the transfer.
package struct HTTPStreamingResponse: Sendable {
    package var status: Int
    package var headers: HTTPHeaders
    package var body: AsyncThrowingStream<[UInt8], any Error>
    package var retries: Int

    package var isSuccess: Bool { (200..<300).contains(status) }

    /// The `Content-Length` header, when the server sent one.
    package var contentLength: Int64? { headers["Content-Length"].flatMap { Int64($0) } }

    /// Reads the whole body into memory.
    package func collect() async throws -> [UInt8] {
        var bytes: [UInt8] = []
        for try await chunk in body { bytes.append(contentsOf: chunk) }
        return bytes
    }
}

extension HTTPStreamingResponse {
    /// A streaming response replaying a complete one (used for error statuses).
    init(replaying response: HTTPResponse) {
        let body = response.body
        self.init(status: response.status, headers: response.headers, body: AsyncThrowingStream { continuation in
            if !body.isEmpty { continuation.yield(body) }
            continuation.finish()
        }, retries: response.retries)
    }
}

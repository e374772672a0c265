import FleetTicketsCore
import Foundation
import Hummingbird

/// A request the service refuses (400): one sentence naming what is wrong and what is
/// accepted, answered as `{"error": "…"}`.
struct BadRequest: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The service's JSON answers.
enum JSONResponse {
    /// `data` (already JSON) with `status`.
    static func body(_ data: Data, status: HTTPResponse.Status = .ok, contentType: String = "application/json") -> Response {
        Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// `value` encoded as the SDK encodes dispatch answers (the read schema's keys and timestamps).
    static func encoded(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        body(try DispatchJSON.encode(value), status: status)
    }

    /// `{"error": sentence}`.
    static func error(_ sentence: String, status: HTTPResponse.Status) -> Response {
        // Encoding a one-key dictionary of strings cannot fail.
        body(try! DispatchJSON.encode(["error": sentence]), status: status)
    }
}

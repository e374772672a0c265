import FleetTicketsTesting
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 that plays a geocoding provider: each connection gets
/// the next scripted reply (the last one repeats) on a thread of its own, and every request
/// is recorded with its arrival time, target and headers.
final class StubGeocoderServer: Sendable {
    struct Reply: Sendable {
        var status: Int
        var body: String
        var headers: [String: String] = [:]
        /// Seconds to wait before answering (a slow provider).
        var delay: Double = 0

        static func json(_ status: Int, _ body: String, headers: [String: String] = [:]) -> Reply {
            Reply(status: status, body: body, headers: headers)
        }

        /// A reply that comes only after `seconds`.
        static func slow(_ seconds: Double, _ reply: Reply) -> Reply {
            var reply = reply
            reply.delay = seconds
            return reply
        }
    }

    struct Request: Sendable {
        var method: String
        /// Path and query, e.g. `/v1/search?key=…&q=Kasarani`.
        var target: String
        var headers: [(name: String, value: String)]
        var arrived: ContinuousClock.Instant

        var path: String { String(target.prefix { $0 != "?" }) }

        /// Query parameters, percent-decoded.
        var query: [String: String] {
            guard let components = URLComponents(string: "http://stub" + target) else { return [:] }
            return (components.queryItems ?? []).reduce(into: [:]) { $0[$1.name] = $1.value ?? "" }
        }

        func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    private let listener: LoopbackListener
    private let replies: Mutex<[Reply]>
    private let received = Mutex<[Request]>([])

    init(_ replies: [Reply]) throws {
        precondition(!replies.isEmpty)
        self.replies = Mutex(replies)
        listener = try LoopbackListener(backlog: 16)
        listener.start(concurrent: true) { [self] connection in
            let reply = self.replies.withLock { $0.count > 1 ? $0.removeFirst() : $0[0] }
            answer(connection, with: reply)
            close(connection)
        }
    }

    var port: Int { listener.port }

    convenience init(_ replies: Reply...) throws { try self.init(replies) }

    var url: String { listener.url }

    /// The requests received so far, in arrival order.
    var requests: [Request] { received.withLock { $0.sorted { $0.arrived < $1.arrived } } }

    /// Stops accepting; the port refuses connections from now on.
    func stop() { listener.stop() }

    private func answer(_ connection: Int32, with reply: Reply) {
        guard let requestHead = LoopbackSocket.readHead(connection)?.head else { return }
        let arrived = ContinuousClock.now
        let lines = requestHead.components(separatedBy: "\r\n")
        let parts = (lines.first ?? "").split(separator: " ").map(String.init)
        let headers = lines.dropFirst().prefix { !$0.isEmpty }.compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        received.withLock {
            $0.append(Request(method: parts.first ?? "", target: parts.count > 1 ? parts[1] : "", headers: headers, arrived: arrived))
        }
        if reply.delay > 0 { Thread.sleep(forTimeInterval: reply.delay) }
        var head = "HTTP/1.1 \(reply.status) Stub\r\nContent-Type: application/json; charset=utf-8\r\n"
        for (name, value) in reply.headers { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(reply.body.utf8.count)\r\nConnection: close\r\n\r\n"
        write(connection, head + reply.body)
    }

    private func write(_ connection: Int32, _ text: String) {
        LoopbackSocket.sendAll(connection, text)
    }
}

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

    let port: Int
    private let listener: Int32
    private let replies: Mutex<[Reply]>
    private let received = Mutex<[Request]>([])

    init(_ replies: [Reply]) throws {
        precondition(!replies.isEmpty)
        self.replies = Mutex(replies)
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw POSIXError(.EIO) }
        self.listener = listener
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    convenience init(_ replies: Reply...) throws { try self.init(replies) }

    var url: String { "http://127.0.0.1:\(port)" }

    /// The requests received so far, in arrival order.
    var requests: [Request] { received.withLock { $0.sorted { $0.arrived < $1.arrived } } }

    /// Stops accepting; the port refuses connections from now on (the serving thread closes
    /// the socket itself). Call it when done: the serving thread keeps the server alive.
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
    }

    private func serve() {
        while true {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else {
                close(listener)
                return
            }
            let reply = replies.withLock { $0.count > 1 ? $0.removeFirst() : $0[0] }
            let thread = Thread { [self] in
                answer(connection, with: reply)
                close(connection)
            }
            thread.start()
        }
    }

    private func answer(_ connection: Int32, with reply: Reply) {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !bytes.containsHeadEnd, bytes.count < 65536 {
            let count = recv(connection, &buffer, buffer.count, 0)
            guard count > 0 else { return }
            bytes += buffer[0..<count]
        }
        let arrived = ContinuousClock.now
        let lines = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n")
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
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { return }
            sent += count
        }
    }
}

extension [UInt8] {
    fileprivate var containsHeadEnd: Bool {
        count >= 4 && indices.dropLast(3).contains { self[$0] == 13 && self[$0 + 1] == 10 && self[$0 + 2] == 13 && self[$0 + 3] == 10 }
    }
}

/// A clock whose sleeps return at once, recording what was asked: long waits without waiting.
struct RecordingClock: Clock {
    typealias Duration = Swift.Duration
    typealias Instant = ContinuousClock.Instant

    private let log = SleepLog()

    var now: Instant { ContinuousClock.now }
    var minimumResolution: Duration { .nanoseconds(1) }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        try Task.checkCancellation()
        log.record(ContinuousClock.now.duration(to: deadline))
    }

    /// The durations slept, in order.
    var sleeps: [Duration] { log.all }

    private final class SleepLog: Sendable {
        private let durations = Mutex<[Duration]>([])
        func record(_ duration: Duration) { durations.withLock { $0.append(duration) } }
        var all: [Duration] { durations.withLock { $0 } }
    }
}

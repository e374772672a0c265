import FleetTicketsHTTP
import FleetTicketsTesting
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 that answers each connection with the next scripted
/// reply (the last one repeats) and closes it. For retry and error tests, no S3 needed.
final class ScriptedHTTPServer: Sendable {
    enum Reply: Sendable {
        case status(Int, body: String = "")
        /// Close the connection without answering (libcurl: "empty reply from server").
        case hangUp
        /// Send the head and a few body bytes, then go silent for `seconds`.
        case stall(seconds: Double)
        /// A 200 with `count` body bytes, written as fast as the client takes them.
        case body(count: Int)
        /// These bytes exactly (status line, headers, body).
        case raw(String)
    }

    private let listener: LoopbackListener
    private let replies: Mutex<[Reply]>
    private let requestLines = Mutex<[String]>([])
    private let sentBodyBytes = Mutex(0)

    init(_ replies: [Reply]) throws {
        precondition(!replies.isEmpty)
        self.replies = Mutex(replies)
        listener = try LoopbackListener(backlog: 16)
        listener.start(concurrent: false) { [self] connection in
            answer(connection)
            close(connection)
        }
    }

    var port: Int { listener.port }

    var url: String { listener.url }

    /// The request lines received so far, e.g. `GET /bucket?list-type=2&prefix= HTTP/1.1`.
    var requests: [String] { requestLines.withLock { $0 } }

    /// Body bytes the kernel has accepted from `.body` replies so far.
    var bodyBytesSent: Int { sentBodyBytes.withLock { $0 } }

    /// Stops accepting; the port refuses connections from now on.
    func stop() { listener.stop() }

    private func answer(_ connection: Int32) {
        guard let request = LoopbackSocket.readHead(connection) else { return }
        let requestLine = request.head.split(separator: "\r\n").first.map(String.init) ?? ""
        requestLines.withLock { $0.append(requestLine) }
        let reply = replies.withLock { $0.count > 1 ? $0.removeFirst() : $0[0] }
        switch reply {
        case .hangUp:
            return
        case let .status(status, body):
            write(connection, "HTTP/1.1 \(status) Scripted\r\nContent-Type: application/xml\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)")
        case let .raw(text):
            write(connection, text)
        case let .stall(seconds):
            write(connection, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nConnection: close\r\n\r\nfirst bytes")
            Thread.sleep(forTimeInterval: seconds)
        case let .body(count):
            write(connection, "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: \(count)\r\nConnection: close\r\n\r\n")
            let block = [UInt8](repeating: 0x61, count: 64 * 1024)
            var remaining = count
            while remaining > 0 {
                let sent = block[0..<min(block.count, remaining)].withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                guard sent > 0 else { return }
                remaining -= sent
                sentBodyBytes.withLock { $0 += sent }
            }
        }
    }

    private func write(_ connection: Int32, _ text: String) {
        LoopbackSocket.sendAll(connection, text)
    }
}

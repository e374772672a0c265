import FleetTicketsTesting
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A tiny HTTP/1.1 forwarding proxy on 127.0.0.1 (ephemeral port) in front of a real server
/// (the local S3), injecting faults by rule. Point `S3Configuration.endpoint` at ``url``:
/// path-style addressing keeps the forwarded request exactly as the client signed it.
///
/// Every request gets a connection of its own: the proxy answers with `Connection: close`, so
/// a client never reuses a connection and every attempt (including each retry) meets the rules.
/// A request that matches a rule with attempts left gets the rule's fault instead of being
/// forwarded; everything else is forwarded unchanged (except `Connection: close` upstream and
/// an `Expect: 100-continue`, which the proxy answers itself).
final class FaultProxy: Sendable {
    enum Fault: Sendable, Hashable, CustomStringConvertible {
        /// 503 with S3's SlowDown document.
        case slowDown
        /// Close the connection without answering (an RST: "connection reset by peer").
        case reset
        /// 500 with S3's InternalError document.
        case internalError

        var description: String {
            switch self {
            case .slowDown: "503 SlowDown"
            case .reset: "reset"
            case .internalError: "500 InternalError"
            }
        }
    }

    /// Which requests a fault hits: method, a substring of the request target (path and
    /// query, as sent: percent-encoded), optionally a header that must be present.
    struct Rule: Sendable {
        var method: String
        var pathContains: String
        var header: String?
        var fault: Fault
        /// How many matching requests get the fault; nil = every one, until ``heal()``.
        var times: Int?

        init(_ method: String, _ pathContains: String, header: String? = nil, fault: Fault, times: Int? = nil) {
            self.method = method
            self.pathContains = pathContains
            self.header = header?.lowercased()
            self.fault = fault
            self.times = times
        }
    }

    /// A request that got a fault.
    struct Injected: Sendable, Hashable {
        var method: String
        var target: String
        var fault: Fault
    }

    private let upstreamPort: UInt16
    private let listener: LoopbackListener
    private let rules: Mutex<[Rule]>
    private let injectedLog = Mutex<[Injected]>([])
    private let forwardedLog = Mutex<[String]>([])

    /// A proxy to `upstream` (an `http://127.0.0.1:PORT` URL), faulting by `rules`.
    init(upstream: String, rules: [Rule] = []) throws {
        guard let components = URLComponents(string: upstream), components.scheme == "http",
              ["127.0.0.1", "localhost"].contains(components.host ?? ""), let upstreamPort = components.port else {
            throw ProxyError("the upstream must be http://127.0.0.1:PORT, got \(upstream)")
        }
        self.upstreamPort = UInt16(upstreamPort)
        self.rules = Mutex(rules)
        listener = try LoopbackListener()
        listener.start(concurrent: true) { [self] connection in handle(connection) }
    }

    var port: Int { listener.port }

    /// The proxy's endpoint URL.
    var url: String { listener.url }

    /// Faults injected so far, in order.
    var injected: [Injected] { injectedLog.withLock { $0 } }

    /// Request lines forwarded to the upstream so far (`GET /bucket/key HTTP/1.1`).
    var forwarded: [String] { forwardedLog.withLock { $0 } }

    /// Adds a rule (checked after the existing ones).
    func add(_ rule: Rule) { rules.withLock { $0.append(rule) } }

    /// Drops every rule: from now on everything is forwarded.
    func heal() { rules.withLock { $0.removeAll() } }

    /// Stops accepting; the port refuses connections from now on.
    func stop() { listener.stop() }

    // MARK: - serving

    private func handle(_ client: Int32) {
        var closeGracefully = true
        defer {
            if closeGracefully { shutdown(client, Int32(SHUT_WR)) }
            close(client)
        }
        guard var request = LoopbackSocket.readHead(client) else { return }
        let head = Head(request.head)
        // The body: Content-Length bytes (the client sends no chunked requests).
        if head.header("expect")?.lowercased() == "100-continue" {
            guard LoopbackSocket.sendAll(client, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)) else { return }
        }
        let length = Int(head.header("content-length") ?? "0") ?? 0
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while request.rest.count < length {
            let count = recv(client, &buffer, buffer.count, 0)
            guard count > 0 else { return }
            request.rest += buffer[0..<count]
        }

        if let fault = fault(for: head) {
            injectedLog.withLock { $0.append(Injected(method: head.method, target: head.target, fault: fault)) }
            switch fault {
            case .reset:
                var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
                setsockopt(client, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
                closeGracefully = false
            case .slowDown:
                reply(client, status: "503 Slow Down", code: "SlowDown", message: "Please reduce your request rate.")
            case .internalError:
                reply(client, status: "500 Internal Server Error", code: "InternalError",
                      message: "We encountered an internal error. Please try again.")
            }
            return
        }
        forwardedLog.withLock { $0.append(head.lines.first ?? "") }
        forward(head, body: request.rest.prefix(length), to: client)
    }

    private func fault(for head: Head) -> Fault? {
        rules.withLock { rules in
            for index in rules.indices {
                let rule = rules[index]
                guard rule.method == head.method, head.target.contains(rule.pathContains),
                      rule.header.map({ head.header($0) != nil }) ?? true, rule.times.map({ $0 > 0 }) ?? true else { continue }
                if let times = rule.times { rules[index].times = times - 1 }
                return rule.fault
            }
            return nil
        }
    }

    private func reply(_ client: Int32, status: String, code: String, message: String) {
        let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>\(code)</Code><Message>\(message)</Message><RequestId>fault-proxy</RequestId></Error>"
        let text = "HTTP/1.1 \(status)\r\nContent-Type: application/xml\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
        _ = LoopbackSocket.sendAll(client, Array(text.utf8))
    }

    /// Sends the request upstream on a new connection and relays the answer: its head with
    /// `Connection: close`, then the body as it arrives, until the upstream closes.
    private func forward(_ head: Head, body: ArraySlice<UInt8>, to client: Int32) {
        let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard upstream >= 0 else { return }
        defer { close(upstream) }
        var address = LoopbackSocket.address(port: upstreamPort)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return }
        var lines = head.lines.filter { line in
            let name = line.split(separator: ":", maxSplits: 1).first.map { $0.lowercased() } ?? ""
            return name != "connection" && name != "expect" && name != "keep-alive"
        }
        lines.append("Connection: close")
        guard LoopbackSocket.sendAll(upstream, Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8) + body) else { return }

        guard let response = LoopbackSocket.readHead(upstream) else { return }
        var responseLines = response.head.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init).filter { line in
            let name = line.split(separator: ":", maxSplits: 1).first.map { $0.lowercased() } ?? ""
            return name != "connection" && name != "keep-alive"
        }
        responseLines.append("Connection: close")
        guard LoopbackSocket.sendAll(client, Array((responseLines.joined(separator: "\r\n") + "\r\n\r\n").utf8) + response.rest) else { return }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = recv(upstream, &buffer, buffer.count, 0)
            guard count > 0 else { return }
            guard LoopbackSocket.sendAll(client, Array(buffer[0..<count])) else { return }
        }
    }

    /// A request head: request line and header lines.
    private struct Head {
        var lines: [String]
        var method: String
        var target: String

        init(_ text: String) {
            lines = text.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
            let parts = (lines.first ?? "").split(separator: " ")
            method = parts.first.map(String.init) ?? ""
            target = parts.count > 1 ? String(parts[1]) : ""
        }

        /// The first value of a header (name case-insensitive).
        func header(_ name: String) -> String? {
            for line in lines.dropFirst() {
                let pair = line.split(separator: ":", maxSplits: 1)
                if pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == name.lowercased() {
                    return pair[1].trimmingCharacters(in: .whitespaces)
                }
            }
            return nil
        }
    }

    struct ProxyError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}

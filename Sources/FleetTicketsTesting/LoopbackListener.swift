import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A TCP listener on 127.0.0.1 at a free port, handing each accepted connection to a handler:
/// the plumbing under test doubles that must be real servers (HTTP stubs, fault proxies).
///
/// ```swift
/// let listener = try LoopbackListener()
/// listener.start { connection in
///     _ = LoopbackSocket.readHead(connection)
///     LoopbackSocket.sendAll(connection, Array("HTTP/1.1 204 No Content\r\n\r\n".utf8))
///     close(connection)
/// }
/// ```
public final class LoopbackListener: Sendable {
    /// The port the kernel chose.
    public let port: Int
    private let socket: Int32

    /// Binds and listens; call `start` to begin accepting.
    public init(backlog: Int32 = 64) throws {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        var address = LoopbackSocket.address(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, backlog) == 0 else {
            let code = POSIXErrorCode(rawValue: errno) ?? .EADDRINUSE
            close(fd)
            throw POSIXError(code)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        socket = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    /// `http://127.0.0.1:<port>`.
    public var url: String { "http://127.0.0.1:\(port)" }

    /// Accepts connections on a thread of its own; each goes to `handle`, which owns (and
    /// closes) it — on a new thread per connection when `concurrent`, else one after another.
    public func start(concurrent: Bool, _ handle: @escaping @Sendable (Int32) -> Void) {
        let fd = socket
        Thread {
            while true {
                let connection = accept(fd, nil, nil)
                guard connection >= 0 else {
                    if errno == EINTR { continue }
                    // Closed here, by the accepting thread: closing it in stop() could let a new
                    // socket reuse the descriptor number just as accept is called on it.
                    close(fd)
                    return
                }
                if concurrent {
                    Thread { handle(connection) }.start()
                } else {
                    handle(connection)
                }
            }
        }.start()
    }

    /// Stops accepting; the port refuses connections from now on.
    public func stop() {
        shutdown(socket, Int32(SHUT_RDWR))
    }
}

/// Byte-level helpers for loopback test servers.
public enum LoopbackSocket {
    /// An IPv4 loopback address.
    public static func address(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = port.bigEndian
        return address
    }

    /// Reads up to the end of an HTTP message head; returns the head (without the blank line)
    /// and whatever arrived after it, or nil when the peer closed first or sent too much.
    public static func readHead(_ socket: Int32, limit: Int = 1 << 20) -> (head: String, rest: [UInt8])? {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        var searched = 0
        while received.count < limit {
            if received.count >= 4 {
                for i in max(0, searched - 3)...(received.count - 4)
                where received[i] == 13 && received[i + 1] == 10 && received[i + 2] == 13 && received[i + 3] == 10 {
                    return (String(decoding: received[..<i], as: UTF8.self), Array(received[(i + 4)...]))
                }
                searched = received.count
            }
            let count = recv(socket, &buffer, buffer.count, 0)
            guard count > 0 else { return nil }
            received += buffer[0..<count]
        }
        return nil
    }

    /// Sends every byte (without SIGPIPE); false when the peer went away.
    @discardableResult
    public static func sendAll(_ socket: Int32, _ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { return false }
            sent += count
        }
        return true
    }

    /// Sends text as UTF-8.
    @discardableResult
    public static func sendAll(_ socket: Int32, _ text: String) -> Bool {
        sendAll(socket, Array(text.utf8))
    }
}

import FleetTicketsTesting
import Foundation
#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One sample of the Prometheus text exposition format: `name{label="value",…} number`.
struct Sample: Equatable {
    var name: String
    var labels: [String: String]
    var value: Double

    /// Named `name`, with at least these labels.
    func matches(_ name: String, _ labels: [String: String]) -> Bool {
        self.name == name && labels.allSatisfy { key, value in self.labels[key] == value }
    }
}

/// Reads `run --metrics-port`'s endpoint as Prometheus and a probe would.
enum Scrape {
    /// The status and body of `GET http://127.0.0.1:port/path`; nil while nothing listens.
    static func get(_ port: Int, _ path: String) async -> (status: Int, body: String)? {
        guard let url = URL(string: "http://127.0.0.1:\(port)\(path)") else { return nil }
        guard let (data, response) = try? await URLSession.shared.data(from: url),
              let http = response as? HTTPURLResponse else { return nil }
        return (http.statusCode, String(decoding: data, as: UTF8.self))
    }

    /// The samples of an exposition; comments and blank lines skipped. A line that is not a
    /// sample is an error naming it, so a malformed exposition fails the test.
    static func parse(_ text: String) throws -> [Sample] {
        try text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }.map { line in
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                throw Malformed(line: String(line))
            }
            let series = line[..<space]
            guard let open = series.firstIndex(of: "{") else {
                return Sample(name: String(series), labels: [:], value: value)
            }
            guard series.hasSuffix("}") else { throw Malformed(line: String(line)) }
            var labels: [String: String] = [:]
            for pair in series[series.index(after: open)..<series.index(before: series.endIndex)].split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, parts[1].hasPrefix("\""), parts[1].hasSuffix("\"") else { throw Malformed(line: String(line)) }
                labels[String(parts[0])] = String(parts[1].dropFirst().dropLast())
            }
            return Sample(name: String(series[..<open]), labels: labels, value: value)
        }
    }

    struct Malformed: Error, CustomStringConvertible {
        var line: String
        var description: String { "not a sample of the text exposition format: \(line)" }
    }

    /// A TCP port nothing listens on now: the kernel's choice for a socket bound and closed.
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = LoopbackSocket.address(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 ? getsockname(fd, $0, &length) : -1 }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

extension [Sample] {
    /// The sum of the samples named `name` whose labels include `labels`.
    func sum(_ name: String, _ labels: [String: String] = [:]) -> Double {
        filter { $0.matches(name, labels) }.reduce(0) { $0 + $1.value }
    }

    /// Whether a sample named `name` with these labels exists.
    func has(_ name: String, _ labels: [String: String] = [:]) -> Bool {
        contains { $0.matches(name, labels) }
    }
}

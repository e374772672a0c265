import FleetTicketsTesting
import Foundation
import Testing

/// Runs the built `fleettickets` executable the way an operator or a scheduler does.
enum CLI {
    /// The executable SwiftPM built beside the test bundle (`FLEETTICKETS_BINARY` overrides).
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["FLEETTICKETS_BINARY"], !path.isEmpty { return URL(fileURLWithPath: path) }
        return ChildProcess.builtProduct("fleettickets")
    }

    /// What a finished run left.
    typealias Result = ChildProcess.Result
    typealias Running = ChildProcess.Running

    /// The environment a run sees: only PATH and HOME from ours (so a developer's DATABASE_URL
    /// never leaks in), plus `env`.
    static func environment(_ env: [String: String]) -> [String: String] {
        let mine = ProcessInfo.processInfo.environment
        var out = ["PATH": mine["PATH"] ?? "/usr/bin:/bin", "HOME": mine["HOME"] ?? "/tmp"]
        for (k, v) in env { out[k] = v }
        return out
    }

    /// Runs to the end (killed after `timeout` seconds, which fails the test).
    static func run(_ arguments: [String], env: [String: String] = [:], in directory: URL? = nil,
                    timeout: Double = 120, sourceLocation: SourceLocation = #_sourceLocation) async throws -> Result {
        try await withRunning(arguments, env: env, in: directory) { running in
            try await wait(running, timeout: timeout, sourceLocation: sourceLocation)
        }
    }

    /// Starts a run in the background (the worker) for `body`, and stops it however `body`
    /// ends (a failed `#require` included): no test leaves a worker running.
    static func withRunning<T>(_ arguments: [String], env: [String: String] = [:], in directory: URL? = nil,
                               _ body: (Running) async throws -> T) async throws -> T {
        try await ChildProcess.withRunning(binary, arguments, environment: environment(env),
                                           directory: directory ?? FileManager.default.temporaryDirectory, body)
    }

    /// Waits for a run's exit; one still going after `timeout` seconds is killed and fails the test.
    static func wait(_ running: Running, timeout: Double, sourceLocation: SourceLocation = #_sourceLocation) async throws -> Result {
        let result = try await running.wait(timeout: timeout)
        if result.timedOut {
            Issue.record("fleettickets \(running.arguments) did not finish within \(timeout) s", sourceLocation: sourceLocation)
        }
        return result
    }

    /// A new empty folder.
    static func scratchFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ft-cli-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
